"""The YAML codebook format, key by key: which keys a file may use and what each value must be.

A codebook file is written by hand, so every problem is reported with the line it is on. The
walk over the composed YAML node graph (not over plain Python values, which forget where they
came from) lives here, apart from reading the file and its safety checks
(``workbench.ops.codebook``), so the rules of the format can be read in one place. The format is
documented in ``docs/codebooks.md``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import yaml

from workbench.i18n import _
from workbench.ops.codebook_load import Codebook, CodebookEntry
from workbench.ops.codes import COLOUR

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

_NULL = "tag:yaml.org,2002:null"


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


# --------------------------------------------------------------------------- the walk


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
