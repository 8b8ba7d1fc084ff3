"""What every importer returns, before it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field


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
