"""YAML codebooks: read and validate them with line numbers, load them into a project, export.

A codebook file is the team's shared, reviewable statement of what each code means. Loading one
must therefore be safe to repeat: it adds new codes and updates existing ones (matched by GUID,
then by path) but never removes a code from the project, so no coding is ever lost by loading a
file. The whole file is validated before anything is written, and every problem is reported as
``file:line: reason`` so it can be fixed in an editor at once.

The format is documented in ``docs/codebooks.md``. Matching and writing a parsed codebook is
``workbench.ops.codebook_load`` (shared with REFI-QDA). ``.qdc`` (REFI-QDA) files are handed to
``workbench.interop.qdc``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workbench.files import write_atomic
from workbench.i18n import _
from workbench.ops.codebook_load import (  # the parsed file and its loading live there
    SETTING_PREFIX,
    Codebook,
    CodebookEntry,
    LoadReport,
    load_parsed,
)
from workbench.ops.codes import COLOUR, coding_counts
from workbench.store.errors import CodebookError, WorkbenchError
from workbench.store.project import Project

TOP_KEYS = ("name", "description", "languages", "codes")
CODE_KEYS = (
    "name",
    "guid",
    "colour",
    "description",
    "inclusion",
    "exclusion",
    "examples",
    "keywords",
    "value",
    "codes",
)
TEXT_FIELDS = ("description", "inclusion", "exclusion")
GUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"


# --------------------------------------------------------------------------- the parsed file


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
        raise CodebookError(_("no such file"), source=source) from None
    except IsADirectoryError:
        raise CodebookError(_("is a directory, not a codebook file"), source=source) from None
    except OSError as exc:
        raise CodebookError(
            _("cannot read: {strerror}").format(strerror=exc.strerror), source=source
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CodebookError(
            _("not UTF-8 text (save the codebook as UTF-8)"), source=source, place=str(line)
        ) from None
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


def check_codebook(
    text: str, *, source: str = "<codebook>"
) -> tuple[Codebook | None, list[Problem]]:
    """Parse and validate, collecting every problem instead of stopping at the first."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_problem(exc)]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        position = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, position) + 1
        return None, [
            Problem(line, _("invalid YAML, {getattr}").format(getattr=getattr(exc, "reason", exc)))
        ]
    except RecursionError:  # the YAML composer recurses once per level of nesting
        return None, [_too_deep(text)]
    try:
        return _Checker(text, source).run(root)
    except RecursionError:
        return None, [_too_deep(text)]


