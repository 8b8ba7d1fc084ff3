"""The co-occurrence engine on hand-worked examples, and against a brute-force count."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cooccur_helpers import add_codes, add_doc, code, counts, set_attribute
from workbench.analysis import cooccurrence as engine
from workbench.analysis.cooccurrence import (
    OVERLAP,
    Options,
    build_result,
    coefficients,
    cooccurrence,
    count_arrays,
    count_sweep,
    fold,
)
from workbench.analysis.filters import Selection, in_sweep_order, select, select_codings
from workbench.analysis.meetings import meetings
from workbench.store.errors import UnknownCodeError, WorkbenchError
from workbench.store.project import Project

A, B, C = "G/A", "G/B", "H/C"
PROX = lambda n: Options(mode="proximity", distance=n)  # noqa: E731


@pytest.fixture
def p(project):
    add_codes(project, A, B, C)
    add_doc(project, "d1")
    return project


def run(project, options=OVERLAP, **sel):
    return cooccurrence(project, options, Selection.build(**sel))


def test_same_span_with_two_codes(p):
    code(p, "d1", A, 10, 20)
    code(p, "d1", B, 10, 20)
    r = run(p)
    assert counts(r) == {(A, B): 1}
    assert r.frequencies == {A: 1, B: 1}
    pair = r.pairs[0]
    assert (pair.c, pair.conditional_ab, pair.conditional_ba) == (1.0, 1.0, 1.0)


def test_nested(p):
    code(p, "d1", A, 0, 100)
    code(p, "d1", B, 40, 50)
    assert counts(run(p)) == {(A, B): 1}


def test_partial_overlap_one_character(p):
    code(p, "d1", A, 0, 10)
    code(p, "d1", B, 9, 15)
    assert counts(run(p)) == {(A, B): 1}


def test_touching_spans_do_not_overlap(p):
    code(p, "d1", A, 0, 5)
    code(p, "d1", B, 5, 9)
    assert counts(run(p)) == {}
    # ...but they are at distance 0 from each other
    assert counts(run(p, PROX(0))) == {(A, B): 1}


def test_two_coders_are_not_paired(p):
    code(p, "d1", A, 0, 10, coder="maria")
    code(p, "d1", B, 0, 10, coder="james")
    r = run(p)
    assert counts(r) == {}
    assert r.frequencies == {A: 1, B: 1}


def test_default_sums_over_coders_and_coder_filters(p):
    for coder in ("maria", "james"):
        code(p, "d1", A, 0, 10, coder=coder)
        code(p, "d1", B, 5, 10, coder=coder)
    code(p, "d1", C, 0, 3, coder="james")
    assert counts(run(p)) == {(A, B): 2, (A, C): 1}
    assert counts(run(p, coders=["maria"])) == {(A, B): 1}
    assert run(p, coders=["maria"]).frequencies == {A: 1, B: 1}
    with pytest.raises(WorkbenchError, match="no coder named 'mario'"):
        run(p, coders=["mario"])


def test_proximity_at_the_boundary(p):
    code(p, "d1", A, 0, 10)
    code(p, "d1", B, 15, 20)  # gap 15 - 10 = 5
    assert counts(run(p, PROX(5))) == {(A, B): 1}
    assert counts(run(p, PROX(4))) == {}
    assert counts(run(p)) == {}


def test_proximity_gap_is_measured_from_the_end_of_the_earlier_coding(p):
    # B starts first but A ends later: the two overlap, whatever the distance
    code(p, "d1", B, 0, 30)
    code(p, "d1", A, 10, 20)
    code(p, "d1", C, 33, 40)  # 3 after B ends, 13 after A ends
    r = run(p, PROX(3))
    assert counts(r) == {(A, B): 1, (B, C): 1}
    assert counts(run(p, PROX(13))) == {(A, B): 1, (B, C): 1, (A, C): 1}


def test_many_pairs_in_one_sweep(p):
    # A [0,100) meets B [10,20), B [50,60) and C [90,110); C meets nothing else
    code(p, "d1", A, 0, 100)
    code(p, "d1", B, 10, 20)
    code(p, "d1", B, 50, 60)
    code(p, "d1", C, 90, 110)
    r = run(p)
    assert counts(r) == {(A, B): 2, (A, C): 1}
    assert r.frequencies == {A: 1, B: 2, C: 1}


def test_c_is_atlas_ti_formula_unchanged_and_flagged(p):
    """One long A coding meets three short B codings: n1 = 1, n2 = 3, n12 = 3."""
    code(p, "d1", A, 0, 100)
    for s in (0, 20, 40):
        code(p, "d1", B, s, s + 10)
    pair = run(p).pairs[0]
    assert pair.count == 3  # the count itself is not capped
    assert pair.overlap_warning and pair.capped
    assert pair.c == pytest.approx(3 / (1 + 3 - 3))  # 3.0, uncapped, as ATLAS.ti prints it
    assert pair.conditional_ab == 1.0  # the shares stay capped at 1
    assert pair.conditional_ba == 1.0


def test_issue_worked_c_case_through_cli(tmp_path):
    """n1 = 5, n2 = 1, n12 = 3: c = 3 / (5 + 1 - 3) = 1.0, flagged (one B meets three A)."""
    from click.testing import CliRunner

    from workbench.cli import cli

    path = tmp_path / "c.db"
    with Project.open(path) as project:
        add_codes(project, A, B)
        add_doc(project, "d1")
        for s in (0, 20, 40, 200, 300):  # five A codings, three of them inside B's one
            code(project, "d1", A, s, s + 10)
        code(project, "d1", B, 0, 60)
    out = CliRunner().invoke(cli, ["-p", str(path), "cooccur", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["frequencies"] == {A: 5, B: 1}
    [pair] = data["pairs"]
    assert pair["count"] == 3
    assert pair["c"] == pytest.approx(1.0)
    assert pair["overlap_warning"] is True
    assert {"a", "b", "count", "c", "conditional_ab", "conditional_ba"} <= set(pair)
    table = CliRunner().invoke(cli, ["-p", str(path), "cooccur", "--format", "csv"]).output
    header, row = table.splitlines()[:2]
    assert header.split(",")[-1] == "overlap_warning" and row.endswith(",yes")


def test_atlas_ti_c_coefficient_example(p):
    """100 codings of A, 10 of B, 5 of them meet: c = 5 / (100 + 10 - 5) = 0.048."""
    for i in range(100):
        code(p, "d1", A, i * 20, i * 20 + 10)
    for i in range(5):
        code(p, "d1", B, i * 20 + 2, i * 20 + 8)  # inside A's i-th coding
    for i in range(50, 55):
        code(p, "d1", B, i * 20 + 12, i * 20 + 18)  # in the gaps between A's codings
    r = run(p)
    assert r.frequencies == {A: 100, B: 10}
    pair = r.pair(A, B)
    assert pair.count == 5
    assert round(pair.c, 3) == 0.048
    assert pair.c == pytest.approx(5 / 105)
    assert pair.conditional_ab == pytest.approx(0.05)
    assert pair.conditional_ba == pytest.approx(0.5)
    assert not pair.capped


def test_rollup_to_groups(p):
    add_codes(p, "H/D")
    code(p, "d1", A, 0, 10)
    code(p, "d1", B, 0, 10)  # G/A with G/B: the same group once rolled up
    code(p, "d1", C, 5, 15)
    code(p, "d1", "H/D", 50, 60)
    code(p, "d1", A, 55, 58)
    plain = run(p)
    assert counts(plain) == {(A, B): 1, (A, C): 1, (B, C): 1, (A, "H/D"): 1}
    groups = run(p, depth=1)
    assert groups.codes == ["G", "H"]
    assert groups.frequencies == {"G": 3, "H": 2}
    # G/A-G/B is dropped (A == B after roll-up); (A,C), (B,C), (A,H/D) fold into G-H
    assert counts(groups) == {("G", "H"): 3}


def test_codes_filter_takes_subtrees(p):
    code(p, "d1", A, 0, 10)
    code(p, "d1", B, 0, 10)
    code(p, "d1", C, 0, 10)
    assert counts(run(p, codes=["G"])) == {(A, B): 1}
    assert counts(run(p, codes=[A, C])) == {(A, C): 1}
    with pytest.raises(UnknownCodeError):
        run(p, codes=["Nope"])


def test_where_filters_documents_by_case_attribute(p):
    add_doc(p, "piura", case="DRS01")
    add_doc(p, "cusco", case="DRS02")
    set_attribute(p, "DRS01", "region", "Piura")
    set_attribute(p, "DRS02", "region", "Cusco")
    for doc in ("piura", "cusco"):
        code(p, doc, A, 0, 10)
        code(p, doc, B, 0, 10)
    code(p, "cusco", C, 0, 10)
    assert counts(run(p, where=["region=Piura"])) == {(A, B): 1}
    assert counts(run(p, where=["region=piura", "region=Cusco"])) == {
        (A, B): 2,
        (A, C): 1,
        (B, C): 1,
    }
    with pytest.raises(WorkbenchError, match="no case has region='Piuraa'"):
        run(p, where=["region=Piuraa"])
    with pytest.raises(WorkbenchError, match="no case attribute 'regoin'"):
        run(p, where=["regoin=Piura"])
    with pytest.raises(WorkbenchError, match="attribute=value"):
        run(p, where=["Piura"])


def test_select_codings_reports_rolled_up_paths(p):
    code(p, "d1", A, 0, 10, coder="james")
    code(p, "d1", C, 3, 9)
    got = select_codings(p, Selection.build(depth=1, coders=["james"]))
    assert [(c.code, c.start, c.end) for c in got] == [("G", 0, 10)]


def test_unit_mode_counts_units_with_both_codes(project):
    add_codes(project, A, B, C)
    text = "One two three. Four five six. Seven eight nine."
    add_doc(project, "u", text)
    sentences = [(u.start, u.end) for u in project.units(project.document("u").id, "sentence")]
    assert sentences == [(0, 14), (15, 29), (30, 47)]
    code(project, "u", A, 0, 3)  # sentence 1
    code(project, "u", B, 8, 13)  # sentence 1, not overlapping A
    code(project, "u", A, 20, 35)  # sentences 2 and 3
    code(project, "u", B, 40, 45)  # sentence 3
    code(project, "u", B, 41, 44)  # sentence 3 again: still one unit
    code(project, "u", C, 16, 19)  # sentence 2
    r = run(project, Options(mode="unit", unit="sentence"))
    assert r.mode == "unit:sentence"
    assert r.frequencies == {A: 3, B: 2, C: 1}
    assert counts(r) == {(A, B): 2, (A, C): 1}
    assert r.pair(A, B).c == pytest.approx(2 / (3 + 2 - 2))
    assert counts(run(project)) == {}  # no two of these codings share a character
    doc = run(project, Options(mode="unit", unit="document"))
    assert doc.frequencies == {A: 1, B: 1, C: 1}
    assert counts(doc) == {(A, B): 1, (A, C): 1, (B, C): 1}


def test_unit_mode_turns_and_coders(project):
    add_codes(project, A, B)
    text = "Hello there friend. Goodbye now."
    add_doc(project, "t", text, turns=[(0, 19), (20, 32)])
    code(project, "t", A, 0, 5, coder="maria")
    code(project, "t", B, 10, 15, coder="maria")
    code(project, "t", A, 21, 25, coder="james")
    code(project, "t", B, 6, 9, coder="james")
    r = run(project, Options(mode="unit", unit="turn"))
    assert r.frequencies == {A: 2, B: 2}
    assert counts(r) == {(A, B): 1}  # only maria has both in one turn


def test_json_shape(p):
    code(p, "d1", C, 0, 10)
    code(p, "d1", A, 5, 20)
    code(p, "d1", B, 500, 510)
    data = json.loads(json.dumps(run(p).to_json()))
    assert set(data) == {"mode", "codes", "frequencies", "pairs"}
    assert data["mode"] == "overlap"
    assert data["codes"] == [A, B, C]
    assert data["frequencies"] == {A: 1, B: 1, C: 1}
    assert data["pairs"] == [
        {
            "a": A,
            "b": C,
            "count": 1,
            "c": 1.0,
            "conditional_ab": 1.0,
            "conditional_ba": 1.0,
            "overlap_warning": False,
        }
    ]


def test_meetings_are_the_counted_passages(p):
    code(p, "d1", A, 0, 9)
    code(p, "d1", B, 5, 14)
    code(p, "d1", B, 100, 110)
    code(p, "d1", A, 120, 125)
    found = meetings(p, A, B)
    assert len(found) == run(p).pair(A, B).count == 1
    m = found[0]
    assert (m.document, m.coder, m.start, m.end) == ("d1", "maria", 0, 14)
    assert m.text == p.text(p.document("d1").id)[0:14]
    assert len(meetings(p, A, B, PROX(10))) == run(p, PROX(10)).pair(A, B).count == 2
    with pytest.raises(WorkbenchError):
        meetings(p, A, A)


def test_meetings_in_unit_mode(project):
    add_codes(project, A, B)
    add_doc(project, "u", "One two three. Four five six.")
    code(project, "u", A, 0, 3)
    code(project, "u", B, 8, 13)
    found = meetings(project, A, B, Options(mode="unit", unit="sentence"))
    assert [(m.start, m.end, m.text) for m in found] == [(0, 14, "One two three.")]


def test_coefficients_formula():
    assert coefficients(5, 100, 10)[:3] == pytest.approx((5 / 105, 0.05, 0.5))
    assert coefficients(0, 3, 4) == (0.0, 0.0, 0.0, False)
    assert coefficients(4, 2, 5) == (4 / 3, 1.0, 0.8, True)  # c uncapped: 4 / (2 + 5 - 4)
    assert coefficients(3, 5, 1) == (1.0, 0.6, 1.0, True)  # the ATLAS.ti case of the docs
    assert coefficients(4, 2, 2)[0] is None  # n1 + n2 - n12 = 0: c has no value
    assert coefficients(2, 2, 2) == (1.0, 1.0, 1.0, False)


def test_bad_options():
    with pytest.raises(WorkbenchError):
        Options(mode="nearby")
    with pytest.raises(WorkbenchError):
        Options(mode="unit", unit="page")
    with pytest.raises(WorkbenchError):
        Options(mode="proximity", distance=-1)
    with pytest.raises(WorkbenchError):
        Selection.build(depth=0)


# ------------------------------------------------------------ against brute force

spans = st.tuples(
    st.integers(0, 60), st.integers(1, 15), st.integers(0, 3), st.integers(0, 1), st.integers(0, 2)
)


def brute_force(rows, reach, rollup):
    """Every pair of codings in one document and one coder, checked directly."""
    out = {}
    for (d1, k1, s1, e1, c1), (d2, k2, s2, e2, c2) in itertools.combinations(rows, 2):
        if d1 != d2 or k1 != k2:
            continue
        a, b = rollup.get(c1), rollup.get(c2)
        if a is None or b is None or a == b:
            continue
        first, second = sorted([(s1, e1), (s2, e2)])
        overlap = s1 < e2 and s2 < e1
        if overlap or second[0] - first[1] <= reach:
            key = (min(a, b), max(a, b))
            out[key] = out.get(key, 0) + 1
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(spans, max_size=40), st.sampled_from([-1, 0, 1, 5]), st.booleans())
def test_sweep_equals_brute_force(items, reach, rolled):
    rows = sorted((doc, coder, s, s + length, code) for s, length, code, coder, doc in items)
    rows.sort(key=lambda r: (r[0], r[2]))
    rollup = {0: 0, 1: 1, 2: 0 if rolled else 2, 3: 3}
    freq, pairs = fold(*count_sweep(rows, reach), rollup)
    expected = brute_force(rows, reach if reach >= 0 else -1, rollup)
    assert dict(pairs) == expected
    assert sum(freq.values()) == len(rows)
    for (a, b), n in pairs.items():
        c, ab, ba, flag = coefficients(n, freq[a], freq[b])
        assert 0 <= ab <= 1 and 0 <= ba <= 1  # shares stay capped
        assert flag == (n > min(freq[a], freq[b]))
        if freq[a] + freq[b] - n > 0:
            assert c == pytest.approx(n / (freq[a] + freq[b] - n))  # c never capped
            assert (c > 1) <= flag  # above 1 only when flagged
        else:
            assert c is None and flag


def test_docs_worked_example(p):
    """The numbers printed in docs/cooccurrence.md (A = Budget, B = Civil, C = Autonomy)."""
    code(p, "d1", A, 0, 40)
    code(p, "d1", B, 30, 60)
    code(p, "d1", B, 100, 120)
    code(p, "d1", A, 125, 140)
    code(p, "d1", C, 200, 210)
    r = run(p)
    assert r.frequencies == {A: 2, B: 2, C: 1}
    pair = r.pair(A, B)
    assert (pair.count, round(pair.c, 3), pair.conditional_ab, pair.conditional_ba) == (
        1,
        0.333,
        0.5,
        0.5,
    )
    assert run(p, PROX(4)).pair(A, B).count == 1
    near = run(p, PROX(5)).pair(A, B)
    assert (near.count, near.c, near.conditional_ab) == (2, 1.0, 1.0)
    assert counts(run(p, PROX(59))) == {(A, B): 2}
    # at 60, Budget [0,40) reaches Civil [100,120) and the second Budget reaches Autonomy
    assert counts(run(p, PROX(60))) == {(A, B): 3, (A, C): 1}


# ------------------------------------ the vectorised engine against the sweep and brute force


def as_columns(rows, spread=100, offset=0):
    """Rows of (document, coder, start, end, code) -> the columns ``count_arrays`` takes:
    (group, start, end, code) with one group number per document and coder."""
    return (
        np.array([r[0] * spread + r[1] + offset for r in rows], dtype=np.int64),
        *(np.array([r[i] for r in rows], dtype=np.int64) for i in (2, 3, 4)),
    )


def five_columns(rows):
    return tuple(np.array([r[i] for r in rows], dtype=np.int64) for i in range(5))


# (start, length, code, coder, document): small offsets so that equal starts, nesting,
# touching and gaps of a few characters all turn up often
codings = st.tuples(
    st.integers(0, 40), st.integers(1, 12), st.integers(0, 4), st.integers(0, 2), st.integers(0, 2)
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(codings, max_size=50),
    st.sampled_from([-1, 0, 1, 5, 10**12]),
    st.sampled_from(["plain", "rolled", "partial"]),
    st.sampled_from([1, 3, 1 << 21]),
    st.sampled_from([1, 2, 8]),
    st.sampled_from([5, 3000]),
    st.sampled_from([(100, 0), (100, -1000), (2**60, 0)]),
)
def test_vectorised_sweep_equals_python_sweep_and_brute_force(
    items, reach, scheme, chunk, near, size, numbering
):
    rows = sorted((doc, coder, s, s + length, c) for s, length, c, coder, doc in items)
    rollup = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4}
    if scheme == "rolled":
        rollup = {0: 0, 1: 1, 2: 0, 3: 1, 4: 4}  # two pairs of codes fold into one
    elif scheme == "partial":
        del rollup[3]  # codings of a code outside the selection pair with nothing
    # ``size`` 3000 is past the bincount table: counts go through np.unique instead; a small
    # NEAR sends most runs of partners to the binary search, and small chunks expand those
    # a few codings at a time
    saved = engine.CHUNK_PAIRS, engine.NEAR
    engine.CHUNK_PAIRS, engine.NEAR = chunk, near
    try:
        # group numbers need not be small or positive, only ascending
        freq, pairs = count_arrays(as_columns(rows, *numbering), rollup, size, reach)
    finally:
        engine.CHUNK_PAIRS, engine.NEAR = saved
    ref_freq, ref_pairs = fold(*count_sweep(rows, reach), rollup)
    assert dict(freq) == dict(ref_freq)
    assert dict(pairs) == dict(ref_pairs) == brute_force(rows, reach, rollup)
    assert all(isinstance(k, int) and isinstance(n, int) for k, n in freq.items())
    assert all(isinstance(n, int) for n in pairs.values())


def test_vectorised_sweep_by_hand():
    # coder 1 in document 1: [0,10) A, [5,8) B, [9,20) B, [20,25) C; coder 2: [0,10) C
    rows = [
        (1, 1, 0, 10, 0),
        (1, 1, 5, 8, 1),
        (1, 1, 9, 20, 1),
        (1, 1, 20, 25, 2),
        (1, 2, 0, 10, 2),
        (2, 1, 0, 10, 1),
    ]
    rollup = {0: 0, 1: 1, 2: 2}
    freq, pairs = count_arrays(as_columns(rows), rollup, 3, -1)
    assert freq == {0: 1, 1: 3, 2: 2}
    assert pairs == {(0, 1): 2}  # A with both Bs; [9,20) and [20,25) only touch
    assert count_arrays(as_columns(rows), rollup, 3, 0)[1] == {(0, 1): 2, (1, 2): 1}
    assert count_arrays(as_columns([]), rollup, 3, -1) == ({}, {})


def test_columns_are_put_in_sweep_order():
    rows = [(2, 1, 0, 5, 1), (1, 2, 3, 9, 0), (1, 1, 7, 9, 2), (1, 1, 2, 4, 1)]
    got = in_sweep_order(five_columns(rows))
    assert [tuple(int(c[i]) for c in got) for i in range(4)] == sorted(rows)
    ordered = five_columns(sorted(rows))
    assert all(a is b for a, b in zip(in_sweep_order(ordered), ordered, strict=True))


PATHS = ("G/A", "G/B", "H/C", "H/D", "I")
SHARED: dict[str, Project] = {}


def shared_project() -> Project:
    """One small project reused by every example below (codings replaced each time)."""
    if "p" not in SHARED:
        project = Project.memory()
        add_codes(project, *PATHS)
        add_doc(project, "d1", case="K1")
        add_doc(project, "d2", case="K2")
        set_attribute(project, "K1", "region", "Piura")
        set_attribute(project, "K2", "region", "Cusco")
        for coder in ("maria", "james"):  # both exist even when an example codes as one only
            project.coder_id(coder)
        SHARED["p"] = project
    return SHARED["p"]


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 60),
            st.integers(1, 15),
            st.sampled_from(PATHS),
            st.sampled_from(["maria", "james"]),
            st.sampled_from(["d1", "d2"]),
        ),
        max_size=40,
        unique=True,  # one coding per span, code and coder (migration 0006)
    ),
    st.sampled_from([OVERLAP, PROX(0), PROX(7)]),
    st.sampled_from(
        [
            {},
            {"depth": 1},
            {"coders": ["james"]},
            {"codes": ["G", "I"]},
            {"codes": ["H"], "depth": 1},
            {"where": ["region=Piura"]},
            {"documents": ["d2"], "coders": ["maria"]},
        ]
    ),
)
def test_engine_equals_python_sweep_and_brute_force(items, options, sel):
    p = shared_project()
    p.conn.execute("DELETE FROM codings")
    for start, length, path, coder, doc in items:
        code(p, doc, path, start, start + length, coder=coder)
    selection = Selection.build(**sel)
    got = cooccurrence(p, options, selection)
    chosen = select(p, selection, ids=False)  # the reference: the Python sweep on tuples
    reference = build_result(
        options.label, chosen, *fold(*count_sweep(chosen.rows, options.reach), chosen.rollup)
    )
    assert got == reference
    picked = select_codings(p, selection)
    brute = brute_force(
        [(c.document_id, c.coder_id, c.start, c.end, c.code) for c in picked],
        options.reach,
        {c.code: c.code for c in picked},
    )
    assert counts(got) == brute
    assert got.frequencies == dict(Counter(c.code for c in picked))


def test_offsets_too_large_to_pack_are_read_unpacked(p):
    """Offsets past 2**31 do not fit the packed read; the engine reads plain columns then."""
    far = 2**40
    code(p, "d1", A, far, far + 10)
    code(p, "d1", B, far + 5, far + 20)
    code(p, "d1", C, far + 25, far + 30)
    code(p, "d1", A, 0, 10, coder="james")
    code(p, "d1", C, 5, 8, coder="james")
    assert counts(run(p)) == {(A, B): 1, (A, C): 1}
    assert counts(run(p, PROX(5))) == {(A, B): 1, (A, C): 1, (B, C): 1}
    assert run(p).frequencies == {A: 2, B: 1, C: 2}


def test_read_columns_inside_a_transaction(p):
    code(p, "d1", A, 0, 10)
    code(p, "d1", B, 5, 10)
    with p.transaction():
        assert counts(run(p)) == {(A, B): 1}
        assert p.conn.in_transaction
    assert not p.conn.in_transaction


def test_negative_ids_are_packed_too(p):
    """Ids are positive when SQLite assigns them, but a file may hold others."""
    stamp = "2024-01-01T00:00:00"
    p.conn.execute("INSERT INTO coders (id, name, created_at) VALUES (-4, 'ana', ?)", (stamp,))
    p.conn.execute(
        "INSERT INTO codes (id, guid, name, created_at, position) "
        "VALUES (-9, 'g-neg', 'Neg', ?, 9)",
        (stamp,),
    )
    code(p, "d1", "Neg", 0, 10, coder="ana")
    code(p, "d1", A, 5, 15, coder="ana")
    code(p, "d1", B, 0, 10)
    code(p, "d1", "Neg", 3, 4)
    assert counts(run(p)) == {(A, "Neg"): 1, (B, "Neg"): 1}
    assert counts(run(p, coders=["ana"])) == {(A, "Neg"): 1}
    assert run(p).frequencies == {A: 1, B: 1, "Neg": 2}
