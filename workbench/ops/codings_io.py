"""Codings as CSV: export them all with their text, and import them back in bulk.

The columns are ``document,code,coder,start,end,text`` (export adds ``memo`` and
``created_at``). Spreadsheets and scripts can produce the same columns to code in bulk: a row
may leave ``start`` and ``end`` blank, and its ``text`` is then found in the document (first
occurrence). Import is all-or-nothing: every row is checked first, and the first problem is
reported as ``file.csv:row N: reason`` (row 1 is the header, as in a spreadsheet).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.boundary import at_import_boundary
from workbench.cells import neutral_record, restore
from workbench.files import write_atomic
from workbench.i18n import _
from workbench.ops.cases import check_columns
from workbench.ops.duplicates import Folding
from workbench.permissions import require, visible_coder_ids
from workbench.store.connection import new_guid, now
from workbench.store.errors import InputFileError, UnknownCodeError
from workbench.store.project import Project, read_snapshot
from workbench.store.queries import normalise_path
from workbench.textnorm import normalise

if TYPE_CHECKING:
    from workbench.analysis.filters import Selection

EXPORT_COLUMNS = ("document", "code", "coder", "start", "end", "text", "memo", "created_at")
REQUIRED = ("document", "code", "coder")


@read_snapshot
def coding_rows(project: Project, selection: Selection | None = None) -> list[dict[str, object]]:
    """One row per coding ``selection`` keeps (all when None), by document, position, code.

    Under blind coding a coder gets their own codings and memos only (``workbench.permissions``).
    """
    keep: set[int] | None = None
    seen = visible_coder_ids(project)
    if selection is not None or seen is not None:
        from workbench.analysis.filters import Selection, select

        chosen = select(project, selection or Selection.build())
        keep = {row[5] for row in chosen.rows}
    paths = {c.id: c.path for c in project.codes()}
    docs = {d.id: d.name for d in project.documents()}
    coders = {c.id: c.name for c in project.coders()}
    memos: dict[int, list[str]] = {}
    for memo in project.memos("coding"):
        if memo.target_id is not None and (
            seen is None or memo.coder_id is None or memo.coder_id in seen
        ):
            memos.setdefault(memo.target_id, []).append(memo.text)
    rows = []
    for c in project.codings():
        if keep is not None and c.id not in keep:
            continue
        text = project.text(c.document_id)
        rows.append(
            {
                "document": docs[c.document_id],
                "code": paths[c.code_id],
                "coder": coders[c.coder_id],
                "start": c.start,
                "end": c.end,
                "text": text[c.start : c.end],
                "memo": "\n\n".join(memos.get(c.id, [])),
                "created_at": c.created_at,
            }
        )
    rows.sort(key=lambda r: (r["document"], r["start"], r["end"], r["code"], r["coder"]))
    return rows


def export_codings_csv(
    project: Project,
    path: str | os.PathLike[str],
    selection: Selection | None = None,
    *,
    raw: bool = False,
) -> int:
    """Write every coding ``selection`` keeps (all when None) to ``path`` (UTF-8 CSV); return
    the number of rows. Cells a spreadsheet would evaluate are neutralised unless ``raw``
    (``workbench.cells``); ``codings import`` reads them back either way."""
    rows = coding_rows(project, selection)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(neutral_record(row, raw=raw) for row in rows)
    write_atomic(path, buf.getvalue().encode("utf-8"))
    return len(rows)


@dataclass(frozen=True, slots=True)
class _Row:
    document_id: int
    code_id: int
    coder: str
    start: int
    end: int
    memo: str


def _int(value: str, what: str, source: str, place: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InputFileError(
            _("{what} {value!r} is not a whole number").format(what=what, value=value),
            source=source,
            place=place,
        ) from None


def read_codings_csv(project: Project, path: str | os.PathLike[str]) -> list[_Row]:
    """Check every row of the file against the project; raise at the first problem."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputFileError(_("no such file"), source=source) from None
    except OSError as exc:
        raise InputFileError(
            _("cannot read: {strerror}").format(strerror=exc.strerror), source=source
        ) from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(_("not UTF-8 text (save the CSV as UTF-8)"), source=source) from None
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputFileError(_("the file is empty"), source=source, place="row 1") from None
    except csv.Error as exc:
        raise InputFileError(
            _("malformed CSV: {exc}").format(exc=exc), source=source, place="row 1"
        ) from None
    check_columns(len(header), source)
    missing = [c for c in REQUIRED if c not in header]
    if missing or not ({"text"} <= set(header) or {"start", "end"} <= set(header)):
        need = ", ".join(missing) if missing else "text (or start and end)"
        raise InputFileError(
            _("missing column(s): {need}; expected document,code,coder,start,end,text").format(
                need=need
            ),
            source=source,
            place="row 1",
        )
    docs = {d.name: d for d in project.documents()}
    codes = {c.path: c.id for c in project.codes()}
    rows: list[_Row] = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            place = f"row {number}"
            # cells neutralised for spreadsheets on export ("'=...") read back as written
            record = {
                h: restore(values[i]) if i < len(values) else "" for i, h in enumerate(header)
            }
            name = record["document"].strip()
            if name not in docs:
                raise InputFileError(
                    _("unknown document {name!r}").format(name=name), source=source, place=place
                )
            doc = docs[name]
            path_ = normalise_path(record["code"])
            if path_ not in codes:
                raise UnknownCodeError(
                    _("unknown code {path!r}").format(path=path_), source=source, place=place
                )
            coder = record["coder"].strip()
            if not coder:
                raise InputFileError(_("the coder is empty"), source=source, place=place)
            start_s, end_s = record.get("start", "").strip(), record.get("end", "").strip()
            text = normalise(record.get("text", ""))
            body = project.text(doc.id)
            if not start_s and not end_s:
                if not text.strip():
                    raise InputFileError(
                        _("give start and end, or the text to find"), source=source, place=place
                    )
                found = body.find(text)
                if found < 0:
                    stripped = text.strip()
                    found = body.find(stripped)
                    text = stripped
                if found < 0:
                    raise InputFileError(
                        _("text {short!r} not found in {name!r}").format(
                            short=_short(text), name=name
                        ),
                        source=source,
                        place=place,
                    )
                start, end = found, found + len(text)
            elif not start_s or not end_s:
                raise InputFileError(
                    _("give both start and end, or neither"), source=source, place=place
                )
            else:
                start = _int(start_s, "start", source, place)
                end = _int(end_s, "end", source, place)
                if not 0 <= start < end <= doc.length:
                    raise InputFileError(
                        _(
                            "span [{start}, {end}) is outside {name!r} (0 to {length}) or empty"
                        ).format(start=start, end=end, name=name, length=doc.length),
                        source=source,
                        place=place,
                    )
                if text and body[start:end] != text:
                    raise InputFileError(
                        _(
                            "text {short!r} does not match {name!r} at [{start}, {end}), which reads "
                            "{short2!r}"
                        ).format(
                            short=_short(text),
                            name=name,
                            start=start,
                            end=end,
                            short2=_short(body[start:end]),
                        ),
                        source=source,
                        place=place,
                    )
            rows.append(
                _Row(doc.id, codes[path_], coder, start, end, record.get("memo", "").strip())
            )
    except csv.Error as exc:
        raise InputFileError(
            _("malformed CSV: {exc}").format(exc=exc), source=source, place=f"row {reader.line_num}"
        ) from None
    return rows


