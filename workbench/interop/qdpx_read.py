"""Reading a REFI-QDA ``.qdpx`` archive completely, writing nothing (see ``qdpx_import``).

The archive is checked as a whole (``archive``) and its XML parsed without DTDs or entities
(``xmlsafe``); the reader is lenient about what real tools write and records every skipped
element, with its reason, in the ``ImportReport``.
"""

from __future__ import annotations

import io
import os
import posixpath
from dataclasses import dataclass, field
from typing import Any

from workbench.boundary import quiet
from workbench.guards import xmlsafe
from workbench.guards.archive import Limits, SafeArchive, open_archive
from workbench.i18n import _
from workbench.interop import extension
from workbench.interop.ids import norm_guid
from workbench.interop.positions import Reading
from workbench.interop.qdc import ParsedCodes, apply_sets, read_codes, ref_key
from workbench.interop.qdpx_media import MediaSource, read_sync_points
from workbench.interop.qdpx_report import (
    VALUE_ELEMENTS,
    VARIABLE_TYPES,
    ImportReport,
    count_ignored,
)
from workbench.interop.textmap import SourceText, source_text
from workbench.limits import MAX_DOCUMENT_ARCHIVE_BYTES, MAX_DOCUMENT_ELEMENTS
from workbench.store.errors import InputFileError
from workbench.textnorm import normalise

# --------------------------------------------------------------------------- parsed file


@dataclass
class _Coding:
    guid: str | None
    code_ref: str | None
    user: str | None
    created: str | None
    notes: list[str]


@dataclass
class _Selection:
    start: int
    end: int
    codings: list[_Coding]
    notes: list[str]
    place: str
    quote: str | None = None
    created: str | None = None


@dataclass
class _Source:
    guid: str | None
    name: str
    text: SourceText
    selections: list[_Selection]
    whole: list[_Coding]  # codings of the source as a whole
    notes: list[str]
    place: str
    reading: Reading = field(default_factory=Reading)
    doc_id: int | None = None
    #: the recording and sync points of an ``AudioSource``/``VideoSource`` (else None)
    media: MediaSource | None = None


@dataclass
class _Case:
    name: str
    values: list[tuple[str, Any]]  # (variable key, element) pairs
    sources: list[str]


@dataclass
class _Note:
    guid: str
    title: str | None
    text: str
    user: str | None
    created: str | None
    modified: str | None = None


@dataclass
class _Parsed:
    origin: str
    users: dict[str, str]
    codes: ParsedCodes
    code_notes: dict[int, list[str]]  # id(entry) -> note refs
    variables: dict[str, tuple[str, str]]  # key -> (name, our type)
    cases: list[_Case]
    sources: list[_Source]
    notes: dict[str, _Note]
    project_notes: list[str]
    description: str | None = None
    extension: dict[str, Any] | None = None


