"""``pseudonymise check``: is anything of the key left where a reader could see it?

Looks with the matcher apply uses (``pseudonymise.forms``) in every document's text, speaker
labels, case names and attributes, memos, codes (names, descriptions, examples, keywords),
document names and source paths, suggestions' reasons, settings (the codebook's name and
description) and the action log; and in export folders, at each file's name and, for files that hold text (Markdown, HTML, CSV, JSON,
SVG, captions, and the XML inside docx, xlsx, odt and qdpx archives), at what it says.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.i18n import _
from workbench.pseudonymise.apply import TEXT_FIELDS
from workbench.pseudonymise.forms import Matcher, fold
from workbench.pseudonymise.key import Key
from workbench.store.project import Project

TEXT_SUFFIXES = {
    ".md",
    ".html",
    ".htm",
    ".csv",
    ".json",
    ".txt",
    ".svg",
    ".tsv",
    ".graphml",
    ".gexf",
    ".qdc",
    ".qde",
    ".xml",
    ".yaml",
    ".yml",
}
ZIP_SUFFIXES = {".docx", ".xlsx", ".odt", ".ods", ".qdpx"}
MAX_FILE = 200 * 1024 * 1024

#: how each field of ``TEXT_FIELDS`` is named in a finding
FIELD_NAMES = {
    ("documents", "name"): "document name",
    ("documents", "source_path"): "document source",
    ("documents", "metadata"): "document metadata",
    ("cases", "name"): "case name",
    ("case_attributes", "value"): "case attribute",
    ("turns", "speaker"): "speaker",
    ("memos", "title"): "memo",
    ("memos", "text"): "memo",
    ("codes", "name"): "code name",
    ("codes", "description"): "code description",
    ("codes", "inclusion"): "code description",
    ("codes", "exclusion"): "code description",
    ("codes", "examples"): "code description",
    ("codes", "keywords"): "code description",
    ("suggestions", "reason"): "suggestion",
    ("reconcile_decisions", "code"): "reconciliation",
    ("settings", "value"): "setting",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One place where a key entry (``entry``, its original) is still written."""

    where: str
    item: str
    start: int
    end: int
    text: str
    entry: str

    def to_json(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "item": self.item,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "entry": self.entry,
        }

    def line(self) -> str:
        return f"{self.where}: {self.item} [{self.start}, {self.end}) {self.text!r}"


def check_project(
    project: Project,
    key: Key,
    *,
    exports: Iterable[str | Path] = (),
    matcher: Matcher | None = None,
) -> list[Finding]:
    """Every remaining occurrence of the key's accepted entries in the project and in the
    files of the ``exports`` folders (or files)."""
    matcher = matcher or Matcher(key.accepted(), shared=True)
    out: list[Finding] = []
    for name, text, language in project.conn.execute(
        "SELECT name, text, language FROM documents ORDER BY name"
    ):
        out += _found(matcher, text, "text", name, language or project.language)
    for table, keys, column, _how in TEXT_FIELDS:
        where = FIELD_NAMES.get((table, column), f"{table}.{column}")
        cols = ", ".join(f'"{k}"' for k in keys)
        for row in project.conn.execute(f'SELECT {cols}, "{column}" FROM "{table}"'):
            if isinstance(row[-1], str) and row[-1]:
                item = f"{table} " + "/".join(str(v) for v in row[:-1])
                out += _found(matcher, row[-1], where, item)
    for action_id, description, changes in project.conn.execute(
        "SELECT id, description, changes FROM actions"
    ):
        out += _found(matcher, description, "action log", f"action {action_id}")
        out += _found(matcher, changes or "", "action log", f"action {action_id}")
    for folder in exports:
        out += check_files(Path(folder), matcher)
    return out


def check_files(path: Path, matcher: Matcher) -> list[Finding]:
    """Findings in the names and contents of the files at ``path`` (a file or a folder)."""
    out: list[Finding] = []
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        out += _found(matcher, file.name, "export file name", str(file))
        for label, views in _file_texts(file):
            out += _most_found(matcher, views, label)
    return out