def _short(text: str, width: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


UNDO_LIMIT = 50_000
"""Files with more rows are imported as one action that cannot be undone: an undo record of
a million codings would cost more than a gigabyte of memory (benchmarks/bench_limits.py)."""


@dataclass(frozen=True)
class CodingsImport:
    """What an import of codings did: how many it added, how many it folded (already there)."""

    added: int
    folded: int


@at_import_boundary(path_arg=1)
def import_codings_csv(project: Project, path: str | os.PathLike[str]) -> CodingsImport:
    """Add the codings of a CSV file as one undoable action; say how many were added and
    how many folded.

    Above ``UNDO_LIMIT`` rows the action is still all-or-nothing but is not undoable.

    Rows identical to a coding already in the project, or to an earlier row (same document,
    code, coder and span), are folded (``workbench.ops.duplicates``), so importing a file
    twice adds nothing the second time. Coders named in the file are created when new.
    """
    require(project, "codings.import")
    rows = read_codings_csv(project, path)
    folding = Folding(project)
    added = 0
    with project.action(
        "import-codings",
        _("import codings from {name}").format(name=Path(path).name),
        undoable=len(rows) <= UNDO_LIMIT,
    ) as act:
        coder_ids: dict[str, int] = {}
        for row in rows:
            if row.coder not in coder_ids:
                coder_ids[row.coder] = project.coder_id(row.coder)
            key = (row.document_id, row.code_id, coder_ids[row.coder], row.start, row.end)
            if folding.seen(key):
                continue
            coding_id = act.insert(
                "codings",
                {
                    "guid": new_guid(),
                    "document_id": row.document_id,
                    "code_id": row.code_id,
                    "coder_id": coder_ids[row.coder],
                    "start": row.start,
                    "end": row.end,
                    "source": "import",
                    "created_at": now(),
                },
            )
            if row.memo:
                stamp = now()
                act.insert(
                    "memos",
                    {
                        "guid": new_guid(),
                        "target_type": "coding",
                        "target_id": coding_id,
                        "coder_id": coder_ids[row.coder],
                        "title": None,
                        "text": row.memo,
                        "created_at": stamp,
                        "updated_at": stamp,
                    },
                )
            added += 1
    return CodingsImport(added, folding.folded)
