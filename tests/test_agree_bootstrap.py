"""Hayes and Krippendorff's bootstrap: intervals that contain alpha, shrink with more units,
repeat with a seed; the metric differences checked against the krippendorff package."""

from __future__ import annotations

import json
import random

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner

from tests.agree_helpers import code, codes, done, sentence_doc
from tests.test_agree_variable import DATA, PUBLISHED, _rating_project
from workbench.analysis import bootstrap as boot
from workbench.analysis.agreement import agreement
from workbench.analysis.agreement_stats import coincidences
from workbench.cli import cli
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


def _value_counts() -> tuple[np.ndarray, list[float]]:
    data = np.array(list(DATA.values()), dtype=float)
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    counts = np.stack([(data == v).sum(axis=0) for v in values], axis=1)
    return counts, values


@pytest.mark.parametrize("level", list(PUBLISHED))
def test_metric_gives_the_package_alpha_at_each_level(level):
    counts, values = _value_counts()
    paired = counts[counts.sum(axis=1) >= 2]
    o = coincidences(paired)
    delta2 = boot.metric(level, values, o.sum(axis=1))
    expected = krippendorff.alpha(reliability_data=list(DATA.values()), level_of_measurement=level)
    assert boot.alpha_with_metric(o, delta2) == pytest.approx(expected)
    assert round(expected, 3) == PUBLISHED[level]
    assert boot.pairs_in_counts(paired) == 3 + 8 * 6 + 3 + 1  # sum of m(m-1)/2 over units


def _boot(path, *args):
    out = CliRunner().invoke(
        cli,
        [
            "-p",
            str(path),
            "agree",
            "--unit",
            "sentence",
            "--group",
            "Rating",
            "--missing",
            "uncoded",
            "--format",
            "json",
            "--bootstrap",
            "2000",
            *args,
        ],
    )
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_interval_of_the_2011_example_contains_alpha_and_repeats_with_a_seed(tmp_path):
    path = tmp_path / "k.db"
    _rating_project(path)
    data = _boot(path, "--seed", "11")
    block = data["variable"]["bootstrap"]
    low, high = block["ci95"]
    assert low < 0.743 < high
    assert block["draws"] == 2000 and block["seed"] == 11
    p667, p800 = block["p_below"]["0.667"], block["p_below"]["0.800"]
    assert 0 <= p667 <= p800 <= 1  # below 0.667 implies below 0.800
    assert _boot(path, "--seed", "11") == data  # deterministic with a seed
    assert _boot(path, "--seed", "12")["variable"]["bootstrap"] != block
    # per code and overall blocks too
    assert all("bootstrap" in c for c in data["codes"])
    assert data["overall"]["bootstrap"]["draws"] == 2000
    interval = _boot(path, "--seed", "11", "--level", "interval")["variable"]
    assert interval["bootstrap"]["ci95"][0] < 0.849 < interval["bootstrap"]["ci95"][1]


def _synthetic(n_units: int, seed: int = 4) -> Project:
    """Two coders agreeing on about 80 % of the units about one code."""
    rng = random.Random(seed)
    p = Project.memory()
    spans = sentence_doc(p, "d", n_units)
    codes(p, "X")
    for span in spans:
        a = rng.random() < 0.4
        b = a if rng.random() < 0.8 else not a
        if a:
            code(p, "d", "X", [span], "A")
        if b:
            code(p, "d", "X", [span], "B")
    done(p, "d", "A", "B")
    return p


def test_interval_width_shrinks_as_units_grow():
    widths = []
    for n in (40, 400, 4000):
        result = agreement(_synthetic(n), unit="sentence", bootstrap=1000, seed=1)
        low, high = result.codes[0].bootstrap["ci95"]
        assert low <= result.codes[0].alpha <= high
        widths.append(high - low)
    # the width falls roughly with the square root of the number of units
    assert widths[1] < 0.5 * widths[0] and widths[2] < 0.5 * widths[1]


def test_identical_coders_interval_is_one(project: Project):
    spans = sentence_doc(project, "d", 20)
    codes(project, "X")
    for coder in ("A", "B"):
        code(project, "d", "X", spans[::3], coder)
    done(project, "d", "A", "B")
    result = agreement(project, unit="sentence", bootstrap=200, seed=0)
    assert result.codes[0].percent == 100.0 and result.codes[0].alpha == pytest.approx(1.0)
    assert result.codes[0].bootstrap["ci95"] == [1.0, 1.0]
    assert result.codes[0].bootstrap["p_below"] == {"0.667": 0.0, "0.800": 0.0}
    text = result.to_markdown()
    assert "95 % bootstrap interval 1.00 to 1.00, 200 draws" in text.splitlines()[-1]


def test_bad_draws():
    with pytest.raises(WorkbenchError, match="--bootstrap"):
        agreement(_synthetic(10), unit="sentence", bootstrap=0)
