"""Reading a REFI-QDA ``.qdpx`` archive into the project, leniently and safely.

The archive is checked as a whole (``archive``) and its XML parsed without DTDs or entities
(``xmlsafe``) before anything is written; then everything is stored in one transaction, so a
bad file leaves the project untouched. Real tools bend the standard, so reading is lenient:

- ``sources/`` in any letter case, ``plainTextPath`` with or without ``internal://`` (or an
  outside path whose file name is found in the archive), text inline as ``PlainTextContent``;
- sources that only have a ``.docx`` (``richTextPath``): the text is taken from its paragraphs,
  one line each;
- any namespace, or none: elements are matched by their local names; empty ``<Sets/>``;
- positions counted in code points, UTF-16 code units (NVivo for Windows) or UTF-8 bytes, with
  a CRLF as one character (ATLAS.ti) or two: decided per source by ``positions.choose`` (or
  fixed by the caller's ``positions``), named in the report, and mapped onto our normalised
  text;
- missing names get one (``Source 3``, ``Case 2``, ``Unnamed code 1``), and invalid GUIDs a
  new one.

Whatever cannot be imported (pictures, audio, PDFs, selections outside the text, codings of
unknown codes ...) is skipped and listed with its reason in the returned ``ImportReport``, and
every element workbench has no place for is counted by kind (``ignored: 3 sets, 1 graph``):
nothing is dropped without a word. Every declared user becomes a coder, coded or not; a
coding's time and creator come from the ``Coding`` or, failing that, from its
``PlainTextSelection`` (NVivo puts them there).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from workbench.boundary import at_import_boundary
from workbench.guards.archive import Limits
from workbench.i18n import _
from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.interop import history
from workbench.interop.ids import norm_guid
from workbench.interop.positions import Choice, Reading, Span, choose
from workbench.interop.qdpx_media import store_media
from workbench.interop.qdpx_read import _Parsed, _Selection, _Source, read_qdpx
from workbench.interop.qdpx_report import ImportReport
from workbench.interop.textmap import UNITS
from workbench.ops.codebook import Codebook, load_parsed
from workbench.ops.documents import add_document
from workbench.permissions import require
from workbench.store.connection import inserted_id, new_guid, now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.textnorm import sha256

FALLBACK_CODER = "imported"


def _typed_text(typ: str, el: Any) -> str | None:
    """A variable value as we store it (text read back through the attribute's type)."""
    raw = "".join(el.itertext()).strip()
    if raw == "":
        return None
    if typ == "integer":
        return str(int(raw))
    if typ == "float":
        return repr(float(raw))
    if typ == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(raw)
        return "true" if raw.lower() in ("true", "1") else "false"
    if typ == "date":
        from datetime import date

        return date.fromisoformat(raw[:10]).isoformat()
    return raw


def _turns(text: str) -> list:
    """Speaker turns found in the text (labels stay in the text, so offsets are unchanged)."""
    try:
        from workbench.ingest.speakers import detect_turns
    except ImportError:  # pragma: no cover - the ingest package is part of every install
        return []
    return detect_turns(text)


class _Writer:
    """Stores a parsed file inside the caller's transaction."""

    def __init__(
        self,
        project: Project,
        parsed: _Parsed,
        report: ImportReport,
        merge: bool,
        positions: str | None = None,
    ):
        self.project = project
        self.conn = project.conn
        self.p = parsed
        self.report = report
        self.merge = merge
        self.positions = positions
        self.ext = parsed.extension or {}
        #: recordings written from the archive (removed again if the import fails)
        self.written_files: list[Path] = []
        self.new_names: dict[str, set[str]] = {"coders": set(), "cases": set()}
        self.coder_ids: dict[str, int] = {}
        self.entry_ids: dict[int, int | None] = {}
        self.dates_fixed = False

    def coder(self, user: str | None) -> int:
        if user and user in self.p.users:
            name = self.p.users[user]
        elif user:
            name = f"user-{user[:8].lower()}"
            if name not in self.coder_ids:
                self.report.notes.append(
                    _("user {user} is not declared; coder named {name!r}").format(
                        user=user, name=name
                    )
                )
        else:
            name = FALLBACK_CODER
            if name not in self.coder_ids:
                self.report.notes.append(
                    _("codings without a user were given to coder {name!r}").format(name=name)
                )
        if name not in self.coder_ids:
            if not self.conn.execute("SELECT 1 FROM coders WHERE name = ?", (name,)).fetchone():
                self.new_names["coders"].add(name)
            self.coder_ids[name] = self.project.coder_id(name)
            if name not in self.report.coders:
                self.report.coders.append(name)
        return self.coder_ids[name]

    def users(self) -> None:
        """Every declared user becomes a coder, whether or not they coded anything."""
        for key in self.p.users:
            self.coder(key)

    def stamp(self, raw: str | None, place: str) -> str:
        """A file's date-time as we store it; the import time when it is missing or broken.

        QualCoder writes ``2025-01-01T10:00:00+00:00Z`` (an offset *and* a ``Z``): the ``Z``
        is dropped, with one note.
        """
        if not raw or not raw.strip():
            return now()
        value = raw.strip()
        if re.search(r"[+-]\d\d:?\d\dZ$", value):
            value = value[:-1]
            if not self.dates_fixed:
                self.report.notes.append(
                    _(
                        "dates such as {raw!r} carry both an offset and 'Z' (as QualCoder writes them); "
                        "read without the 'Z'"
                    ).format(raw=raw)
                )
            self.dates_fixed = True
        from datetime import datetime

        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.report.notes.append(
                _("{place}: date {raw!r} is not a date-time; the import time was used").format(
                    place=place, raw=raw
                )
            )
            return now()
        return value  # kept as written, so our own round trip is exact

    def settings(self) -> None:
        """Project settings from the extension (a new project takes them all, a merge only
        those it lacks); a foreign project's ``Description`` becomes the codebook's."""
        wanted = dict(self.ext.get("settings", {}))
        if self.p.description and "codebook.description" not in wanted:
            wanted["codebook.description"] = self.p.description
        for key, value in wanted.items():
            if not isinstance(key, str) or not (value is None or isinstance(value, str)):
                continue
            if self.merge and self.project.setting(key) is not None:
                continue
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) "
                "DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def codes(self) -> dict[str, int | None]:
        """Load the codebook; return file code reference -> code id."""
        entries = self.p.codes.walk()
        if not entries:
            return {}
        extra = self.ext.get("codes", {})
        for entry in entries:
            fields = extra.get(entry.guid or "")
            if not isinstance(fields, dict):
                continue
            for key in ("description", "inclusion", "exclusion"):
                if key in fields:
                    entry.fields[key] = fields[key]
            for key in ("keywords", "examples"):
                if fields.get(key):
                    entry.fields[key] = fields[key]
        before = {c.id for c in self.project.codes()}
        load_parsed(self.project, Codebook(source=self.report.source, codes=self.p.codes.entries))
        codes = self.project.codes()
        self.report.codes_added = len([c for c in codes if c.id not in before])
        for code in codes:
            fields = extra.get(code.guid.upper())
            if code.id not in before and isinstance(fields, dict):
                self.conn.execute(
                    "UPDATE codes SET position = coalesce(?, position), "
                    "created_at = coalesce(?, created_at) WHERE id = ?",
                    (fields.get("position"), fields.get("created_at"), code.id),
                )
        by_guid = {c.guid.upper(): c.id for c in codes}
        by_path = {c.path: c.id for c in codes}
        self.entry_ids = {id(e): by_guid.get(e.guid or "", by_path.get(e.path)) for e in entries}
        return {ref: self.entry_ids[id(e)] for ref, e in self.p.codes.by_ref.items()}

    def cases(self) -> dict[str, str]:
        """Create cases and attribute values; return source reference -> case name."""
        attr_ids: dict[str, tuple[int, str]] = {}
        for key, (name, typ) in self.p.variables.items():
            row = self.conn.execute(
                "SELECT id, type FROM attributes WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                row = (
                    inserted_id(
                        self.conn.execute(
                            "INSERT INTO attributes (name, type) VALUES (?, ?)", (name, typ)
                        )
                    ),
                    typ,
                )
            elif row[1] != typ:
                self.report.notes.append(
                    _(
                        "attribute {name!r} is {value} in this project ({typ} in the file); values read "
                        "as {value}"
                    ).format(name=name, value=row[1], typ=typ)
                )
            attr_ids[key] = row
        source_case: dict[str, str] = {}
        seen: Counter[str] = Counter()
        for case in self.p.cases:
            seen[case.name] += 1
            if not self.conn.execute("SELECT 1 FROM cases WHERE name = ?", (case.name,)).fetchone():
                self.report.cases += 1  # counted only when it is new (a merge matches by name)
                self.new_names["cases"].add(case.name)
            case_id = self.project.case_id(case.name)
            for key, el in case.values:
                attr_id, typ = attr_ids[key]
                try:
                    value = _typed_text(typ, el)
                except ValueError:
                    self.report.skipped.append(
                        _(
                            "value of {value!r} for case {name!r}: {items!r} is not a valid {typ}"
                        ).format(
                            value=self.p.variables[key][0],
                            name=case.name,
                            items="".join(el.itertext()),
                            typ=typ,
                        )
                    )
                    continue
                old = self.conn.execute(
                    "SELECT value FROM case_attributes WHERE case_id = ? AND attribute_id = ?",
                    (case_id, attr_id),
                ).fetchone()
                if old is not None and old[0] not in (None, "") and old[0] != value:
                    self.report.notes.append(
                        _(
                            "case {name!r}: kept {value} = {value2!r} (the file says {value3!r})"
                        ).format(
                            name=case.name,
                            value=self.p.variables[key][0],
                            value2=old[0],
                            value3=value,
                        )
                    )
                    continue
                self.conn.execute(
                    "INSERT INTO case_attributes (case_id, attribute_id, value) VALUES (?, ?, ?) "
                    "ON CONFLICT(case_id, attribute_id) DO UPDATE SET value = excluded.value",
                    (case_id, attr_id, value),
                )
            for ref in case.sources:
                if ref in source_case and source_case[ref] != case.name:
                    self.report.notes.append(
                        _("a source in cases {value!r} and {name!r} was put in the first").format(
                            value=source_case[ref], name=case.name
                        )
                    )
                    continue
                source_case[ref] = case.name
        return source_case

    def documents(self, source_case: dict[str, str]) -> None:
        existing = {}
        if self.merge:
            existing = {
                h: (i, c)
                for i, h, c in self.conn.execute("SELECT id, sha256, case_id FROM documents")
            }
        taken_guids = {r[0].upper() for r in self.conn.execute("SELECT guid FROM documents")}
        for src in self.p.sources:
            case = source_case.get(src.guid) if src.guid else None
            digest = sha256(src.text.text)
            if digest in existing:
                src.doc_id, case_id = existing[digest]
                self.report.matched_documents += 1
                if case and case_id is None:
                    self.conn.execute(
                        "UPDATE documents SET case_id = ? WHERE id = ?",
                        (self.project.case_id(case), src.doc_id),
                    )
                continue
            extra = self.ext.get("documents", {}).get(src.guid or "")
            extra = extra if isinstance(extra, dict) else {}
            turns, sentences = self.units(src, extra)
            metadata = extra.get("metadata")
            doc = add_document(
                self.project,
                ParsedTranscript(
                    src.text.text,
                    _turns(src.text.text) if turns is None else turns,
                    source_format=extra.get("source_format") or "qdpx",
                    metadata=metadata if isinstance(metadata, dict) else {},
                ),
                name=src.name,
                case=case,
                source_path=extra.get("source_path") or self.report.source,
                force=True,
                language=extra.get("language"),
                sentences=sentences,
            )
            if extra.get("imported_at"):
                self.conn.execute(
                    "UPDATE documents SET imported_at = ? WHERE id = ?",
                    (extra["imported_at"], doc.id),
                )
            if doc.name != src.name:
                self.report.notes.append(
                    _("source {name!r} stored as {name2!r} (the name was taken)").format(
                        name=src.name, name2=doc.name
                    )
                )
                src.name = doc.name  # later notes and the positions line use the stored name
            if src.guid and src.guid not in taken_guids:
                self.conn.execute("UPDATE documents SET guid = ? WHERE id = ?", (src.guid, doc.id))
                taken_guids.add(src.guid)
            src.doc_id = doc.id
            existing[digest] = (doc.id, None)
            self.report.documents += 1

    def units(self, src: _Source, extra: dict[str, Any]) -> tuple[list | None, list | None]:
        """Turns and sentences from the extension, when they fit the text (else None)."""
        size = len(src.text.text)

        def fits(rows: list) -> bool:
            return all(0 <= r[0] <= r[1] <= size for r in rows)

        turns = sentences = None
        rows = extra.get("turns")
        if rows and fits([r[1:3] for r in rows]):
            turns = [ParsedTurn(r[1], r[2], r[0], r[3], r[4]) for r in rows]
        rows = extra.get("sentences")
        if rows and fits(rows):
            sentences = [tuple(r) for r in rows]
        if (
            extra
            and (turns is None) != (not extra.get("turns"))
            or extra
            and (sentences is None) != (not extra.get("sentences"))
        ):
            self.report.notes.append(
                _(
                    "source {name!r}: the extension's turns or sentences do not fit its text; found "
                    "again"
                ).format(name=src.name)
            )
        return turns, sentences

    def restore(self) -> None:
        """Creation times of new coders and cases, and done marks, from the extension."""
        for table in ("coders", "cases"):
            for name, created in self.ext.get(table, {}).items():
                if name in self.new_names[table] and isinstance(created, str):
                    self.conn.execute(
                        f"UPDATE {table} SET created_at = ? WHERE name = ?", (created, name)
                    )
        for src in self.p.sources:
            extra = self.ext.get("documents", {}).get(src.guid or "")
            if src.doc_id is None or not isinstance(extra, dict):
                continue
            for coder, done, updated in extra.get("done", []):
                self.conn.execute(
                    "INSERT OR IGNORE INTO document_status (document_id, coder_id, done, "
                    "updated_at) VALUES (?, ?, ?, ?)",
                    (
                        src.doc_id,
                        self.coder_ids.get(coder) or self.named_coder(coder),
                        1 if done else 0,
                        updated or now(),
                    ),
                )

    def named_coder(self, name: str) -> int:
        if not self.conn.execute("SELECT 1 FROM coders WHERE name = ?", (name,)).fetchone():
            self.new_names["coders"].add(name)
        self.coder_ids[name] = self.project.coder_id(name)
        if name not in self.report.coders:
            self.report.coders.append(name)
        return self.coder_ids[name]

    def codings(self, code_ids: dict[str, int | None]) -> dict[str, tuple[str, int | None]]:
        """Store codings; return note reference -> (target type, id) for their notes."""
        targets: dict[str, tuple[str, int | None]] = {}
        present = {
            tuple(r[1:]): r[0]
            for r in self.conn.execute(
                'SELECT id, document_id, code_id, coder_id, start, "end" FROM codings'
            )
        }
        taken = {r[0].upper() for r in self.conn.execute("SELECT guid FROM codings")}
        for src in self.p.sources:
            self.choose_reading(src)
            reading = src.reading
            for ref in src.notes:
                targets.setdefault(ref, ("document", src.doc_id))
            size = src.text.length(crlf_as_one=reading.crlf_as_one, unit=reading.unit)
            whole = _Selection(0, size, src.whole, [], f"{src.name} (whole source)")
            for sel in [*src.selections, whole] if src.whole else src.selections:
                start = src.text.map(sel.start, crlf_as_one=reading.crlf_as_one, unit=reading.unit)
                end = src.text.map(sel.end, crlf_as_one=reading.crlf_as_one, unit=reading.unit)
                if start is None or end is None:
                    where = (
                        "lies outside the text"
                        if max(sel.start, sel.end) > size or min(sel.start, sel.end) < 0
                        else "splits a character"
                    )
                    self.report.skipped.append(
                        _(
                            "selection at {place}: [{start}, {end}) {where} ({size} {describe})"
                        ).format(
                            place=sel.place,
                            start=sel.start,
                            end=sel.end,
                            where=where,
                            size=size,
                            describe=reading.describe(crlf=False),
                        )
                    )
                    continue
                if end <= start:
                    self.report.skipped.append(
                        _("selection at {place}: it is empty").format(place=sel.place)
                    )
                    continue
                if not sel.codings:
                    self.report.skipped.append(
                        _("selection at {place}: it has no coding").format(place=sel.place)
                    )
                    continue
                first_id = None
                for coding in sel.codings:
                    code_id = code_ids.get(coding.code_ref or "")
                    if code_id is None:
                        self.report.skipped.append(
                            _("coding at {place}: code {code_ref!r} is not in the codebook").format(
                                place=sel.place, code_ref=coding.code_ref
                            )
                        )
                        continue
                    coder_id = self.coder(coding.user)
                    key = (src.doc_id, code_id, coder_id, start, end)
                    if key in present:
                        self.report.duplicate_codings += 1
                        for ref in coding.notes:
                            targets.setdefault(ref, ("coding", present[key]))
                        continue
                    guid = coding.guid if coding.guid and coding.guid not in taken else new_guid()
                    how = (
                        self.ext.get("codings", {}).get(guid) or "manual" if self.ext else "import"
                    )
                    coding_id = inserted_id(
                        self.conn.execute(
                            "INSERT INTO codings (guid, document_id, code_id, coder_id, start, "
                            '"end", source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
                            (
                                guid,
                                src.doc_id,
                                code_id,
                                coder_id,
                                start,
                                end,
                                how,
                                self.stamp(coding.created or sel.created, sel.place),
                            ),
                        )
                    )
                    taken.add(guid)
                    present[key] = coding_id
                    first_id = first_id or coding_id
                    self.report.codings += 1
                    for ref in coding.notes:
                        targets.setdefault(ref, ("coding", coding_id))
                for ref in sel.notes:
                    targets.setdefault(
                        ref, ("coding", first_id) if first_id else ("document", src.doc_id)
                    )
        return targets

    def choose_reading(self, src: _Source) -> Choice:
        """Decide (or take from ``positions``) the unit of ``src``'s positions; report it."""
        origin = self.p.origin.lower()
        prefer = (
            Reading("codepoints", True)
            if "atlas" in origin
            else Reading("utf16", False)
            if "nvivo" in origin
            else None
        )
        spans = [Span(s.start, s.end, s.quote) for s in src.selections]
        unit = self.positions
        if unit is None and self.ext.get("positions") in UNITS:
            unit = self.ext["positions"]  # our own export says how it counted
        choice = choose(src.text, spans, unit=unit, prefer=prefer)
        src.reading = choice.reading
        self.report.positions[src.name] = choice.describe(src.text.has_crlf)
        if choice.weak:
            self.report.notes.append(
                _(
                    "source {name!r}: weak evidence for reading positions as {describe} "
                    "({evidence}); check its codings, or choose with --positions"
                ).format(
                    name=src.name, describe=choice.reading.describe(), evidence=choice.evidence()
                )
            )
        elif choice.mattered and choice.reading != Reading():
            self.report.notes.append(
                _("source {name!r}: positions read as {describe} ({evidence})").format(
                    name=src.name, describe=choice.reading.describe(), evidence=choice.evidence()
                )
            )
        return choice

    def memos(self, targets: dict[str, tuple[str, int | None]]) -> None:
        for entry_key, refs in self.p.code_notes.items():
            code_id = self.entry_ids.get(entry_key)
            for ref in refs:
                if code_id is not None:
                    targets.setdefault(ref, ("code", code_id))
        for ref in self.p.project_notes:
            targets.setdefault(ref, ("project", None))
        present = {
            tuple(r) for r in self.conn.execute("SELECT target_type, target_id, text FROM memos")
        }
        taken = {r[0].upper() for r in self.conn.execute("SELECT guid FROM memos")}
        for guid, note in self.p.notes.items():
            ttype, tid = targets.get(guid, ("project", None))
            if (ttype, tid, note.text) in present:
                continue
            coder_id = self.coder(note.user) if note.user else None
            stamp = self.stamp(note.created, f"note {note.title or guid}")
            updated = (
                self.stamp(note.modified, f"note {note.title or guid}") if note.modified else stamp
            )
            memo_guid = norm_guid(guid)
            if not memo_guid or memo_guid in taken:
                memo_guid = new_guid()
            taken.add(memo_guid)
            self.conn.execute(
                "INSERT INTO memos (guid, target_type, target_id, coder_id, title, text, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (memo_guid, ttype, tid, coder_id, note.title, note.text, stamp, updated),
            )
            self.report.memos += 1


