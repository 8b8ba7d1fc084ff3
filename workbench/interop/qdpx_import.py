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

import io
import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.interop import extension, xmlsafe
from workbench.interop.archive import Limits, SafeArchive, open_archive
from workbench.interop.ids import norm_guid
from workbench.interop.positions import Choice, Reading, Span, choose
from workbench.interop.qdc import ParsedCodes, apply_sets, read_codes, ref_key
from workbench.interop.textmap import UNITS, SourceText, source_text
from workbench.ops.codebook import Codebook, load_parsed
from workbench.ops.documents import add_document
from workbench.store.connection import new_guid, now
from workbench.store.errors import InputFileError, WorkbenchError
from workbench.store.project import Project
from workbench.textnorm import normalise, sha256

VARIABLE_TYPES = {
    "text": "text",
    "integer": "integer",
    "float": "float",
    "boolean": "boolean",
    "date": "date",
    "datetime": "text",
}
VALUE_ELEMENTS = (
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
)
FALLBACK_CODER = "imported"


@dataclass
class ImportReport:
    """What an import did and what it left out, with reasons."""

    source: str
    documents: int = 0
    matched_documents: int = 0
    codes_added: int = 0
    codings: int = 0
    duplicate_codings: int = 0
    memos: int = 0
    cases: int = 0
    coders: list[str] = field(default_factory=list)  # every coder the file's work went to
    coders_added: int = 0  # of those, how many were new to the project
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    positions: dict[str, str] = field(default_factory=dict)  # source name -> unit read
    ignored: Counter = field(default_factory=Counter)  # element kind -> how many

    def summary(self) -> str:
        text = (
            f"{self.source}: {self.documents} documents imported"
            + (
                f" ({self.matched_documents} matched existing ones)"
                if self.matched_documents
                else ""
            )
            + f", {self.codes_added} codes added, {self.codings} codings, "
            f"{self.memos} memos, {self.cases} cases, {self.coders_added} coders"
        )
        if self.duplicate_codings:
            text += f"; {self.duplicate_codings} codings were already present"
        if self.ignored:
            text += f"; ignored: {self.ignored_text()}"
        return text

    def ignored_text(self) -> str:
        """``3 sets, 1 graph``: what the file holds that workbench has no place for."""
        return ", ".join(f"{n} {_plural(kind, n)}" for kind, n in self.ignored.most_common())

    def positions_text(self) -> str:
        """The unit each source's positions were read in, grouped: ``code points in 2
        sources; UTF-16 code units, CRLF as two in 'NVivo 1'``."""
        groups: dict[str, list[str]] = {}
        for name, unit in self.positions.items():
            groups.setdefault(unit, []).append(name)
        parts = []
        for unit, names in groups.items():
            where = (
                ", ".join(repr(n) for n in names) if len(names) <= 5 else f"{len(names)} sources"
            )
            parts.append(f"{unit} in {where}")
        return "; ".join(parts)

    def lines(self) -> list[str]:
        """The summary, then every note and every skipped item, one per line."""
        out = [self.summary()]
        if self.positions:
            out.append("positions: " + self.positions_text())
        out += [f"note: {n}" for n in self.notes]
        out += [f"skipped: {s}" for s in self.skipped]
        return out


def _plural(kind: str, n: int) -> str:
    if n == 1:
        return kind
    return kind + ("es" if kind.endswith(("s", "x", "ch")) else "s")


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _kind(el: Any, parent: Any | None) -> str:
    """A readable name for an element kind: ``PictureSource`` -> ``picture source``."""
    words = _CAMEL.sub(" ", xmlsafe.local(el) or "element").lower()
    if words in ("description", "variable value", "note ref") and parent is not None:
        owner = _CAMEL.sub(" ", xmlsafe.local(parent)).lower()
        owner = "source" if owner.endswith("source") else owner
        words = f"{owner} {words}"
    return words


# Which children of which element the import represents. Anything else is counted as ignored
# (its descendants with it). ``Sets`` are judged by ``apply_sets``; ``*`` is any value element.
_GRAMMAR: dict[str, set[str]] = {
    "Project": {
        "Users",
        "CodeBook",
        "Variables",
        "Cases",
        "Sources",
        "Notes",
        "Sets",
        "Description",
        "NoteRef",
    },
    "Users": {"User"},
    "User": set(),
    "CodeBook": {"Codes"},
    "Codes": {"Code"},
    "Code": {"Code", "Description", "NoteRef"},
    "Variables": {"Variable"},
    "Variable": set(),
    "Cases": {"Case"},
    "Case": {"VariableValue", "SourceRef"},
    "VariableValue": {"VariableRef", *VALUE_ELEMENTS},
    "Sources": {"TextSource"},
    "TextSource": {"PlainTextContent", "PlainTextSelection", "Coding", "NoteRef"},
    "PlainTextSelection": {"Coding", "NoteRef"},
    "Coding": {"CodeRef", "NoteRef"},
    "Notes": {"Note"},
    "Note": {"PlainTextContent"},
}


