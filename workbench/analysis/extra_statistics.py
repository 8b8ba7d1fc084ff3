"""Statistics beside the alphas and kappas: Gwet's AC1/AC2 and Mathet's gamma (``--statistic``).

- **AC1** (Gwet 2008, "Computing inter-rater reliability and its variance in the presence of
  high agreement", *British Journal of Mathematical and Statistical Psychology* 61, 29-48;
  *Handbook of Inter-Rater Reliability*, 4th ed., 2014): chance agreement from how evenly the
  categories are used, so a code that covers little of the text does not drag the figure down
  the way it drags kappa. Per code on the same units x coders 0/1 tables as kappa and alpha,
  pooled on the stacked tables, and with ``--group`` AC2 on the variable's values with Gwet's
  weights for its level (ordinal, quadratic for interval, ratio). Written here from the
  formulas (irrCAC, the Python port, pins numpy below 2 and scipy 1.12): the tests reproduce
  irrCAC's documented example.
- **gamma** (Mathet, Widlöcher & Métivier 2015, "The unified and holistic method gamma (γ) for
  inter-annotator agreement measure and alignment", *Computational Linguistics* 41(3)) through
  ``pygamma-agreement``, an optional extra (``pip install 'workbench[gamma]'``): the codings
  are units on one continuum (documents laid end to end, apart), aligned by their positions
  and codes; its dissimilarity settings are options and ``--seed`` fixes its sampling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from workbench.i18n import _
from workbench.store.errors import WorkbenchError

STATISTICS = ("gamma", "ac1")
AC1_UNITS = ("char", "sentence", "turn", "document", "presence")
GAMMA_UNITS = ("char", "unitizing", "segment")
GAMMA_DEFAULTS = {
    "alpha": 1.0,
    "beta": 1.0,
    "delta_empty": 1.0,
    "samples": 30,
    "fast": False,
    "sampler": "statistical",
}
GAMMA_SAMPLERS = ("statistical", "shuffle")
LEVEL_WEIGHTS = {
    "nominal": "identity",
    "ordinal": "ordinal",
    "interval": "quadratic",
    "ratio": "ratio",
}


def check_statistics(statistics: Sequence[str], unit: str) -> None:
    """One-line errors for an unknown statistic or one that the unit cannot give."""
    for name in statistics:
        if name not in STATISTICS:
            raise WorkbenchError(
                _("unknown statistic {name!r}; use one of {choices}").format(
                    name=name, choices=", ".join(STATISTICS)
                )
            )
        if name == "ac1" and unit not in AC1_UNITS:
            raise WorkbenchError(
                _(
                    "--statistic ac1 needs units every coder rates (use --unit {units}), not {unit}"
                ).format(units=", ".join(AC1_UNITS), unit=unit)
            )
        if name == "gamma" and unit not in GAMMA_UNITS:
            raise WorkbenchError(
                _(
                    "--statistic gamma compares the coded passages themselves (use --unit "
                    "{units}), not {unit}"
                ).format(units=", ".join(GAMMA_UNITS), unit=unit)
            )


# ------------------------------------------------------------------------- Gwet's AC


def gwet_weights(kind: str, categories: Sequence[float]) -> np.ndarray:
    """Gwet's (2014) weights: identity, ordinal, quadratic, linear, ratio or bipolar."""
    c = np.asarray(categories, dtype=np.float64)
    q = len(c)
    k, el = np.meshgrid(np.arange(q), np.arange(q), indexing="ij")
    ck, cl = c[k], c[el]
    lo, hi = c.min() if q else 0.0, c.max() if q else 0.0
    if kind == "identity" or q < 2:
        return np.eye(q)
    if kind == "ordinal":
        n = np.abs(k - el) + 1.0
        w = n * (n - 1) / 2
    elif kind == "quadratic":
        w = (ck - cl) ** 2
    elif kind == "linear":
        w = np.abs(ck - cl)
    elif kind == "ratio":
        if (c == 0).any():
            raise WorkbenchError(_("ratio weights need values other than 0"))
        w = ((ck - cl) / (ck + cl)) ** 2
    elif kind == "bipolar":
        denominator = (ck + cl - 2 * lo) * (2 * hi - ck - cl)
        w = np.divide((ck - cl) ** 2, denominator, out=np.zeros_like(ck), where=k != el)
    else:
        raise WorkbenchError(_("unknown weights {kind!r}").format(kind=kind))
    return 1.0 - w / w.max() if w.max() > 0 else np.eye(q)


