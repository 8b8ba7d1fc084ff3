"""The Sankey layout's rules, measured from the figures themselves: the demo and 50 random
co-occurrence tables at every size. Each link's number sits on its own band (or beside it,
joined by a leader that starts on that band alone), inside the canvas; no two texts touch;
nothing prints under 7 pt in a print size. A table the layout cannot draw legibly is refused
with its reason, never drawn wrong."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from tests.figure_helpers import demo_workspace, measure
from tests.sankey_geometry import problems
from workbench.analysis.cooccurrence import CooccurrenceResult, Pair, coefficients, cooccurrence
from workbench.analysis.filters import Selection
from workbench.export.figures import FigureStyle, preset_style
from workbench.export.sankey import sankey_figure
from workbench.export.sankey_flows import code_flows, group_flows, order_columns
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

SIZES = ("single", "double", "slide", None)
MIN_PT = {"single": 7, "double": 7, "slide": 7, None: None}


def style_for(size: str | None) -> FigureStyle:
    if size is None:
        return FigureStyle(max_height=2800)
    return preset_style(size)


def random_table(seed: int) -> CooccurrenceResult:
    """A co-occurrence table shaped like a study's: 2-5 groups of 2-5 codes (4 to 25, the
    demo has 22) with names of the lengths codebooks use, 8-25 % of pairs meeting 1-12
    times (a few up to 30)."""
    rng = random.Random(seed)
    words = "access budget coordination community policy regional central voice seat"
    words = (words + " transparency results capacity continuity conflict barriers").split()
    codes = []
    for g in range(rng.randint(2, 5)):
        group = f"G{g} " + rng.choice(words).title()
        for s in range(rng.randint(2, 5)):
            name = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4))).capitalize()
            codes.append(f"{group}/{name} {s}")
    freq = {c: rng.randint(8, 45) for c in codes}
    share = rng.uniform(0.08, 0.25)
    pairs = []
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            if rng.random() < share:
                n = rng.randint(1, 12) if rng.random() > 0.05 else rng.randint(13, 30)
                n = min(n, freq[a], freq[b])
                c, ab, ba, capped = coefficients(n, freq[a], freq[b])
                lo, hi = sorted((a, b))
                pairs.append(Pair(lo, hi, n, c, ab, ba, capped))
    if not pairs:
        a, b = codes[0], codes[1]
        c, ab, ba, capped = coefficients(1, freq[a], freq[b])
        pairs.append(Pair(min(a, b), max(a, b), 1, c, ab, ba, capped))
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"]
    colours = {c: palette[i % len(palette)] for i, c in enumerate(codes)}
    return CooccurrenceResult("overlap", codes, freq, pairs, colours)


def check(data, size) -> str:
    """'drawn' when the figure keeps every rule, 'refused' when the layout said why not."""
    try:
        fig = sankey_figure(data, style_for(size))
    except WorkbenchError as exc:
        assert "cannot be drawn legibly" in str(exc) or "no room" in str(exc), str(exc)
        return "refused"
    found = problems(fig.to_plotly_json()["layout"], MIN_PT[size])
    assert not found, found[:5]
    return "drawn"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("layout"))


@pytest.mark.parametrize("size", SIZES)
def test_the_demo_keeps_every_rule_at_every_size(demo, size):
    with Project.open(demo) as p:
        everything = order_columns(code_flows(cooccurrence(p)))
        groups = order_columns(code_flows(cooccurrence(p, selection=Selection.build(depth=1))))
        one_group = group_flows(
            cooccurrence(p, selection=Selection.build(codes=["Transparency"], depth=2)),
            "Transparency",
        )
    outcomes = [check(data, size) for data in (everything, groups, one_group)]
    # the groups and one group's codes always fit; all 22 codes with 50 links fit in print
    assert outcomes[1:] == ["drawn", "drawn"]
    if size in ("single", "double", None):
        assert outcomes[0] == "drawn"


@pytest.mark.parametrize("size", SIZES)
def test_fifty_random_tables_keep_every_rule(size):
    outcomes = [check(order_columns(code_flows(random_table(seed))), size) for seed in range(50)]
    # refusing is allowed (with the reason); drawing something wrong is not
    assert outcomes.count("drawn") >= (40 if size == "slide" else 45), outcomes


def test_the_font_table_matches_the_font_file():
    """The widths the layout measures with are the font's own (FreeType reads the file)."""
    from workbench.export.fontmetrics import text_width

    for text in ("Representation", "Voice of affected populations", "Piura – Región", "0.09"):
        for bold in (False, True):
            # letter by letter, the sum of the advances; kerning only ever narrows a line
            assert sum(text_width(ch, 12, bold) for ch in text) == pytest.approx(
                sum(measure(ch, 12, bold) for ch in text), abs=0.05
            )
            assert measure(text, 12, bold) <= text_width(text, 12, bold) + 0.01


def test_values_print_at_seven_points_at_single_column(demo):
    with Project.open(demo) as p:
        data = order_columns(code_flows(cooccurrence(p, selection=Selection.build(depth=1))))
    layout = sankey_figure(data, preset_style("single")).to_plotly_json()["layout"]
    sizes = {a["font"]["size"] for a in layout["annotations"]}
    assert min(sizes) == pytest.approx(7 * 96 / 72, abs=0.01)


def test_a_style_that_cannot_hold_its_values_is_refused_with_the_reason():
    data = order_columns(code_flows(random_table(3)))
    tiny = replace(preset_style("single"), height=140, max_height=None)
    with pytest.raises(WorkbenchError, match="cannot be drawn legibly at 321 x 140 px"):
        sankey_figure(data, tiny)


def test_a_number_is_not_written_where_another_band_crosses_its_band():
    """Band A runs flat; band B cuts steeply across A's start. A's number may not sit in
    that crossing, though A alone is thick enough there."""
    from tests.sankey_geometry import BandShape
    from workbench.export.sankey_layout import band_path
    from workbench.export.sankey_values import Band, place_values

    a = Band(100, 500, 200, 200, 30)
    b = Band(100, 140, 120, 290, 6)
    marks, missing = place_values(["12", ""], [a, b], [], [], 12, 600, 400)
    assert not missing and marks[0].inside
    box = marks[0].text.box
    as_read = (box.x0, box.x1, box.y0, box.y1)
    assert BandShape(band_path(a)).holds(as_read)
    assert not BandShape(band_path(b)).meets(as_read)
