"""YAML codebooks: read and validate them with line numbers, load them into a project, export.

A codebook file is the team's shared, reviewable statement of what each code means. Loading one
must therefore be safe to repeat: it adds new codes and updates existing ones (matched by GUID,
then by path) but never removes a code from the project, so no coding is ever lost by loading a
file. The whole file is validated before anything is written, and every problem is reported as
``file:line: reason`` so it can be fixed in an editor at once.

The format is documented in ``docs/codebooks.md``. ``.qdc`` (REFI-QDA) files are handed to
``workbench.interop.qdc``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workbench.codes import COLOUR, coding_counts
from workbench.errors import CodebookError, WorkbenchError
from workbench.model import Code
from workbench.project import Project, new_guid, now

TOP_KEYS = ("name", "description", "languages", "codes")
CODE_KEYS = (
    "name", "guid", "colour", "description", "inclusion", "exclusion", "examples", "keywords",
    "codes",
)
TEXT_FIELDS = ("description", "inclusion", "exclusion")
GUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
SETTING_PREFIX = "codebook."
_TMP_NAME = "~moving-{id}"

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"


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


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


# --------------------------------------------------------------------------- reading


def read_codebook(path: str | os.PathLike[str]) -> Codebook:
    """Read and validate a YAML codebook; raise ``CodebookError`` naming file and line."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CodebookError("no such file", source=source) from None
    except IsADirectoryError:
        raise CodebookError("is a directory, not a codebook file", source=source) from None
    except OSError as exc:
        raise CodebookError(f"cannot read: {exc.strerror}", source=source) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CodebookError("not UTF-8 text (save the codebook as UTF-8)", source=source,
                            place=str(line)) from None
    return parse_codebook(text, source=source)


def parse_codebook(text: str, *, source: str = "<codebook>") -> Codebook:
    """Validate codebook ``text``; raise ``CodebookError`` for the first problem found."""
    book, problems = check_codebook(text, source=source)
    if problems:
        first = min(problems, key=lambda p: p.line)
        more = len(problems) - 1
        reason = first.reason + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")
        raise CodebookError(reason, source=source, place=str(first.line))
    assert book is not None
    return book


def check_codebook(text: str, *, source: str = "<codebook>") -> tuple[Codebook | None, list[Problem]]:
    """Parse and validate, collecting every problem instead of stopping at the first."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_problem(exc)]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        position = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, position) + 1
        return None, [Problem(line, f"invalid YAML, {getattr(exc, 'reason', exc)}")]
    except RecursionError:  # the YAML composer recurses once per level of nesting
        return None, [_too_deep(text)]
    try:
        return _Checker(text, source).run(root)
    except RecursionError:
        return None, [_too_deep(text)]


def _too_deep(text: str) -> Problem:
    """Nesting deeper than Python's recursion allows (over 100 levels): refused, not a crash."""
    return Problem(1, "the codebook is nested too deeply to read (keep it under 100 levels)")


_YAML_HINTS = (
    ("'\\t'", "a tab character; indent with spaces"),
    ("<block end>", "inconsistent indentation"),
    ("<block mapping start>", "inconsistent indentation"),
    ("mapping values are not allowed", "a stray ':'; quote text that contains ': '"),
    ("could not find expected ':'", "a line without 'key: value'"),
    ("<stream end>", "the file ends inside an unclosed bracket or quote"),
    ("end of stream", "the file ends inside an unclosed bracket or quote"),
)


def _yaml_problem(exc: yaml.MarkedYAMLError) -> Problem:
    """A syntax error as a Problem on the line where the user can fix it."""
    problem = exc.problem or ""
    mark = exc.problem_mark
    if (mark is None or "end of stream" in problem or "<stream end>" in problem) and exc.context_mark is not None:
        mark = exc.context_mark  # an unclosed quote or bracket: point at where it opened
    line = mark.line + 1 if mark else 1
    raw = f"{exc.context}: {problem}" if exc.context and problem else problem or exc.context
    hint = next((h for needle, h in _YAML_HINTS if needle in problem), None)
    reason = f"invalid YAML ({hint}): {raw}" if hint else f"invalid YAML: {raw}"
    return Problem(line, reason)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "empty" if node.tag == _NULL else "text"


