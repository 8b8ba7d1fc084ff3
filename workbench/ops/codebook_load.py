"""Applying a parsed codebook to a project: match file codes to project codes, then write.

A codebook file, YAML (``workbench.ops.codebook``) or REFI-QDA (``workbench.interop.qdc``), is
read and validated into a ``Codebook``; ``load_parsed`` then matches its entries to the
project's codes (GUID first, then path), checks the final tree, and writes every change as one
undoable action. Both readers call this module, which imports neither of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.i18n import _
from workbench.permissions import require
from workbench.store.connection import new_guid, now
from workbench.store.errors import CodebookError
from workbench.store.model import Code
from workbench.store.project import Project

SETTING_PREFIX = "codebook."
_TMP_NAME = "~moving-{id}"


# --------------------------------------------------------------------------- the parsed file


@dataclass
class CodebookEntry:
    """One code as written in the file. ``fields`` holds only the keys the file sets."""

    name: str
    path: str
    line: int
    guid: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    children: list[CodebookEntry] = field(default_factory=list)


@dataclass
class Codebook:
    """A validated codebook file."""

    source: str
    name: str | None = None
    description: str | None = None
    languages: list[str] = field(default_factory=list)
    codes: list[CodebookEntry] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[CodebookEntry | None, CodebookEntry]]:
        """(parent, entry) for every code, parents before their children, in file order."""
        stack: list[tuple[CodebookEntry | None, CodebookEntry]] = [
            (None, e) for e in reversed(self.codes)
        ]
        while stack:
            parent, entry = stack.pop()
            yield parent, entry
            stack.extend((entry, c) for c in reversed(entry.children))


# --------------------------------------------------------------------------- loading


@dataclass
class LoadReport:
    """What loading a codebook did; ``not_in_file`` codes were kept, never deleted."""

    source: str
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    moved: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        text = _("{source}: {added} added, {updated} updated, {unchanged} unchanged").format(
            source=self.source,
            added=len(self.added),
            updated=len(self.updated),
            unchanged=len(self.unchanged),
        )
        if self.not_in_file:
            text += "; " + _("{n} code(s) of the project are not in the file (kept)").format(
                n=len(self.not_in_file)
            )
        return text


@dataclass
class _Target:
    """Where a file entry goes: an existing code (``code``) or a new row."""

    entry: CodebookEntry
    parent: _Target | None
    code: Code | None
    position: int
    id: int | None = None

    @property
    def parent_key(self) -> tuple[str, int] | None:
        if self.parent is None:
            return None
        return ("old", self.parent.code.id) if self.parent.code else ("new", id(self.parent))


def _plan(project: Project, book: Codebook) -> tuple[list[_Target], list[Code]]:
    """Match file entries to project codes (GUID first, then path); check the final tree."""
    existing = project.codes()
    by_guid = {c.guid.upper(): c for c in existing}
    children: dict[int | None, dict[str, Code]] = {}
    for known in existing:
        children.setdefault(known.parent_id, {})[known.name] = known
    file_guids = {e.guid for _unused, e in book.walk() if e.guid}
    claimed: set[int] = set()
    targets: list[_Target] = []
    by_entry: dict[int, _Target] = {}
    positions: dict[int, int] = {}
    for parent_entry, entry in book.walk():
        parent = by_entry[id(parent_entry)] if parent_entry else None
        code = by_guid.get(entry.guid) if entry.guid else None
        if code is None and (parent is None or parent.code is not None):
            candidate = children.get(parent.code.id if parent and parent.code else None, {}).get(
                entry.name
            )
            if (
                candidate is not None
                and candidate.id not in claimed
                and candidate.guid.upper() not in file_guids
            ):
                code = candidate
        if code is not None:
            claimed.add(code.id)
        key = id(parent_entry)
        positions[key] = positions.get(key, -1) + 1
        target = _Target(entry, parent, code, positions[key])
        by_entry[id(entry)] = target
        targets.append(target)
    # Codes that the file does not list stay where they are; they must not clash with the
    # places the file gives to moved or renamed codes.
    kept = [c for c in existing if c.id not in claimed]
    slots: dict[tuple[Any, str], Code] = {
        (("old", c.parent_id) if c.parent_id else None, c.name): c for c in kept
    }
    for target in targets:
        other = slots.get((target.parent_key, target.entry.name))
        if other is not None:
            raise CodebookError(
                _(
                    "'{path}' would clash with the project's code '{path2}', which has another GUID "
                    "and is not in this file; rename one of them"
                ).format(path=target.entry.path, path2=other.path),
                source=book.source,
                place=str(target.entry.line),
            )
    return targets, kept


def _stored(fields: dict[str, Any]) -> dict[str, Any]:
    """File values in the form of the ``codes`` table."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key in ("keywords",):
            out[key] = json.dumps(value or {}, ensure_ascii=False)
        elif key == "examples":
            out[key] = json.dumps(list(value or []), ensure_ascii=False)
        else:
            out[key] = value
    return out