def count_ignored(root: Any, report: ImportReport) -> None:
    """Count every element (with its subtree) the import has no place for, by kind."""
    stack = [root]
    while stack:
        el = stack.pop()
        allowed = _GRAMMAR.get(xmlsafe.local(el))
        if allowed is None:
            continue
        for child in el:
            name = xmlsafe.local(child)
            if not name:
                continue
            if name in allowed:
                stack.append(child)
            elif name in ("Graphs", "Links") and xmlsafe.local(el) == "Project":
                for item in child:
                    if xmlsafe.local(item):
                        report.ignored[_kind(item, child)] += 1
            else:
                report.ignored[_kind(child, el)] += 1


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

    def decode(self, data: bytes, what: str) -> str:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.report.notes.append(f"{what}: not UTF-8; read as Windows-1252")
            return data.decode("cp1252", errors="replace")

    def docx_text(self, member: str, what: str) -> str:
        from docx import Document as DocxDocument

        data = self.archive.read(member)
        remaining = Limits(
            max_total=max(self.archive.limits.max_total - self.archive._read_total, 0),
            max_ratio=self.archive.limits.max_ratio,
        )
        with open_archive(f"{self.source}:{member}", remaining, data=data) as inner:
            for name in inner.members():
                if name.lower().endswith(".xml"):
                    xmlsafe.parse(inner.read(name), source=f"{self.source}:{member}:{name}")
        try:
            doc = DocxDocument(io.BytesIO(data))
        except Exception as exc:  # python-docx raises many kinds for broken files
            raise InputFileError(
                f"cannot read the Word file: {exc}", source=self.source, place=member
            ) from exc
        self.report.notes.append(
            f"{what}: text taken from {posixpath.basename(member)} (one line per paragraph)"
        )
        return "\n".join(p.text for p in doc.paragraphs)

    def source_raw_text(self, el: Any, what: str) -> str | None:
        inline = xmlsafe.child(el, "PlainTextContent")
        if inline is not None:
            return "".join(inline.itertext())
        plain = xmlsafe.attr(el, "plainTextPath")
        if plain:
            member = self.member_for(plain)
            if member:
                return self.decode(self.archive.read(member), what)
        rich = xmlsafe.attr(el, "richTextPath")
        if rich:
            member = self.member_for(rich)
            if member and member.lower().endswith(".docx"):
                return self.docx_text(member, what)
            if member and member.lower().endswith(".txt"):
                return self.decode(self.archive.read(member), what)
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
            self.report.notes.append(f"{what} had no name; called {name!r}")
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
                self.report.notes.append(f"user {n} had no name; called {name!r}")
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
                self.report.notes.append(f"variable {n} had no name; called {name!r}")
            typ = (xmlsafe.attr(var, "typeOfVariable") or "Text").strip().lower()
            if typ not in VARIABLE_TYPES:
                self.report.notes.append(f"variable {name!r}: unknown type {typ!r}, read as text")
            if typ == "datetime":
                self.report.notes.append(f"variable {name!r}: date-time values kept as text")
            variables[key] = (name, VARIABLE_TYPES.get(typ, "text"))

        cases = []
        cases_el = xmlsafe.child(root, "Cases")
        for n, case in enumerate(
            xmlsafe.children(cases_el, "Case") if cases_el is not None else [], start=1
        ):
            name = (xmlsafe.attr(case, "name") or "").strip()
            if not name:
                name = f"Case {n}"
                self.report.notes.append(f"case {n} had no name; called {name!r}")
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
            sources = [
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
            cases.append(_Case(name, values, [s for s in sources if s]))

        sources = []
        sources_el = xmlsafe.child(root, "Sources")
        for n, el in enumerate(list(sources_el) if sources_el is not None else [], start=1):
            kind = xmlsafe.local(el)
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
        "not a REFI-QDA project: the archive has no project.qde", source=str(archive.path)
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
                f"not a REFI-QDA project (the root is <{xmlsafe.local(root)}>)",
                source=f"{path}:{qde}",
            )
        parsed = _Reader(archive, report).read(root)
        member = archive.find(extension.NAME)
        if member:
            parsed.extension = extension.parse(archive.read(member), f"{path}:{member}")
            if parsed.extension is None:
                report.notes.append(
                    f"{member}: not a workbench extension this version reads; ignored"
                )
        return parsed


