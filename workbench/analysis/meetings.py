"""Where two codes meet: the quotations behind one cell of a co-occurrence table, found with the
same options and selection as the count (``analysis.cooccurrence``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from workbench.analysis.cooccurrence import OVERLAP, Options, load_units, units_of
from workbench.analysis.filters import (
    EVERYTHING,
    Selection,
    select,
)
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


@dataclass(frozen=True, slots=True)
class Meeting:
    """One place where codes A and B meet: for the list of quotations behind a table cell.

    ``start``/``end`` span both codings (overlap, proximity) or the unit (unit mode);
    ``a_coding``/``b_coding`` are the coding ids (the first coding of each code in the unit
    in unit mode).
    """

    document_id: int
    document: str
    coder: str
    start: int
    end: int
    text: str
    a_coding: int
    b_coding: int


def meetings(
    project: Project,
    a: str,
    b: str,
    options: Options = OVERLAP,
    selection: Selection = EVERYTHING,
) -> list[Meeting]:
    """The passages where (rolled-up) codes ``a`` and ``b`` meet, in document order.

    Exactly the occurrences ``cooccurrence`` counts for that pair, so a table cell with count
    n opens n passages.
    """
    chosen = select(project, selection)
    for path in (a, b):
        if path not in chosen.codes:
            raise WorkbenchError(_("code {path!r} is not in the selection").format(path=path))
    ia, ib = chosen.codes.index(a), chosen.codes.index(b)
    if ia == ib:
        raise WorkbenchError(_("a code does not co-occur with itself; choose two codes"))
    rows = [r for r in chosen.rows if chosen.rollup.get(r[4]) in (ia, ib)]
    found: list[tuple[int, int, int, int, int, int]] = []
    if options.mode == "unit":
        units = load_units(project, options.unit, {r[0] for r in rows})
        first: dict[tuple[int, int, int], dict[int, int]] = {}
        for doc, coder, start, end, code, cid in rows:
            if doc not in units:
                continue
            for u in units_of(start, end, units[doc]):
                first.setdefault((doc, coder, u), {}).setdefault(chosen.rollup[code], cid)
        for (doc, coder, u), by_code in first.items():
            if ia in by_code and ib in by_code:
                starts, ends = units[doc]
                found.append((doc, coder, starts[u], ends[u], by_code[ia], by_code[ib]))
    else:
        found = list(_meeting_pairs(rows, chosen.rollup, ia, options.reach))
    found.sort(key=lambda m: (chosen.documents.get(m[0], ""), m[2], m[3], m[1]))
    out = []
    for doc, coder, start, end, ca, cb in found:
        text = project.text(doc)[start:end]
        out.append(
            Meeting(
                doc,
                chosen.documents.get(doc, str(doc)),
                chosen.coders.get(coder, ""),
                start,
                end,
                text,
                ca,
                cb,
            )
        )
    return out


def _meeting_pairs(
    rows: Sequence[tuple], rollup: dict[int, int], ia: int, reach: int
) -> Iterator[tuple[int, int, int, int, int, int]]:
    """The same sweep as ``count_sweep``, yielding each meeting pair with its coding ids."""
    current_doc = None
    actives: dict[int, list[tuple[int, int, int, int, int]]] = {}
    for doc, coder, start, end, code, cid in rows:
        if doc != current_doc:
            current_doc, actives = doc, {}
        index = rollup[code]
        active = [e for e in actives.get(coder, []) if e[0] >= start]
        for _limit, other, o_start, o_end, o_id in active:
            if other != index:
                a_id, b_id = (o_id, cid) if other == ia else (cid, o_id)
                yield doc, coder, min(o_start, start), max(o_end, end), a_id, b_id
        active.append((end + reach, index, start, end, cid))
        actives[coder] = active
