"""Cases (participants) and their typed attributes, imported from a CSV file.

A case study compares participants by who they are: region, sector, role, year. The CSV has
one row per participant (column ``participant`` or ``case``) and one column per attribute.
Each column gets one type, inferred from all its values: integer, float, boolean, date
(YYYY-MM-DD) or else text, so that later filters and tables can compare numbers as numbers.
Importing is all-or-nothing, and documents named like a participant join that case.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workbench.boundary import at_import_boundary
from workbench.i18n import _
from workbench.limits import MAX_CSV_COLUMNS
from workbench.permissions import require
from workbench.store.connection import inserted_id, now
from workbench.store.errors import InputFileError, WorkbenchError
from workbench.store.model import Document
from workbench.store.project import Project

KEY_COLUMNS = ("participant", "case")
TRUE_WORDS = frozenset({"true", "yes", "sí", "si", "verdadero"})
FALSE_WORDS = frozenset({"false", "no", "falso"})
_INTEGER = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class CasesImport:
    """What an import did: how many cases were new or updated, which documents were linked."""

    created: int
    updated: int
    attributes: dict[str, str]
    linked: tuple[str, ...]


def infer_type(values: list[str]) -> str:
    """The narrowest type that reads every non-empty value: integer, float, boolean, date, text."""
    values = [v for v in values if v != ""]
    if not values:
        return "text"
    if all(_INTEGER.match(v) for v in values):
        # "007" keeps its zeros as text: identifiers are not numbers.
        if any(len(v.lstrip("+-")) > 1 and v.lstrip("+-").startswith("0") for v in values):
            return "text"
        return "integer"
    if all(_FLOAT.match(v) for v in values):
        return "float"
    if all(v.lower() in TRUE_WORDS | FALSE_WORDS for v in values):
        return "boolean"
    if all(_DATE.match(v) and _is_date(v) for v in values):
        return "date"
    return "text"


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def stored_value(typ: str, value: str) -> str | None:
    """The text stored for ``value`` of type ``typ`` (read back by ``project.typed_value``)."""
    if value == "":
        return None
    if typ == "integer":
        return str(int(value))
    if typ == "float":
        return repr(float(value))
    if typ == "boolean":
        return "true" if value.lower() in TRUE_WORDS else "false"
    return value


def check_columns(count: int, source: str, place: str = "row 1") -> None:
    """Refuse a CSV of more than ``MAX_CSV_COLUMNS`` columns before its rows are read (a cases
    file of 100,000 columns took minutes: each column is an attribute of every case)."""
    if count > MAX_CSV_COLUMNS:
        raise InputFileError(
            _("too many columns ({count:,}; the limit is {limit:,})").format(
                count=count, limit=MAX_CSV_COLUMNS
            ),
            source=source,
            place=place,
        )


def widen(old: str, new: str) -> str:
    """The type that holds values of both ``old`` and ``new`` (text holds everything)."""
    if old == new:
        return old
    if {old, new} == {"integer", "float"}:
        return "float"
    return "text"


@at_import_boundary(path_arg=0)
def read_cases_csv(path: str | os.PathLike[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (row number, values) of a cases CSV, validated; nothing is written."""
    from workbench.ingest.encoding import decode_bytes

    path = Path(path)
    source = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(_("no such file"), source=str(path)) from None
    except OSError as exc:
        raise InputFileError(
            _("cannot read ({strerror})").format(strerror=exc.strerror), source=str(path)
        ) from None
    text = decode_bytes(data, source).text
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        check_columns(len(header), source)  # before any row is read
        if not any(h.lower() in KEY_COLUMNS for h in header):
            raise InputFileError(
                _("no 'participant' (or 'case') column in the header"), source=source, place="row 1"
            )
        seen_columns: set[str] = set()
        for i, name in enumerate(header):
            if not name:
                raise InputFileError(
                    _("column {value} has no name").format(value=i + 1),
                    source=source,
                    place="row 1",
                )
            if name.lower() in seen_columns:
                raise InputFileError(
                    _("column {name!r} appears twice").format(name=name),
                    source=source,
                    place="row 1",
                )
            seen_columns.add(name.lower())
        rows: list[tuple[int, list[str]]] = []
        key = next(i for i, h in enumerate(header) if h.lower() in KEY_COLUMNS)
        seen: dict[str, int] = {}
        for values in reader:
            number = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise InputFileError(
                    _("expected {n_header} fields, found {n_values}").format(
                        n_header=len(header), n_values=len(values)
                    ),
                    source=source,
                    place=f"row {number}",
                )
            values = [v.strip() for v in values]
            participant = values[key]
            if not participant:
                raise InputFileError(
                    _("the participant is empty"), source=source, place=f"row {number}"
                )
            if participant in seen:
                raise InputFileError(
                    _("participant {participant!r} appears twice (first in row {value})").format(
                        participant=participant, value=seen[participant]
                    ),
                    source=source,
                    place=f"row {number}",
                )
            seen[participant] = number
            rows.append((number, values))
    except csv.Error as exc:
        raise InputFileError(
            _("malformed CSV ({exc})").format(exc=exc),
            source=source,
            place=f"row {reader.line_num}",
        ) from None
    except StopIteration:
        raise InputFileError(_("empty file"), source=source) from None
    if not rows:
        raise InputFileError(_("no participants in the file"), source=source)
    return header, rows