# --------------------------------------------------------------------------- writing


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
                self.report.notes.append(f"user {user} is not declared; coder named {name!r}")
        else:
            name = FALLBACK_CODER
            if name not in self.coder_ids:
                self.report.notes.append(f"codings without a user were given to coder {name!r}")
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
                    f"dates such as {raw!r} carry both an offset and 'Z' (as QualCoder writes "
                    "them); read without the 'Z'"
                )
            self.dates_fixed = True
        from datetime import datetime

        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.report.notes.append(
                f"{place}: date {raw!r} is not a date-time; the import time was used"
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

    def codes(self) -> dict[str, int]:
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
                    self.conn.execute(
                        "INSERT INTO attributes (name, type) VALUES (?, ?)", (name, typ)
                    ).lastrowid,
                    typ,
                )
            elif row[1] != typ:
                self.report.notes.append(
                    f"attribute {name!r} is {row[1]} in this project "
                    f"({typ} in the file); values read as {row[1]}"
                )
            attr_ids[key] = row
        source_case: dict[str, str] = {}
        seen = Counter()
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
                        f"value of {self.p.variables[key][0]!r} for case {case.name!r}: "
                        f"{''.join(el.itertext())!r} is not a valid {typ}"
                    )
                    continue
                old = self.conn.execute(
                    "SELECT value FROM case_attributes WHERE case_id = ? AND attribute_id = ?",
                    (case_id, attr_id),
                ).fetchone()
                if old is not None and old[0] not in (None, "") and old[0] != value:
                    self.report.notes.append(
                        f"case {case.name!r}: kept {self.p.variables[key][0]} = {old[0]!r} "
                        f"(the file says {value!r})"
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
                        f"a source in cases {source_case[ref]!r} and "
                        f"{case.name!r} was put in the first"
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
                    f"source {src.name!r} stored as {doc.name!r} (the name was taken)"
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
                f"source {src.name!r}: the extension's turns or sentences "
                "do not fit its text; found again"
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

    def codings(self, code_ids: dict[str, int]) -> dict[str, tuple[str, int]]:
        """Store codings; return note reference -> (target type, id) for their notes."""
        targets: dict[str, tuple[str, int]] = {}
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
                        f"selection at {sel.place}: [{sel.start}, {sel.end}) {where} "
                        f"({size} {reading.describe(crlf=False)})"
                    )
                    continue
                if end <= start:
                    self.report.skipped.append(f"selection at {sel.place}: it is empty")
                    continue
                if not sel.codings:
                    self.report.skipped.append(f"selection at {sel.place}: it has no coding")
                    continue
                first_id = None
                for coding in sel.codings:
                    code_id = code_ids.get(coding.code_ref or "")
                    if code_id is None:
                        self.report.skipped.append(
                            f"coding at {sel.place}: code {coding.code_ref!r} is not in the "
                            "codebook"
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
                    coding_id = self.conn.execute(
                        'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", '
                        "source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
                    ).lastrowid
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
                f"source {src.name!r}: weak evidence for reading positions as "
                f"{choice.reading.describe()} ({choice.evidence()}); check its codings, or "
                "choose with --positions"
            )
        elif choice.mattered and choice.reading != Reading():
            self.report.notes.append(
                f"source {src.name!r}: positions read as "
                f"{choice.reading.describe()} ({choice.evidence()})"
            )
        return choice

    def memos(self, targets: dict[str, tuple[str, int]]) -> None:
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
    if positions is not None and positions not in UNITS:
        raise WorkbenchError(f"unknown position unit {positions!r} (use {', '.join(UNITS)})")
    report = ImportReport(str(path))
    if not merge:
        count = project.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        if count:
            raise WorkbenchError(
                f"the project already has {count} document(s); import into a new project, or "
                "use --merge to add to this one",
                source=str(project.path),
            )
    parsed = read_qdpx(path, report, limits)
    with project.action("import-qdpx", f"import {os.path.basename(str(path))}", undoable=False):
        writer = _Writer(project, parsed, report, merge, positions)
        writer.settings()
        writer.users()
        code_ids = writer.codes()
        source_case = writer.cases()
        writer.documents(source_case)
        targets = writer.codings(code_ids)
        writer.memos(targets)
        writer.restore()
        report.coders_added = len(writer.new_names["coders"])
    return report
