"""Disagreements between coders, and resolving each one into a consensus coder.

``disagreements`` lists the places where the compared coders did not all do the same thing with
a code, at the chosen unit: for ``sentence``, ``turn`` and ``document`` units each unit some but
not all coders applied the code to; for ``char`` units each stretch of overlapping codings of the
code (all coders' codings joined) in which some characters are not coded by everyone. Each item
carries every coder's codings there, so a screen can show both spans side by side.

``resolve`` copies the chosen side into the consensus coder as one undoable action. Resolving the
same item again replaces the consensus codings inside the item's span, so a team can change its
mind; ``project.undo()`` takes a decision back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from workbench.analysis.agreement import UNIT_BASE, check_agree_unit
from workbench.analysis.agreement_selection import Selection, select
from workbench.analysis.segments import DEFAULT_OVERLAP, frequency_table, match_segments
from workbench.analysis.units import coverage_segments, load_units, merge_intervals, units_touched
from workbench.i18n import _
from workbench.permissions import require
from workbench.store.connection import new_guid, now
from workbench.store.errors import WorkbenchError
from workbench.store.model import Coding
from workbench.store.project import Project, read_snapshot

DEFAULT_CONSENSUS = "consensus"
KEEP_CHOICES = ("a", "b", "both", "none")
EXCERPT = 160


@dataclass(frozen=True, slots=True)
class CodingSpan:
    """One coder's coding involved in a disagreement."""

    id: int
    coder: str
    code: str
    code_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One place where the compared coders differ about one code."""

    document: str
    document_id: int
    unit: str
    start: int
    end: int
    code: str
    coders: tuple[str, ...]
    applied_by: tuple[str, ...]
    codings: tuple[CodingSpan, ...]
    text: str

    @property
    def key(self) -> tuple[int, str, int, int, str]:
        """Stable identity of the item, for remembering which ones were walked."""
        return (self.document_id, self.unit, self.start, self.end, self.code)

    @property
    def left_out(self) -> tuple[str, ...]:
        """Compared coders who did not apply the code here."""
        return tuple(c for c in self.coders if c not in self.applied_by)

    def spans_of(self, coder: str) -> list[CodingSpan]:
        return [c for c in self.codings if c.coder == coder]


@read_snapshot
def disagreements(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    unit: str = "char",
    codes: Sequence[str] | None = None,
    depth: int | None = None,
    docs: Sequence[str] | None = None,
    document: str | None = None,
    overlap: float | None = None,
    where: Sequence[str | tuple[str, str]] = (),
    exclude_models: bool = False,
) -> list[Disagreement]:
    """Every disagreement, by document, position and code (same selection rules as agreement).

    ``segment``: each coded segment the other coder did not match (``overlap`` percent of the
    longer, default 90), with the other coder's overlapping segments of the code beside it;
    ``presence`` and ``frequency``: each document where the coders differ about a code.
    """
    check_agree_unit(unit)
    if overlap is not None and unit != "segment":
        raise WorkbenchError(_("--overlap applies to --unit segment only"))
    sel = select(
        project,
        coders=coders,
        unit=UNIT_BASE.get(unit, unit),
        codes=codes,
        depth=depth,
        docs=docs,
        where=where,
        exclude_models=exclude_models,
    )
    only = project.document(document).id if document else None
    if only is not None and only not in {d.id for d in sel.documents}:
        raise WorkbenchError(
            _(
                "{document!r} is not among the compared documents (not marked done by every coder?)"
            ).format(document=document)
        )
    code_paths = {c.id: c.path for c in project.codes()}
    if unit in ("char", "unitizing"):
        items = _char_items(project, sel, code_paths, only)
    elif unit == "segment":
        items = _segment_items(
            project, sel, code_paths, only, DEFAULT_OVERLAP if overlap is None else overlap
        )
    elif unit == "frequency":
        items = _frequency_items(project, sel, code_paths, only)
    else:
        items = _unit_items(project, sel, code_paths, only)
        if unit == "presence":
            items = [replace(d, unit="presence") for d in items]
    order = {c.path: i for i, c in enumerate(sel.rows)}
    items.sort(key=lambda d: (d.document, d.start, d.end, order.get(d.code, 0)))
    return items


def _span(row: Sequence[int], sel: Selection, code_paths: dict[int, str]) -> CodingSpan:
    cid, _d, _row, k, start, end, code_id = row
    return CodingSpan(cid, sel.coders[k].name, code_paths[code_id], code_id, start, end)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _present(sel: Selection, d: int) -> list[int]:
    return [k for k in range(len(sel.coders)) if sel.available[d, k]]


def _char_items(
    project: Project, sel: Selection, code_paths: dict[int, str], only: int | None
) -> list[Disagreement]:
    groups: dict[tuple[int, int], list[list[int]]] = {}
    for row in sel.codings.tolist():
        groups.setdefault((row[2], row[1]), []).append(row)
    items: list[Disagreement] = []
    for (r, d), rows in groups.items():
        doc = sel.documents[d]
        present = _present(sel, d)
        if (only is not None and doc.id != only) or len(present) < 2:
            continue
        layers = [merge_intervals((x[4], x[5]) for x in rows if x[3] == k) for k in present]
        clusters: list[list[tuple[int, int, frozenset[int]]]] = []
        for seg in coverage_segments(layers):
            if clusters and clusters[-1][-1][1] == seg[0]:
                clusters[-1].append(seg)
            else:
                clusters.append([seg])
        text = project.text(doc.id)
        for cluster in clusters:
            if all(len(who) == len(present) for _s, _e, who in cluster):
                continue
            start, end = cluster[0][0], cluster[-1][1]
            who = frozenset().union(*(w for _s, _e, w in cluster))
            involved = [x for x in rows if x[4] < end and x[5] > start]
            items.append(
                Disagreement(
                    doc.name,
                    doc.id,
                    "char",
                    start,
                    end,
                    sel.rows[r].path,
                    tuple(sel.coders[k].name for k in present),
                    tuple(sel.coders[present[i]].name for i in sorted(who)),
                    tuple(_span(x, sel, code_paths) for x in involved),
                    _excerpt(text[start:end]),
                )
            )
    return items


def _unit_items(
    project: Project, sel: Selection, code_paths: dict[int, str], only: int | None
) -> list[Disagreement]:
    units = load_units(project, [d.id for d in sel.documents], sel.unit)
    c = sel.codings
    if not c.size or not len(units):
        return []
    span_idx, unit_idx = units_touched(units, c[:, 1], c[:, 4], c[:, 5])
    touched: dict[tuple[int, int], list[int]] = {}
    for s, u in zip(span_idx.tolist(), unit_idx.tolist(), strict=True):
        touched.setdefault((int(c[s, 2]), u), []).append(s)
    items: list[Disagreement] = []
    for (r, u), spans in touched.items():
        d = int(units.doc[u])
        doc = sel.documents[d]
        present = _present(sel, d)
        if (only is not None and doc.id != only) or len(present) < 2:
            continue
        who = sorted({int(c[s, 3]) for s in spans})
        if len(who) == len(present):
            continue
        start, end = int(units.start[u]), int(units.end[u])
        items.append(
            Disagreement(
                doc.name,
                doc.id,
                sel.unit,
                start,
                end,
                sel.rows[r].path,
                tuple(sel.coders[k].name for k in present),
                tuple(sel.coders[k].name for k in who),
                tuple(_span(c[s].tolist(), sel, code_paths) for s in sorted(spans)),
                _excerpt(project.text(doc.id)[start:end]),
            )
        )
    return items


def _segment_items(
    project: Project,
    sel: Selection,
    code_paths: dict[int, str],
    only: int | None,
    overlap: float,
) -> list[Disagreement]:
    """One item per unmatched segment: its coder's coding and the other's overlapping ones."""
    segments, matched = match_segments(sel, overlap)
    rows = sel.codings.tolist()
    items: list[Disagreement] = []
    for segment, hit in zip(segments, matched.tolist(), strict=True):
        doc = sel.documents[segment.doc]
        if hit or (only is not None and doc.id != only) or not sel.available[segment.doc].all():
            continue
        start, end = segment.start, segment.end
        involved = [rows[segment.index]] + [
            x
            for x in rows
            if x[1] == segment.doc
            and x[2] == segment.row
            and x[3] != segment.coder
            and x[4] < end
            and x[5] > start
        ]
        items.append(
            Disagreement(
                doc.name,
                doc.id,
                "segment",
                start,
                end,
                sel.rows[segment.row].path,
                sel.coder_names,
                (sel.coders[segment.coder].name,),
                tuple(_span(x, sel, code_paths) for x in involved),
                _excerpt(project.text(doc.id)[start:end]),
            )
        )
    return items


def _frequency_items(
    project: Project, sel: Selection, code_paths: dict[int, str], only: int | None
) -> list[Disagreement]:
    """One item per document and code where the coders made different numbers of codings."""
    table = frequency_table(sel)
    rows = sel.codings.tolist()
    items: list[Disagreement] = []
    for r, d in zip(*np.nonzero(table.max(axis=2) != table.min(axis=2)), strict=True):
        doc = sel.documents[int(d)]
        present = _present(sel, int(d))
        if (only is not None and doc.id != only) or len(present) < len(sel.coders):
            continue
        involved = [x for x in rows if x[1] == d and x[2] == r]
        counts = table[r, d]
        top = int(counts.max())
        items.append(
            Disagreement(
                doc.name,
                doc.id,
                "frequency",
                0,
                doc.length,
                sel.rows[int(r)].path,
                sel.coder_names,
                tuple(c.name for k, c in enumerate(sel.coders) if counts[k] == top),
                tuple(_span(x, sel, code_paths) for x in involved),
                _excerpt(project.text(doc.id)[:EXCERPT]),
            )
        )
    return items


# ---------------------------------------------------------------------------- resolving


def chosen_spans(item: Disagreement, keep: str) -> list[tuple[int, int, int]]:
    """(code id, start, end) the consensus coder gets for a decision ``keep``.

    ``a`` and ``b`` are the first and second compared coder; a coder's name also works.
    ``both`` joins every coder's codings of each code into their union; ``none`` keeps nothing.
    """
    if keep == "none":
        return []
    if keep == "both":
        by_code: dict[int, list[tuple[int, int]]] = {}
        for span in item.codings:
            by_code.setdefault(span.code_id, []).append((span.start, span.end))
        return sorted(
            (code_id, s, e) for code_id, spans in by_code.items() for s, e in merge_intervals(spans)
        )
    if keep in ("a", "b"):
        index = 0 if keep == "a" else 1
        if index >= len(item.coders):
            raise WorkbenchError(
                _("there is no coder {keep!r} in this comparison").format(keep=keep)
            )
        keep = item.coders[index]
    if keep not in item.coders:
        raise WorkbenchError(
            _("keep one of a, b, both, none or a compared coder ({items}), not {keep!r}").format(
                items=", ".join(item.coders), keep=keep
            )
        )
    return sorted({(s.code_id, s.start, s.end) for s in item.spans_of(keep)})


def consensus_codings(
    project: Project, item: Disagreement, consensus: str = DEFAULT_CONSENSUS
) -> list[Coding]:
    """The consensus coder's codings of the item's code(s) that touch the item's span."""
    row = project.conn.execute("SELECT id FROM coders WHERE name = ?", (consensus,)).fetchone()
    if row is None:
        return []
    code_ids = _item_code_ids(project, item)
    return [
        c
        for c in project.codings(document_id=item.document_id, coder_id=row[0])
        if c.code_id in code_ids and c.start < item.end and c.end > item.start
    ]


