"""Agreement on passages the coders chose themselves (``agree --unit unitizing``).

Every compared document is a continuum of characters (or words, ``grain="word"``). For each
code, each coder's codings of it are merged into passages; the gaps between them are the
coder's "not this code". From there ``workbench.analysis.unitizing_math`` computes:

- per code, ``uα`` (Krippendorff 1995, 2004), per document and pooled over documents, and
  pooled over the codes used as 1 - Σ uDo / Σ uDe;
- ``|uα``: anything coded against nothing coded (all codes' passages joined), over all codes
  and per domain (a top-level code with its subcodes, ATLAS.ti's "semantic domain");
- ``cuα`` per domain: which code of the domain, where the coders' passages meet;
- ``Cuα``: which domain, where the coders' passages meet.

Definitions and the published examples they are checked against: ``docs/agreement.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.analysis import unitizing_math as um
from workbench.analysis.agreement_results import Agreement, CodeAgreement
from workbench.analysis.agreement_selection import Selection
from workbench.analysis.units import merge_intervals
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

GRAINS = ("char", "word")
WORD = re.compile(r"\w+")


def check_grain(grain: str) -> str:
    if grain not in GRAINS:
        raise WorkbenchError(
            _("unknown grain {grain!r}; use one of {choices}").format(
                grain=grain, choices=", ".join(GRAINS)
            )
        )
    return grain


def domain_of(path: str) -> str:
    """The domain of a code: its top-level ancestor (ATLAS.ti's semantic domain)."""
    return path.split("/", 1)[0]


@dataclass(frozen=True)
class Continuum:
    """One document as the coders cut it: ``layers[row][coder]`` = merged passages."""

    name: str
    length: int
    layers: dict[int, list[list[tuple[int, int]]]]


def _word_mapper(text: str) -> tuple[int, Callable[[int, int], tuple[int, int]]]:
    """Number of words, and a map from a character span to the words it touches."""
    starts = np.array([m.start() for m in WORD.finditer(text)], dtype=np.int64)
    ends = np.array([m.end() for m in WORD.finditer(text)], dtype=np.int64)

    def to_words(start: int, end: int) -> tuple[int, int]:
        first = int(np.searchsorted(ends, start, side="right"))
        last = int(np.searchsorted(starts, end, side="left"))
        return first, max(first, last)

    return len(starts), to_words


def continua(project: Project, sel: Selection, grain: str) -> list[Continuum]:
    """The compared documents every coder has values in, cut by each coder per code."""
    n_coders = len(sel.coders)
    out: list[Continuum] = []
    for d, doc in enumerate(sel.documents):
        if not sel.available[d].all():
            continue  # a document some coder never coded is missing data, not a disagreement
        length = doc.length
        mapper: Callable[[int, int], tuple[int, int]] | None = None
        if grain == "word":
            length, mapper = _word_mapper(project.text(doc.id))
        spans: dict[int, list[list[tuple[int, int]]]] = {}
        rows = sel.codings[sel.codings[:, 1] == d]
        for _cid, _d, row, k, start, end, _code in rows.tolist():
            start, end = max(0, start), min(end, doc.length)
            if mapper is not None:
                start, end = mapper(start, end)
            if end > start:
                spans.setdefault(row, [[] for _ in range(n_coders)])[k].append((start, end))
        layers = {row: [merge_intervals(s) for s in per] for row, per in spans.items()}
        out.append(Continuum(doc.name, length, layers))
    return out


# ------------------------------------------------------------------------ computing


def _code_stats(docs: Sequence[Continuum], row: int, n_coders: int) -> list[um.UStats]:
    empty: list[list[tuple[int, int]]] = [[] for _ in range(n_coders)]
    return [um.continuum_stats(c.layers.get(row, empty), c.length) for c in docs]


def _pool(stats: Sequence[um.UStats], n_coders: int) -> um.UStats:
    total = um.UStats(coders=n_coders)
    for s in stats:
        total.add(s)
    return total


def _valued_layers(
    doc: Continuum, value_of: dict[int, int], n_coders: int
) -> list[list[tuple[int, int, int]]]:
    """Each coder's passages with the value their code maps to (rows not mapped are left out)."""
    layers: list[list[tuple[int, int, int]]] = [[] for _ in range(n_coders)]
    for row, per_coder in doc.layers.items():
        value = value_of.get(row)
        if value is None:
            continue
        for k, passages in enumerate(per_coder):
            layers[k].extend((s, e, value) for s, e in passages)
    for layer in layers:
        layer.sort()
    return layers


def _family(
    docs: Sequence[Continuum], value_of: dict[int, int], values: int, n_coders: int
) -> list[um.Coincidences]:
    """Coincidences per document for one variable (``value_of``: row -> value 1..values)."""
    out = []
    for doc in docs:
        layers = _valued_layers(doc, value_of, n_coders)
        # a code's passages are merged; passages of one value from several codes merge too
        merged = [
            [
                (s, e, v)
                for v in sorted({x[2] for x in layer})
                for s, e in merge_intervals((a, b) for a, b, w in layer if w == v)
            ]
            for layer in layers
        ]
        out.append(um.coincidences(merged, doc.length, values + 1))
    return out


def _sum(parts: Sequence[um.Coincidences], values: int) -> um.Coincidences:
    total = um.Coincidences(values + 1)
    for p in parts:
        total.add(p)
    return total


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def summarise_unitizing(
    project: Project,
    sel: Selection,
    grain: str = "char",
    bootstrap: int | None = None,
    seed: int | None = None,
) -> Agreement:
    """Per-code uα, the family over codes and domains, per document and pooled."""
    from workbench.analysis import unitizing_boot as ub

    check_grain(grain)
    m = len(sel.coders)
    docs = continua(project, sel, grain)
    n_rows = len(sel.rows)
    per_code = [_code_stats(docs, r, m) for r in range(n_rows)]
    pooled = [_pool(s, m) for s in per_code]
    used = [any(p.passages) for p in pooled]
    total_length = sum(c.length for c in docs)
    rows: list[CodeAgreement] = []
    for r, code in enumerate(sel.rows):
        p = pooled[r]
        counts = {
            "units": total_length,
            "passages": {
                name: sum(len(c.layers.get(r, [[]] * m)[k]) for c in docs)
                for k, name in enumerate(sel.coder_names)
            },
            "observed": _round(p.observed),
            "expected": _round(p.expected),
        }
        rows.append(
            CodeAgreement(
                code.path,
                total_length,
                None,
                None,
                um.alpha(p.observed, p.expected),
                counts,
                used[r],
            )
        )
    used_rows = [r for r in range(n_rows) if used[r]]
    overall = um.pooled_u_alpha([pooled[r] for r in used_rows])

    # |uα over everything, and the domains
    everything = {r: 1 for r in range(n_rows)}
    binary_docs = _family(docs, everything, 1, m)
    domains: dict[str, list[int]] = {}
    for r, code in enumerate(sel.rows):
        domains.setdefault(domain_of(code.path), []).append(r)
    domain_index = {name: i + 1 for i, name in enumerate(domains)}
    by_domain = {r: domain_index[domain_of(c.path)] for r, c in enumerate(sel.rows)}
    cu_docs = _family(docs, by_domain, len(domains), m)
    cu_total = _sum(cu_docs, len(domains))
    domain_blocks = []
    for name, members in domains.items():
        one = {r: 1 for r in members}
        within = {r: i + 1 for i, r in enumerate(members)}
        bin_total = _sum(_family(docs, one, 1, m), 1)
        values_total = _sum(_family(docs, within, len(members), m), len(members))
        domain_blocks.append(
            {
                "domain": name,
                "codes": [sel.rows[r].path for r in members],
                "alpha_u_binary": _round(um.u_alpha_coincidences(bin_total)),
                "alpha_cu": _round(um.cu_alpha(values_total)),
                "conflicts": values_total.conflicts,
            }
        )
    documents = []
    for i, doc in enumerate(docs):
        documents.append(
            {
                "document": doc.name,
                "length": doc.length,
                "alpha_u": _round(
                    um.pooled_u_alpha(
                        [per_code[r][i] for r in used_rows if per_code[r][i].passages]
                    )
                ),
                "alpha_u_binary": _round(um.u_alpha_coincidences(binary_docs[i])),
                "alpha_Cu": _round(um.cu_alpha(cu_docs[i])),
                "codes": {
                    sel.rows[r].path: _round(
                        um.alpha(per_code[r][i].observed, per_code[r][i].expected)
                    )
                    for r in used_rows
                },
            }
        )
    block: dict[str, Any] = {
        "grain": grain,
        "length": total_length,
        "alpha_u": _round(overall),
        "alpha_u_binary": _round(um.u_alpha_coincidences(_sum(binary_docs, 1))),
        "alpha_Cu": _round(um.cu_alpha(cu_total)),
        "conflicts": cu_total.conflicts,
        "domains": domain_blocks,
        "documents": documents,
    }
    result_boot = None
    if bootstrap:
        boots = ub.bootstrap_unitizing(
            per_code, used_rows, binary_docs, cu_docs, bootstrap, np.random.default_rng(seed)
        )
        rows = [
            CodeAgreement(
                c.code,
                c.units,
                c.percent,
                c.kappa,
                c.alpha,
                c.counts,
                c.used,
                ub.summary(boots.codes.get(r), bootstrap, seed),
            )
            for r, c in enumerate(rows)
        ]
        result_boot = ub.summary(boots.overall, bootstrap, seed)
        block["bootstrap"] = {
            "method": "documents resampled",
            "alpha_u_binary": ub.summary(boots.binary, bootstrap, seed),
            "alpha_Cu": ub.summary(boots.cu, bootstrap, seed),
        }
    return Agreement(
        unit="unitizing",
        coders=sel.coder_names,
        documents=tuple(c.name for c in docs),
        codes=tuple(rows),
        percent=None,
        kappa=None,
        alpha=overall,
        bootstrap=result_boot,
        draws=bootstrap,
        unitizing=block,
    )


__all__ = ["GRAINS", "check_grain", "continua", "domain_of", "summarise_unitizing"]
