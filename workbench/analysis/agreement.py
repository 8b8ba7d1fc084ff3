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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from workbench.analysis import bootstrap as boot
from workbench.analysis import filters
from workbench.analysis import segments as seg
from workbench.analysis.segments import DEFAULT_OVERLAP
from workbench.analysis.units import (
    AGREEMENT_COMPARISONS,
    check_unit,
    coverage_lengths,
    load_units,
    merge_intervals,
    units_touched,
)
from workbench.store.errors import WorkbenchError
from workbench.store.model import Code, Coder, Document
from workbench.store.project import Project

# ---------------------------------------------------------------------------- statistics


def percent_agreement(agree: float, units: float) -> float | None:
    """Share of units on which all coders agree, as a percentage; None without units."""
    return None if units <= 0 else 100.0 * agree / units


def cohen_kappa(both: float, only_a: float, only_b: float, neither: float) -> float | None:
    """Cohen's kappa from a 2x2 table; None when undefined (no units, or chance agreement 1)."""
    n = both + only_a + only_b + neither
    if n <= 0:
        return None
    po = (both + neither) / n
    pe = ((both + only_a) * (both + only_b) + (only_b + neither) * (only_a + neither)) / (n * n)
    if pe >= 1.0:
        return None
    return (po - pe) / (1.0 - pe)


def coincidences(value_counts: np.ndarray) -> np.ndarray:
    """Krippendorff's coincidence matrix from a units x values table of counts.

    A unit with ``m`` values adds ``n_c * n_k / (m - 1)`` to cell (c, k), minus the pairing of a
    value with itself on the diagonal; units with fewer than two values add nothing.
    """
    vc = np.asarray(value_counts, dtype=np.float64)
    m = vc.sum(axis=1)
    keep = m >= 2
    vc, m = vc[keep], m[keep]
    o = np.einsum("uc,uk,u->ck", vc, vc, 1.0 / (m - 1))
    o -= np.diag((vc / (m - 1)[:, None]).sum(axis=0))
    return o


def alpha_from_coincidences(o: np.ndarray) -> float | None:
    """Krippendorff's alpha, nominal, from a coincidence matrix; None when undefined.

    alpha = 1 - (n - 1) * (n - sum of the diagonal) / (n^2 - sum of n_c^2), where ``n_c`` are the
    row sums and ``n`` their total: observed over expected disagreement.
    """
    o = np.asarray(o, dtype=np.float64)
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    expected = n * n - float((n_c * n_c).sum())
    if n <= 1 or expected <= 0:
        return None
    observed = n - float(np.trace(o))
    return 1.0 - (n - 1.0) * observed / expected


def package_alpha(value_counts: np.ndarray) -> float | None:
    """Nominal alpha through the ``krippendorff`` package; None when undefined.

    ``value_counts`` is units x values (how many coders gave each value to each unit); for one
    code the values are 0 (not applied) and 1 (applied).
    """
    vc = np.asarray(value_counts)
    if vc.ndim != 2 or vc.shape[1] < 2:
        return None
    paired = vc[vc.sum(axis=1) >= 2]
    if not paired.size or np.count_nonzero(paired.sum(axis=0)) < 2:
        return None
    import krippendorff

    value = krippendorff.alpha(
        value_counts=paired,
        level_of_measurement="nominal",
        value_domain=list(range(vc.shape[1])),
    )
    return None if value is None or np.isnan(value) else float(value)


def binary_coincidences(hist: np.ndarray) -> np.ndarray:
    """The 2x2 coincidence matrix of one code from its (m, j) histogram.

    ``hist[m, j]`` = units where ``m`` coders have a value and ``j`` of them applied the code.
    """
    size = hist.shape[0]
    m = np.arange(size)[:, None].astype(np.float64)
    j = np.arange(size)[None, :].astype(np.float64)
    valid = (j <= m) & (m >= 2)
    denom = np.where(valid, m - 1, 1.0)
    weight = np.where(valid, hist, 0) / denom
    o11 = float((weight * j * (j - 1)).sum())
    o00 = float((weight * (m - j) * (m - j - 1)).sum())
    o01 = float((weight * j * (m - j)).sum())
    return np.array([[o00, o01], [o01, o11]])