def _item_code_ids(project: Project, item: Disagreement) -> set[int]:
    ids = {s.code_id for s in item.codings}
    ids.add(project.code(item.code).id)
    return ids


def resolve(
    project: Project, item: Disagreement, keep: str, consensus: str = DEFAULT_CONSENSUS
) -> list[int]:
    """Settle one disagreement into the consensus coder, as one undoable action.

    Consensus codings of the item's code(s) lying inside the item's area (its unit and the
    compared coders' spans there) are replaced by the chosen ones (identical codings are kept,
    not duplicated). Returns the ids of new codings;
    when nothing changes no action is recorded.
    """
    require(project, "reconcile")
    consensus = consensus.strip()
    if not consensus:
        raise WorkbenchError(_("the consensus coder needs a name"))
    if consensus in item.coders:
        raise WorkbenchError(
            _("the consensus coder must not be one of the compared coders ({consensus!r})").format(
                consensus=consensus
            )
        )
    wanted = chosen_spans(item, keep)
    existing = consensus_codings(project, item, consensus)
    # The area this disagreement covers: its unit plus every compared coder's span in it. A
    # consensus coding inside it came from settling this item before (a unit-level "both" can
    # reach past the unit), so a new decision replaces it.
    area = merge_intervals([(item.start, item.end)] + [(c.start, c.end) for c in item.codings])
    inside = [c for c in existing if any(s <= c.start and c.end <= e for s, e in area)]
    have = {(c.code_id, c.start, c.end) for c in existing}
    to_delete = [c for c in inside if (c.code_id, c.start, c.end) not in set(wanted)]
    to_add = [w for w in dict.fromkeys(wanted) if w not in have]  # each span once
    recorded = _decision_row(project, item, consensus)
    if not to_delete and not to_add and recorded is not None and recorded[1] == keep:
        return []
    label = {"a": item.coders[0], "b": item.coders[1] if len(item.coders) > 1 else "b"}
    description = (
        f"reconcile {item.code} in {item.document} [{item.start}, {item.end}): "
        f"keep {label.get(keep, keep)}"
    )
    new_ids: list[int] = []
    with project.action("reconcile", description, coder=consensus) as act:
        coder_id = project.coder_id(consensus)
        for coding in to_delete:
            for memo in project.memos("coding", coding.id):
                act.delete("memos", memo.id)
            act.delete("codings", coding.id)
        for code_id, start, end in to_add:
            new_ids.append(
                act.insert(
                    "codings",
                    {
                        "guid": new_guid(),
                        "document_id": item.document_id,
                        "code_id": code_id,
                        "coder_id": coder_id,
                        "start": start,
                        "end": end,
                        "source": "reconcile",
                        "created_at": now(),
                    },
                )
            )
        if recorded is None:
            act.insert(
                "reconcile_decisions",
                {
                    "consensus": consensus,
                    "document_id": item.document_id,
                    "unit": item.unit,
                    "start": item.start,
                    "end": item.end,
                    "code": item.code,
                    "choice": keep,
                    "decided_at": now(),
                },
            )
        elif recorded[1] != keep:
            act.update("reconcile_decisions", recorded[0], choice=keep, decided_at=now())
    return new_ids


