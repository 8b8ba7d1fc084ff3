"""The pseudo-locale and the checks that find text which bypassed the translation layer.

In the pseudo-locale every string the catalogs know is shown as ``[!! text !!]``. Text a user
sees that is not inside such a mark, and is not the project's own data (names, transcript
words, numbers), key names, option names or metavariables, did not go through the layer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from functools import lru_cache

from tools.catalogs import PSEUDO, extract, pseudo_translations
from workbench.i18n import register_catalog

WORD = re.compile(r"[^\W\d_]{2,}", re.U)


@lru_cache(maxsize=1)
def template():
    return extract()


def install_pseudo() -> str:
    """Register the pseudo-locale as a language (``--lang pseudo``); returns its code."""
    register_catalog(PSEUDO, pseudo_translations(template()))
    return PSEUDO


MARK = re.compile(r"(\[!!|!!\])")


def strip_marked(text: str, *, screen: bool = False) -> str:
    """``text`` with every ``[!! ... !!]`` (nested, wrapped over lines) blanked out.

    A mark may be left open where its text was cut: a command's one-line summary on a help
    page (``  name   [!! First sentence...``), a line ending in an ellipsis, and (``screen``)
    any line of a screen, where a box or the terminal's edge cuts a label. Such a mark ends
    with its line.
    """
    out: list[str] = []
    depth = 0
    for line in text.split("\n"):
        kept: list[str] = []
        for token in MARK.split(line):
            if token == "[!!":
                depth += 1
            elif token == "!!]":
                depth = max(0, depth - 1)
            elif not depth:
                kept.append(token)
        cut = line.rstrip().endswith(("…", "...")) or ENTRY.match(line)
        if cut:
            depth = 0
        out.append(" ".join(kept))
    return "\n".join(out)


#: a help page's line listing a command with its summary
ENTRY = re.compile(r"^\s+\w[\w-]*\s{2,}\[!!")


def unmarked_words(text: str, allowed: Iterable[str] = (), *, screen: bool = False) -> list[str]:
    """Words of ``text`` outside ``[!! ... !!]`` marks and not in ``allowed`` (any case)."""
    allowed_lower = {a.lower() for a in allowed}
    rest = strip_marked(text, screen=screen)
    return [w for w in WORD.findall(rest) if w.lower() not in allowed_lower]


def words_of(*texts: str) -> set[str]:
    return {w.lower() for t in texts for w in WORD.findall(t)}


def screen_text(app) -> str:
    """What the app's screen shows, as plain text (one line per terminal row)."""
    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()