def _too_deep(text: str) -> Problem:
    """Nesting deeper than Python's recursion allows (over 100 levels): refused, not a crash."""
    return Problem(1, _("the codebook is nested too deeply to read (keep it under 100 levels)"))


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
    if (
        mark is None or "end of stream" in problem or "<stream end>" in problem
    ) and exc.context_mark is not None:
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
            return None, [Problem(1, _("the codebook is empty; it needs a 'codes:' list"))]
        if not isinstance(root, yaml.MappingNode):
            return None, [
                Problem(
                    _line(root),
                    _("the top level must be a mapping with a 'codes:' list, not {kind}").format(
                        kind=_kind(root)
                    ),
                )
            ]
        items = self.mapping(root, TOP_KEYS, "codebook")
        book = self.book
        if "name" in items:
            book.name = self.text(items["name"], "name")
        if "description" in items:
            book.description = self.text(items["description"], "description")
        if "languages" in items:
            book.languages = self.languages(items["languages"])
        if "codes" not in items:
            self.problem(root, _("the codebook has no 'codes:' list"))
        else:
            book.codes = self.code_list(items["codes"], parent_path="")
        return (None if self.problems else book), self.problems

    # ---- generic shapes

    def mapping(
        self, node: yaml.MappingNode, known: tuple[str, ...], what: str
    ) -> dict[str, yaml.Node]:
        """Keys to value nodes; unknown and repeated keys are problems."""
        items: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, _("a key of the {what} must be text").format(what=what))
                continue
            key = key_node.value
            if key in items:
                self.problem(
                    key_node,
                    _("key '{key}' appears twice in the {what}").format(key=key, what=what),
                )
                continue
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = (
                    f"; did you mean '{close[0]}'?"
                    if close
                    else f"; known keys: {', '.join(known)}"
                )
                self.problem(
                    key_node,
                    _("unknown key '{key}' in the {what}{hint}").format(
                        key=key, what=what, hint=hint
                    ),
                )
                continue
            items[key] = value_node
        return items

    def text(self, node: yaml.Node, what: str) -> str | None:
        """A text value; numbers and booleans are taken as written. Empty means None."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(
                node, _("{what} must be text, not {kind}").format(what=what, kind=_kind(node))
            )
            return None
        if node.tag == _NULL:
            return None
        value = node.value.strip()
        return value or None

    def string_list(self, node: yaml.Node, what: str) -> list[str]:
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
                return []
            self.problem(
                node,
                _("{what} must be a list of text, not {kind}").format(what=what, kind=_kind(node)),
            )
            return []
        out = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or item.tag == _NULL or not item.value.strip():
                kind = "empty" if isinstance(item, yaml.ScalarNode) else _kind(item)
                self.problem(
                    item,
                    _("each entry of {what} must be non-empty text, not {kind}").format(
                        what=what, kind=kind
                    ),
                )
                continue
            out.append(item.value.strip())
        return out

    def languages(self, node: yaml.Node) -> list[str]:
        langs = self.string_list(node, "languages")
        for lang in langs:
            if not LANGUAGE.match(lang):
                self.problem(
                    node, _("'{lang}' is not a language code such as en or es").format(lang=lang)
                )
        return langs

    # ---- codes

    def code_list(self, node: yaml.Node, parent_path: str) -> list[CodebookEntry]:
        where = f"the subcodes of '{parent_path}'" if parent_path else "'codes'"
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(
                node,
                _(
                    "{where} must be a list of codes (lines starting with '- name:'), not {kind}"
                ).format(where=where, kind=_kind(node)),
            )
            return []
        entries: list[CodebookEntry] = []
        seen: dict[str, int] = {}
        for item in node.value:
            entry = self.code(item, parent_path)
            if entry is None:
                continue
            if entry.name in seen:
                under = f"under '{parent_path}'" if parent_path else "at the top level"
                self.problem(
                    entry.line,
                    _("duplicate code name '{name}' {under} (first at line {value})").format(
                        name=entry.name, under=under, value=seen[entry.name]
                    ),
                )
                continue
            seen[entry.name] = entry.line
            entries.append(entry)
        return entries

    def code(self, node: yaml.Node, parent_path: str) -> CodebookEntry | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node,
                _("a code must be a mapping with at least 'name:', not {kind}").format(
                    kind=_kind(node)
                ),
            )
            return None
        items = self.mapping(node, CODE_KEYS, "code")
        if "name" not in items:
            self.problem(node, _("a code needs a 'name'"))
            return None
        name_node = items["name"]
        name = self.text(name_node, "name")
        if name is None:
            if isinstance(name_node, yaml.ScalarNode):
                self.problem(name_node, _("a code name cannot be empty"))
            return None
        if "/" in name:
            self.problem(
                name_node,
                _(
                    "a code name cannot contain '/': '{name}' (nest it under 'codes:' of its parent "
                    "instead)"
                ).format(name=name),
            )
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
        if "value" in items:
            entry.fields["value"] = self.number(items["value"])
        if "guid" in items:
            entry.guid = self.guid(items["guid"])
        if "codes" in items:
            entry.children = self.code_list(items["codes"], path)
        return entry

    def number(self, node: yaml.Node) -> float | None:
        """A code's numeric ``value:`` (an integer or a decimal); empty clears it."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, _("value must be a number, not {kind}").format(kind=_kind(node)))
            return None
        if node.tag == _NULL or not node.value.strip():
            return None
        try:
            number = float(node.value.strip())
        except ValueError:
            number = None
        if number is None or number != number or number in (float("inf"), float("-inf")):
            self.problem(
                node,
                _("value '{strip}' is not a number (write it as 3 or 2.5, without quotes)").format(
                    strip=node.value.strip()
                ),
            )
            return None
        return number

    def colour(self, node: yaml.Node) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            raw = self.lines[node.start_mark.line] if node.start_mark.line < len(self.lines) else ""
            if "#" in raw:
                self.problem(
                    node,
                    _(
                        "colour is empty because an unquoted '#' starts a YAML comment; quote it: "
                        'colour: "#RRGGBB"'
                    ),
                )
            return None
        value = self.text(node, "colour")
        if value is None:
            return None
        if not COLOUR.match(value):
            self.problem(
                node, _("colour '{value}' is not of the form \"#RRGGBB\"").format(value=value)
            )
            return None
        return value.upper()

    def keywords(self, node: yaml.Node) -> dict[str, list[str]]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node,
                _(
                    "keywords must be a mapping of language to a list of words, e.g. en: [vote, "
                    "elect], not {kind}"
                ).format(kind=_kind(node)),
            )
            return {}
        out: dict[str, list[str]] = {}
        for key_node, value_node in node.value:
            lang = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            if not LANGUAGE.match(lang):
                self.problem(
                    key_node,
                    _("keywords: '{lang}' is not a language code such as en or es").format(
                        lang=lang
                    ),
                )
                continue
            if lang in out:
                self.problem(
                    key_node, _("keywords: language '{lang}' appears twice").format(lang=lang)
                )
                continue
            if self.book.languages and lang not in self.book.languages:
                self.problem(
                    key_node,
                    _("keywords for '{lang}', but the codebook's languages are {items}").format(
                        lang=lang, items=", ".join(self.book.languages)
                    ),
                )
                continue
            out[lang] = self.string_list(value_node, _("keywords '{lang}'").format(lang=lang))
        return out

    def guid(self, node: yaml.Node) -> str | None:
        value = self.text(node, "guid")
        if value is None:
            return None
        if not GUID.match(value):
            self.problem(
                node,
                _(
                    "guid '{value}' is not a GUID (8-4-4-4-12 hexadecimal digits); leave it out for "
                    "new codes"
                ).format(value=value),
            )
            return None
        value = value.upper()
        if value in self.guids:
            self.problem(
                node,
                _("duplicate GUID {value} (first at line {value2})").format(
                    value=value, value2=self.guids[value]
                ),
            )
            return None
        self.guids[value] = _line(node)
        return value


# --------------------------------------------------------------------------- loading


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
        if code.value is not None:
            node["value"] = int(code.value) if float(code.value).is_integer() else code.value
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
    body = yaml.dump(
        codebook_data(project),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )
    header = "# Codebook exported by workbench. Format: docs/codebooks.md\n"
    return header + body


def export_codebook(project: Project, path: str | os.PathLike[str]) -> int:
    """Write the codebook to ``path`` (YAML, or REFI-QDA when it ends in ``.qdc``).

    Returns the number of codes written. The file is replaced atomically.
    """
    if str(path).lower().endswith(".qdc"):
        return _qdc().export_qdc(project, path)
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
            "path": c.path,
            "name": c.name,
            "description": c.description or "",
            "count": counts.get(c.id, 0),
            "total": totals[c.id],
            "colour": c.colour,
            "guid": c.guid,
            "depth": c.depth,
            "parent": by_id[c.parent_id].path if c.parent_id else None,
            "inclusion": c.inclusion or "",
            "exclusion": c.exclusion or "",
            "keywords": c.keywords,
            "examples": list(c.examples),
            "value": c.value,
        }
        for c in codes
    ]