@at_import_boundary(path_arg=1)
def import_cases_csv(project: Project, path: str | os.PathLike[str]) -> CasesImport:
    """Create or update the cases and attributes of a CSV file, all or nothing."""
    require(project, "documents.edit")
    header, rows = read_cases_csv(path)
    key = next(i for i, h in enumerate(header) if h.lower() in KEY_COLUMNS)
    columns = [(i, h) for i, h in enumerate(header) if i != key]
    types = {h: infer_type([values[i] for _unused, values in rows]) for i, h in columns}
    existing_types = dict(project.conn.execute("SELECT name, type FROM attributes"))
    final_types = {
        h: widen(existing_types[h], t) if h in existing_types else t for h, t in types.items()
    }
    created = updated = 0
    linked: list[str] = []
    with project.action(
        "import-cases", _("import cases from {name}").format(name=Path(path).name), undoable=False
    ):
        conn = project.conn
        attribute_ids: dict[str, int] = {}
        for _unused, name in columns:
            conn.execute(
                "INSERT INTO attributes (name, type) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET type = excluded.type",
                (name, final_types[name]),
            )
            attribute_ids[name] = conn.execute(
                "SELECT id FROM attributes WHERE name = ?", (name,)
            ).fetchone()[0]
        for _unused, values in rows:
            participant = values[key]
            row = conn.execute("SELECT id FROM cases WHERE name = ?", (participant,)).fetchone()
            if row:
                case_id = row[0]
                updated += 1
            else:
                case_id = inserted_id(
                    conn.execute(
                        "INSERT INTO cases (name, created_at) VALUES (?, ?)", (participant, now())
                    )
                )
                created += 1
            conn.executemany(
                "INSERT INTO case_attributes (case_id, attribute_id, value) VALUES (?, ?, ?) "
                "ON CONFLICT(case_id, attribute_id) DO UPDATE SET value = excluded.value",
                [
                    (case_id, attribute_ids[name], stored_value(final_types[name], values[i]))
                    for i, name in columns
                ],
            )
            docs = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM documents WHERE name = ? AND case_id IS NULL", (participant,)
                )
            ]
            if docs:
                conn.execute(
                    "UPDATE documents SET case_id = ? WHERE name = ? AND case_id IS NULL",
                    (case_id, participant),
                )
                linked.extend(docs)
    return CasesImport(created, updated, final_types, tuple(linked))


def set_document_case(project: Project, doc: str | int | Document, case: str | None) -> Document:
    """Put a document in case ``case`` (created if new), or in no case with ``None``. Undoable."""
    require(project, "documents.edit")
    document = doc if isinstance(doc, Document) else project.document(doc)
    if case is not None and not case.strip():
        raise WorkbenchError(_("a case needs a name"))
    label = case.strip() if case else None
    with project.action(
        "set-case",
        _("set case of {name} to {value}").format(name=document.name, value=label or "none"),
    ) as rec:
        case_id = None
        if label:
            row = project.conn.execute("SELECT id FROM cases WHERE name = ?", (label,)).fetchone()
            case_id = row[0] if row else rec.insert("cases", {"name": label, "created_at": now()})
        rec.update("documents", document.id, case_id=case_id)
    return project.document(document.id)
