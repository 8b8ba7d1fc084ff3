"""Inter-coder agreement per code and overall: percent agreement, Cohen's kappa, Krippendorff's alpha.

The comparison is over the documents every compared coder marked done (or the ones named), at a
chosen unit: ``char``, ``sentence``, ``turn`` or ``document``. A coder applied a code to a unit
when one of their codings of it shares a character with the unit. Each code then gives a binary
units x coders table, summarised here as a histogram: how many units had ``m`` coders with a
value and ``j`` of them applying the code. Every statistic follows from that histogram (plus,
for two coders, how often each coder applied the code), which keeps even character units cheap.

Definitions and the pooling rules are written down in ``docs/agreement.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from workbench.analysis import bootstrap as boot
from workbench.analysis import segments as seg
from workbench.analysis.agreement_results import Agreement, CodeAgreement
from workbench.analysis.agreement_selection import Selection, select
from workbench.analysis.agreement_stats import (
    alpha_from_coincidences,
    binary_coincidences,
    cohen_kappa,
    coincidences,
    hist_value_counts,
    package_alpha,
    percent_agreement,
)
from workbench.analysis.segments import DEFAULT_OVERLAP
from workbench.analysis.units import (
    AGREEMENT_COMPARISONS,
    check_unit,
    coverage_lengths,
    load_units,
    merge_intervals,
    units_touched,
)
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

# ---------------------------------------------------------------------------- histograms


@dataclass(frozen=True)
class Tally:
    """Per row: ``hist[row, m, j]`` units by coders with values (m) and coders applying (j);
    ``applied[row, k]`` units coder ``k`` applied the code to among units where all have values."""

    hist: np.ndarray
    applied: np.ndarray


def tally(project: Project, sel: Selection) -> Tally:
    """Count, for every row, the (m, j) histogram over the compared units."""
    n_rows, n_coders = len(sel.rows), len(sel.coders)
    hist = np.zeros((n_rows, n_coders + 1, n_coders + 1), dtype=np.int64)
    applied = np.zeros((n_rows, n_coders), dtype=np.int64)
    m_doc = sel.available.sum(axis=1).astype(np.int64)
    if sel.unit == "char":
        _tally_chars(sel, m_doc, hist, applied)
    else:
        _tally_units(project, sel, m_doc, hist, applied)
    return Tally(hist, applied)


def _tally_chars(sel: Selection, m_doc: np.ndarray, hist: np.ndarray, applied: np.ndarray) -> None:
    n_coders = len(sel.coders)
    for d, doc in enumerate(sel.documents):
        hist[:, m_doc[d], 0] += doc.length
    groups: dict[tuple[int, int], list[list[tuple[int, int]]]] = {}
    for _cid, d, row, k, start, end, _code in sel.codings.tolist():
        layers = groups.setdefault((row, d), [[] for _unused in range(n_coders)])
        layers[k].append((start, min(end, sel.documents[d].length)))
    for (row, d), layers in groups.items():
        m = int(m_doc[d])
        merged = [merge_intervals(spans) for spans in layers]
        present = [merged[k] for k in range(n_coders) if sel.available[d, k]]
        lengths = coverage_lengths(present)
        for j in range(1, len(lengths)):
            hist[row, m, j] += lengths[j]
            hist[row, m, 0] -= lengths[j]
        if m == n_coders:
            for k in range(n_coders):
                applied[row, k] += sum(e - s for s, e in merged[k])


def _tally_units(
    project: Project, sel: Selection, m_doc: np.ndarray, hist: np.ndarray, applied: np.ndarray
) -> None:
    n_coders = len(sel.coders)
    units = load_units(project, [d.id for d in sel.documents], sel.unit)
    n_units = len(units)
    if not n_units:
        return
    m_unit = m_doc[units.doc]
    per_m = np.bincount(m_unit, minlength=n_coders + 1)
    hist[:, :, 0] += per_m[None, :]
    c = sel.codings
    if not c.size:
        return
    span_idx, unit_idx = units_touched(units, c[:, 1], c[:, 4], c[:, 5])
    rows, coders = c[span_idx, 2], c[span_idx, 3]
    triples = np.unique((rows * n_coders + coders) * n_units + unit_idx)
    t_unit = triples % n_units
    t_rowcoder = triples // n_units
    t_row, t_coder = t_rowcoder // n_coders, t_rowcoder % n_coders
    full = m_unit[t_unit] == n_coders
    np.add.at(applied, (t_row[full], t_coder[full]), 1)
    pairs, j = np.unique(t_row * n_units + t_unit, return_counts=True)
    p_row, p_unit = pairs // n_units, pairs % n_units
    p_m = m_unit[p_unit]
    np.add.at(hist, (p_row, p_m, j), 1)
    np.add.at(hist, (p_row, p_m, np.zeros_like(j)), -1)


def _counts(hist: np.ndarray, applied: np.ndarray, coders: Sequence[str]) -> dict[str, Any]:
    n = len(coders)
    if n == 2:
        both = int(hist[2, 2])
        return {
            "units": int(hist[2].sum()),
            "both": both,
            "only_a": int(applied[0]) - both,
            "only_b": int(applied[1]) - both,
            "neither": int(hist[2, 0]),
        }
    units = sum(int(hist[m, : m + 1].sum()) for m in range(2, n + 1))
    all_ = sum(int(hist[m, m]) for m in range(2, n + 1))
    none = sum(int(hist[m, 0]) for m in range(2, n + 1))
    return {
        "units": units,
        "all": all_,
        "some": units - all_ - none,
        "none": none,
        "applied": {name: int(applied[k]) for k, name in enumerate(coders)},
    }


def _agree_units(hist: np.ndarray) -> tuple[int, int]:
    """(units where every coder with a value agrees, units with at least two values)."""
    n = hist.shape[0] - 1
    units = sum(int(hist[m, : m + 1].sum()) for m in range(2, n + 1))
    agree = sum(int(hist[m, 0]) + int(hist[m, m]) for m in range(2, n + 1))
    return agree, units


def summarise(sel: Selection, t: Tally) -> Agreement:
    """Per-code and pooled figures from the tally."""
    names = sel.coder_names
    two = len(names) == 2
    results: list[CodeAgreement] = []
    pooled_agree = pooled_units = 0
    pooled_table = np.zeros(4, dtype=np.int64)
    pooled_o = np.zeros((2, 2))
    for r, code in enumerate(sel.rows):
        hist, applied = t.hist[r], t.applied[r]
        agree, units = _agree_units(hist)
        counts = _counts(hist, applied, names)
        kappa = None
        if two:
            table = np.array(
                [counts["both"], counts["only_a"], counts["only_b"], counts["neither"]]
            )
            kappa = cohen_kappa(*table.tolist())
        if sel.unit == "char":
            alpha = alpha_from_coincidences(binary_coincidences(hist))
        else:
            alpha = package_alpha(hist_value_counts(hist))
        used = bool(sum(int(hist[m, 1 : m + 1].sum()) for m in range(hist.shape[0])))
        results.append(
            CodeAgreement(
                code.path, units, percent_agreement(agree, units), kappa, alpha, counts, used
            )
        )
        if used:
            pooled_agree += agree
            pooled_units += units
            pooled_o += binary_coincidences(hist)
            if two:
                pooled_table += table
    return Agreement(
        unit=sel.unit,
        coders=names,
        documents=tuple(d.name for d in sel.documents),
        codes=tuple(results),
        percent=percent_agreement(pooled_agree, pooled_units),
        kappa=cohen_kappa(*pooled_table.tolist()) if two else None,
        alpha=alpha_from_coincidences(pooled_o),
    )


def agreement(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    unit: str = "char",
    codes: Sequence[str] | None = None,
    depth: int | None = None,
    docs: Sequence[str] | None = None,
    group: str | None = None,
    level: str = "nominal",
    missing: str = "none",
    overlap: float | None = None,
    bootstrap: int | None = None,
    seed: int | None = None,
    where: Sequence[str | tuple[str, str]] = (),
) -> Agreement:
    """Agreement between coders per code and overall; see ``docs/agreement.md``.

    With ``group`` the subcodes of that code are also compared as the values of one variable
    (``workbench.analysis.variable``): the result's ``variable`` block holds its alpha at
    ``level``, with ``missing`` deciding what a unit without a value is. ``bootstrap`` draws
    that many resamples (``workbench.analysis.bootstrap``) for a 95 % interval of every alpha,
    reproducible with ``seed``.
    """
    from workbench.analysis import variable as var

    check_agree_unit(unit)
    var.check_level(level, missing)
    if group is None and (level != "nominal" or missing != "none"):
        raise WorkbenchError(_("--level and --missing describe a variable: name it with --group"))
    if group is not None and unit not in ("sentence", "turn", "document"):
        raise WorkbenchError(
            _(
                "--group compares one value per unit: use --unit sentence, turn or document (not "
                "{unit})"
            ).format(unit=unit)
        )
    if group is not None and not codes:
        codes = [group]
    if overlap is not None and unit != "segment":
        raise WorkbenchError(_("--overlap applies to --unit segment only"))
    if bootstrap is not None:
        boot.check_draws(bootstrap)
    base = UNIT_BASE.get(unit, unit)
    sel = select(
        project, coders=coders, unit=base, codes=codes, depth=depth, docs=docs, where=where
    )
    rng = np.random.default_rng(seed)
    if unit == "segment":
        return summarise_segments(sel, DEFAULT_OVERLAP if overlap is None else overlap)
    if unit == "frequency":
        result = summarise_frequency(sel)
        if bootstrap:
            result = _bootstrap_frequency(result, sel, bootstrap, seed, rng)
        return result
    t = tally(project, sel)
    result = summarise(sel, t)
    if unit != base:
        result = replace(result, unit=unit)
    if bootstrap:
        result = _bootstrap_binary(result, t, bootstrap, seed, rng)
    if group is None:
        return result
    table = var.variable_table(project, sel, group, level=level, missing=missing)
    block = var.summary(table, var.variable_alpha(table))
    if bootstrap:
        block["bootstrap"] = _bootstrap_counts(
            *var.domain(table), table.level, bootstrap, seed, rng
        )
    return replace(result, variable=block)


def _bootstrap_binary(
    result: Agreement, t: Tally, draws: int, seed: int | None, rng: np.random.Generator
) -> Agreement:
    """Per code and pooled: the bootstrap of each code's binary (0/1) alpha."""
    delta2 = boot.metric("nominal", [0, 1], np.zeros(2))
    codes = []
    pooled_o = np.zeros((2, 2))
    pooled_pairs = 0
    for r, row in enumerate(result.codes):
        block = None
        if row.alpha is not None:
            o = binary_coincidences(t.hist[r])
            pairs = boot.pairs_in_hist(t.hist[r])
            block = boot.summary(boot.bootstrap_alphas(o, delta2, pairs, draws, rng), draws, seed)
        if row.used:
            pooled_o += binary_coincidences(t.hist[r])
            pooled_pairs += boot.pairs_in_hist(t.hist[r])
        codes.append(replace(row, bootstrap=block))
    overall = None
    if result.alpha is not None:
        overall = boot.summary(
            boot.bootstrap_alphas(pooled_o, delta2, pooled_pairs, draws, rng), draws, seed
        )
    return replace(result, codes=tuple(codes), bootstrap=overall, draws=draws)


