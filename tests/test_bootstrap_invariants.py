"""What the bootstrap of alpha must satisfy whatever the data: its draws centre on the point
estimate at every level of measurement, they spread as the number of pairable values says,
and that number is counted right with three, four or more coders per unit.

The reference numbers are computed here from the definitions (Krippendorff 2011; Hayes and
Krippendorff 2007) by plain loops over the units and the coders, not by the module tested:
the coincidences, the pairs ``M = sum m(m - 1) / 2``, and the spread of a mean of ``M`` pairs
drawn from the coincidences, ``sd = sqrt(Var(delta) / M) / De``.
"""

from __future__ import annotations

import itertools
import math
import random

import krippendorff
import numpy as np
import pytest

from tests.agree_helpers import code, codes, done, sentence_doc
from tests.test_agree_variable import DATA, PUBLISHED, _rating_project
from workbench.analysis import bootstrap as boot
from workbench.analysis.agreement import agreement
from workbench.store.project import Project

VALUES = [1.0, 2.0, 3.0, 4.0, 5.0]


def units_of(data: dict[str, list[float]]) -> list[list[float]]:
    """The values each unit got (missing left out), unit by unit."""
    columns = list(zip(*data.values(), strict=True))
    return [[v for v in column if not math.isnan(v)] for column in columns]


