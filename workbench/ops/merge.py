"""Merging another coder's project file into this one.

Coders usually code blind in their own copy of the project and bring their work together before
comparing. Matching is by identity, not by row ids: documents by the sha256 of their text, codes
by GUID then by path, coders and cases by name, codings by (document, code, coder, start, end).
Whatever cannot be matched cleanly is reported as a conflict and still brought over, so no
coding is ever dropped silently.

The other file is never written: it is copied into memory through SQLite's backup API and read
there. A dry run walks exactly the same steps with placeholder ids and writes nothing; a real run
is one transaction logged as one (not undoable) action.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.boundary import at_import_boundary
from workbench.i18n import _
from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.ops.documents import add_document, unique_name
from workbench.permissions import require
from workbench.store.connection import inserted_id, new_guid, now
from workbench.store.errors import ProjectError
from workbench.store.model import Code
from workbench.store.project import Project


@dataclass
class MergeReport:
    """What a merge did (or, for a dry run, would do)."""

    source: str
    dry_run: bool
    documents_matched: int = 0
    documents_added: list[str] = field(default_factory=list)
    codes_matched: int = 0
    codes_added: list[str] = field(default_factory=list)
    coders_added: list[str] = field(default_factory=list)
    cases_added: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_identical: int = 0
    memos_added: int = 0
    memos_identical: int = 0
    done_marks_added: int = 0
    conflicts: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A short human-readable account, one fact per line."""
        verb = _("would add") if self.dry_run else _("added")

        def names(items: list[str]) -> str:
            return f" ({', '.join(items)})" if items else ""

        merging = _("merging {source}").format(source=self.source)
        out = [
            _("dry run: {merging}").format(merging=merging) if self.dry_run else merging,
            _("documents: {matched} matched, {verb} {n}").format(
                matched=self.documents_matched, verb=verb, n=len(self.documents_added)
            )
            + names(self.documents_added),
            _("codes: {matched} matched, {verb} {n}").format(
                matched=self.codes_matched, verb=verb, n=len(self.codes_added)
            )
            + names(self.codes_added),
            _("coders: {verb} {n}").format(verb=verb, n=len(self.coders_added))
            + names(self.coders_added),
            _("cases: {verb} {n}").format(verb=verb, n=len(self.cases_added)),
            _("codings: {verb} {n}, {identical} identical already here").format(
                verb=verb, n=self.codings_added, identical=self.codings_identical
            ),
            _("memos: {verb} {n}, {identical} identical already here").format(
                verb=verb, n=self.memos_added, identical=self.memos_identical
            ),
            _("done marks: {verb} {n}").format(verb=verb, n=self.done_marks_added),
        ]
        out += [_("conflict: {what}").format(what=c) for c in self.conflicts]
        return out

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def open_other(path: str | Path) -> Project:
    """The other project, copied into memory so that reading it never changes the file."""
    path = Path(path)
    if not path.exists():
        raise ProjectError(_("no such project file"), source=str(path))
    if path.is_dir():
        raise ProjectError(_("is a directory, not a project file"), source=str(path))
    # Only SQLite reads the file (never a plain open: see docs/reliability.md, the lock rule).
    try:
        src = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            src.backup(mem)
        finally:
            src.close()
        tables = {r[0] for r in mem.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise ProjectError(
                _("not a workbench project (not SQLite)"), source=str(path)
            ) from None
        raise ProjectError(
            _("cannot read project: {exc}").format(exc=exc), source=str(path)
        ) from exc
    if not {"documents", "codes", "codings", "coders"} <= tables:
        mem.close()
        raise ProjectError(_("not a workbench project (no documents or codings)"), source=str(path))
    mem.execute("PRAGMA foreign_keys = ON")
    other = Project(path, mem)
    other._migrate()
    return other


class _Merger:
    """One merge run. With ``write`` False every insert returns a placeholder id instead."""

    def __init__(self, project: Project, other: Project, report: MergeReport, write: bool):
        self.p, self.o, self.r, self.write = project, other, report, write
        self._fake = itertools.count(-1, -1)
        self.doc_map: dict[int, int] = {}
        self.code_map: dict[int, int] = {}
        self.coder_map: dict[int, int] = {}
        self.case_map: dict[int, int] = {}
        self.coding_map: dict[int, int] = {}

    def insert(self, table: str, row: dict[str, Any]) -> int:
        if not self.write:
            return next(self._fake)
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _unused in row)
        return inserted_id(
            self.p.conn.execute(
                f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values())
            )
        )

    def one(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        return self.p.conn.execute(sql, params).fetchone()

    def run(self) -> None:
        self.coders()
        self.cases()
        self.documents()
        self.codes()
        self.codings()
        self.memos()
        self.done_marks()

    # -- coders and cases
    def coders(self) -> None:
        for coder in self.o.coders():
            row = self.one("SELECT id FROM coders WHERE name = ?", (coder.name,))
            if row:
                self.coder_map[coder.id] = row[0]
            else:
                self.coder_map[coder.id] = self.insert(
                    "coders", {"name": coder.name, "created_at": now()}
                )
                self.r.coders_added.append(coder.name)

    def cases(self) -> None:
        attr_types = dict(self.p.conn.execute("SELECT name, type FROM attributes").fetchall())
        for case in self.o.cases():
            row = self.one("SELECT id FROM cases WHERE name = ?", (case.name,))
            if row:
                self.case_map[case.id] = row[0]
                case_id = row[0]
            else:
                case_id = self.insert("cases", {"name": case.name, "created_at": now()})
                self.case_map[case.id] = case_id
                self.r.cases_added.append(case.name)
        for case_id_o, name, typ, value in self.o.conn.execute(
            "SELECT ca.case_id, a.name, a.type, ca.value FROM case_attributes ca "
            "JOIN attributes a ON a.id = ca.attribute_id"
        ).fetchall():
            case_id = self.case_map[case_id_o]
            case_name = self.o.conn.execute(
                "SELECT name FROM cases WHERE id = ?", (case_id_o,)
            ).fetchone()[0]
            if name not in attr_types:
                attr_types[name] = typ
                self.insert("attributes", {"name": name, "type": typ})
            elif attr_types[name] != typ:
                self.r.conflicts.append(
                    _(
                        "attribute {name!r} is {typ} there but {value} here; value {value2!r} of case "
                        "{case_name} kept as here"
                    ).format(
                        name=name,
                        typ=typ,
                        value=attr_types[name],
                        value2=value,
                        case_name=case_name,
                    )
                )
                continue
            attr = self.one("SELECT id FROM attributes WHERE name = ?", (name,))
            attr_id = attr[0] if attr else None
            mine = (
                self.one(
                    "SELECT value FROM case_attributes WHERE case_id = ? AND attribute_id = ?",
                    (case_id, attr_id),
                )
                if attr_id is not None
                else None
            )
            if mine is None:
                if self.write:
                    self.insert(
                        "case_attributes",
                        {"case_id": case_id, "attribute_id": attr_id, "value": value},
                    )
            elif mine[0] != value:
                self.r.conflicts.append(
                    _(
                        "case {case_name}: {name} is {value!r} there but {value2!r} here; kept here"
                    ).format(case_name=case_name, name=name, value=value, value2=mine[0])
                )

    # -- documents
    def documents(self) -> None:
        for doc_id, name, case_id, text, digest, fmt, language, metadata in self.o.conn.execute(
            "SELECT id, name, case_id, text, sha256, source_format, language, metadata "
            "FROM documents ORDER BY name"
        ).fetchall():
            row = self.one("SELECT id, name, case_id FROM documents WHERE sha256 = ?", (digest,))
            if row:
                self.doc_map[doc_id] = row[0]
                self.r.documents_matched += 1
                if row[1] != name:
                    self.r.conflicts.append(
                        _("document {name!r} has the same text as {value!r} here; matched").format(
                            name=name, value=row[1]
                        )
                    )
                if case_id is not None and row[2] is None and self.write:
                    self.p.conn.execute(
                        "UPDATE documents SET case_id = ? WHERE id = ?",
                        (self.case_map[case_id], row[0]),
                    )
                continue
            new_name = name
            if self.one("SELECT 1 FROM documents WHERE name = ?", (name,)):
                new_name = unique_name(self.p, name)
                self.r.conflicts.append(
                    _("document {name!r} has a different text there; added as {new_name!r}").format(
                        name=name, new_name=new_name
                    )
                )
            self.r.documents_added.append(new_name)
            if not self.write:
                self.doc_map[doc_id] = next(self._fake)
                continue
            turns = [
                ParsedTurn(s, e, spk, ts, te)
                for s, e, spk, ts, te in self.o.conn.execute(
                    'SELECT start, "end", speaker, time_start, time_end FROM turns '
                    "WHERE document_id = ? ORDER BY seq",
                    (doc_id,),
                )
            ]
            sentences = self.o.conn.execute(
                'SELECT start, "end" FROM sentences WHERE document_id = ? ORDER BY seq', (doc_id,)
            ).fetchall()
            case_name = None
            if case_id is not None:
                case_name = self.o.conn.execute(
                    "SELECT name FROM cases WHERE id = ?", (case_id,)
                ).fetchone()[0]
            parsed = ParsedTranscript(text, turns, fmt or "txt", json.loads(metadata or "{}"))
            doc = add_document(
                self.p,
                parsed,
                name=new_name,
                case=case_name,
                language=language,
                force=True,
                sentences=[(s, e) for s, e in sentences],
            )
            self.doc_map[doc_id] = doc.id

    # -- codes
    def codes(self) -> None:
        mine = self.p.codes()
        by_guid = {c.guid: c for c in mine}
        by_path = {c.path: c for c in mine}
        children: dict[tuple[int | None, str], int] = {(c.parent_id, c.name): c.id for c in mine}
        added_paths: dict[int, str] = {}
        for code in self.o.codes():
            hit: Code | None = by_guid.get(code.guid)
            if hit is not None:
                if hit.path != code.path:
                    self.r.conflicts.append(
                        _("code {path!r} has the GUID of {path2!r} here; matched by GUID").format(
                            path=code.path, path2=hit.path
                        )
                    )
                self.code_map[code.id] = hit.id
                self.r.codes_matched += 1
                continue
            hit = by_path.get(code.path)
            if hit is not None:
                self.r.conflicts.append(
                    _("code {path!r} has a different GUID here; matched by path").format(
                        path=code.path
                    )
                )
                self.code_map[code.id] = hit.id
                self.r.codes_matched += 1
                continue
            parent = self.code_map[code.parent_id] if code.parent_id is not None else None
            sibling = children.get((parent, code.name))
            if sibling is not None:
                self.r.conflicts.append(
                    _(
                        "code {path!r} lands on an existing code after its parent was matched by GUID; "
                        "matched by name"
                    ).format(path=code.path)
                )
                self.code_map[code.id] = sibling
                self.r.codes_matched += 1
                continue
            row = self.o.conn.execute(
                "SELECT description, inclusion, exclusion, colour, keywords, examples, position "
                "FROM codes WHERE id = ?",
                (code.id,),
            ).fetchone()
            new_id = self.insert(
                "codes",
                {
                    "guid": code.guid,
                    "parent_id": parent,
                    "name": code.name,
                    "description": row[0],
                    "inclusion": row[1],
                    "exclusion": row[2],
                    "colour": row[3],
                    "keywords": row[4],
                    "examples": row[5],
                    "position": row[6],
                    "value": code.value,
                    "created_at": now(),
                },
            )
            children[(parent, code.name)] = new_id
            self.code_map[code.id] = new_id
            parent_path = added_paths.get(parent) if parent is not None else None
            if parent is not None and parent_path is None:
                parent_path = next((c.path for c in mine if c.id == parent), "")
            path = f"{parent_path}/{code.name}" if parent_path else code.name
            added_paths[new_id] = path
            self.r.codes_added.append(path)

    # -- codings, memos, done marks
    def codings(self) -> None:
        seen: set[tuple[int, int, int, int, int]] = set()
        for cid, guid, doc, code, coder, start, end, source, created in self.o.conn.execute(
            'SELECT id, guid, document_id, code_id, coder_id, start, "end", source, created_at '
            "FROM codings ORDER BY id"
        ).fetchall():
            key = (self.doc_map[doc], self.code_map[code], self.coder_map[coder], start, end)
            row = (
                self.one(
                    "SELECT id FROM codings WHERE document_id = ? AND code_id = ? AND coder_id = ? "
                    'AND start = ? AND "end" = ?',
                    key,
                )
                if key[0] > 0 and key[1] > 0
                else None
            )
            if row or key in seen:
                self.r.codings_identical += 1
                if row:
                    self.coding_map[cid] = row[0]
                continue
            seen.add(key)
            if self.one("SELECT 1 FROM codings WHERE guid = ?", (guid,)):
                guid = new_guid()
            self.coding_map[cid] = self.insert(
                "codings",
                {
                    "guid": guid,
                    "document_id": key[0],
                    "code_id": key[1],
                    "coder_id": key[2],
                    "start": start,
                    "end": end,
                    "source": source,
                    "created_at": created,
                },
            )
            self.r.codings_added += 1

    def memos(self) -> None:
        targets = {"document": self.doc_map, "code": self.code_map, "coding": self.coding_map}
        for guid, ttype, tid, coder, title, text, created, updated in self.o.conn.execute(
            "SELECT guid, target_type, target_id, coder_id, title, text, created_at, updated_at "
            "FROM memos ORDER BY id"
        ).fetchall():
            if ttype == "project" or tid is None:
                target = None
            elif tid in targets.get(ttype, {}):
                target = targets[ttype][tid]
            else:
                self.r.conflicts.append(
                    _(
                        "memo {value!r} points at a missing {ttype}; brought over as a project memo"
                    ).format(value=title or guid, ttype=ttype)
                )
                ttype, target = "project", None
            coder_id = self.coder_map.get(coder) if coder is not None else None
            same = self.one("SELECT 1 FROM memos WHERE guid = ?", (guid,)) or self.one(
                "SELECT 1 FROM memos WHERE target_type = ? AND ifnull(target_id, 0) = ifnull(?, 0) "
                "AND text = ? AND ifnull(coder_id, 0) = ifnull(?, 0)",
                (ttype, target, text, coder_id),
            )
            if same:
                self.r.memos_identical += 1
                continue
            self.insert(
                "memos",
                {
                    "guid": guid,
                    "target_type": ttype,
                    "target_id": target,
                    "coder_id": coder_id,
                    "title": title,
                    "text": text,
                    "created_at": created,
                    "updated_at": updated,
                },
            )
            self.r.memos_added += 1

    def done_marks(self) -> None:
        for doc, coder, done, updated in self.o.conn.execute(
            "SELECT document_id, coder_id, done, updated_at FROM document_status"
        ).fetchall():
            key = (self.doc_map[doc], self.coder_map[coder])
            mine = self.one(
                "SELECT done FROM document_status WHERE document_id = ? AND coder_id = ?", key
            )
            if mine is None:
                self.insert(
                    "document_status",
                    {
                        "document_id": key[0],
                        "coder_id": key[1],
                        "done": done,
                        "updated_at": updated,
                    },
                )
                self.r.done_marks_added += int(bool(done))
            elif done and not mine[0]:
                if self.write:
                    self.p.conn.execute(
                        "UPDATE document_status SET done = 1, updated_at = ? "
                        "WHERE document_id = ? AND coder_id = ?",
                        (updated, *key),
                    )
                self.r.done_marks_added += 1


@at_import_boundary(path_arg=1)
def merge(project: Project, other_path: str | Path, *, dry_run: bool = False) -> MergeReport:
    """Bring the other project's documents, codes, coders, codings, memos and done marks here."""
    require(project, "project.merge")
    other_path = Path(other_path)
    if (
        project.path != Path(":memory:")
        and other_path.exists()
        and other_path.resolve() == Path(project.path).resolve()
    ):
        raise ProjectError(_("cannot merge a project into itself"), source=str(other_path))
    other = open_other(other_path)
    try:
        report = MergeReport(str(other_path), dry_run)
        if dry_run:
            _Merger(project, other, report, write=False).run()
            return report
        with project.action(
            "merge", _("merge {name}").format(name=other_path.name), undoable=False
        ):
            _Merger(project, other, report, write=True).run()
        return report
    finally:
        other.close()