def gwet_ac(counts: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float] | None:
    """AC1 (identity weights) or AC2 from a units x categories table of rater counts.

    p_a = mean over units with at least two ratings of Σ_k r_ik (r*_ik - 1) / (r_i (r_i - 1)),
    r*_ik = Σ_l w_kl r_il; p_e = T_w / (q (q - 1)) · Σ_k π_k (1 - π_k), π_k = the mean share
    of category k over rated units, T_w = Σ w_kl; AC = (p_a - p_e) / (1 - p_e).
    """
    counts = np.asarray(counts, dtype=np.float64)
    q = counts.shape[1] if counts.ndim == 2 else 0
    if q < 2:
        return None
    w = np.eye(q) if weights is None else np.asarray(weights, dtype=np.float64)
    r = counts.sum(axis=1)
    paired = r >= 2
    if not paired.any():
        return None
    weighted = counts @ w.T
    pa = float(
        np.mean(
            (counts[paired] * (weighted[paired] - 1.0)).sum(axis=1) / (r[paired] * (r[paired] - 1))
        )
    )
    rated = r >= 1
    pi = (counts[rated] / r[rated, None]).mean(axis=0)
    pe = float(w.sum() / (q * (q - 1)) * np.sum(pi * (1.0 - pi)))
    if pe >= 1.0:
        return None
    return {"ac": (pa - pe) / (1.0 - pe), "pa": pa, "pe": pe}


def hist_counts(hist: np.ndarray) -> np.ndarray:
    """A code's (m, j) histogram as a units x {0, 1} table of rater counts (repeated rows)."""
    rows = []
    weights = []
    for m in range(hist.shape[0]):
        for j in range(m + 1):
            if hist[m, j]:
                rows.append((m - j, j))
                weights.append(int(hist[m, j]))
    return np.repeat(np.array(rows, dtype=np.float64).reshape(-1, 2), weights, axis=0)


def _ac_from_hist(hist: np.ndarray) -> dict[str, float] | None:
    """AC1 of a binary table summarised as a histogram, without expanding it."""
    m = np.arange(hist.shape[0])[:, None].astype(np.float64)
    j = np.arange(hist.shape[1])[None, :].astype(np.float64)
    valid = j <= m
    n = np.where(valid, hist, 0).astype(np.float64)
    paired = (m >= 2) & valid
    units_paired = n[paired.nonzero()].sum() if paired.any() else 0.0
    if units_paired == 0:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        agree = np.nan_to_num((j * (j - 1) + (m - j) * (m - j - 1)) / (m * (m - 1)))
        share = np.nan_to_num(j / m)
    pa = float(np.sum(np.where(paired, n * agree, 0.0)) / units_paired)
    rated = (m >= 1) & valid
    pi1 = float(np.sum(np.where(rated, n * share, 0.0)) / np.sum(np.where(rated, n, 0.0)))
    pe = 2.0 * pi1 * (1.0 - pi1)  # T_w / (q (q - 1)) = 1 for two categories, identity weights
    if pe >= 1.0:
        return None
    return {"ac": (pa - pe) / (1.0 - pe), "pa": pa, "pe": pe}


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _ac1_block(project: Any, sel: Any, result: Any, hists: np.ndarray) -> dict[str, Any]:
    """AC1 per code from each code's (m, j) histogram (``agreement.tally``), and pooled."""
    codes = []
    pooled = np.zeros_like(hists[0]) if len(hists) else np.zeros((1, 1), dtype=np.int64)
    for r, row in enumerate(result.codes):
        one = _ac_from_hist(hists[r])
        codes.append({"code": row.code, "ac1": _round(one["ac"]) if one else None})
        if row.used:
            pooled = pooled + hists[r]
    overall = _ac_from_hist(pooled) if result.codes else None
    block: dict[str, Any] = {
        "statistic": "Gwet's AC1",
        "codes": codes,
        "overall": _round(overall["ac"]) if overall else None,
        "pa": _round(overall["pa"]) if overall else None,
        "pe": _round(overall["pe"]) if overall else None,
    }
    if result.variable is not None:
        from workbench.analysis import variable as var

        v = result.variable
        table = var.variable_table(project, sel, v["group"], level=v["level"], missing=v["missing"])
        counts, values = var.domain(table)
        kind = LEVEL_WEIGHTS[v["level"]]
        weights = gwet_weights(kind, values if v["level"] != "nominal" else range(len(values)))
        ac2 = gwet_ac(counts, weights)
        block["variable"] = {
            "statistic": "Gwet's AC1" if kind == "identity" else "Gwet's AC2",
            "weights": kind,
            "value": _round(ac2["ac"]) if ac2 else None,
        }
    return block