def hist_value_counts(hist: np.ndarray) -> np.ndarray:
    """Units x (not applied, applied) counts rebuilt from an (m, j) histogram, units with m >= 2."""
    rows: list[np.ndarray] = []
    for m in range(2, hist.shape[0]):
        for j in range(m + 1):
            count = int(hist[m, j])
            if count:
                rows.append(np.repeat(np.array([[m - j, j]], dtype=np.int64), count, axis=0))
    return np.concatenate(rows) if rows else np.zeros((0, 2), dtype=np.int64)


# ----------------------------------------------------------------------------- selection


@dataclass(frozen=True)
class Selection:
    """What is compared: coders, documents, unit, and the codes reported (one row each).

    ``available[d, k]`` says whether coder ``k`` has values in document ``d``; False is missing
    data (only possible for documents named with ``docs``). ``row_of`` maps every selected code
    id to the row it counts for (itself, or its ancestor at the roll-up depth).
    """

    unit: str
    coders: tuple[Coder, ...]
    documents: tuple[Document, ...]
    available: np.ndarray
    rows: tuple[Code, ...]
    row_of: dict[int, int]
    codings: np.ndarray = field(
        repr=False
    )  # columns: id, doc pos, row, coder pos, start, end, code id

    @property
    def coder_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.coders)


def code_selection(
    project: Project, codes: Sequence[str] | None = None, depth: int | None = None
) -> tuple[list[Code], dict[int, int]]:
    """Rows (codes reported) and the code id -> row index map for a subtree filter and roll-up.

    ``codes`` are paths; each selects that code and everything under it. ``depth`` rolls every
    code deeper than it up to its ancestor at that depth (1 = the top-level groups). The same
    subtree and roll-up rules as every other analysis (``analysis.filters.code_scope``).
    """
    if depth is not None and depth < 1:
        raise WorkbenchError(f"--depth must be 1 or more, not {depth}")
    all_codes = project.codes()
    order, row_of, _ = filters.code_scope(project, codes or (), depth, codes=all_codes)
    by_path = {c.path: c for c in all_codes}
    return [by_path[path] for path in order], row_of


def _coder_list(project: Project, names: Sequence[str]) -> list[Coder]:
    known = {c.name: c for c in project.coders()}
    out: list[Coder] = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name not in known:
            listed = ", ".join(sorted(known)) or "none yet"
            raise WorkbenchError(f"no coder named {name!r} (coders: {listed})")
        if known[name] not in out:
            out.append(known[name])
    return out


def _done(project: Project) -> dict[int, set[int]]:
    done: dict[int, set[int]] = {}
    for doc_id, coder_id in project.conn.execute(
        "SELECT document_id, coder_id FROM document_status WHERE done = 1"
    ):
        done.setdefault(coder_id, set()).add(doc_id)
    return done


def _coded(project: Project) -> dict[int, set[int]]:
    coded: dict[int, set[int]] = {}
    for coder_id, doc_id in project.conn.execute(
        "SELECT DISTINCT coder_id, document_id FROM codings"
    ):
        coded.setdefault(coder_id, set()).add(doc_id)
    return coded


