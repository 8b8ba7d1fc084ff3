"""Colours for codes: the codebook's own, else the nearest coloured ancestor's, else a palette.

The rule lives in the core (``workbench.palette.code_colours``), so figures colour codes the
same way. The figures' palette for groups without a colour is ``workbench.palette.PALETTE``
(Okabe-Ito, colour-blind safe); the app keeps its own tuple below until its snapshots are
redrawn with that one (then delete the tuple and import PALETTE from the core).
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.model import Code
from workbench.palette import code_colours as _core_code_colours

PALETTE = (
    "#E6194B", "#3CB44B", "#FFE119", "#4363D8", "#F58231", "#911EB4",
    "#46F0F0", "#F032E6", "#BCF60C", "#FABEBE", "#008080", "#E6BEFF",
)


def code_colours(codes: Sequence[Code]) -> dict[int, str]:
    """``code id -> #RRGGBB`` for every code (parents come before children in ``codes``)."""
    return _core_code_colours(codes, PALETTE)
