"""Colours for codes: the codebook's own, else the nearest coloured ancestor's, else a palette."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.model import Code

PALETTE = (
    "#E6194B", "#3CB44B", "#FFE119", "#4363D8", "#F58231", "#911EB4",
    "#46F0F0", "#F032E6", "#BCF60C", "#FABEBE", "#008080", "#E6BEFF",
)


def code_colours(codes: Sequence[Code]) -> dict[int, str]:
    """``code id -> #RRGGBB`` for every code (parents come before children in ``codes``)."""
    colours: dict[int, str] = {}
    top = 0
    for code in codes:
        if code.colour:
            colours[code.id] = code.colour
        elif code.parent_id is not None and code.parent_id in colours:
            colours[code.id] = colours[code.parent_id]
        else:
            colours[code.id] = PALETTE[top % len(PALETTE)]
        if code.parent_id is None:
            top += 1
    return colours