class _Checker:
    """Walks the composed YAML node graph, so every value keeps the line it came from."""

    def __init__(self, text: str, source: str):
        self.lines = text.splitlines()
        self.book = Codebook(source=source)
        self.problems: list[Problem] = []
        self.guids: dict[str, int] = {}

    def problem(self, node_or_line: yaml.Node | int, reason: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) else _line(node_or_line)
        self.problems.append(Problem(line, reason))

    def run(self, root: yaml.Node | None) -> tuple[Codebook | None, list[Problem]]:
        if root is None:
            return None, [Problem(1, "the codebook is empty; it needs a 'codes:' list")]
        if not isinstance(root, yaml.MappingNode):
            return None, [Problem(_line(root), "the top level must be a mapping with a 'codes:' "
                                               f"list, not {_kind(root)}")]
        items = self.mapping(root, TOP_KEYS, "codebook")
        book = self.book
        if "name" in items:
            book.name = self.text(items["name"], "name")
        if "description" in items:
            book.description = self.text(items["description"], "description")
        if "languages" in items:
            book.languages = self.languages(items["languages"])
        if "codes" not in items:
            self.problem(root, "the codebook has no 'codes:' list")
        else:
            book.codes = self.code_list(items["codes"], parent_path="")
        return (None if self.problems else book), self.problems

    # ---- generic shapes

    def mapping(self, node: yaml.MappingNode, known: tuple[str, ...], what: str
                ) -> dict[str, yaml.Node]:
        """Keys to value nodes; unknown and repeated keys are problems."""
        items: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, f"a key of the {what} must be text")
                continue
            key = key_node.value
            if key in items:
                self.problem(key_node, f"key '{key}' appears twice in the {what}")
                continue
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else \
                    f"; known keys: {', '.join(known)}"
                self.problem(key_node, f"unknown key '{key}' in the {what}{hint}")
                continue
            items[key] = value_node
        return items

    def text(self, node: yaml.Node, what: str) -> str | None:
        """A text value; numbers and booleans are taken as written. Empty means None."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be text, not {_kind(node)}")
            return None
        if node.tag == _NULL:
            return None
        value = node.value.strip()
        return value or None

    def string_list(self, node: yaml.Node, what: str) -> list[str]:
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
                return []
            self.problem(node, f"{what} must be a list of text, not {_kind(node)}")
            return []
        out = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or item.tag == _NULL or not item.value.strip():
                kind = "empty" if isinstance(item, yaml.ScalarNode) else _kind(item)
                self.problem(item, f"each entry of {what} must be non-empty text, not {kind}")
                continue
            out.append(item.value.strip())
        return out

    def languages(self, node: yaml.Node) -> list[str]:
        langs = self.string_list(node, "languages")
        for lang in langs:
            if not LANGUAGE.match(lang):
                self.problem(node, f"'{lang}' is not a language code such as en or es")
        return langs

    # ---- codes

    def code_list(self, node: yaml.Node, parent_path: str) -> list[CodebookEntry]:
        where = f"the subcodes of '{parent_path}'" if parent_path else "'codes'"
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{where} must be a list of codes (lines starting with "
                               f"'- name:'), not {_kind(node)}")
            return []
        entries: list[CodebookEntry] = []
        seen: dict[str, int] = {}
        for item in node.value:
            entry = self.code(item, parent_path)
            if entry is None:
                continue
            if entry.name in seen:
                under = f"under '{parent_path}'" if parent_path else "at the top level"
                self.problem(entry.line, f"duplicate code name '{entry.name}' {under} "
                                         f"(first at line {seen[entry.name]})")
                continue
            seen[entry.name] = entry.line
            entries.append(entry)
        return entries

    def code(self, node: yaml.Node, parent_path: str) -> CodebookEntry | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"a code must be a mapping with at least 'name:', not {_kind(node)}")
            return None
        items = self.mapping(node, CODE_KEYS, "code")
        if "name" not in items:
            self.problem(node, "a code needs a 'name'")
            return None
        name_node = items["name"]
        name = self.text(name_node, "name")
        if name is None:
            if isinstance(name_node, yaml.ScalarNode):
                self.problem(name_node, "a code name cannot be empty")
            return None
        if "/" in name:
            self.problem(name_node, f"a code name cannot contain '/': '{name}' (nest it under "
                                    "'codes:' of its parent instead)")
            return None
        path = f"{parent_path}/{name}" if parent_path else name
        entry = CodebookEntry(name=name, path=path, line=_line(node))
        for key in TEXT_FIELDS:
            if key in items:
                entry.fields[key] = self.text(items[key], key)
        if "colour" in items:
            entry.fields["colour"] = self.colour(items["colour"])
        if "examples" in items:
            entry.fields["examples"] = self.string_list(items["examples"], "examples")
        if "keywords" in items:
            entry.fields["keywords"] = self.keywords(items["keywords"])
        if "guid" in items:
            entry.guid = self.guid(items["guid"])
        if "codes" in items:
            entry.children = self.code_list(items["codes"], path)
        return entry

    def colour(self, node: yaml.Node) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            raw = self.lines[node.start_mark.line] if node.start_mark.line < len(self.lines) else ""
            if "#" in raw:
                self.problem(node, "colour is empty because an unquoted '#' starts a YAML "
                                   "comment; quote it: colour: \"#RRGGBB\"")
            return None
        value = self.text(node, "colour")
        if value is None:
            return None
        if not COLOUR.match(value):
            self.problem(node, f"colour '{value}' is not of the form \"#RRGGBB\"")
            return None
        return value.upper()

    def keywords(self, node: yaml.Node) -> dict[str, list[str]]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "keywords must be a mapping of language to a list of words, "
                               f"e.g. en: [vote, elect], not {_kind(node)}")
            return {}
        out: dict[str, list[str]] = {}
        for key_node, value_node in node.value:
            lang = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            if not LANGUAGE.match(lang):
                self.problem(key_node, f"keywords: '{lang}' is not a language code such as en "
                                       "or es")
                continue
            if lang in out:
                self.problem(key_node, f"keywords: language '{lang}' appears twice")
                continue
            if self.book.languages and lang not in self.book.languages:
                self.problem(key_node, f"keywords for '{lang}', but the codebook's languages "
                                       f"are {', '.join(self.book.languages)}")
                continue
            out[lang] = self.string_list(value_node, f"keywords '{lang}'")
        return out

    def guid(self, node: yaml.Node) -> str | None:
        value = self.text(node, "guid")
        if value is None:
            return None
        if not GUID.match(value):
            self.problem(node, f"guid '{value}' is not a GUID "
                               "(8-4-4-4-12 hexadecimal digits); leave it out for new codes")
            return None
        value = value.upper()
        if value in self.guids:
            self.problem(node, f"duplicate GUID {value} (first at line {self.guids[value]})")
            return None
        self.guids[value] = _line(node)
        return value


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
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated",
                 f"{len(self.unchanged)} unchanged"]
        text = f"{self.source}: " + ", ".join(parts)
        if self.not_in_file:
            text += f"; {len(self.not_in_file)} code(s) of the project are not in the file (kept)"
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
    for code in existing:
        children.setdefault(code.parent_id, {})[code.name] = code
    file_guids = {e.guid for _, e in book.walk() if e.guid}
    claimed: set[int] = set()
    targets: list[_Target] = []
    by_entry: dict[int, _Target] = {}
    positions: dict[int, int] = {}
    for parent_entry, entry in book.walk():
        parent = by_entry[id(parent_entry)] if parent_entry else None
        code = by_guid.get(entry.guid) if entry.guid else None
        if code is None and (parent is None or parent.code is not None):
            candidate = children.get(parent.code.id if parent else None, {}).get(entry.name)
            if (candidate is not None and candidate.id not in claimed
                    and candidate.guid.upper() not in file_guids):
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
                f"'{target.entry.path}' would clash with the project's code '{other.path}', "
                "which has another GUID and is not in this file; rename one of them",
                source=book.source, place=str(target.entry.line),
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
    return getattr(code, key) or None


def load_codebook(project: Project, path: str | os.PathLike[str]) -> LoadReport:
    """Load a codebook file (YAML, or REFI-QDA ``.qdc``) into the project, as one action.

    New codes are added; codes already in the project (same GUID, else same path) get the
    fields the file sets. Codes the file does not list are kept and reported. The file is
    validated completely before anything is written.
    """
    if str(path).lower().endswith(".qdc"):
        return _qdc().load_qdc(project, path)
    book = read_codebook(path)
    return load_parsed(project, book)


def load_parsed(project: Project, book: Codebook) -> LoadReport:
    """Load an already validated ``Codebook``; see ``load_codebook``."""
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
        parent_changed = (target.parent.code.id if target.parent and target.parent.code
                          else None) != code.parent_id or (target.parent is not None
                                                           and target.parent.code is None)
        if parent_changed:
            diff["parent_id"] = None  # filled in when the parent's id is known
        changes.append((target, diff))

    meta = {"name": book.name, "description": book.description,
            "languages": json.dumps(book.languages) if book.languages else None}
    meta_changed = any(
        value is not None and project.setting(SETTING_PREFIX + key) != value
        for key, value in meta.items()
    )
    nothing = all(t.code is not None for t in targets) and not any(d for _, d in changes)
    if nothing:
        report.unchanged = [t.entry.path for t in targets]
        if meta_changed:
            with project.transaction():
                _save_meta(project, meta)
        return report

    label = book.name or Path(book.source).name
    with project.action("codebook", f"load codebook {label}") as act:
        # First park every renamed or moved code under a unique name, so that swaps and moves
        # never trip the unique sibling-name index half-way through.
        for target, diff in changes:
            if "name" in diff or "parent_id" in diff:
                act.update("codes", target.code.id, name=_TMP_NAME.format(id=target.code.id))
        diffs = {id(t): d for t, d in changes}
        for target in targets:
            parent_id = target.parent.id if target.parent else None
            fields = _stored(target.entry.fields)
            if target.code is None:
                row = {"guid": target.entry.guid or new_guid(), "parent_id": parent_id,
                       "name": target.entry.name, "position": target.position,
                       "created_at": now(), **fields}
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


def _qdc():
    """The REFI-QDA codebook module, imported only when a .qdc file is named (it needs lxml)."""
    from workbench.interop import qdc

    return qdc


# --------------------------------------------------------------------------- exporting


class _Flow(list):
    """A list written inline, ``[a, b]``: keyword lists read best that way."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        style: str | None = "|"
    elif len(value) > 80:
        style = ">"
    elif value.startswith("#"):
        style = '"'
    else:
        style = None
    return dumper.represent_scalar(_STR, value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)