def _most_found(matcher: Matcher, views: list[str], label: str) -> list[Finding]:
    """Findings in one part read several ways: for each spelling of each entry, the view
    that shows it most often (a name split across a Word file's runs shows only when tags
    are dropped, one at the end of a paragraph only when they separate words)."""
    best: dict[tuple[str, str], list[Finding]] = {}
    for view in views:
        found: dict[tuple[str, str], list[Finding]] = {}
        for finding in _found(matcher, view, "export file", label):
            found.setdefault((finding.entry, fold(finding.text)), []).append(finding)
        for spelling, findings in found.items():
            if len(findings) > len(best.get(spelling, ())):
                best[spelling] = findings
    return [f for findings in best.values() for f in findings]


def _file_texts(file: Path) -> Iterator[tuple[str, list[str]]]:
    suffix = file.suffix.lower()
    try:
        if file.stat().st_size > MAX_FILE:
            return
        if suffix in TEXT_SUFFIXES:
            yield str(file), [file.read_bytes().decode("utf-8", errors="replace")]
        elif suffix in ZIP_SUFFIXES and zipfile.is_zipfile(file):
            with zipfile.ZipFile(file) as archive:
                for info in archive.infolist():
                    if info.file_size > MAX_FILE or info.is_dir():
                        continue
                    yield f"{file}!{info.filename}", [info.filename]
                    if Path(info.filename).suffix.lower() in TEXT_SUFFIXES | {".rels", ""}:
                        data = archive.read(info).decode("utf-8", errors="replace")
                        yield f"{file}!{info.filename}", _xml_views(data)
    except (OSError, zipfile.BadZipFile):
        return


TAG = re.compile(r"<[^>]*>")
ATTRIBUTE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")


def _xml_views(data: str) -> list[str]:
    """The text of an XML part, its entities read, two ways: with the markup dropped (a
    docx splits one word into runs) and with every tag a space, its attribute values kept
    (paragraphs end without a space; REFI-QDA writes names in attributes)."""
    if "<" not in data:
        return [data]

    values = [a or b for tag in TAG.findall(data) for a, b in ATTRIBUTE.findall(tag)]
    spaced = TAG.sub(" ", data) + "\n" + "\n".join(v for v in values if v)
    return [html.unescape(TAG.sub("", data)), html.unescape(spaced)]


def _found(
    matcher: Matcher, text: str, where: str, item: str, language: str | None = None
) -> list[Finding]:
    return [
        Finding(
            where, item, h.start, h.end, text[h.start : h.end], matcher.entries[h.entry].original
        )
        for h in matcher.find(text, language)
    ]


def require_clean(
    project: Project, key_path: str | Path, outputs: Iterable[str | Path] = ()
) -> None:
    """Refuse (one line) when the project or the named output files still hold a key entry:
    what every export's ``--require-clean FILE`` asks before and after writing."""
    from workbench.pseudonymise.key import read_key
    from workbench.store.errors import WorkbenchError

    key = read_key(key_path)
    matcher = Matcher(key.accepted(), shared=True)
    found = check_project(project, key, matcher=matcher)
    for output in outputs:
        path = Path(output)
        found += _found(matcher, path.name, "export file name", str(path))
        if path.exists():
            found += check_files(path, matcher)
    if found:
        raise WorkbenchError(
            _(
                "not clean: {n} occurrence(s) of the key remain, first {where} ({item}); run "
                "'workbench pseudonymise check --key {key}'"
            ).format(n=len(found), where=found[0].where, item=found[0].item, key=key_path),
            source=str(project.path),
        )


def written_clean(key_path: str | Path, outputs: Iterable[str | Path]) -> None:
    """Read back files just written; remove them all and refuse (one line) if any holds an
    entry of the key (a speaker label or a case name in a quotation, for instance)."""
    from workbench.pseudonymise.key import read_key
    from workbench.store.errors import WorkbenchError

    matcher = Matcher(read_key(key_path).accepted(), shared=True)
    paths = [Path(p) for p in outputs]
    found = [f for p in paths if p.exists() for f in check_files(p, matcher)]
    if found:
        for path in paths:
            path.unlink(missing_ok=True)
        raise WorkbenchError(
            _(
                "not clean: {n} occurrence(s) of the key in what was written ({item}); removed"
            ).format(n=len(found), item=found[0].item),
            source=str(paths[0]),
        )