def _decision_row(project: Project, item: Disagreement, consensus: str) -> tuple[int, str] | None:
    return project.conn.execute(
        "SELECT id, choice FROM reconcile_decisions WHERE consensus = ? AND document_id = ? "
        'AND unit = ? AND start = ? AND "end" = ? AND code = ?',
        (consensus.strip(), item.document_id, item.unit, item.start, item.end, item.code),
    ).fetchone()


def decision(
    project: Project, item: Disagreement, consensus: str = DEFAULT_CONSENSUS
) -> str | None:
    """The choice the team took on ``item`` (``a``, ``b``, ``both``, ``none`` or a coder's
    name), or None while it is undecided: "decided to keep none" is not "not decided yet"."""
    row = _decision_row(project, item, consensus)
    return row[1] if row else None


def summary_rows(items: Sequence[Disagreement]) -> list[dict[str, object]]:
    """Rows for listing: document, unit span, code, who applied it and who not, spans, text."""
    return [
        {
            "document": d.document,
            "unit": f"{d.start}-{d.end}",
            "code": d.code,
            "applied_by": ", ".join(d.applied_by),
            "not_by": ", ".join(d.left_out),
            "spans": "; ".join(f"{c.coder} {c.start}-{c.end}" for c in d.codings),
            "text": d.text,
        }
        for d in items
    ]


__all__ = [
    "CodingSpan",
    "DEFAULT_CONSENSUS",
    "Disagreement",
    "KEEP_CHOICES",
    "chosen_spans",
    "consensus_codings",
    "decision",
    "disagreements",
    "resolve",
    "summary_rows",
]
