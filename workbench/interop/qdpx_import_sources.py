"""Storing a ``.qdpx`` file's sources, the codings placed in their text, and the notes.

A step of ``import_qdpx`` (``qdpx_import``): each source is stored as a document (matched by
its text when merging), with the turns and sentences of workbench's own extension when they
fit the text; then each selection's positions are read in the unit chosen for its source
(``positions.choose``) and mapped onto the stored text, and whatever cannot be placed is
skipped with its reason; last, notes become memos on what they were attached to.
"""

from __future__ import annotations

from typing import Any

from workbench.i18n import _
from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.interop.ids import norm_guid
from workbench.interop.positions import Choice, Reading, Span, choose
from workbench.interop.qdpx_import_base import _WriterBase
from workbench.interop.qdpx_read import _Selection, _Source
from workbench.interop.textmap import UNITS
from workbench.ops.documents import add_document
from workbench.store.connection import inserted_id, new_guid
from workbench.textnorm import sha256


def _turns(text: str) -> list:
    """Speaker turns found in the text (labels stay in the text, so offsets are unchanged)."""
    try:
        from workbench.ingest.speakers import detect_turns
    except ImportError:  # pragma: no cover - the ingest package is part of every install
        return []
    return detect_turns(text)


class _Sources(_WriterBase):
    """Documents, codings and memos: the sources and what is anchored in them."""

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