@at_import_boundary(path_arg=1)
def import_qdpx(
    project: Project,
    path: str | os.PathLike[str],
    *,
    merge: bool = False,
    limits: Limits | None = None,
    positions: str | None = None,
) -> ImportReport:
    """Import the ``.qdpx`` at ``path``; the project must be empty unless ``merge``.

    With ``merge``, documents already in the project (same text) are matched rather than
    added, codes are matched by GUID then path, coders by name, and codings already present
    are not duplicated. Everything happens in one transaction.

    ``positions`` (``codepoints``, ``utf16`` or ``bytes``) fixes the unit the file's selection
    positions count; by default it is decided per source from the evidence.
    """
    require(project, "documents.edit")
    require(project, "codebook.edit")
    require(project, "codings.import")
    if positions is not None and positions not in UNITS:
        raise WorkbenchError(
            _("unknown position unit {positions!r} (use {items})").format(
                positions=positions, items=", ".join(UNITS)
            )
        )
    report = ImportReport(str(path))
    if not merge:
        count = project.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        if count:
            raise WorkbenchError(
                _(
                    "the project already has {count} document(s); import into a new project, or use "
                    "--merge to add to this one"
                ).format(count=count),
                source=str(project.path),
            )
    parsed = read_qdpx(path, report, limits)
    writer: _Writer | None = None
    try:
        with project.transaction():
            with project.action(
                "import-qdpx",
                _("import {basename}").format(basename=os.path.basename(str(path))),
                undoable=False,
            ):
                writer = _Writer(project, parsed, report, merge, positions)
                writer.settings()
                writer.users()
                code_ids = writer.codes()
                source_case = writer.cases()
                writer.documents(source_case)
                targets = writer.codings(code_ids)
                store_media(writer)
                writer.memos(targets)
                writer.restore()
                report.coders_added = len(writer.new_names["coders"])
            if writer.ext:  # after the import's own entry, so undo reaches the history
                report.notes += history.restore(project, writer.ext, merge=merge)
    except BaseException:
        if writer is not None:
            for file in writer.written_files:  # recordings taken out of the archive
                file.unlink(missing_ok=True)
        raise
    return report
