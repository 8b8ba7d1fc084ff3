"""Code colours shared by the app and the figures, from a palette safe for colour blindness.

A code shows its codebook colour; a code without one takes its nearest coloured ancestor's,
and a group without any takes the next colour of ``PALETTE`` (Okabe and Ito's eight colours,
distinguishable with the common forms of colour blindness, in print and in grey scale
better than most, and still distinct after a 256-colour terminal reduces them). One function
decides, so a code looks the same on screen and in a paper's figure.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.store.model import Code

# Okabe & Ito (2008), "Color Universal Design"; black left out (it reads as text).
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    "#999999",
)


def group_colour(index: int) -> str:
    """The palette colour of the ``index``-th top-level group."""
    return PALETTE[index % len(PALETTE)]


def code_colours(codes: Sequence[Code], palette: Sequence[str] = PALETTE) -> dict[int, str]:
    """``code id -> #RRGGBB`` for every code (parents come before children in ``codes``).

    ``palette`` colours the groups that have no colour of their own (default ``PALETTE``).
    """
    colours: dict[int, str] = {}
    top = 0
    for code in codes:
        if code.colour:
            colours[code.id] = code.colour
        elif code.parent_id is not None and code.parent_id in colours:
            colours[code.id] = colours[code.parent_id]
        else:
            colours[code.id] = palette[top % len(palette)]
        if code.parent_id is None:
            top += 1
    return colours


def value_colours(values: Sequence[str]) -> dict[str, str]:
    """Colours for the values of a case attribute (regions, sectors) in a figure."""
    return {
        v: PALETTE[(i + 5) % len(PALETTE)] if len(values) <= 3 else PALETTE[i % len(PALETTE)]
        for i, v in enumerate(values)
    }


def translucent(colour: str, alpha: float = 0.4) -> str:
    """``#RRGGBB`` as ``rgba(r,g,b,alpha)``: link bands let crossing bands show through."""
    c = colour.lstrip("#")
    r, g, b = int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    return f"rgba({r},{g},{b},{alpha})"