def codebook_data(project: Project) -> dict[str, Any]:
    """The project's codebook as plain data in the YAML codebook shape."""
    codes = project.codes()
    nodes: dict[int, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    for code in codes:
        node: dict[str, Any] = {"name": code.name, "guid": code.guid}
        if code.colour:
            node["colour"] = code.colour
        for key in TEXT_FIELDS:
            if getattr(code, key):
                node[key] = getattr(code, key)
        if code.examples:
            node["examples"] = list(code.examples)
        if code.keywords:
            node["keywords"] = {lang: _Flow(words) for lang, words in code.keywords.items()}
        nodes[code.id] = node
        if code.parent_id is None:
            top.append(node)
        else:
            nodes[code.parent_id].setdefault("codes", []).append(node)
    data: dict[str, Any] = {}
    name = project.setting(SETTING_PREFIX + "name")
    data["name"] = name or Path(str(project.path)).stem
    description = project.setting(SETTING_PREFIX + "description")
    if description:
        data["description"] = description
    languages = project.setting(SETTING_PREFIX + "languages")
    if languages:
        data["languages"] = _Flow(json.loads(languages))
    else:
        used = sorted({lang for c in codes for lang in c.keywords})
        data["languages"] = _Flow(used or [project.language])
    data["codes"] = top
    return data


def codebook_yaml(project: Project) -> str:
    """The project's codebook as YAML text (the format ``load_codebook`` reads)."""
    body = yaml.dump(codebook_data(project), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=96, default_flow_style=False)
    header = "# Codebook exported by workbench. Format: docs/codebooks.md\n"
    return header + body


def export_codebook(project: Project, path: str | os.PathLike[str]) -> int:
    """Write the codebook to ``path`` (YAML, or REFI-QDA when it ends in ``.qdc``).

    Returns the number of codes written. The file is replaced atomically.
    """
    if str(path).lower().endswith(".qdc"):
        return _qdc().export_qdc(project, path)
    from workbench.interop.output import write_atomic

    try:
        write_atomic(path, codebook_yaml(project).encode("utf-8"))
    except WorkbenchError as exc:
        raise CodebookError(exc.reason, source=str(path)) from None
    return len(project.codes())


# --------------------------------------------------------------------------- listings


def code_rows(project: Project) -> list[dict[str, Any]]:
    """One row per code, parents first: path, description, count (own codings) and more.

    ``count`` counts the codings of the code itself; ``total`` adds those of its subcodes.
    """
    codes = project.codes()
    counts = coding_counts(project)
    totals = {c.id: counts.get(c.id, 0) for c in codes}
    by_id = {c.id: c for c in codes}
    for code in reversed(codes):  # children come after parents: fold them upwards
        if code.parent_id is not None:
            totals[code.parent_id] += totals[code.id]
    return [
        {
            "path": c.path, "name": c.name, "description": c.description or "",
            "count": counts.get(c.id, 0), "total": totals[c.id], "colour": c.colour,
            "guid": c.guid, "depth": c.depth,
            "parent": by_id[c.parent_id].path if c.parent_id else None,
            "inclusion": c.inclusion or "", "exclusion": c.exclusion or "",
            "keywords": c.keywords, "examples": list(c.examples),
        }
        for c in codes
    ]
