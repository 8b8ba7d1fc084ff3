"""Code colours stay distinct after reduction to 256 colours and for colour-blind readers.

Distances are measured with an independent library (coloraide's CIEDE2000 and its Machado
colour-vision-deficiency filters) on the colours a 256-colour terminal actually shows: rich's own
reduction of each colour to the xterm table.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from coloraide import Color
from rich.color import Color as RichColor
from rich.color import ColorSystem

from workbench.ops.codebook import load_codebook
from workbench.store.project import Project
from workbench.tui.colours import PALETTE, code_colours, stripe_colours, tint_colours

REPO = Path(__file__).resolve().parents[2]
#: textual-dark's $surface, the transcript's background
SURFACE = "#1E1E1E"


def in_256(colour: str) -> tuple[int, str]:
    """(xterm index, colour shown) once a terminal reduces ``colour`` to 256 colours."""
    reduced = RichColor.parse(colour).downgrade(ColorSystem.EIGHT_BIT)
    return reduced.number, reduced.get_truecolor().hex


def min_distance(colours: list[str], vision: str | None = None) -> float:
    def seen(c: str) -> Color:
        colour = Color(in_256(c)[1])
        return colour.filter(vision) if vision else colour

    shown = [seen(c) for c in colours]
    return min(a.delta_e(b, method="2000") for a, b in combinations(shown, 2))


@pytest.mark.parametrize("vision", [None, "deutan", "protan"])
def test_palette_is_distinct_in_256_colours_and_for_colour_blind_readers(vision) -> None:
    assert len({in_256(c)[0] for c in PALETTE}) == len(PALETTE)
    assert min_distance(list(PALETTE), vision) > 10


@pytest.fixture(scope="module")
def bundled_codes():
    with Project.memory() as project:
        load_codebook(project, REPO / "codebooks" / "health-governance.yaml")
        yield project.codes()


def test_bundled_codebook_tints_and_stripes_stay_apart_in_256_colours(bundled_codes) -> None:
    colours = code_colours(bundled_codes)
    assert len(colours) >= 25
    tints = tint_colours(colours, SURFACE)
    stripes = stripe_colours(colours, background=SURFACE)
    for picked in (tints, stripes):
        # every code its own colour in a 256-colour terminal, visibly apart
        assert len({in_256(c)[0] for c in picked.values()}) == len(colours)
        assert min_distance(list(picked.values())) > 4
    # and no tint is the uncoded background itself
    assert (
        min(Color(in_256(t)[1]).delta_e(Color(SURFACE), method="2000") for t in tints.values()) > 4
    )


def test_subcodes_without_a_colour_get_shades_apart_from_their_group() -> None:
    with Project.memory() as project:
        from workbench.ops.codes import add_code

        for path in ("Budget/Execution", "Budget/Planning", "Budget/Transfers", "Capacity"):
            add_code(project, path)
        codes = project.codes()
    colours = code_colours(codes)
    assert len(set(colours.values())) == len(codes)
    tints = tint_colours(colours, SURFACE)
    assert min_distance(list(tints.values())) > 8
