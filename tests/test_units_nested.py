"""Units nested in other units: overlapping subtitle cues and an interjection inside a long turn.

The demo's units never nest (its sentences and turns follow one another), so the slower path
of ``analysis.units.units_touched`` for nested units was never run by a test. Here it is
checked against the definition (a span touches a unit when they share a character) on random
nested units, at its boundaries, and through agreement on turns that nest.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.agree_helpers import code, codes, done, naive_unit_matrix
from workbench.analysis.agreement import agreement
from workbench.analysis.units import UnitTable, units_touched
from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.ops.documents import add_document
from workbench.store.project import Project


def table(units: list[tuple[int, int, int]]) -> UnitTable:
    """Units as ``unit_table`` gives them: sorted by document, start, end; none empty."""
    rows = sorted({u for u in units if u[2] > u[1]})
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return UnitTable("turn", arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy())


def touched_pairs(units: UnitTable, spans: list[tuple[int, int, int]]) -> set[tuple[int, int]]:
    doc, start, end = (np.array(c, dtype=np.int64) for c in zip(*spans, strict=True))
    span_idx, unit_idx = units_touched(units, doc, start, end)
    return set(zip(span_idx.tolist(), unit_idx.tolist(), strict=True))


def by_definition(units: UnitTable, spans: list[tuple[int, int, int]]) -> set[tuple[int, int]]:
    return {
        (i, j)
        for i, (d, s, e) in enumerate(spans)
        for j in range(len(units))
        if units.doc[j] == d and units.start[j] < e and units.end[j] > s
    }


NESTED = table([(0, 0, 100), (0, 40, 60), (0, 45, 50), (0, 100, 130), (1, 0, 20), (1, 5, 25)])


@pytest.mark.parametrize(
    ("span", "units"),
    [
        ((0, 60, 70), {0}),  # starts where the interjection ends: not in it
        ((0, 59, 70), {0, 1}),  # its last character
        ((0, 30, 40), {0}),  # ends where it starts
        ((0, 30, 41), {0, 1}),
        ((0, 50, 51), {0, 1}),  # right after the innermost unit
        ((0, 49, 50), {0, 1, 2}),
        ((0, 99, 101), {0, 3}),  # across the end of the long turn
        ((0, 100, 101), {3}),
        ((1, 20, 21), {5}),  # overlapping cues: past the first one's end
        ((1, 4, 5), {4}),
    ],
)
def test_the_boundaries_of_nested_units(span, units):
    assert not np.all(np.diff(NESTED.doc * 1000 + NESTED.end) >= 0)  # the nested path
    assert {j for _, j in touched_pairs(NESTED, [span])} == units
    assert by_definition(NESTED, [span]) == {(0, j) for j in units}


unit_lists = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 40), st.integers(1, 25)).map(
        lambda t: (t[0], t[1], t[1] + t[2])
    ),
    min_size=1,
    max_size=12,
)
span_lists = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 60), st.integers(1, 15)).map(
        lambda t: (t[0], t[1], t[1] + t[2])
    ),
    min_size=1,
    max_size=10,
)


@given(units=unit_lists, spans=span_lists)
def test_any_units_nested_or_not_are_touched_by_definition(units, spans):
    t = table(units)
    assert touched_pairs(t, spans) == by_definition(t, spans)


def _nested_turns_project() -> Project:
    """Two interviews whose turns nest: a long answer with an interjection inside it, and
    subtitle cues that overlap; three coders code across their boundaries."""
    p = Project.memory()
    text = "".join(chr(ord("a") + i % 26) for i in range(200))
    turns = {
        "overlap": [(0, 120, "Ana"), (50, 70, "Luis"), (55, 60, "Ana"), (120, 200, "Luis")],
        "cues": [(0, 80, "S1"), (60, 140, "S2"), (130, 200, "S1")],
    }
    for name, spans in turns.items():
        add_document(
            p,
            ParsedTranscript(
                name + text[len(name) :], [ParsedTurn(s, e, who) for s, e, who in spans]
            ),
            name=name,
            sentences=[(0, 200)],
        )
    codes(p, "X", "Y")
    plan = {
        "A": [("X", 60, 65), ("X", 150, 160), ("Y", 10, 50)],
        "B": [("X", 70, 90), ("X", 119, 121), ("Y", 55, 60)],
        "C": [("X", 59, 61), ("Y", 0, 5), ("Y", 125, 131)],
    }
    for name in turns:
        for coder, items in plan.items():
            for path, s, e in items:
                code(p, name, path, [(s, e)], coder)
            done(p, name, coder)
    return p


def test_agreement_on_nested_turns_matches_a_plain_loop():
    p = _nested_turns_project()
    names = ["A", "B", "C"]
    result = agreement(p, unit="turn", coders=names)
    for row in result.codes:
        matrix = naive_unit_matrix(p, names, "turn", row.code)
        assert row.units == len(matrix) == 7
        agree = sum(1 for r in matrix if len(set(r)) == 1)
        assert row.percent == pytest.approx(100.0 * agree / len(matrix))
        expected = krippendorff.alpha(
            reliability_data=np.array(matrix).T, value_domain=[0, 1], level_of_measurement="nominal"
        )
        assert row.alpha == pytest.approx(expected)
