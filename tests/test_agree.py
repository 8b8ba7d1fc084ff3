"""Agreement statistics checked against published worked examples and a plain per-unit loop."""

from __future__ import annotations

import json
import random

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner

from tests.agree_helpers import code, codes, done, naive_unit_matrix, plain_doc, sentence_doc
from workbench.analysis.agreement import agreement, tally
from workbench.analysis.agreement_selection import select
from workbench.analysis.agreement_stats import (
    alpha_from_coincidences,
    binary_coincidences,
    cohen_kappa,
    coincidences,
    package_alpha,
)
from workbench.cli import cli
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

NAN = np.nan
# Krippendorff, "Computing Krippendorff's Alpha-Reliability": observers A-D, units 1-12.
KRIPPENDORFF_4x12 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def _value_counts(data: list[list[float]], values: list[int]) -> np.ndarray:
    arr = np.array(data, dtype=float)
    return np.stack([(arr == v).sum(axis=0) for v in values], axis=1)


def test_krippendorff_published_example_nominal() -> None:
    vc = _value_counts(KRIPPENDORFF_4x12, [1, 2, 3, 4, 5])
    assert round(package_alpha(vc), 3) == 0.743
    assert round(alpha_from_coincidences(coincidences(vc)), 3) == 0.743
    assert alpha_from_coincidences(coincidences(vc)) == pytest.approx(package_alpha(vc))


def _cohen_project() -> Project:
    """Cohen's 2x2 textbook table (20 both, 5 A only, 10 B only, 15 neither) over 50 sentences."""
    p = Project.memory()
    spans = sentence_doc(p, "d1", 50)
    codes(p, "Theme/Yes")
    for i, span in enumerate(spans):
        if i < 25:
            code(p, "d1", "Theme/Yes", [span], "A")
        if i < 20 or 25 <= i < 35:
            code(p, "d1", "Theme/Yes", [span], "B")
    done(p, "d1", "A", "B")
    return p


