"""Text boxes of a figure laid out by workbench: where each piece of text sits, and the rules
every figure keeps (inside the canvas, no two boxes touching, no text under the smallest
printed size). The Sankey layout and the heat map use them; tests read the same boxes back
from the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.export.fontmetrics import text_width
from workbench.i18n import _
from workbench.store.errors import WorkbenchError

#: the height of a line of text in em, as plotly draws annotation text (its LINE_SPACING)
LINE = 1.3


@dataclass(frozen=True)
class Box:
    """A rectangle in figure pixels, y down."""

    x0: float
    y0: float
    x1: float
    y1: float

    def meets(self, other: Box, gap: float = 0.0) -> bool:
        """True when the two boxes overlap or come closer than ``gap``."""
        return not (
            self.x1 + gap <= other.x0
            or other.x1 + gap <= self.x0
            or self.y1 + gap <= other.y0
            or other.y1 + gap <= self.y0
        )

    def within(self, width: float, height: float) -> bool:
        return self.x0 >= 0 and self.y0 >= 0 and self.x1 <= width and self.y1 <= height


@dataclass(frozen=True)
class Text:
    """One annotation: its lines, font size (pixels), weight, box, and how its lines align."""

    kind: str  # label, heading, title, value, note
    index: int
    lines: tuple[str, ...]
    font: float
    box: Box
    align: str = "center"
    bold: bool = False

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.index}" if self.kind != "title" else "title"


def block_size(lines: Sequence[str], font: float, bold: bool = False) -> tuple[float, float]:
    """Width and height in pixels of lines of text at ``font`` pixels."""
    width = max((text_width(line, font, bold) for line in lines), default=0.0)
    return width, len(lines) * LINE * font


def placed(
    kind: str,
    index: int,
    lines: Sequence[str],
    font: float,
    x: float,
    y: float,
    xanchor: str,
    yanchor: str,
    bold: bool = False,
) -> Text:
    """The text whose box has its ``xanchor``/``yanchor`` side at (x, y)."""
    w, h = block_size(lines, font, bold)
    left = {"left": x, "right": x - w, "center": x - w / 2}[xanchor]
    top = {"top": y, "bottom": y - h, "middle": y - h / 2}[yanchor]
    return Text(kind, index, tuple(lines), font, Box(left, top, left + w, top + h), xanchor, bold)


def wrap(text: str, font_size: float, max_width: float, bold: bool = False) -> list[str]:
    """``text`` on as few lines as fit ``max_width``, broken at spaces (greedy); a word
    longer than the width stays whole on its line."""
    words = text.split(" ")
    lines: list[str] = []
    for word in words:
        if lines and text_width(lines[-1] + " " + word, font_size, bold) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def check_texts(
    texts: Sequence[Text], width: float, height: float, min_font: float, gap: float = 1.0
) -> str | None:
    """The first broken rule among ``texts``, as a sentence, or None when all hold: every box
    inside the canvas, no two boxes closer than ``gap``, no font under ``min_font``."""
    for t in texts:
        if t.font < min_font - 1e-6:
            return _("{what} would print at {pt:.1f} pt, under the {least:.0f} pt minimum").format(
                what=t.name, pt=t.font * 0.75, least=min_font * 0.75
            )
        if not t.box.within(width + 0.01, height + 0.01):
            return _("{what} ({text}) would fall off the canvas").format(
                what=t.name, text=" ".join(t.lines)
            )
    ordered = sorted(texts, key=lambda t: t.box.x0)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.box.x0 >= a.box.x1 + gap:
                break
            if a.box.meets(b.box, gap):
                return _("{a} ({ta}) and {b} ({tb}) would touch").format(
                    a=a.name, ta=" ".join(a.lines), b=b.name, tb=" ".join(b.lines)
                )
    return None


def refuse_if_broken(
    texts: Sequence[Text], width: float, height: float, min_font: float, hint: str
) -> None:
    """``check_texts`` as a refusal: a figure that breaks a rule is never written."""
    broken = check_texts(texts, width, height, min_font)
    if broken:
        raise WorkbenchError(f"{broken}; {hint}")
