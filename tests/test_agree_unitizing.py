"""Krippendorff's unitizing alphas (``agree --unit unitizing``) against the published examples.

Krippendorff (2004, *Content Analysis* 2nd ed., p. 254; the same example in "Measuring the
reliability of qualitative text analysis data", *Quality & Quantity* 38): two coders, a
continuum from 150 to 450, categories c and k. Published: uα_c = 0.7286 (uDo 0.0144, uDe
0.0532), uα_k = 1.000 (uDe 0.0490), uα over both = 0.8591 (from the rounded Do and De; the
unrounded figures give 0.8587, both 0.859 to three decimals).

Krippendorff (1995, "On the reliability of unitizing continuous data", *Sociological
Methodology* 25, p. 57): four pairs of coders on a continuum of 24, published uα A 0.553 and
D 0.066 in the continuous limit (reproduced on a continuum stretched 1000 times); the
observed disagreements of all four are reproduced exactly.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.agree_helpers import code, codes, done, plain_doc
from workbench.analysis import unitizing_math as um
from workbench.analysis.agreement import agreement
from workbench.cli import cli
from workbench.store.project import Project


def _cli(path, *args: str) -> dict:
    out = CliRunner().invoke(cli, ["-p", str(path), "agree", "--format", "json", *args])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def _project(path, length: int, data: dict[str, dict[str, list[tuple[int, int]]]]) -> None:
    """One document of ``length`` characters; ``data[code][coder]`` = coded spans."""
    with Project.open(path) as p:
        plain_doc(p, "EX", length)
        codes(p, *data)
        for path_, by_coder in data.items():
            for coder, spans in by_coder.items():
                code(p, "EX", path_, spans, coder)
        done(p, "EX", *{c for by in data.values() for c in by})


# Krippendorff 2004, shifted by -150 so the continuum starts at the document's start
K2004 = {
    "c": {"i": [(75, 145), (220, 250)], "j": [(70, 150), (205, 225), (250, 270)]},
    "k": {"i": [(30, 90), (150, 200)], "j": [(30, 90), (150, 200)]},
}


def test_krippendorff_2004_example_through_the_cli(tmp_path):
    _project(tmp_path / "p.db", 300, K2004)
    out = _cli(tmp_path / "p.db", "--unit", "unitizing")
    by_code = {c["code"]: c for c in out["codes"]}
    assert round(by_code["c"]["alpha"], 4) == 0.7286
    assert round(by_code["c"]["counts"]["observed"], 4) == 0.0144
    assert round(by_code["c"]["counts"]["expected"], 4) == 0.0532
    assert by_code["k"]["alpha"] == 1.0
    assert round(by_code["k"]["counts"]["expected"], 4) == 0.0490
    assert round(out["overall"]["alpha"], 3) == 0.859
    assert out["unitizing"]["alpha_u"] == out["overall"]["alpha"]
    assert out["unit"] == "unitizing"
    assert out["codes"][0]["counts"]["units"] == 300


def _stretch(spans, s):
    return [(a * s, b * s) for a, b in spans]


K1995 = {
    "A": {"x": [(2, 10), (14, 20)], "y": [(4, 8), (15, 17)]},
    "B": {"x": [(0, 18)], "y": [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 9), (9, 10)]},
    "C": {"x": [(2, 8), (10, 12), (14, 18), (20, 22)], "y": [(0, 2), (4, 8), (10, 14), (16, 18)]},
    "D": {
        "x": [(0, 2), (2, 10), (10, 14), (14, 20), (20, 24)],
        "y": [(0, 4), (4, 8), (8, 15), (15, 17), (17, 24)],
    },
}


def test_krippendorff_1995_observed_disagreements():
    # C's second coder also has (20, 22); both coders' passages as drawn in the paper
    data = {k: dict(v) for k, v in K1995.items()}
    data["C"]["y"] = [*data["C"]["y"], (20, 22)]
    got = {}
    for name, pair in data.items():
        # touching passages stay separate units here: the paper's B and D are cut that way
        stats = um.UStats(coders=2, length=24)
        cut = [um.sections(pair["x"], 24), um.sections(pair["y"], 24)]
        stats.distance = um.pair_distance(*cut)
        got[name] = round(stats.observed, 5)
    assert got == {"A": 0.03125, "B": 2.26736, "C": 0.02778, "D": 0.38715}


@pytest.mark.parametrize("name, published", [("A", 0.553), ("D", 0.066)])
def test_krippendorff_1995_alphas_in_the_continuous_limit(name, published):
    s = 1000
    pair = K1995[name]
    stats = um.UStats(coders=2, length=24 * s)
    cut = [um.sections(_stretch(pair["x"], s), 24 * s), um.sections(_stretch(pair["y"], s), 24 * s)]
    stats.distance = um.pair_distance(*cut)
    for sections_ in cut:
        for a, b, passage in sections_:
            (stats.passages if passage else stats.gaps).append(b - a)
    assert round(um.alpha(stats.observed, stats.expected), 3) == published


def test_the_1995_example_a_through_the_cli_stretched(tmp_path):
    s = 100
    _project(
        tmp_path / "p.db",
        24 * s,
        {"A": {"x": _stretch(K1995["A"]["x"], s), "y": _stretch(K1995["A"]["y"], s)}},
    )
    out = _cli(tmp_path / "p.db", "--unit", "unitizing")
    assert round(out["codes"][0]["alpha"], 2) == 0.55  # 0.553 in the continuous limit


# ------------------------------------------------------------------------- edge cases


def test_identical_unitizing_gives_one_for_every_coefficient(tmp_path):
    spans = [(10, 40), (60, 90)]
    _project(
        tmp_path / "p.db",
        200,
        {
            "Dom/X": {"a": spans, "b": spans},
            "Dom/Y": {"a": [(120, 150)], "b": [(120, 150)]},
            "Other": {"a": [(160, 180)], "b": [(160, 180)]},
        },
    )
    u = _cli(tmp_path / "p.db", "--unit", "unitizing")
    assert [c["alpha"] for c in u["codes"]] == [1.0, 1.0, 1.0]
    block = u["unitizing"]
    assert block["alpha_u"] == block["alpha_u_binary"] == block["alpha_Cu"] == 1.0
    dom = {d["domain"]: d for d in block["domains"]}
    assert dom["Dom"]["alpha_cu"] == 1.0 and dom["Dom"]["alpha_u_binary"] == 1.0
    assert dom["Other"]["alpha_cu"] is None  # one value: nothing to tell apart


def test_disjoint_passages_disagree_below_zero(tmp_path):
    _project(tmp_path / "p.db", 200, {"X": {"a": [(0, 50)], "b": [(100, 150)]}})
    u = _cli(tmp_path / "p.db", "--unit", "unitizing")
    assert u["codes"][0]["alpha"] < 0
    assert u["unitizing"]["alpha_u_binary"] < 0


def test_completely_different_documents_never_give_one(tmp_path):
    """Another open implementation returned 1.0 here: each coder codes the whole document,
    with a different code (no gaps, one value each); and coders whose codes never meet."""
    _project(tmp_path / "p.db", 100, {"X": {"a": [(0, 100)]}, "Y": {"b": [(0, 100)]}})
    u = _cli(tmp_path / "p.db", "--unit", "unitizing")
    assert all(c["alpha"] is None or c["alpha"] <= 0 for c in u["codes"])
    assert u["overall"]["alpha"] < 1.0
    assert u["unitizing"]["alpha_Cu"] is not None and u["unitizing"]["alpha_Cu"] <= 0
    _project(tmp_path / "q.db", 100, {"X": {"a": [(0, 40)]}, "Y": {"b": [(60, 100)]}})
    v = _cli(tmp_path / "q.db", "--unit", "unitizing")
    assert v["overall"]["alpha"] < 0
    assert v["unitizing"]["alpha_u_binary"] < 0


def test_one_coder_empty(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        plain_doc(p, "EX", 100)
        codes(p, "X")
        code(p, "EX", "X", [(10, 30)], "a")
        code(p, "EX", "X", [(50, 60)], "a")
        done(p, "EX", "a", "b")
        result = agreement(p, coders=["a", "b"], unit="unitizing", docs=["EX"])
    # b coded nothing: every passage of a lies in b's gap
    [row] = result.codes
    assert row.alpha is not None and row.alpha < 0.2
    assert row.counts["passages"] == {"a": 2, "b": 0}


def test_gaps_only_and_a_document_without_codings(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        plain_doc(p, "EMPTY", 100)
        plain_doc(p, "USED", 100)
        codes(p, "X")
        code(p, "USED", "X", [(10, 30)], "a")
        code(p, "USED", "X", [(10, 30)], "b")
        done(p, "EMPTY", "a", "b")
        done(p, "USED", "a", "b")
        result = agreement(p, unit="unitizing")
        empty = agreement(p, unit="unitizing", docs=["EMPTY"], coders=["a", "b"])
    docs = {d["document"]: d for d in result.unitizing["documents"]}
    assert docs["EMPTY"]["alpha_u"] is None and docs["EMPTY"]["alpha_u_binary"] is None
    assert docs["USED"]["alpha_u"] == 1.0
    assert result.alpha == 1.0 and result.unitizing["length"] == 200
    # gaps only, everywhere: nothing could disagree by chance, so every alpha is undefined
    assert empty.alpha is None and empty.codes[0].alpha is None
    assert empty.unitizing["alpha_u_binary"] is None


def test_per_document_and_pooled_differ_and_word_grain(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        plain_doc(p, "D1", 200)
        plain_doc(p, "D2", 200)
        codes(p, "X")
        code(p, "D1", "X", [(0, 100)], "a")
        code(p, "D1", "X", [(0, 100)], "b")
        code(p, "D2", "X", [(0, 50)], "a")
        code(p, "D2", "X", [(100, 150)], "b")
        done(p, "D1", "a", "b")
        done(p, "D2", "a", "b")
        chars = agreement(p, unit="unitizing")
        words = agreement(p, unit="unitizing", grain="word")
    per_doc = {d["document"]: d["codes"]["X"] for d in chars.unitizing["documents"]}
    assert per_doc["D1"] == 1.0 and per_doc["D2"] < 0
    assert per_doc["D2"] < chars.alpha < per_doc["D1"]
    assert words.unitizing["grain"] == "word"
    assert words.unitizing["length"] == 2 * 21  # "D1: " then "abcdefghi " 20 times
    assert words.alpha is not None and words.alpha != chars.alpha


def test_conflicting_codes_within_a_domain_are_left_out_and_counted(tmp_path):
    _project(
        tmp_path / "p.db",
        100,
        {
            "D/X": {"a": [(0, 50)], "b": [(0, 50)]},
            "D/Y": {"a": [(40, 60)], "b": [(50, 60)]},
        },
    )
    u = _cli(tmp_path / "p.db", "--unit", "unitizing")["unitizing"]
    [dom] = u["domains"]
    assert dom["conflicts"] == 10  # a gave 40-50 both X and Y
    assert dom["alpha_cu"] == 1.0  # once left out, the two coders agree on every value


def test_bootstrap_resamples_documents(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        codes(p, "X")
        for i in range(6):
            plain_doc(p, f"D{i}", 200)
            code(p, f"D{i}", "X", [(10, 60 + 10 * i)], "a")
            code(p, f"D{i}", "X", [(20, 60 + 5 * i)], "b")
            done(p, f"D{i}", "a", "b")
    out = _cli(tmp_path / "p.db", "--unit", "unitizing", "--bootstrap", "200", "--seed", "3")
    low, high = out["overall"]["bootstrap"]["ci95"]
    assert low <= out["overall"]["alpha"] <= high and low < high
    again = _cli(tmp_path / "p.db", "--unit", "unitizing", "--bootstrap", "200", "--seed", "3")
    assert again["overall"]["bootstrap"] == out["overall"]["bootstrap"]
    assert out["codes"][0]["bootstrap"]["ci95"] == out["overall"]["bootstrap"]["ci95"]


def test_markdown_names_the_coefficients_and_their_references(tmp_path):
    _project(tmp_path / "p.db", 300, K2004)
    out = CliRunner().invoke(
        cli, ["-p", str(tmp_path / "p.db"), "agree", "--unit", "unitizing", "--format", "markdown"]
    )
    assert out.exit_code == 0, out.output
    text = out.output
    assert "Krippendorff's uα" in text
    assert "Krippendorff (1995, 2004)" in text and "Widlöcher (2016)" in text
    assert "|uα" in text and "cuα" in text and "Cuα" in text
    assert "0.859" in text


def test_markdown_in_spanish_with_a_decimal_comma(tmp_path):
    """The unitizing table, its lines and the methods paragraph in the report's language:
    the field's Spanish terms, 'y' in the references, every figure with a decimal comma."""
    _project(tmp_path / "p.db", 300, K2004)
    args = ["--unit", "unitizing", "--format", "markdown", "--lang", "es", "--decimal", "comma"]
    out = CliRunner().invoke(cli, ["-p", str(tmp_path / "p.db"), "agree", *args])
    assert out.exit_code == 0, out.output
    text = out.output
    assert text.startswith("| Código | Unidades | Acuerdo (%) | κ de Cohen | uα de Krippendorff |")
    assert "Unidad: el continuo de caracteres de cada documento." in text
    assert "Krippendorff, Mathet, Bouvry y Widlöcher (2016)" in text
    assert "alfa de unitización de Krippendorff uα" in text
    paragraph = text.strip().splitlines()[-1]
    assert paragraph.startswith("Dos codificadores (")
    assert "uα agrupado 0,859" in paragraph
    assert not re.search(r"\d\.\d", paragraph)
    assert "0,859" in text and "0.859" not in text


