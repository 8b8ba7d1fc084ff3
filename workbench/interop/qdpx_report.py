"""What a REFI-QDA import did and what it left out: the report, and the count of ignored elements.

Every element workbench has no place for is counted by kind (``ignored: 3 sets, 1 graph``), so
nothing is dropped without a word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from workbench.guards import xmlsafe
from workbench.i18n import _

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
        text = _("{source}: {documents} documents imported").format(
            source=self.source, documents=self.documents
        )
        if self.matched_documents:
            text += " " + _("({n} matched existing ones)").format(n=self.matched_documents)
        text += ", " + _(
            "{codes} codes added, {codings} codings, {memos} memos, {cases} cases, {coders} coders"
        ).format(
            codes=self.codes_added,
            codings=self.codings,
            memos=self.memos,
            cases=self.cases,
            coders=self.coders_added,
        )
        if self.duplicate_codings:
            text += "; " + _("{n} codings were already present").format(n=self.duplicate_codings)
        if self.ignored:
            text += "; " + _("ignored: {what}").format(what=self.ignored_text())
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
            parts.append(_("{unit} in {where}").format(unit=unit, where=where))
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
    "Sources": {"TextSource", "AudioSource", "VideoSource"},
    "TextSource": {"PlainTextContent", "PlainTextSelection", "Coding", "NoteRef"},
    # media sources: their selections of the recording alone are reported as skipped
    "AudioSource": {"Transcript", "AudioSelection", "Coding", "NoteRef"},
    "VideoSource": {"Transcript", "VideoSelection", "Coding", "NoteRef"},
    "Transcript": {"PlainTextContent", "SyncPoint", "TranscriptSelection", "NoteRef"},
    "SyncPoint": set(),
    "TranscriptSelection": {"Coding", "NoteRef"},
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