def test_cohen_textbook_example_over_sentences() -> None:
    result = agreement(_cohen_project(), unit="sentence")
    row = result.codes[0]
    assert row.counts == {"units": 50, "both": 20, "only_a": 5, "only_b": 10, "neither": 15}
    assert row.kappa == pytest.approx(0.40)
    assert row.percent == pytest.approx(70.0)
    data = [[1] * 25 + [0] * 25, [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert row.alpha == pytest.approx(expected)
    assert result.coders == ("A", "B")
    assert result.kappa == pytest.approx(0.40)


def test_nvivo_percent_agreement_on_characters(project: Project) -> None:
    """1000 characters, the coders agree on 850 of them (coded or not): 85 %."""
    plain_doc(project, "doc", 1000)
    codes(project, "Code")
    code(project, "doc", "Code", [(0, 500)], "A")
    code(project, "doc", "Code", [(150, 300), (300, 500)], "B")
    done(project, "doc", "A", "B")
    row = agreement(project, unit="char").codes[0]
    assert row.percent == pytest.approx(85.0)
    assert row.counts == {"units": 1000, "both": 350, "only_a": 150, "only_b": 0, "neither": 500}
    assert row.kappa == pytest.approx(0.7)  # po .85, pe .5


def test_cohen_kappa_formula_edges() -> None:
    assert cohen_kappa(0, 0, 0, 0) is None
    assert cohen_kappa(10, 0, 0, 0) is None  # pe == 1
    assert cohen_kappa(0, 0, 0, 10) is None
    assert cohen_kappa(5, 0, 0, 5) == pytest.approx(1.0)


def _random_project(seed: int, n_coders: int, n_docs: int = 3) -> Project:
    rng = random.Random(seed)
    p = Project.memory()
    names = [f"c{i}" for i in range(n_coders)]
    codes(p, "G/A", "G/B", "H")
    for d in range(n_docs):
        length = rng.randint(60, 120)
        plain_doc(p, f"d{d}", length, turns=sorted(rng.sample(range(5, length - 5), 3)))
        p.conn.execute("DELETE FROM sentences WHERE document_id = ?", (p.document(f"d{d}").id,))
        cuts = sorted(rng.sample(range(1, length), 6))
        bounds = [0, *cuts, length]
        for seq, (s, e) in enumerate(zip(bounds, bounds[1:], strict=False)):
            if seq != 2:  # leave a gap that belongs to no sentence
                p.conn.execute(
                    'INSERT INTO sentences (document_id, seq, start, "end") VALUES (?, ?, ?, ?)',
                    (p.document(f"d{d}").id, seq, s, e),
                )
        for name in names:
            for path in ("G/A", "G/B", "H"):
                for _ in range(rng.randint(0, 3)):
                    s = rng.randrange(0, length - 1)
                    code(p, f"d{d}", path, [(s, min(length, s + rng.randint(1, 30)))], name)
            done(p, f"d{d}", name)
    return p


@pytest.mark.parametrize("unit", ["char", "sentence", "turn", "document"])
@pytest.mark.parametrize("n_coders", [2, 3])
def test_matches_a_plain_per_unit_loop(unit: str, n_coders: int) -> None:
    for seed in range(3):
        p = _random_project(seed * 10 + n_coders, n_coders)
        names = [f"c{i}" for i in range(n_coders)]
        result = agreement(p, unit=unit, coders=names)
        for row in result.codes:
            matrix = naive_unit_matrix(p, names, unit, row.code)
            agree = sum(1 for r in matrix if len(set(r)) == 1)
            assert row.units == len(matrix)
            assert row.percent == pytest.approx(100.0 * agree / len(matrix))
            data = np.array(matrix).T
            if data.min() == data.max():
                assert row.alpha is None
            else:
                expected = krippendorff.alpha(
                    reliability_data=data, value_domain=[0, 1], level_of_measurement="nominal"
                )
                assert row.alpha == pytest.approx(expected)
            if n_coders == 2:
                a, b = data
                table = (
                    int((a & b).sum()),
                    int((a & ~b & 1).sum()),
                    int((~a & 1 & b).sum()),
                    int(((1 - a) & (1 - b)).sum()),
                )
                assert (
                    row.counts["both"],
                    row.counts["only_a"],
                    row.counts["only_b"],
                    row.counts["neither"],
                ) == table
                expected_kappa = cohen_kappa(*table)
                if expected_kappa is None:
                    assert row.kappa is None
                else:
                    assert row.kappa == pytest.approx(expected_kappa)
            else:
                assert row.kappa is None
                assert row.counts["all"] + row.counts["some"] + row.counts["none"] == row.units


def test_pooled_alpha_equals_package_on_stacked_data() -> None:
    p = _random_project(7, 3)
    names = ["c0", "c1", "c2"]
    result = agreement(p, unit="sentence", coders=names)
    stacked = np.concatenate(
        [
            np.array(naive_unit_matrix(p, names, "sentence", r.code)).T
            for r in result.codes
            if r.used
        ],
        axis=1,
    )
    expected = krippendorff.alpha(reliability_data=stacked, level_of_measurement="nominal")
    assert result.alpha == pytest.approx(expected)
    pooled_units = sum(r.units for r in result.codes if r.used)
    agree = sum(r.percent * r.units / 100 for r in result.codes if r.used)
    assert result.percent == pytest.approx(100 * agree / pooled_units)


def test_char_alpha_from_coincidences_equals_package_with_missing_data() -> None:
    """Three coders; c2 never saw d1 (not done, no codings): missing data for alpha."""
    p = _random_project(3, 3, n_docs=2)
    p.conn.execute(
        "DELETE FROM codings WHERE coder_id = ? AND document_id = ?",
        (p.coder_id("c2"), p.document("d1").id),
    )
    p.conn.execute(
        "DELETE FROM document_status WHERE coder_id = ? AND document_id = ?",
        (p.coder_id("c2"), p.document("d1").id),
    )
    names = ["c0", "c1", "c2"]
    sel = select(p, unit="char", coders=names, docs=["d0", "d1"])
    assert sel.available.tolist() == [[True, True, True], [True, True, False]]
    t = tally(p, sel)
    for r, code_row in enumerate(sel.rows):
        matrix = np.array(naive_unit_matrix(p, names, "char", code_row.path), dtype=float).T
        matrix[2, p.document("d0").length :] = np.nan
        got = alpha_from_coincidences(binary_coincidences(t.hist[r]))
        if np.nanmin(matrix) == np.nanmax(matrix):
            assert got is None
            continue
        expected = krippendorff.alpha(
            reliability_data=matrix, value_domain=[0, 1], level_of_measurement="nominal"
        )
        assert got == pytest.approx(expected)


def test_code_nobody_used_and_perfect_agreement(project: Project) -> None:
    sentence_doc(project, "d1", 10)
    codes(project, "Used", "Unused", "Everywhere")
    code(project, "d1", "Used", [(0, 10), (40, 50)], "A")
    code(project, "d1", "Used", [(0, 10), (40, 50)], "B")
    code(project, "d1", "Everywhere", [(0, 100)], "A")
    code(project, "d1", "Everywhere", [(0, 100)], "B")
    done(project, "d1", "A", "B")
    result = agreement(project, unit="sentence")
    by = {r.code: r for r in result.codes}
    assert by["Used"].kappa == pytest.approx(1.0) and by["Used"].alpha == pytest.approx(1.0)
    assert by["Unused"].percent == 100.0
    assert by["Unused"].kappa is None and by["Unused"].alpha is None and not by["Unused"].used
    assert by["Everywhere"].kappa is None  # chance agreement is 1: kappa undefined
    assert by["Everywhere"].alpha is None
    # the unused code stays out of the pooled figures
    assert result.percent == 100.0 and result.kappa == pytest.approx(1.0)


def test_one_coder_only_and_unknown_coder(project: Project) -> None:
    sentence_doc(project, "d1", 5)
    codes(project, "X")
    code(project, "d1", "X", [(0, 10)], "A")
    done(project, "d1", "A")
    with pytest.raises(WorkbenchError, match="at least two coders"):
        agreement(project)
    with pytest.raises(WorkbenchError, match="no coder named 'Zed'"):
        agreement(project, coders=["A", "Zed"])


def test_only_documents_done_by_every_coder(project: Project) -> None:
    for name in ("d1", "d2", "d3"):
        sentence_doc(project, name, 4)
    codes(project, "X")
    code(project, "d1", "X", [(0, 10)], "A")
    code(project, "d1", "X", [(0, 10)], "B")
    code(project, "d2", "X", [(0, 10)], "A")  # B disagrees here but has not finished d2
    code(project, "d3", "X", [(0, 10)], "B")
    done(project, "d1", "A", "B")
    done(project, "d2", "A")
    result = agreement(project, unit="sentence")
    assert result.documents == ("d1",)
    assert result.codes[0].counts["units"] == 4 and result.codes[0].percent == 100.0
    forced = agreement(project, unit="sentence", docs=["d1", "d2"])
    assert forced.documents == ("d1", "d2")
    # d2: B has neither a done mark nor a coding there -> missing, so d2 adds no pairable unit
    assert forced.codes[0].units == 4
    forced = agreement(project, unit="sentence", docs=["d1", "d3"])
    # d3: A has no mark and no coding -> missing again
    assert forced.codes[0].units == 4
    with pytest.raises(WorkbenchError, match="no document named"):
        agreement(project, docs=["nope"])


def test_no_document_done_by_all(project: Project) -> None:
    sentence_doc(project, "d1", 2)
    sentence_doc(project, "d2", 2)
    codes(project, "X")
    code(project, "d1", "X", [(0, 5)], "A")
    code(project, "d2", "X", [(0, 5)], "B")
    done(project, "d1", "A")
    done(project, "d2", "B")
    with pytest.raises(WorkbenchError, match="no document is marked done by every coder"):
        agreement(project)


def test_codes_filter_and_depth_rollup(project: Project) -> None:
    sentence_doc(project, "d1", 4)
    codes(project, "G/One", "G/Two", "Other")
    code(project, "d1", "G/One", [(0, 10)], "A")
    code(project, "d1", "G/Two", [(0, 10)], "B")  # differs at code level, agrees on the group
    code(project, "d1", "Other", [(20, 30)], "A")
    done(project, "d1", "A", "B")
    flat = agreement(project, unit="sentence")
    assert [r.code for r in flat.codes] == ["G/One", "G/Two", "Other"]
    assert flat.codes[0].percent == 75.0
    rolled = agreement(project, unit="sentence", depth=1)
    assert [r.code for r in rolled.codes] == ["G", "Other"]
    assert rolled.codes[0].percent == 100.0 and rolled.codes[0].counts["both"] == 1
    only_g = agreement(project, unit="sentence", codes=["G"])
    assert [r.code for r in only_g.codes] == ["G/One", "G/Two"]
    with pytest.raises(WorkbenchError, match="no code"):
        agreement(project, codes=["Nope"])


def test_cli_json_shape_and_markdown(tmp_path) -> None:
    path = tmp_path / "p.db"
    p = _cohen_project()
    target = Project.open(path)
    p.conn.backup(target.conn)
    target.close()
    runner = CliRunner()
    out = runner.invoke(
        cli, ["-p", str(path), "agree", "--unit", "sentence", "--coders", "A,B", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) == {"unit", "coders", "codes", "overall"}
    assert data["unit"] == "sentence" and data["coders"] == ["A", "B"]
    assert set(data["codes"][0]) == {"code", "units", "percent", "kappa", "alpha", "counts"}
    assert data["codes"][0]["kappa"] == pytest.approx(0.4)
    assert set(data["overall"]) == {"percent", "kappa", "alpha"}
    md = runner.invoke(
        cli, ["-p", str(path), "agree", "--unit", "sentence", "--format", "markdown"]
    ).output
    lines = md.splitlines()
    assert lines[0].startswith("| Code |") and lines[1].startswith("|:---")
    assert "| Theme/Yes | 50 | 70.0 | 0.40 |" in md
    assert lines[-3].startswith("Unit: sentence. Coders: A, B. Documents (1): d1.")
    # the methods paragraph comes last, with the same figures as the table
    assert lines[-1] == (
        "Two coders (A and B) coded 1 document independently. Agreement on 1 code was "
        "computed per code over sentence units with percent agreement, Cohen's kappa and "
        "Krippendorff's alpha (nominal, each code applied or not). Pooled over the 1 code "
        "applied, percent agreement 70.0 %, Cohen's kappa 0.40 and Krippendorff's alpha 0.40."
    )
    csv_out = runner.invoke(
        cli, ["-p", str(path), "agree", "--unit", "sentence", "--format", "csv"]
    ).output
    assert csv_out.splitlines()[1].startswith("Theme/Yes,50,70.0,0.400,")
    one = runner.invoke(cli, ["-p", str(path), "agree", "--coders", "A"])
    assert one.exit_code != 0