def select(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    unit: str = "char",
    codes: Sequence[str] | None = None,
    depth: int | None = None,
    docs: Sequence[str] | None = None,
    where: Sequence[str | tuple[str, str]] = (),
) -> Selection:
    """Decide what to compare, with a one-line error when the comparison cannot be made.

    ``where`` narrows the compared documents exactly as in every other command
    (``analysis.filters``, ``docs/selection.md``): case attributes and ``document=NAME``.
    """
    check_unit(unit)
    scope = filters.Selection.build(coders=coders or (), codes=codes or (), where=where)
    filters.coder_ids(project, scope.coders)  # the same one-line errors as every command
    in_scope = filters.selected_documents(project, scope) if scope.filters_documents else None
    done, coded = _done(project), _coded(project)
    if in_scope is not None:
        done = {k: v & in_scope.keys() for k, v in done.items()}
        coded = {k: v & in_scope.keys() for k, v in coded.items()}
    chosen = _coder_list(project, coders) if coders else None
    if docs:
        documents: list[Document] = []
        for name in docs:
            doc = project.document(name.strip())
            if doc not in documents and (in_scope is None or doc.id in in_scope):
                documents.append(doc)
        doc_ids = {d.id for d in documents}
        if chosen is None:
            chosen = [c for c in project.coders() if coded.get(c.id, set()) & doc_ids]
    else:
        if chosen is None:
            chosen = [c for c in project.coders() if done.get(c.id, set()) & coded.get(c.id, set())]
        if len(chosen) >= 2:
            common = set.intersection(*(done.get(c.id, set()) for c in chosen))
            if not common:
                names = ", ".join(c.name for c in chosen)
                within = " among the selected documents" if in_scope is not None else ""
                raise WorkbenchError(
                    f"no document{within} is marked done by every coder compared ({names}); "
                    "mark them with 'workbench done DOC --coder NAME' or name them with --docs"
                )
            documents = [d for d in project.documents() if d.id in common]
        else:
            documents = []
    if len(chosen) < 2:
        who = ", ".join(repr(c.name) for c in chosen) or "no coder"
        raise WorkbenchError(
            f"agreement needs at least two coders; only {who} can be compared here "
            "(name them with --coders A,B)"
        )
    available = np.array(
        [
            [
                doc.id in done.get(c.id, set()) or doc.id in coded.get(c.id, set()) or not docs
                for c in chosen
            ]
            for doc in documents
        ],
        dtype=bool,
    ).reshape(len(documents), len(chosen))
    rows, row_of = code_selection(project, codes, depth)
    codings = _load_codings(project, documents, chosen, row_of, available)
    # parents without codings of their own are left out unless the roll-up lands on them
    used_rows = set(codings[:, 2].tolist())
    parents = {c.parent_id for c in rows if c.parent_id is not None}
    keep = [i for i, c in enumerate(rows) if i in used_rows or c.id not in parents]
    renumber = {old: new for new, old in enumerate(keep)}
    rows = [rows[i] for i in keep]
    row_of = {cid: renumber[r] for cid, r in row_of.items() if r in renumber}
    if codings.size:
        codings[:, 2] = np.array([renumber[r] for r in codings[:, 2].tolist()], dtype=np.int64)
    return Selection(unit, tuple(chosen), tuple(documents), available, tuple(rows), row_of, codings)


def _load_codings(
    project: Project,
    documents: Sequence[Document],
    coders: Sequence[Coder],
    row_of: dict[int, int],
    available: np.ndarray,
) -> np.ndarray:
    doc_pos = {d.id: i for i, d in enumerate(documents)}
    coder_pos = {c.id: i for i, c in enumerate(coders)}
    out: list[tuple[int, ...]] = []
    marks = ",".join("?" * len(coder_pos))
    for cid, doc_id, code_id, coder_id, start, end in project.conn.execute(
        f'SELECT id, document_id, code_id, coder_id, start, "end" FROM codings '
        f'WHERE coder_id IN ({marks}) ORDER BY document_id, start, "end", id',
        list(coder_pos),
    ):
        d = doc_pos.get(doc_id)
        row = row_of.get(code_id)
        if d is None or row is None or not available[d, coder_pos[coder_id]]:
            continue
        out.append((cid, d, row, coder_pos[coder_id], start, end, code_id))
    return np.array(out, dtype=np.int64).reshape(-1, 7)


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
        layers = groups.setdefault((row, d), [[] for _ in range(n_coders)])
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


# ------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (or one rolled-up group of codes)."""

    code: str
    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None
    counts: dict[str, Any]
    used: bool
    bootstrap: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "code": self.code,
            "units": self.units,
            "percent": _round(self.percent),
            "kappa": _round(self.kappa),
            "alpha": _round(self.alpha),
            "counts": self.counts,
        }
        if self.bootstrap is not None:
            out["bootstrap"] = self.bootstrap
        return out