def test_binary_and_cu_alpha_by_hand(tmp_path):
    """|uα: L = 10, a codes 0-4, b codes 2-6: l_Xφ = l_φX = 4, l_XX = 4, l_φφ = 8; S_X = 32,
    S_φ = 12 (gap lengths); e_Xφ = 8 · 12 / (20 - 44/20) = 5.393; |uα = 1 - 8 / 10.787 = 0.258.

    cuα: L = 20, a codes X 0-10 and Y 10-20, b codes X 0-5 and Y 5-15. Valued coincidences
    l_XX = 10, l_XY = l_YX = 5, l_YY = 10; the parts of each passage that meet the other
    coder's passages: a's X 10, a's Y 5, b's X 5, b's Y 10, so S*_X = 125, S*_Y = 125;
    e_XY = 15 · 15 / (30 - 250/30) = 10.385; cuα = 1 - 10 / 20.769 = 0.519."""
    _project(tmp_path / "a.db", 10, {"X": {"a": [(0, 4)], "b": [(2, 6)]}})
    assert (
        round(_cli(tmp_path / "a.db", "--unit", "unitizing")["unitizing"]["alpha_u_binary"], 3)
        == 0.258
    )
    _project(
        tmp_path / "b.db",
        20,
        {"D/X": {"a": [(0, 10)], "b": [(0, 5)]}, "D/Y": {"a": [(10, 20)], "b": [(5, 15)]}},
    )
    [dom] = _cli(tmp_path / "b.db", "--unit", "unitizing")["unitizing"]["domains"]
    assert round(dom["alpha_cu"], 3) == 0.519


