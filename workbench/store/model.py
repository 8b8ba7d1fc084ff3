"""Small immutable records handed out by the core.

They mirror rows of the project database. They are plain frozen dataclasses so the TUI, the
CLI and the analyses can pass them around and compare them without touching SQLite again.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    name: str
    attributes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    name: str
    case_id: int | None
    length: int
    sha256: str
    source_path: str | None = None
    source_format: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    id: int
    document_id: int
    seq: int
    speaker: str | None
    start: int
    end: int
    time_start: float | None = None
    time_end: float | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    """A span of a document that analyses count over: sentence, turn, paragraph or document."""

    document_id: int
    kind: str
    seq: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Code:
    id: int
    guid: str
    parent_id: int | None
    name: str
    path: str
    colour: str | None = None
    description: str | None = None
    inclusion: str | None = None
    exclusion: str | None = None
    keywords: dict[str, list[str]] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    position: int = 0
    value: float | None = None  # numeric value when the code is a value of a variable

    @property
    def depth(self) -> int:
        """1 for a top-level code (a group), 2 for its subcodes, and so on."""
        return self.path.count("/") + 1


@dataclass(frozen=True, slots=True)
class Coder:
    id: int
    name: str
    model: str | None = None  # how a model coder's codings were made (JSON); None: a person

    @property
    def is_model(self) -> bool:
        return self.model is not None


@dataclass(frozen=True, slots=True)
class Coding:
    id: int
    document_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    created_at: str = ""
    source: str = "manual"
    guid: str = ""


@dataclass(frozen=True, slots=True)
class Memo:
    id: int
    target_type: str
    target_id: int | None
    text: str
    coder_id: int | None = None
    title: str | None = None
    reply_to: int | None = None  # the memo this one answers


# What every importer returns, before it is stored (``workbench.ingest`` fills them in).


@dataclass(frozen=True, slots=True)
class ParsedTurn:
    """A speaker turn: code-point offsets into the normalised text, half-open."""

    start: int
    end: int
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None


@dataclass(slots=True)
class ParsedTranscript:
    """A transcript read from a file: normalised text, speaker turns and metadata.

    ``text`` is already normalised (``workbench.textnorm.normalise``); turn offsets index it.
    """

    text: str
    turns: list[ParsedTurn] = field(default_factory=list)
    source_format: str = "txt"
    metadata: dict[str, object] = field(default_factory=dict)