class _Reader:
    """Reads the archive into plain records, collecting what it skips."""

    def __init__(self, archive: SafeArchive, report: ImportReport):
        self.archive = archive
        self.report = report
        self.source = str(archive.path)
        self.base_path: str | None = None

    def skip(self, what: str, why: str) -> None:
        self.report.skipped.append(f"{what}: {why}")

    # ---- files inside the archive

    def member_for(self, path: str) -> str | None:
        """The archive member a source path points to, searched leniently."""
        rel = path.strip()
        lower = rel.lower()
        for prefix in ("internal://", "relative://", "file:///", "file://"):
            if lower.startswith(prefix):
                rel = rel[len(prefix) :]
                break
        rel = rel.replace("\\", "/")
        for candidate in (f"sources/{rel}", rel):
            found = self.archive.find(candidate)
            if found:
                return found
        base = posixpath.basename(rel).lower()
        if not base:
            return None
        matches = [
            m
            for m in self.archive.members()
            if posixpath.basename(m.replace("\\", "/")).lower() == base
        ]
        in_sources = [m for m in matches if m.replace("\\", "/").lower().startswith("sources/")]
        pick = in_sources or matches
        return pick[0] if len(pick) == 1 else None

    def decode(self, data: bytes, what: str, member: str) -> str:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    _("not valid UTF-16 text (byte {at})").format(at=exc.start + 2),
                    source=self.source,
                    place=member,
                ) from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.report.notes.append(_("{what}: not UTF-8; read as Windows-1252").format(what=what))
            return data.decode("cp1252", errors="replace")

    def docx_text(self, member: str, what: str) -> str:
        from docx import Document as DocxDocument

        data = self.archive.read(member)
        remaining = Limits(
            max_total=min(
                max(self.archive.limits.max_total - self.archive._read_total, 0),
                MAX_DOCUMENT_ARCHIVE_BYTES,
            ),
            max_ratio=self.archive.limits.max_ratio,
        )
        with open_archive(f"{self.source}:{member}", remaining, data=data) as inner:
            for name in inner.members():
                if name.lower().endswith((".xml", ".rels")):
                    xmlsafe.check_xml(
                        inner.read(name),
                        source=f"{self.source}:{member}:{name}",
                        max_elements=MAX_DOCUMENT_ELEMENTS,
                    )
        try:
            with quiet():
                doc = DocxDocument(io.BytesIO(data))
                paragraphs = [p.text for p in doc.paragraphs]
        except Exception as exc:  # python-docx raises many kinds for broken files
            raise InputFileError(
                _("cannot read the Word file: {exc}").format(exc=exc),
                source=self.source,
                place=member,
            ) from exc
        self.report.notes.append(
            _("{what}: text taken from {basename} (one line per paragraph)").format(
                what=what, basename=posixpath.basename(member)
            )
        )
        return "\n".join(paragraphs)

    def source_raw_text(self, el: Any, what: str) -> str | None:
        inline = xmlsafe.child(el, "PlainTextContent")
        if inline is not None:
            return "".join(inline.itertext())
        plain = xmlsafe.attr(el, "plainTextPath")
        if plain:
            member = self.member_for(plain)
            if member:
                return self.decode(self.archive.read(member), what, member)
        rich = xmlsafe.attr(el, "richTextPath")
        if rich:
            member = self.member_for(rich)
            if member and member.lower().endswith(".docx"):
                return self.docx_text(member, what)
            if member and member.lower().endswith(".txt"):
                return self.decode(self.archive.read(member), what, member)
            if member:
                self.skip(
                    what,
                    f"its text is only in {posixpath.basename(member)}, a format "
                    "workbench cannot read here (docx and txt are)",
                )
                return None
        missing = plain or rich
        self.skip(
            what,
            f"its text file {missing!r} is not in the archive"
            if missing
            else "it has no text (no PlainTextContent, plainTextPath or richTextPath)",
        )
        return None

    # ---- elements

    def codings_of(self, el: Any, default_user: str | None) -> list[_Coding]:
        out = []
        for coding in xmlsafe.children(el, "Coding"):
            ref = xmlsafe.child(coding, "CodeRef")
            out.append(
                _Coding(
                    guid=norm_guid(xmlsafe.attr(coding, "guid")),
                    code_ref=ref_key(xmlsafe.attr(ref, "targetGUID")) if ref is not None else None,
                    user=ref_key(xmlsafe.attr(coding, "creatingUser")) or default_user,
                    created=xmlsafe.attr(coding, "creationDateTime"),
                    notes=self.note_refs(coding),
                )
            )
        return out

    @staticmethod
    def note_refs(el: Any) -> list[str]:
        refs = (ref_key(xmlsafe.attr(r, "targetGUID")) for r in xmlsafe.children(el, "NoteRef"))
        return [r for r in refs if r]

    def text_source(self, el: Any, index: int) -> _Source | None:
        place = f"line {el.sourceline}"
        name = (xmlsafe.attr(el, "name") or "").strip()
        what = f"source {name!r}" if name else f"source {index} ({place})"
        raw = self.source_raw_text(el, what)
        if raw is None:
            return None
        text = source_text(raw)
        if not text.text.strip():
            self.skip(what, "its text is empty")
            return None
        if not name:
            name = (
                _file_stem(xmlsafe.attr(el, "plainTextPath") or xmlsafe.attr(el, "richTextPath"))
                or f"Source {index}"
            )
            self.report.notes.append(
                _("{what} had no name; called {name!r}").format(what=what, name=name)
            )
        user = ref_key(xmlsafe.attr(el, "creatingUser"))
        selections = []
        for sel in xmlsafe.children(el, "PlainTextSelection"):
            splace = f"{name}, line {sel.sourceline}"
            try:
                start = int(xmlsafe.attr(sel, "startPosition") or "")
                end = int(xmlsafe.attr(sel, "endPosition") or "")
            except ValueError:
                self.skip(f"selection at {splace}", "start or end position is not a number")
                continue
            sel_user = ref_key(xmlsafe.attr(sel, "creatingUser")) or user
            selections.append(
                _Selection(
                    start,
                    end,
                    self.codings_of(sel, sel_user),
                    self.note_refs(sel),
                    splace,
                    xmlsafe.attr(sel, "name"),
                    xmlsafe.attr(sel, "creationDateTime"),
                )
            )
        return _Source(
            norm_guid(xmlsafe.attr(el, "guid")),
            name,
            text,
            selections,
            self.codings_of(el, user),
            self.note_refs(el),
            place,
        )

    def media_source(self, el: Any, index: int) -> _Source | None:
        """An ``AudioSource``/``VideoSource``: its first transcript becomes the document, its
        ``TranscriptSelection``s (between two sync points) its codings, and its sync points
        and recording are kept for ``qdpx_media.store_media``."""
        kind = xmlsafe.local(el)
        place = _("line {line}").format(line=el.sourceline)
        name = (xmlsafe.attr(el, "name") or "").strip()
        what = (
            _("{element} {name!r}").format(element=kind, name=name)
            if name
            else _("{element} {index} ({place})").format(element=kind, index=index, place=place)
        )
        transcripts = list(xmlsafe.children(el, "Transcript"))
        if not transcripts:
            self.skip(what, _("it has no transcript (workbench codes text)"))
            return None
        if len(transcripts) > 1:
            self.report.notes.append(
                _("{what}: only its first transcript was imported").format(what=what)
            )
        transcript = transcripts[0]
        raw = self.source_raw_text(transcript, what)
        if raw is None:
            return None
        text = source_text(raw)
        if not text.text.strip():
            self.skip(what, _("its transcript is empty"))
            return None
        name = (
            name
            or (xmlsafe.attr(transcript, "name") or "").strip()
            or _("Recording {index}").format(index=index)
        )
        user = ref_key(xmlsafe.attr(el, "creatingUser"))
        points = read_sync_points(transcript, self.skip)
        selections = []
        for sel in xmlsafe.children(transcript, "TranscriptSelection"):
            splace = _("{name}, line {line}").format(name=name, line=sel.sourceline)
            first = points.get(norm_guid(xmlsafe.attr(sel, "fromSyncPoint")) or "")
            last = points.get(norm_guid(xmlsafe.attr(sel, "toSyncPoint")) or "")
            if first is None or last is None:
                self.skip(
                    _("selection at {place}").format(place=splace),
                    _("its sync points are missing"),
                )
                continue
            sel_user = ref_key(xmlsafe.attr(sel, "creatingUser")) or user
            selections.append(
                _Selection(
                    first[0],
                    last[0],
                    self.codings_of(sel, sel_user),
                    self.note_refs(sel),
                    splace,
                    xmlsafe.attr(sel, "name"),
                    xmlsafe.attr(sel, "creationDateTime"),
                )
            )
        for timed in ("AudioSelection", "VideoSelection"):
            for sel in xmlsafe.children(el, timed):
                self.skip(
                    _("{element} at {name}, line {line}").format(
                        element=timed, name=name, line=sel.sourceline
                    ),
                    _("a coded stretch of the recording without a place in the transcript"),
                )
        path = xmlsafe.attr(el, "path") or xmlsafe.attr(el, "currentPath")
        data = None
        if path and path.strip().lower().startswith("internal://"):
            member = self.member_for(path)
            data = self.archive.read(member) if member else None
        media = MediaSource(
            "video" if kind == "VideoSource" else "audio",
            path,
            sorted(points.values()),
            base_path=self.base_path,
            data=data,
        )
        return _Source(
            norm_guid(xmlsafe.attr(el, "guid")),
            name,
            text,
            selections,
            self.codings_of(el, user),
            self.note_refs(el) + self.note_refs(transcript),
            place,
            media=media,
        )

    def note(self, el: Any, index: int) -> _Note | None:
        guid = ref_key(xmlsafe.attr(el, "guid"))
        title = (xmlsafe.attr(el, "name") or "").strip() or None
        what = f"note {title!r}" if title else f"note {index} (line {el.sourceline})"
        raw = self.source_raw_text(el, what)
        if raw is None:
            return None
        text = normalise(raw).strip()
        if not text:
            self.skip(what, "it is empty")
            return None
        return _Note(
            guid or f"#note{index}",
            title,
            text,
            ref_key(xmlsafe.attr(el, "creatingUser")),
            xmlsafe.attr(el, "creationDateTime"),
            xmlsafe.attr(el, "modifiedDateTime"),
        )

    def read(self, root: Any) -> _Parsed:
        self.base_path = xmlsafe.attr(root, "basePath")
        users = {}
        users_el = xmlsafe.child(root, "Users")
        for n, user in enumerate(
            xmlsafe.children(users_el, "User") if users_el is not None else [], start=1
        ):
            key = ref_key(xmlsafe.attr(user, "guid"))
            if not key:
                continue
            name = (xmlsafe.attr(user, "name") or xmlsafe.attr(user, "id") or "").strip()
            if not name:
                name = f"user-{key[:8].lower()}"
                self.report.notes.append(
                    _("user {n} had no name; called {name!r}").format(n=n, name=name)
                )
            users[key] = name

        book = xmlsafe.child(root, "CodeBook")
        codes = read_codes(
            xmlsafe.child(book, "Codes") if book is not None else None, source=self.source
        )
        self.report.notes.extend(codes.notes)
        codes.notes = []
        apply_sets(codes, xmlsafe.child(root, "Sets"))
        self.report.notes.extend(codes.notes)
        codes.notes = []
        if codes.ignored_sets:
            self.report.ignored["set"] += codes.ignored_sets
        count_ignored(root, self.report)

        variables = {}
        var_el = xmlsafe.child(root, "Variables")
        for n, var in enumerate(
            xmlsafe.children(var_el, "Variable") if var_el is not None else [], start=1
        ):
            key = ref_key(xmlsafe.attr(var, "guid"))
            name = (xmlsafe.attr(var, "name") or "").strip()
            if not key:
                continue
            if not name:
                name = f"variable {n}"
                self.report.notes.append(
                    _("variable {n} had no name; called {name!r}").format(n=n, name=name)
                )
            typ = (xmlsafe.attr(var, "typeOfVariable") or "Text").strip().lower()
            if typ not in VARIABLE_TYPES:
                self.report.notes.append(
                    _("variable {name!r}: unknown type {typ!r}, read as text").format(
                        name=name, typ=typ
                    )
                )
            if typ == "datetime":
                self.report.notes.append(
                    _("variable {name!r}: date-time values kept as text").format(name=name)
                )
            variables[key] = (name, VARIABLE_TYPES.get(typ, "text"))

        cases = []
        cases_el = xmlsafe.child(root, "Cases")
        for n, case in enumerate(
            xmlsafe.children(cases_el, "Case") if cases_el is not None else [], start=1
        ):
            name = (xmlsafe.attr(case, "name") or "").strip()
            if not name:
                name = f"Case {n}"
                self.report.notes.append(
                    _("case {n} had no name; called {name!r}").format(n=n, name=name)
                )
            values = []
            for vv in xmlsafe.children(case, "VariableValue"):
                ref = xmlsafe.child(vv, "VariableRef")
                key = ref_key(xmlsafe.attr(ref, "targetGUID")) if ref is not None else None
                value_el = next((c for c in vv if xmlsafe.local(c) in VALUE_ELEMENTS), None)
                if key not in variables:
                    self.skip(f"a value of case {name!r}", "its variable is not declared")
                    continue
                if value_el is not None:
                    values.append((key, value_el))
            source_refs = [
                ref_key(xmlsafe.attr(r, "targetGUID")) for r in xmlsafe.children(case, "SourceRef")
            ]
            if (
                xmlsafe.child(case, "SelectionRef") is not None
                or xmlsafe.child(case, "CodeRef") is not None
            ):
                self.skip(
                    f"case {name!r}",
                    "references to selections or codes of a case are "
                    "not kept (cases hold whole documents here)",
                )
            cases.append(_Case(name, values, [s for s in source_refs if s]))

        sources: list[_Source] = []
        sources_el = xmlsafe.child(root, "Sources")
        for n, el in enumerate(list(sources_el) if sources_el is not None else [], start=1):
            kind = xmlsafe.local(el)
            if kind in ("AudioSource", "VideoSource"):
                parsed = self.media_source(el, n)
                if parsed is not None:
                    sources.append(parsed)
                continue
            if kind != "TextSource":
                if kind:
                    label = xmlsafe.attr(el, "name") or f"source {n}"
                    self.skip(f"{kind} {label!r}", "only text sources can be imported")
                continue
            parsed = self.text_source(el, n)
            if parsed is not None:
                sources.append(parsed)

        notes = {}
        notes_el = xmlsafe.child(root, "Notes")
        for n, el in enumerate(
            xmlsafe.children(notes_el, "Note") if notes_el is not None else [], start=1
        ):
            note = self.note(el, n)
            if note is not None:
                notes[note.guid] = note
        for kind in ("Links", "Graphs"):
            if xmlsafe.child(root, kind) is not None:
                self.skip(kind, "links and graphs have no counterpart in workbench")
        return _Parsed(
            origin=xmlsafe.attr(root, "origin") or "",
            users=users,
            codes=codes,
            code_notes=codes.note_refs,
            variables=variables,
            cases=cases,
            sources=sources,
            notes=notes,
            project_notes=self.note_refs(root),
            description=(xmlsafe.text_of(root, "Description") or "").strip() or None,
        )


