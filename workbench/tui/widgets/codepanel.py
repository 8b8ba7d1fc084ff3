"""A code's definition card: what a coder reads before applying a code.

Description, inclusion and exclusion criteria, examples, keywords, memos and how often the code
was used. The coding screen shows it beside the tree (toggled with ``i``) and the codebook
screen shows the same card, so the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from workbench.i18n import _
from workbench.store.model import Code


def first_line(text: str | None, width: int = 70) -> str:
    """The first line of ``text`` cut at a word to ``width`` characters (for one-line hints)."""
    line = (text or "").strip().split("\n", 1)[0].strip()
    if len(line) <= width:
        return line
    cut = line.rfind(" ", 0, width - 1)
    return line[: cut if cut > width // 2 else width - 1].rstrip(" ,;:") + "…"


def code_card(
    code: Code, colour: str, *, usage: str = "", memos: Sequence[str] = (), hint: str = ""
) -> Text:
    """The card of ``code``: swatch and path, usage, definitions, examples, keywords, memos."""
    text = Text()
    text.append("■ ", style=colour or "")
    text.append(code.path + "\n", style="bold")
    if usage:
        text.append(usage + "\n", style="dim")
    text.append("\n")
    for title, value in (
        (_("Description"), code.description),
        (_("Include"), code.inclusion),
        (_("Exclude"), code.exclusion),
    ):
        if value:
            text.append(f"{title}\n", style="bold underline")
            text.append(value.strip() + "\n\n")
    if code.examples:
        text.append(_("Examples\n"), style="bold underline")
        for example in code.examples:
            text.append(f"“{example}”\n", style="italic")
        text.append("\n")
    if code.keywords:
        text.append(_("Keywords\n"), style="bold underline")
        for lang, words in code.keywords.items():
            text.append(f"{lang}: {', '.join(words)}\n")
        text.append("\n")
    for memo in memos:
        text.append(_("Memo\n"), style="bold underline")
        text.append(memo.strip() + "\n\n", style="italic")
    if (
        not (
            code.description
            or code.inclusion
            or code.exclusion
            or code.keywords
            or code.examples
            or memos
        )
        and hint
    ):
        text.append(hint + "\n", style="dim italic")
    return text


class CodePanel(Static):
    """The card of one code (or a hint when there is none)."""

    code_id: int | None = None

    def show_code(
        self,
        code: Code | None,
        colour: str = "",
        *,
        usage: str = "",
        memos: Sequence[str] = (),
        hint: str = "",
    ) -> None:
        self.code_id = code.id if code is not None else None
        if code is None:
            self.update(Text(hint or _("No code here."), style="dim"))
            return
        self.update(code_card(code, colour, usage=usage, memos=memos, hint=hint))
