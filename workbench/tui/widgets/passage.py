"""A passage of a transcript with marked spans: one coder's, another's, both, a suggestion.

The reconciliation and suggestion screens show a stretch of text around the place at hand
with spans picked out. Marks are styled through component classes (``app.tcss``), so the
looks follow the theme like the transcript view's.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from workbench.i18n import _

#: characters of context shown either side of the place at hand
CONTEXT = 160
#: longest stretch of the place itself that is shown (a document unit can be the whole text)
LONGEST = 1600


class PassageView(Static):
    """Text around ``[start, end)`` with marked spans; ``kinds`` name component classes."""

    COMPONENT_CLASSES = {
        "passage--focus",
        "passage--a",
        "passage--b",
        "passage--both",
        "passage--suggestion",
    }

    def show(
        self,
        text: str,
        start: int,
        end: int,
        marks: Iterable[tuple[int, int, str]] = (),
        *,
        context: int = CONTEXT,
    ) -> Text:
        """Show ``text`` around ``[start, end)``; each mark ``(start, end, kind)`` is styled
        with ``passage--kind``; where an ``a`` and a ``b`` mark meet, ``passage--both``."""
        shown_end = min(end, start + LONGEST)
        lo = max(0, start - context)
        hi = min(len(text), shown_end + context)
        if lo > 0:
            space = text.find(" ", lo, start)
            lo = space + 1 if space != -1 else lo
        if hi < len(text):
            space = text.rfind(" ", shown_end, hi)
            hi = space if space != -1 else hi
        kinds: list[frozenset[str]] = [frozenset()] * (hi - lo)
        for m_start, m_end, kind in [(start, shown_end, "focus"), *marks]:
            for i in range(max(m_start, lo), min(m_end, hi)):
                kinds[i - lo] = kinds[i - lo] | {kind}
        out = Text()
        if lo > 0:
            out.append("…")
        styles: dict[frozenset[str], Style] = {}
        run_start = lo
        for i in range(lo + 1, hi + 1):
            if i < hi and kinds[i - lo] == kinds[run_start - lo]:
                continue
            key = kinds[run_start - lo]
            if key not in styles:
                styles[key] = self._style_for(key)
            out.append(text[run_start:i], style=styles[key])
            run_start = i
        if shown_end < end:
            out.append(_(" … ({value} more characters)").format(value=end - shown_end), style="dim")
        if hi < len(text):
            out.append("…")
        self.update(out)
        return out

    def _style_for(self, key: frozenset[str]) -> Style:
        style = Style()
        names = sorted(key)
        if "a" in key and "b" in key:
            names = [n for n in names if n not in ("a", "b")] + ["both"]
        for name in names:
            style += self.get_component_rich_style(f"passage--{name}", partial=True)
        return style