def _current(code: Code, key: str) -> Any:
    if key == "keywords":
        return json.dumps(code.keywords or {}, ensure_ascii=False)
    if key == "examples":
        return json.dumps(list(code.examples), ensure_ascii=False)
    if key == "value":
        return code.value
    return getattr(code, key) or None


def load_parsed(project: Project, book: Codebook) -> LoadReport:
    """Load an already validated ``Codebook``; see ``load_codebook``."""
    require(project, "codebook.edit")
    targets, kept = _plan(project, book)
    report = LoadReport(source=book.source)
    paths = {c.id: c.path for c in project.codes()}
    report.not_in_file = [c.path for c in kept]

    changes: list[tuple[_Target, dict[str, Any]]] = []
    for target in targets:
        code = target.code
        if code is None:
            continue
        wanted = _stored(target.entry.fields)
        if target.entry.guid and target.entry.guid != code.guid.upper():
            wanted["guid"] = target.entry.guid
        diff = {k: v for k, v in wanted.items() if _current(code, k) != v}
        if code.name != target.entry.name:
            diff["name"] = target.entry.name
        if target.position != code.position:
            diff["position"] = target.position
        parent_changed = (
            target.parent.code.id if target.parent and target.parent.code else None
        ) != code.parent_id or (target.parent is not None and target.parent.code is None)
        if parent_changed:
            diff["parent_id"] = None  # filled in when the parent's id is known
        changes.append((target, diff))

    meta = {
        "name": book.name,
        "description": book.description,
        "languages": json.dumps(book.languages) if book.languages else None,
    }
    meta_changed = any(
        value is not None and project.setting(SETTING_PREFIX + key) != value
        for key, value in meta.items()
    )
    nothing = all(t.code is not None for t in targets) and not any(d for _unused, d in changes)
    if nothing:
        report.unchanged = [t.entry.path for t in targets]
        if meta_changed:
            with project.transaction():
                _save_meta(project, meta)
        return report

    label = book.name or Path(book.source).name
    with project.action("codebook", _("load codebook {label}").format(label=label)) as act:
        # First park every renamed or moved code under a unique name, so that swaps and moves
        # never trip the unique sibling-name index half-way through.
        for target, diff in changes:
            if "name" in diff or "parent_id" in diff:
                assert target.code is not None  # only matched codes have changes
                act.update("codes", target.code.id, name=_TMP_NAME.format(id=target.code.id))
        diffs = {id(t): d for t, d in changes}
        for target in targets:
            parent_id = target.parent.id if target.parent else None
            fields = _stored(target.entry.fields)
            if target.code is None:
                row = {
                    "guid": target.entry.guid or new_guid(),
                    "parent_id": parent_id,
                    "name": target.entry.name,
                    "position": target.position,
                    "created_at": now(),
                    **fields,
                }
                target.id = act.insert("codes", row)
                report.added.append(target.entry.path)
                continue
            target.id = target.code.id
            diff = dict(diffs[id(target)])
            if "parent_id" in diff:
                diff["parent_id"] = parent_id
            if "name" in diff or "parent_id" in diff:
                diff["name"] = target.entry.name  # back from its parking name
            if diff:
                act.update("codes", target.id, **diff)
                names = sorted("parent" if k == "parent_id" else k for k in diffs[id(target)])
                report.updated[target.entry.path] = names
                old = paths[target.code.id]
                if old != target.entry.path:
                    report.moved.append((old, target.entry.path))
            else:
                report.unchanged.append(target.entry.path)
        if meta_changed:
            _save_meta(project, meta)
    kept_ids = {c.id for c in kept}
    report.not_in_file = [c.path for c in project.codes() if c.id in kept_ids]
    return report


def _save_meta(project: Project, meta: dict[str, str | None]) -> None:
    """Remember the codebook's name, description and languages for the next export."""
    for key, value in meta.items():
        if value is not None:
            project.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (SETTING_PREFIX + key, value),
            )