def naive(units: list[list[float]], level: str, values: list[float] = VALUES) -> dict[str, float]:
    """Coincidences, M, De, the observed disagreement and the spread, by loops."""
    pairable = [u for u in units if len(u) >= 2]
    o: dict[tuple[float, float], float] = {}
    for u in pairable:
        for i, j in itertools.permutations(range(len(u)), 2):
            key = (u[i], u[j])
            o[key] = o.get(key, 0.0) + 1.0 / (len(u) - 1)
    n_c = {c: sum(o.get((c, k), 0.0) for k in values) for c in values}
    n = sum(n_c.values())

    def delta2(c: float, k: float) -> float:
        if level == "nominal":
            return float(c != k)
        if level == "interval":
            return (c - k) ** 2
        if level == "ratio":
            return ((c - k) / (c + k)) ** 2
        lo, hi = min(c, k), max(c, k)
        between = sum(n_c[g] for g in values if lo <= g <= hi)
        return (between - (n_c[c] + n_c[k]) / 2) ** 2

    pairs = sum(len(u) * (len(u) - 1) // 2 for u in pairable)
    expected = sum(n_c[c] * n_c[k] * delta2(c, k) for c in values for k in values) / (n * (n - 1))
    p = {key: w / n for key, w in o.items()}
    mean = sum(w * delta2(*key) for key, w in p.items())
    var = sum(w * delta2(*key) ** 2 for key, w in p.items()) - mean**2
    return {
        "pairs": pairs,
        "alpha": 1 - mean / expected,
        "sd": math.sqrt(var / pairs) / expected,
    }


def coincidence_inputs(level: str) -> tuple[np.ndarray, np.ndarray, int]:
    """What the agreement code hands the bootstrap for the 2011 example: o, delta2, M."""
    from workbench.analysis.agreement_stats import coincidences

    data = np.array(list(DATA.values()), dtype=float)
    counts = np.stack([(data == v).sum(axis=0) for v in VALUES], axis=1)
    paired = counts[counts.sum(axis=1) >= 2]
    o = coincidences(paired)
    return o, boot.metric(level, VALUES, o.sum(axis=1)), boot.pairs_in_counts(paired)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_draws_centre_on_the_point_estimate_and_spread_as_the_pairs_say(level):
    reference = naive(units_of(DATA), level)
    package = krippendorff.alpha(reliability_data=list(DATA.values()), level_of_measurement=level)
    assert reference["alpha"] == pytest.approx(package)  # the loops are right
    o, delta2, pairs = coincidence_inputs(level)
    assert pairs == reference["pairs"] == 55
    draws = 40_000
    alphas = boot.bootstrap_alphas(o, delta2, pairs, draws, np.random.default_rng(5))
    # the mean of alpha* is alpha: E[Do*] = Do, and De is the original data's
    standard_error = alphas.std() / math.sqrt(draws)
    assert abs(alphas.mean() - package) < 4 * standard_error, (alphas.mean(), package)
    # the spread of a mean of M pairs: a wrong M or De shows here
    assert alphas.std() == pytest.approx(reference["sd"], rel=0.03)


def test_the_2011_example_through_agreement_centres_too(tmp_path):
    """The same data through ``agree --group --level``: the interval holds the published
    alpha and is as wide as the spread of the draws says (alpha* is capped at 1, so the
    interval leans to the left and its middle is not a test of centring: the test above is)."""
    path = tmp_path / "k.db"
    _rating_project(path)
    with Project.open(path) as p:
        for level in ("ordinal", "interval"):
            result = agreement(
                p,
                unit="sentence",
                group="Rating",
                missing="uncoded",
                level=level,
                bootstrap=20_000,
                seed=3,
            )
            block = result.variable["bootstrap"]
            low, high = block["ci95"]
            sd = naive(units_of(DATA), level)["sd"]
            alpha = result.variable["alpha"]
            assert round(alpha, 3) == PUBLISHED[level]
            assert low < alpha < high
            assert (high - low) == pytest.approx(2 * 1.96 * sd, rel=0.12), level


# ------------------------------------------------------------------ pairs with many coders


def test_pairs_are_counted_per_unit_with_three_and_four_coders():
    # rows m = 0..4 values in a unit, columns j = how many of them applied the code
    hist = np.zeros((5, 5), dtype=np.int64)
    hist[1, 0] = 7  # one value: no pair
    hist[2, 1] = 3  # two values: one pair each
    hist[3, 0], hist[3, 3], hist[3, 2] = 4, 2, 5  # three values: three pairs each
    hist[4, 1] = 6  # four values: six pairs each
    units = [2] * 3 + [3] * 11 + [4] * 6
    naive_pairs = sum(len(list(itertools.combinations(range(m), 2))) for m in units)
    assert naive_pairs == 3 + 33 + 36
    assert boot.pairs_in_hist(hist) == naive_pairs
    counts = np.array([[1, 0], [1, 1], [2, 1], [0, 3], [3, 1], [1, 0]])  # value counts per unit
    assert boot.pairs_in_counts(counts) == 0 + 1 + 3 + 3 + 6 + 0


def _three_coders(n_units: int = 240, seed: int = 8) -> tuple[Project, dict[str, list[float]]]:
    """Three coders on one code over ``n_units`` sentences, agreeing most of the time."""
    rng = random.Random(seed)
    p = Project.memory()
    spans = sentence_doc(p, "d", n_units)
    codes(p, "X")
    data: dict[str, list[float]] = {"A": [], "B": [], "C": []}
    for span in spans:
        truth = rng.random() < 0.35
        for coder in data:
            applied = truth if rng.random() < 0.85 else not truth
            data[coder].append(1.0 if applied else 0.0)
            if applied:
                code(p, "d", "X", [span], coder)
    done(p, "d", "A", "B", "C")
    return p, data


def test_three_coders_binary_interval_has_the_width_three_pairs_per_unit_give():
    p, data = _three_coders()
    result = agreement(p, unit="sentence", bootstrap=8000, seed=2)
    row = result.codes[0]
    expected_alpha = krippendorff.alpha(
        reliability_data=list(data.values()), level_of_measurement="nominal"
    )
    assert row.alpha == pytest.approx(expected_alpha, abs=1e-6)
    units = [[data[c][u] for c in data] for u in range(len(data["A"]))]
    reference = naive(units, "nominal", [0.0, 1.0])
    assert reference["pairs"] == 3 * len(units)
    low, high = row.bootstrap["ci95"]
    assert (high - low) == pytest.approx(2 * 1.96 * reference["sd"], rel=0.1)
    assert low < row.alpha < high
