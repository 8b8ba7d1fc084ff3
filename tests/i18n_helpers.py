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

#: a marked string, possibly wrapped over lines (help pages, errors), or cut short where a
#: help page lists commands (its next line starts another ``name  [!! ...`` entry)
MARKED = re.compile(r"\[!!.*?(?:!!\]|(?=\n\s+\S+\s+\[!!)|\Z)", re.S)
#: on a screen a marked string may also be cut at the edge of its box: up to the line's end
MARKED_ON_A_LINE = re.compile(r"\[!!.*?(?:!!\]|$)", re.M)
WORD = re.compile(r"[^\W\d_]{2,}", re.U)


@lru_cache(maxsize=1)
def template():
    return extract()


def install_pseudo() -> str:
    """Register the pseudo-locale as a language (``--lang pseudo``); returns its code."""
    register_catalog(PSEUDO, pseudo_translations(template()))
    return PSEUDO


def unmarked_words(text: str, allowed: Iterable[str] = (), *, screen: bool = False) -> list[str]:
    """Words of ``text`` outside ``[!! ... !!]`` marks and not in ``allowed`` (any case);
    ``screen``: marks end at the end of a line at the latest (a box cuts them)."""
    allowed_lower = {a.lower() for a in allowed}
    rest = MARKED.sub(" ", text)
    if screen:
        rest = MARKED_ON_A_LINE.sub(" ", rest)
    rest = rest.replace("!!]", " ")
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
