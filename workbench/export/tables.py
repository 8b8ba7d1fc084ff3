"""Tables for papers and statistics packages: frequency matrices and unit x code matrices.

``frequency_matrix`` counts, for every code, its codings (or the documents holding at least one
of its codings) per case or per value of a case attribute. Counts are of the code itself, not
of its subcodes, so a row never double-counts. ``unit_matrix`` marks, for every sentence, turn
or paragraph, which codes touch it (1) or not (0): the wide layout R and SPSS read directly.

Which codings and documents count is decided by ``analysis.filters`` (the one selection, see
``docs/selection.md``); the helpers here adapt the export options to it.
"""

from __future__ import annotations

import csv
import io
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from workbench.analysis.filters import (
    Selection,
    check_attribute,
    check_selection,
    code_scope,
    parse_where_items,
    selected_documents,
    viewer_coders,
)
from workbench.analysis.units import SPAN_UNITS, check_unit, touched, unit_rows
from workbench.cells import neutral_row, xlsx_append
from workbench.files import write_atomic
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.model import Case, Coding
from workbench.store.project import Project, read_snapshot

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

NO_CASE = "(no case)"
MISSING = "(missing)"


# --------------------------------------------------------------------------- selection


def value_text(value: object) -> str:
    """How a case attribute value is written in tables and compared in ``--where``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_where(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``--where`` items as ``(key, value)`` pairs: ``analysis.filters.parse_where_items``.

    Pairs, not a mapping: a repeated key is a set of alternatives (region=Piura or Cusco).
    """
    return parse_where_items(list(items))


Where = Iterable[str | tuple[str, str]] | dict[str, str] | None


def selection_of(
    *, coder: str | None = None, where: Where = None, codes: Sequence[str] | None = None
) -> Selection:
    """The one ``Selection`` for an export's ``coder``, ``where`` and ``codes`` arguments."""
    return Selection.build(
        coders=[coder] if coder else (), codes=codes or (), where=parse_where_items(where)
    )


def select_documents(project: Project, where: Where = None) -> set[int]:
    """Ids of the documents ``where`` keeps (see ``docs/selection.md``); unknown document,
    attribute or value names are an error."""
    return set(selected_documents(project, selection_of(where=where)))


def select_codes(project: Project, paths: Sequence[str] | None = None) -> set[int]:
    """Ids of the codes named by ``paths`` and all their subcodes (every code when empty)."""
    return set(code_scope(project, paths or ())[1])


def select_codings(
    project: Project,
    *,
    coder: str | None = None,
    where: Where = None,
    codes: Sequence[str] | None = None,
) -> list[Coding]:
    """Codings by ``coder`` (any the acting user may see when None: under blind coding a
    coder's own only) in the selected documents and code subtrees."""
    selection = selection_of(coder=coder, where=where, codes=codes)
    check_selection(project, selection)
    coders, limited = viewer_coders(project, selection.coders)
    coder_id = next(iter(coders), None) if coder or limited else None
    docs = set(selected_documents(project, selection))
    code_ids = select_codes(project, selection.codes)
    return [
        c
        for c in project.codings(coder_id=coder_id)
        if c.document_id in docs and c.code_id in code_ids
    ]


# --------------------------------------------------------------------------- frequency matrix


@dataclass
class Matrix:
    """Rows of counts: ``rows[i]`` holds the counts of ``codes[i]`` per column, then total."""

    columns: list[str]
    codes: list[str]
    rows: list[list[int]]
    count: str
    by: str

    def table(self) -> list[list[object]]:
        head: list[object] = ["code", *self.columns, "total"]
        return [head] + [[code, *row] for code, row in zip(self.codes, self.rows, strict=True)]


def _sort_values(values: set[str]) -> list[str]:
    def key(v: str) -> tuple:
        if v == MISSING or v == NO_CASE:
            return (2, 0, v)
        try:
            return (0, float(v), v)
        except ValueError:
            return (1, 0, v.casefold())

    return sorted(values, key=key)