@dataclass(frozen=True)
class Agreement:
    """The result of one comparison: per-code figures and the pooled overall figures."""

    unit: str
    coders: tuple[str, ...]
    documents: tuple[str, ...]
    codes: tuple[CodeAgreement, ...]
    percent: float | None
    kappa: float | None
    alpha: float | None
    variable: dict[str, Any] | None = None
    overlap: float | None = None  # segment units: minimum overlap, percent of the longer
    bootstrap: dict[str, Any] | None = None  # of the pooled alpha, when requested
    draws: int | None = None  # bootstrap resamples requested (blocks may still be None)

    @property
    def kappa_method(self) -> str:
        """``cohen`` (2x2 tables over units) or ``brennan-prediger`` (segments, as MAXQDA)."""
        return "brennan-prediger" if self.unit == "segment" else "cohen"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "unit": self.unit,
            "coders": list(self.coders),
            "codes": [c.to_json() for c in self.codes],
            "overall": {
                "percent": _round(self.percent),
                "kappa": _round(self.kappa),
                "alpha": _round(self.alpha),
            },
        }
        if self.unit == "segment":
            out["overlap"] = self.overlap
            out["overall"]["kappa_method"] = self.kappa_method
            out["overall"]["categories"] = sum(1 for c in self.codes if c.used)
        if self.bootstrap is not None:
            out["overall"]["bootstrap"] = self.bootstrap
        if self.variable is not None:
            out["variable"] = self.variable
        return out

    def variable_line(self) -> str:
        """One line on the group variable, for tables and the methods paragraph."""
        v = self.variable
        if v is None:
            return ""
        alpha = "undefined" if v["alpha"] is None else f"{v['alpha']:.3f}"
        named = [x for x in v["values"] if x["label"] != "none" or x["code"]]
        return (
            f"Variable {v['group']} ({len(named)} values, {v['level']}, uncoded = "
            f"{'missing' if v['missing'] == 'uncoded' else 'none'}): Krippendorff's alpha "
            f"{alpha} over {v['pairable_units']} pairable units ({v['pairable_values']} "
            f"values{'; 95 % interval ' + _ci(v.get('bootstrap')) if v.get('bootstrap') else ''}"
            f"); {len(v['conflicts'])} unit(s) given two values by one coder."
        )

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows (one per code, then ``overall``) for tables and CSV."""
        out: list[dict[str, Any]] = []
        for c in self.codes:
            row: dict[str, Any] = {
                "code": c.code,
                "units": c.units,
                "percent": _fmt(c.percent, 1),
                "kappa": _fmt(c.kappa),
                "alpha": _fmt(c.alpha),
            }
            row.update(
                {k: v for k, v in c.counts.items() if k != "units" and not isinstance(v, dict)}
            )
            if self.draws:
                row.update(_boot_cells(c.bootstrap))
            out.append(row)
        total: dict[str, Any] = {
            "code": "overall",
            "units": sum(c.units for c in self.codes if c.used),
            "percent": _fmt(self.percent, 1),
            "kappa": _fmt(self.kappa),
            "alpha": _fmt(self.alpha),
        }
        if self.draws:
            total.update(_boot_cells(self.bootstrap))
        out.append(total)
        return out

    def columns(self) -> list[str]:
        if self.unit == "segment":
            counts = ["segments_a", "matched_a", "segments_b", "matched_b"]
        elif self.unit == "frequency":
            counts = ["equal", "differ"]
        elif len(self.coders) == 2:
            counts = ["both", "only_a", "only_b", "neither"]
        else:
            counts = ["all", "some", "none"]
        boot_columns = list(_boot_cells(None)) if self.draws else []
        return ["code", "units", "percent", "kappa", "alpha", *counts, *boot_columns]

    @property
    def unit_label(self) -> str:
        """The unit in words, for footnotes and the methods paragraph."""
        if self.unit == "segment":
            return (
                f"coded segment (matched by a segment of the same code overlapping at "
                f"least {self.overlap:g} % of the longer)"
            )
        return {
            "char": "character",
            "presence": "code presence per document",
            "frequency": "code frequency per document",
        }.get(self.unit, self.unit)

    def footnote(self) -> str:
        """Unit, coders and documents, as a line under a table in a paper."""
        text = (
            f"Unit: {self.unit_label}. Coders: {', '.join(self.coders)}. "
            f"Documents ({len(self.documents)}): {', '.join(self.documents)}. "
            "Overall figures pool the codes applied by at least one coder."
        )
        if self.unit == "segment":
            k = sum(1 for c in self.codes if c.used)
            text += (
                " Kappa: Brennan and Prediger's kappa_n with chance agreement 1/k, k = "
                "the number of codes compared, as MAXQDA computes it for segments"
            )
            text += f" (k = {k})." if k >= 2 else f"; undefined with k = {k}."
        return text

    def methods(self) -> str:
        """One paragraph a paper can quote: coders, documents, unit, measures, level, figures."""
        from workbench.analysis.methods import methods_paragraph

        return methods_paragraph(self)

    def to_markdown(self) -> str:
        """A pipe table ready for a paper, its footnote, and the methods paragraph last."""
        two = len(self.coders) == 2
        kappa = "Brennan–Prediger κ" if self.unit == "segment" else "Cohen's κ"
        head = ["Code", "Units", "Agreement (%)", kappa, "Krippendorff's α"]
        if self.draws:
            head.append("α 95 % CI")
        if not two:
            head.remove(kappa)

        def cells(name: str, units: int, percent, kap, alpha, block) -> str:
            out = [name, str(units), _fmt(percent, 1, "–"), _fmt(kap, 2, "–"), _fmt(alpha, 2, "–")]
            if self.draws:
                out.append(_ci(block, 2) or "–")
            if not two:
                del out[3]
            return "| " + " | ".join(out) + " |"

        lines = [
            "| " + " | ".join(head) + " |",
            "|" + "|".join([":---", *["---:"] * (len(head) - 1)]) + "|",
        ]
        for c in self.codes:
            lines.append(
                cells(c.code.replace("|", "\\|"), c.units, c.percent, c.kappa, c.alpha, c.bootstrap)
            )
        lines.append(
            cells(
                "**Overall**",
                sum(c.units for c in self.codes if c.used),
                self.percent,
                self.kappa,
                self.alpha,
                self.bootstrap,
            )
        )
        text = "\n".join(lines) + "\n\n" + self.footnote() + "\n"
        if self.variable is not None:
            text += "\n" + self.variable_line() + "\n"
        return text + "\n" + self.methods() + "\n"


def _ci(block: dict[str, Any] | None, digits: int = 3) -> str:
    """``0.61–0.88`` from a bootstrap block; empty without one."""
    if not block:
        return ""
    low, high = block["ci95"]
    return f"{low:.{digits}f}–{high:.{digits}f}"


def _boot_cells(block: dict[str, Any] | None) -> dict[str, str]:
    """Table cells of a bootstrap block: the interval and P(alpha < each minimum)."""
    out = {"alpha_ci95": _ci(block)}
    for t in boot.THRESHOLDS:
        key = f"{t:.3f}"
        value = block["p_below"][key] if block else None
        out[f"p_below_{key}"] = _fmt(value)
    return out


def _fmt(value: float | None, digits: int = 3, missing: str = "") -> str:
    return missing if value is None else f"{value:.{digits}f}"


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(float(value), digits)


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
        raise WorkbenchError("--level and --missing describe a variable: name it with --group")
    if group is not None and unit not in ("sentence", "turn", "document"):
        raise WorkbenchError(
            f"--group compares one value per unit: use --unit sentence, turn "
            f"or document (not {unit})"
        )
    if group is not None and not codes:
        codes = [group]
    if overlap is not None and unit != "segment":
        raise WorkbenchError("--overlap applies to --unit segment only")
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
    "Agreement",
    "CodeAgreement",
    "Selection",
    "Tally",
    "agreement",
    "alpha_from_coincidences",
    "binary_coincidences",
    "code_selection",
    "cohen_kappa",
    "coincidences",
    "package_alpha",
    "percent_agreement",
    "select",
    "split_list",
    "summarise",
    "tally",
]
