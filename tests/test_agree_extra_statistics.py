"""Gwet's AC1/AC2 and Mathet's gamma beside the alphas (``agree --statistic``).

AC1 is checked against irrCAC's documented example (its ``raw`` module docstring: Gwet's four
raters on twelve units, the data of Krippendorff 2011): AC1 0.77544 with p_a 0.81818 and
p_e 0.19032, and AC2 with bipolar weights 0.90037. Gamma against pygamma-agreement's own
test of the AlexPaulSuzan continuum (alpha 3, beta 1, the shuffle sampler: best alignment's
disorder 0.96, gamma between 0.44 and 0.47).
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

from tests.agree_helpers import code, codes, done, plain_doc, sentence_doc
from tests.test_agree_variable import _rating_project
from workbench.analysis import extra_statistics as ex
from workbench.analysis.agreement import agreement
from workbench.cli import cli
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

NAN = np.nan
GWET = np.array(
    [
        [1, 1, NAN, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [NAN, 5, 5, 5],
        [NAN, NAN, 1, 1],
        [NAN, NAN, 3, NAN],
    ]
)


def _counts(data: np.ndarray) -> np.ndarray:
    return np.array([[np.sum(row == c) for c in range(1, 6)] for row in data], dtype=float)


def test_ac1_and_bipolar_ac2_reproduce_irrcacs_documented_example():
    ac1 = ex.gwet_ac(_counts(GWET))
    assert ac1 is not None
    assert (round(ac1["ac"], 5), round(ac1["pa"], 5), round(ac1["pe"], 5)) == (
        0.77544,
        0.81818,
        0.19032,
    )
    bipolar = ex.gwet_ac(_counts(GWET), ex.gwet_weights("bipolar", [1, 2, 3, 4, 5]))
    assert round(bipolar["ac"], 5) == 0.90037
    assert round(bipolar["pa"], 5) == 0.96836 and round(bipolar["pe"], 5) == 0.68244


def test_ac1_of_the_variable_through_the_cli(tmp_path):
    _rating_project(tmp_path / "p.db")
    out = CliRunner().invoke(
        cli,
        [
            "-p",
            str(tmp_path / "p.db"),
            "agree",
            "--unit",
            "sentence",
            "--group",
            "Rating",
            "--missing",
            "uncoded",
            "--statistic",
            "ac1",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    block = json.loads(out.output)["ac1"]["variable"]
    assert block == {"statistic": "Gwet's AC1", "weights": "identity", "value": 0.775444}


def test_binary_ac1_per_code_by_hand(tmp_path):
    """ATLAS.ti's percent-agreement example (ten segments; coder 1 applies the code to 1-2,
    coder 2 to 2, 3, 6 and 8): p_a = 0.6 (ATLAS.ti's 60 %), π = 3.0 / 10 = 0.3,
    p_e = 2 · 0.3 · 0.7 = 0.42, AC1 = (0.6 - 0.42) / 0.58 = 0.310345; Cohen's chance
    agreement is ATLAS.ti's 56 %, so kappa = (0.6 - 0.56) / 0.44 = 0.091."""
    with Project.open(tmp_path / "p.db") as p:
        spans = sentence_doc(p, "D", 10)
        codes(p, "X")
        code(p, "D", "X", [spans[0], spans[1]], "one")
        code(p, "D", "X", [spans[i] for i in (1, 2, 5, 7)], "two")
        done(p, "D", "one", "two")
        result = agreement(p, unit="sentence", statistics=["ac1"])
    block = result.statistics["ac1"]
    assert block["codes"] == [{"code": "X", "ac1": 0.310345}]
    assert block["overall"] == 0.310345 and block["pe"] == 0.42 and block["pa"] == 0.6
    assert round(result.kappa, 3) == 0.091
    # rare code, coders agree on the uncoded: kappa falls, AC1 stays high
    assert result.kappa is not None and result.kappa < block["overall"]


def test_ac1_from_the_histogram_equals_the_expanded_table():
    hist = np.zeros((4, 4), dtype=np.int64)
    hist[2, 0], hist[2, 1], hist[2, 2], hist[3, 1], hist[3, 3] = 50, 7, 9, 4, 2
    direct = ex.gwet_ac(ex.hist_counts(hist))
    assert direct is not None
    assert ex._ac_from_hist(hist) == pytest.approx(direct)


def test_statistics_the_unit_cannot_give_are_refused():
    with pytest.raises(WorkbenchError, match="ac1 needs units"):
        ex.check_statistics(["ac1"], "unitizing")
    with pytest.raises(WorkbenchError, match="gamma compares"):
        ex.check_statistics(["gamma"], "sentence")
    with pytest.raises(WorkbenchError, match="unknown statistic"):
        ex.check_statistics(["omega"], "char")


ALEX_PAUL_SUZAN = [
    ("Alex", "1", 2, 9),
    ("Alex", "2", 11, 17),
    ("Alex", "5", 24, 30),
    ("Alex", "6", 32, 36),
    ("Alex", "6", 36, 44),
    ("Alex", "7", 44, 60),
    ("Paul", "1", 2, 9),
    ("Paul", "3", 11, 17),
    ("Paul", "5", 19, 25),
    ("Paul", "6", 32, 44),
    ("Suzan", "1", 2, 9),
    ("Suzan", "4", 11, 17),
    ("Suzan", "5", 21, 27),
    ("Suzan", "6", 32, 36),
    ("Suzan", "6", 36, 40),
    ("Suzan", "6", 40, 44),
]


def test_gamma_reproduces_pygammas_alex_paul_suzan_example(tmp_path):
    pytest.importorskip("pygamma_agreement")
    with Project.open(tmp_path / "p.db") as p:
        plain_doc(p, "APS", 64)
        codes(p, *sorted({c for _, c, _, _ in ALEX_PAUL_SUZAN}))
        for coder, c, s, e in ALEX_PAUL_SUZAN:
            code(p, "APS", c, [(s, e)], coder)
        done(p, "APS", "Alex", "Paul", "Suzan")
    args = [
        "-p",
        str(tmp_path / "p.db"),
        "agree",
        "--unit",
        "unitizing",
        "--statistic",
        "gamma",
        "--gamma-alpha",
        "3",
        "--gamma-beta",
        "1",
        "--gamma-samples",
        "60",
        "--gamma-sampler",
        "shuffle",
        "--seed",
        "4",
        "--format",
        "json",
    ]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    gamma = json.loads(out.output)["gamma"]
    assert 0.44 <= gamma["value"] <= 0.47
    assert gamma["observed_disorder"] == pytest.approx(0.96, abs=0.01)
    assert gamma["dissimilarity"] == {"alpha": 3.0, "beta": 1.0, "delta_empty": 1.0}
    assert gamma["units"] == {"Alex": 6, "Paul": 4, "Suzan": 6}
    assert json.loads(CliRunner().invoke(cli, args).output)["gamma"] == gamma  # seeded


def test_the_methods_paragraph_names_gamma_and_ac1_with_references(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        spans = sentence_doc(p, "D", 10)
        codes(p, "X")
        code(p, "D", "X", spans[:4], "one")
        code(p, "D", "X", spans[2:6], "two")
        done(p, "D", "one", "two")
        result = agreement(p, unit="sentence", statistics=["ac1"])
    gamma = {"statistic": "Mathet's gamma", "value": 0.45, "samples": 30}
    gamma["dissimilarity"] = {"alpha": 3.0, "beta": 1.0, "delta_empty": 1.0}
    stats = {**result.statistics, "gamma": gamma}
    text = replace(result, statistics=stats).to_markdown()
    assert "Gwet (2008, 2014)" in text and "Gwet's AC1 (" in text
    assert "Mathet's gamma (Mathet, Widlöcher and Métivier (2015)" in text
    assert "Mathet's gamma 0.450 (alpha 3, beta 1, 30 random continua" in text


def test_the_statistics_speak_the_reports_language_and_decimal_mark(tmp_path):
    """AC1, AC2's weights and gamma's parameters in Spanish with a decimal comma."""
    from workbench.i18n import speaking

    with Project.open(tmp_path / "p.db") as p:
        spans = sentence_doc(p, "D", 10)
        codes(p, "X")
        code(p, "D", "X", spans[:4], "one")
        code(p, "D", "X", spans[2:6], "two")
        done(p, "D", "one", "two")
        result = agreement(p, unit="sentence", statistics=["ac1"])
    gamma = {"statistic": "Mathet's gamma", "value": 0.45, "samples": 30}
    gamma["dissimilarity"] = {"alpha": 0.5, "beta": 1.0, "delta_empty": 1.0}
    ac1 = {**result.statistics["ac1"]}
    ac1["variable"] = {"statistic": "Gwet's AC2", "weights": "quadratic", "value": 0.25}
    stats = {"ac1": ac1, "gamma": gamma}
    with speaking("es", decimal="comma"):
        text = replace(result, statistics=stats).to_markdown()
    assert "AC2 de Gwet sobre la variable (pesos cuadráticos) 0,250." in text
    assert "gamma de Mathet 0,450 (alfa 0,5, beta 1, 30 continuos aleatorios" in text
    assert "(Mathet, Widlöcher y Métivier (2015))" in text
    assert "El AC1 de Gwet (Gwet (2008, 2014)), que no depende" in text
    assert "Gwet's" not in text and "0.45" not in text