# ------------------------------------------------------------------------------ gamma


def gamma_continuum(sel: Any) -> tuple[list[tuple[str, int, int, str]], int]:
    """The codings as (coder, start, end, code) on one line: documents end to end, apart."""
    pad = 1 + int((sel.codings[:, 5] - sel.codings[:, 4]).max()) if sel.codings.size else 1
    offsets, position = {}, 0
    for d, doc in enumerate(sel.documents):
        offsets[d] = position
        position += doc.length + pad
    units = [
        (sel.coders[k].name, offsets[d] + s, offsets[d] + e, sel.rows[row].path)
        for _cid, d, row, k, s, e, _code in sel.codings.tolist()
        if e > s and sel.available[d].all()
    ]
    return units, position


def compute_gamma(
    units: Sequence[tuple[str, int, int, str]],
    coders: Sequence[str],
    options: dict[str, Any],
    seed: int | None,
) -> dict[str, Any]:
    """Mathet's gamma through pygamma-agreement (imported here: an optional, heavy extra)."""
    try:
        logging.getLogger().setLevel(logging.ERROR)  # pygamma logs a solver choice on import
        import pygamma_agreement as pa
        from pyannote.core import Segment
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise WorkbenchError(
            _("--statistic gamma needs pygamma-agreement: pip install 'workbench[gamma]'")
        ) from exc
    opts = {**GAMMA_DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    if opts["sampler"] not in GAMMA_SAMPLERS:
        raise WorkbenchError(
            _("unknown gamma sampler {name!r}; use {choices}").format(
                name=opts["sampler"], choices=", ".join(GAMMA_SAMPLERS)
            )
        )
    by_coder = {name: 0 for name in coders}
    continuum = pa.Continuum()
    for coder, start, end, code in units:
        continuum.add(coder, Segment(start, end), code)
        by_coder[coder] += 1
    block: dict[str, Any] = {
        "statistic": "Mathet's gamma",
        "dissimilarity": {
            "alpha": opts["alpha"],
            "beta": opts["beta"],
            "delta_empty": opts["delta_empty"],
        },
        "samples": int(opts["samples"]),
        "sampler": opts["sampler"],
        "fast": bool(opts["fast"]),
        "seed": seed,
        "units": by_coder,
        "value": None,
    }
    if sum(1 for n in by_coder.values() if n) < 2:
        return block  # gamma needs at least two coders with units
    dissimilarity = pa.CombinedCategoricalDissimilarity(
        alpha=float(opts["alpha"]), beta=float(opts["beta"]), delta_empty=float(opts["delta_empty"])
    )
    state = np.random.get_state()
    try:
        if seed is not None:
            np.random.seed(seed)
        sampler = (
            pa.ShuffleContinuumSampler()
            if opts["sampler"] == "shuffle"
            else pa.StatisticalContinuumSampler()
        )
        result = continuum.compute_gamma(
            dissimilarity, n_samples=int(opts["samples"]), fast=bool(opts["fast"]), sampler=sampler
        )
    finally:
        np.random.set_state(state)
    block["value"] = _round(float(result.gamma))
    block["observed_disorder"] = _round(float(result.observed_disorder))
    block["expected_disorder"] = _round(float(result.expected_disorder))
    return block


def add_statistics(
    project: Any,
    sel: Any,
    result: Any,
    statistics: Sequence[str],
    *,
    seed: int | None = None,
    gamma_options: dict[str, Any] | None = None,
    grain: str = "char",
    hists: Callable[[], np.ndarray] | None = None,
) -> Any:
    """``result`` with a ``gamma`` and/or ``ac1`` block (JSON keys of the same names).

    ``hists`` gives the codes' unit histograms for AC1 (``agreement.tally``; passed in, so
    this module never imports the one that calls it)."""
    if not statistics:
        return result
    blocks: dict[str, Any] = dict(result.statistics or {})
    if "ac1" in statistics:
        if hists is None:
            raise WorkbenchError(_("AC1 needs the units compared"))
        blocks["ac1"] = _ac1_block(project, sel, result, hists())
    if "gamma" in statistics:
        units, _length = gamma_continuum(sel)
        blocks["gamma"] = compute_gamma(units, sel.coder_names, gamma_options or {}, seed)
    return replace(result, statistics=blocks)


__all__ = [
    "AC1_UNITS",
    "GAMMA_DEFAULTS",
    "STATISTICS",
    "add_statistics",
    "check_statistics",
    "compute_gamma",
    "gamma_continuum",
    "gwet_ac",
    "gwet_weights",
    "hist_counts",
]