def _bootstrap_counts(
    counts: np.ndarray,
    values: Sequence[float],
    level: str,
    draws: int,
    seed: int | None,
    rng: np.random.Generator,
) -> dict[str, Any] | None:
    """Bootstrap of alpha for a units x values table of counts at ``level``."""
    paired = counts[counts.sum(axis=1) >= 2]
    if not paired.size or np.count_nonzero(paired.sum(axis=0)) < 2:
        return None
    o = coincidences(paired)
    delta2 = boot.metric(level, values, o.sum(axis=1))
    return boot.summary(
        boot.bootstrap_alphas(o, delta2, boot.pairs_in_counts(paired), draws, rng), draws, seed
    )


def _matrix_counts(matrices: Sequence[np.ndarray]) -> tuple[np.ndarray, list[float]]:
    """Coders x units matrices (NaN = missing) stacked into units x values counts."""
    data = np.concatenate(matrices, axis=1)
    values = sorted(set(data[~np.isnan(data)].tolist()))
    counts = (data[:, :, None] == np.array(values)[None, None, :]).sum(axis=0)
    return counts, values


def _bootstrap_frequency(
    result: Agreement, sel: Selection, draws: int, seed: int | None, rng: np.random.Generator
) -> Agreement:
    """Per code and pooled: the bootstrap of interval alpha on the numbers of codings."""
    table = seg.frequency_table(sel)
    codes, used = [], []
    for r, row in enumerate(result.codes):
        matrix = seg.frequency_matrix(table[r], sel.available)
        block = None
        if row.alpha is not None:
            block = _bootstrap_counts(*_matrix_counts([matrix]), "interval", draws, seed, rng)
        if row.used:
            used.append(matrix)
        codes.append(replace(row, bootstrap=block))
    overall = None
    if result.alpha is not None and used:
        overall = _bootstrap_counts(*_matrix_counts(used), "interval", draws, seed, rng)
    return replace(result, codes=tuple(codes), bootstrap=overall, draws=draws)