@read_snapshot
def frequency_matrix(
    project: Project,
    *,
    by: str = "case",
    count: str = "codings",
    coder: str | None = None,
    where: Where = None,
) -> Matrix:
    """Code x case (``by="case"``) or code x attribute value (``by=ATTRIBUTE``) counts."""
    if count not in ("codings", "documents"):
        raise WorkbenchError(
            _("--count must be codings or documents, not {count!r}").format(count=count)
        )
    cases: dict[int | None, Case] = {c.id: c for c in project.cases()}
    if by != "case":
        check_attribute(project, by)  # the same one-line error as an unknown --where key
    column_of: dict[int, str] = {}
    for doc in project.documents():
        case = cases.get(doc.case_id)
        if by == "case":
            column_of[doc.id] = case.name if case else NO_CASE
        else:
            value = case.attributes.get(by) if case else None
            column_of[doc.id] = value_text(value) if value is not None else MISSING
    chosen = select_documents(project, where)
    columns = _sort_values({column_of[d] for d in chosen})
    index = {c: i for i, c in enumerate(columns)}
    codings = select_codings(project, coder=coder, where=where)
    codes = project.codes()
    counts: dict[int, list[int]] = {c.id: [0] * len(columns) for c in codes}
    docs_seen: dict[tuple[int, int], None] = {}
    totals_docs: dict[int, set[int]] = defaultdict(set)
    for coding in codings:
        col = index[column_of[coding.document_id]]
        if count == "codings":
            counts[coding.code_id][col] += 1
        elif (coding.code_id, coding.document_id) not in docs_seen:
            docs_seen[(coding.code_id, coding.document_id)] = None
            counts[coding.code_id][col] += 1
        totals_docs[coding.code_id].add(coding.document_id)
    rows = []
    for code in codes:
        row = counts[code.id]
        rows.append([*row, sum(row) if count == "codings" else len(totals_docs[code.id])])
    return Matrix(columns, [c.path for c in codes], rows, count, by)


def write_table(
    rows: list[list[object]],
    path: str | os.PathLike[str],
    *,
    sheet: str = "matrix",
    raw: bool = False,
) -> None:
    """Write ``rows`` (first row = header) as CSV or XLSX, chosen by the file's suffix; no
    cell is ever a formula (``workbench.cells``; ``raw`` leaves CSV cells untouched)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(neutral_row(r, raw=raw) for r in rows)
        write_atomic(path, buf.getvalue().encode("utf-8"))
    elif suffix == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        ws = cast("Worksheet", book.active)  # a new workbook has one worksheet, active
        ws.title = sheet[:31]
        for row in rows:
            xlsx_append(ws, row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
        ws.column_dimensions["A"].width = max((len(str(r[0])) for r in rows), default=10) + 2
        out = io.BytesIO()
        book.save(out)
        write_atomic(path, out.getvalue())
    else:
        raise WorkbenchError(_("write the table as .csv or .xlsx"), source=str(path))


def export_matrix(
    project: Project, path: str | os.PathLike[str], *, raw: bool = False, **options: object
) -> Matrix:
    """Compute ``frequency_matrix(**options)`` and write it to ``path`` (CSV or XLSX)."""
    matrix = frequency_matrix(project, **options)  # type: ignore[arg-type]
    write_table(matrix.table(), path, sheet=_("codes x {by}").format(by=matrix.by), raw=raw)
    return matrix


# --------------------------------------------------------------------------- unit matrix


@read_snapshot
def unit_matrix(
    project: Project, *, unit: str = "sentence", coder: str | None = None, where: Where = None
) -> list[list[object]]:
    """Header ``document, unit, start, end, <code paths>`` then one 0/1 row per unit.

    ``unit`` numbers count from 1 within each document. A unit has 1 for a code when any
    coding of that code overlaps it by at least one character.
    """
    check_unit(unit, SPAN_UNITS)
    codes = project.codes()
    col = {c.id: i for i, c in enumerate(codes)}
    docs = select_documents(project, where)
    by_doc: dict[int, list[Coding]] = defaultdict(list)
    for coding in select_codings(project, coder=coder, where=where):
        by_doc[coding.document_id].append(coding)
    table: list[list[object]] = [["document", "unit", "start", "end", *(c.path for c in codes)]]
    for doc in project.documents():
        if doc.id not in docs:
            continue
        rows = unit_rows(project, doc.id, unit)
        starts, ends = [s for _unused, s, _unused in rows], [e for _unused, _unused, e in rows]
        flags = [[0] * len(codes) for _unused in rows]
        for coding in by_doc[doc.id]:
            for i in touched(starts, ends, coding.start, coding.end):
                flags[i][col[coding.code_id]] = 1
        table.extend(
            [doc.name, n, s, e, *f]
            for n, (s, e, f) in enumerate(zip(starts, ends, flags, strict=True), start=1)
        )
    return table


def export_units(
    project: Project, path: str | os.PathLike[str], *, raw: bool = False, **options: object
) -> int:
    """Write ``unit_matrix(**options)`` to ``path`` as CSV; return the number of units."""
    if Path(path).suffix.lower() != ".csv":
        raise WorkbenchError(_("the unit matrix is written as .csv"), source=str(path))
    table = unit_matrix(project, **options)  # type: ignore[arg-type]
    write_table(table, path, raw=raw)
    return len(table) - 1