# --------------------------------------------------------------------------- reading


def _file_stem(path: str | None) -> str | None:
    """The file name in a source path without its extension, unless it is only a GUID."""
    if not path:
        return None
    base = posixpath.basename(path.replace("\\", "/").split("://", 1)[-1])
    stem = posixpath.splitext(base)[0].strip()
    return None if not stem or norm_guid(stem) else stem


def _find_qde(archive: SafeArchive) -> str:
    found = archive.find("project.qde")
    if found:
        return found
    qdes = [m for m in archive.members() if m.lower().endswith(".qde")]
    if len(qdes) == 1:
        return qdes[0]
    raise InputFileError(
        _("not a REFI-QDA project: the archive has no project.qde"), source=str(archive.path)
    )


def read_qdpx(
    path: str | os.PathLike[str], report: ImportReport, limits: Limits | None = None
) -> _Parsed:
    """Check and read the archive completely, writing nothing."""
    with open_archive(path, limits) as archive:
        qde = _find_qde(archive)
        root = xmlsafe.parse(archive.read(qde), source=f"{path}:{qde}")
        if xmlsafe.local(root) != "Project":
            raise InputFileError(
                _("not a REFI-QDA project (the root is <{local}>)").format(
                    local=xmlsafe.local(root)
                ),
                source=f"{path}:{qde}",
            )
        parsed = _Reader(archive, report).read(root)
        member = archive.find(extension.NAME)
        if member:
            parsed.extension = extension.parse(archive.read(member), str(path))
            if parsed.extension is None:
                report.notes.append(
                    _("{member}: not a workbench extension this version reads; ignored").format(
                        member=member
                    )
                )
        return parsed