AGREE_UNITS = AGREEMENT_COMPARISONS
UNIT_BASE = {"segment": "document", "presence": "document", "frequency": "document"}


def check_agree_unit(unit: str) -> str:
    """``unit`` when agreement can compare by it (units and the segment comparisons)."""
    return check_unit(unit, AGREEMENT_COMPARISONS)


def summarise_segments(sel: Selection, overlap: float) -> Agreement:
    """Segment agreement of two coders (``workbench.analysis.segments``)."""
    segs, matched = seg.match_segments(sel, overlap)
    counts = seg.segment_counts(sel, segs, matched)
    results = []
    for code, c in zip(sel.rows, counts, strict=True):
        hits = c["matched_a"] + c["matched_b"]
        results.append(
            CodeAgreement(
                code.path,
                c["units"],
                percent_agreement(hits, c["units"]),
                None,
                None,
                c,
                c["units"] > 0,
            )
        )
    total = sum(c["units"] for c in counts)
    hits = sum(c["matched_a"] + c["matched_b"] for c in counts)
    percent = percent_agreement(hits, total)
    used = sum(1 for r in results if r.used)
    kappa = seg.brennan_prediger(None if percent is None else percent / 100.0, used)
    return Agreement(
        unit="segment",
        coders=sel.coder_names,
        documents=tuple(d.name for d in sel.documents),
        codes=tuple(results),
        percent=percent,
        kappa=kappa,
        alpha=None,
        overlap=overlap,
    )


