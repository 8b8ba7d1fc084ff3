"""Segment agreement (matched by overlap), code presence and frequency per document."""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner

from tests.agree_helpers import code, codes, done, plain_doc
from workbench.analysis.agreement import agreement
from workbench.cli import cli
from workbench.ops.reconcile import disagreements, resolve
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


def _segments(p: Project) -> None:
    """The issue's example: A codes three segments, B matches two of them and adds one."""
    plain_doc(p, "d", 1000)
    codes(p, "X", "Y")
    code(p, "d", "X", [(0, 100), (200, 300), (500, 600)], "A")
    code(p, "d", "X", [(5, 100), (200, 295), (700, 800)], "B")  # 95 % overlaps, one extra
    done(p, "d", "A", "B")


def test_worked_example_four_of_six(project: Project) -> None:
    _segments(project)
    result = agreement(project, unit="segment")
    x = result.codes[0]
    assert x.counts == {
        "units": 6,
        "segments_a": 3,
        "matched_a": 2,
        "segments_b": 3,
        "matched_b": 2,
    }
    assert round(x.percent, 1) == 66.7
    assert result.percent == pytest.approx(400 / 6)
    assert result.kappa is None  # one code in the comparison: chance 1/1, kappa undefined
    assert result.alpha is None


def test_brennan_prediger_kappa_with_two_codes(project: Project) -> None:
    _segments(project)
    for coder in ("A", "B"):
        code(project, "d", "Y", [(850, 900), (920, 990)], coder)
    result = agreement(project, unit="segment")
    # pooled: 8 of 10 segments matched; k = 2 codes, chance 1/2: (0.8 - 0.5) / (1 - 0.5)
    assert result.percent == pytest.approx(80.0)
    assert result.kappa == pytest.approx(0.6)
    data = result.to_json()
    assert data["overlap"] == 90.0
    assert data["overall"]["kappa_method"] == "brennan-prediger"
    assert data["overall"]["categories"] == 2
    assert "(k = 2)" in result.footnote()
    codes(project, "Z")
    for coder in ("A", "B"):
        code(project, "d", "Z", [(400, 450)], coder)
    three = agreement(project, unit="segment")
    # 10 of 12 segments matched; k = 3: (10/12 - 1/3) / (1 - 1/3) = 0.75
    assert three.kappa == pytest.approx(0.75)


def test_overlap_threshold(project: Project) -> None:
    _segments(project)
    strict = agreement(project, unit="segment", overlap=96)  # 95 of 100 is not enough
    assert strict.codes[0].counts["matched_a"] == 0 and strict.percent == 0.0
    loose = agreement(project, unit="segment", overlap=10)
    assert loose.codes[0].counts["matched_a"] == 2
    with pytest.raises(WorkbenchError, match="--overlap"):
        agreement(project, unit="segment", overlap=0)
    with pytest.raises(WorkbenchError, match="--unit segment only"):
        agreement(project, unit="sentence", overlap=50)


def test_identical_coders_segment_percent_100_and_alpha_1(project: Project) -> None:
    plain_doc(project, "d", 500)
    codes(project, "X", "Y")
    for coder in ("A", "B"):
        code(project, "d", "X", [(0, 50), (100, 180)], coder)
        code(project, "d", "Y", [(300, 400)], coder)
    done(project, "d", "A", "B")
    seg = agreement(project, unit="segment")
    assert seg.percent == 100.0 and seg.kappa == pytest.approx(1.0)
    char = agreement(project, unit="char")
    assert char.percent == 100.0 and char.alpha == pytest.approx(1.0)
    assert char.kappa == pytest.approx(1.0)


def test_segment_needs_two_coders(project: Project) -> None:
    _segments(project)
    code(project, "d", "X", [(0, 100)], "C")
    done(project, "d", "C")
    with pytest.raises(WorkbenchError, match="two coders"):
        agreement(project, unit="segment")
    assert agreement(project, unit="segment", coders=["A", "B"]).percent == pytest.approx(400 / 6)