def test_a_document_one_coder_never_touched_is_missing_not_disagreement(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        plain_doc(p, "BOTH", 100)
        plain_doc(p, "ONLY_A", 100)
        codes(p, "X")
        code(p, "BOTH", "X", [(10, 30)], "a")
        code(p, "BOTH", "X", [(10, 30)], "b")
        code(p, "ONLY_A", "X", [(10, 30)], "a")
        result = agreement(p, unit="unitizing", coders=["a", "b"], docs=["BOTH", "ONLY_A"])
    assert [d["document"] for d in result.unitizing["documents"]] == ["BOTH"]
    assert result.alpha == 1.0


def _spans(draw_list: list[int], length: int) -> list[tuple[int, int]]:
    points = sorted({min(max(x, 0), length) for x in draw_list})
    return [(a, b) for a, b in zip(points[::2], points[1::2], strict=False) if b > a]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(5, 60),
    st.lists(st.integers(0, 60), max_size=8),
    st.lists(st.integers(0, 60), max_size=8),
    st.lists(st.integers(1, 3), min_size=8, max_size=8),
)
def test_random_cuts_stay_in_range_and_identical_cuts_give_one(length, a, b, values):
    pa, pb = _spans(a, length), _spans(b, length)
    stats = um.continuum_stats([pa, pb], length)
    value = um.alpha(stats.observed, stats.expected)
    assert value is None or value <= 1.0 + 1e-9
    same = um.continuum_stats([pa, pa], length)
    if pa:
        assert um.alpha(same.observed, same.expected) == 1.0
    layer_a = [(s, e, values[i]) for i, (s, e) in enumerate(pa)]
    layer_b = [(s, e, values[i]) for i, (s, e) in enumerate(pb)]
    c = um.coincidences([layer_a, layer_b], length, 4)
    for coefficient in (um.u_alpha_coincidences(c), um.cu_alpha(c)):
        assert coefficient is None or coefficient <= 1.0 + 1e-9
    twin = um.coincidences([layer_a, layer_a], length, 4)
    assert twin.conflicts == 0
    assert um.u_alpha_coincidences(twin) in (None, 1.0)
    assert um.cu_alpha(twin) in (None, 1.0)