def summarise_frequency(sel: Selection) -> Agreement:
    """Per document and code: do the coders' numbers of codings agree; interval alpha on them."""
    table = seg.frequency_table(sel)
    full = sel.available.all(axis=1)
    results = []
    pooled_equal = pooled_units = 0
    used_matrices = []
    for r, code in enumerate(sel.rows):
        counts = table[r][full]
        equal = int((counts.max(axis=1) == counts.min(axis=1)).sum()) if counts.size else 0
        units = int(full.sum())
        matrix = seg.frequency_matrix(table[r], sel.available)
        used = bool(table[r].any())
        data = {
            "units": units,
            "equal": equal,
            "differ": units - equal,
            "codings": {c.name: int(table[r][:, k].sum()) for k, c in enumerate(sel.coders)},
        }
        results.append(
            CodeAgreement(
                code.path,
                units,
                percent_agreement(equal, units),
                None,
                seg.frequency_alpha([matrix]),
                data,
                used,
            )
        )
        if used:
            pooled_equal += equal
            pooled_units += units
            used_matrices.append(matrix)
    return Agreement(
        unit="frequency",
        coders=sel.coder_names,
        documents=tuple(d.name for d in sel.documents),
        codes=tuple(results),
        percent=percent_agreement(pooled_equal, pooled_units),
        kappa=None,
        alpha=seg.frequency_alpha(used_matrices),
    )


def split_list(values: Sequence[str] | str | None) -> list[str] | None:
    """``["a,b", "c"]`` -> ``["a", "b", "c"]``: options accept commas and repetition."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    out = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return out or None


__all__ = [
    "AGREE_UNITS",
    "UNIT_BASE",
    "Tally",
    "agreement",
    "check_agree_unit",
    "split_list",
    "summarise",
    "tally",
]