def _three_docs(p: Project) -> None:
    for name in ("d1", "d2", "d3"):
        plain_doc(p, name, 200)
    codes(p, "X")
    code(p, "d1", "X", [(0, 10), (50, 60)], "A")
    code(p, "d1", "X", [(100, 110), (150, 160)], "B")  # same number, other places
    code(p, "d2", "X", [(0, 10)], "A")
    code(p, "d3", "X", [(0, 10), (20, 30), (40, 50)], "B")
    for name in ("d1", "d2", "d3"):
        done(p, name, "A", "B")


def test_presence_per_document(project: Project) -> None:
    _three_docs(project)
    result = agreement(project, unit="presence")
    x = result.codes[0]
    assert result.unit == "presence"
    assert x.counts == {"units": 3, "both": 1, "only_a": 1, "only_b": 1, "neither": 0}
    assert x.percent == pytest.approx(100 / 3)


def test_frequency_per_document(project: Project) -> None:
    _three_docs(project)
    result = agreement(project, unit="frequency")
    x = result.codes[0]
    # counts per document: A 2, 1, 0; B 2, 0, 3 -> only d1 agrees
    assert x.counts["equal"] == 1 and x.counts["differ"] == 2
    assert x.counts["codings"] == {"A": 3, "B": 5}
    assert x.percent == pytest.approx(100 / 3)
    expected = krippendorff.alpha(
        reliability_data=[[2, 1, 0], [2, 0, 3]], level_of_measurement="interval"
    )
    assert x.alpha == pytest.approx(expected)
    assert "equal" in result.columns() and "codings" not in result.rows()[0]
    items = disagreements(project, unit="frequency")
    assert [(d.document, d.applied_by) for d in items] == [("d2", ("A",)), ("d3", ("B",))]


def test_unmatched_segments_listed_and_reconciled(project: Project) -> None:
    _segments(project)
    items = disagreements(project, unit="segment")
    assert [(d.unit, d.start, d.end, d.applied_by) for d in items] == [
        ("segment", 500, 600, ("A",)),
        ("segment", 700, 800, ("B",)),
    ]
    assert items[0].coders == ("A", "B") and items[0].left_out == ("B",)
    assert [(c.coder, c.start, c.end) for c in items[0].codings] == [("A", 500, 600)]
    resolve(project, items[0], "a")
    consensus = project.coder_id("consensus", create=False)
    assert [(c.start, c.end) for c in project.codings(coder_id=consensus)] == [(500, 600)]
    # a partial overlap below the threshold shows the other coder's segment beside it
    strict = disagreements(project, unit="segment", overlap=96, coders=["A", "B"])
    first = strict[0]
    assert (first.start, first.end) == (0, 100)
    assert [(c.coder, c.start, c.end) for c in first.codings] == [("A", 0, 100), ("B", 5, 100)]


def test_cli_segment_json_and_disagreements(tmp_path) -> None:
    path = tmp_path / "s.db"
    with Project.open(path) as p:
        _segments(p)
    runner = CliRunner()
    out = runner.invoke(cli, ["-p", str(path), "agree", "--unit", "segment", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["unit"] == "segment" and data["overlap"] == 90.0
    assert round(data["overall"]["percent"], 1) == 66.7
    table = runner.invoke(
        cli, ["-p", str(path), "agree", "--unit", "segment", "--format", "csv"]
    ).output
    assert table.splitlines()[0].endswith("segments_a,matched_a,segments_b,matched_b")
    assert table.splitlines()[1].startswith("X,6,66.7,,,3,2,3,2")
    listed = runner.invoke(
        cli, ["-p", str(path), "disagreements", "--unit", "segment", "--format", "json"]
    )
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [(r["start"], r["end"], r["applied_by"], r["not_by"]) for r in rows] == [
        (500, 600, "A", "B"),
        (700, 800, "B", "A"),
    ]
    assert np.all([r["unit_kind"] == "segment" for r in rows])
