"""What a suggester proposes before it is stored: a span, a code, a score and the reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposed coding. ``score`` is 1.0 for rules (they either fire or not) and the
    classifier's probability for the learned suggester; ``reason`` names what fired."""

    document_id: int
    code_id: int
    start: int
    end: int
    score: float
    suggester: str
    reason: str


def intersects(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Half-open spans share at least one character."""
    return a_start < b_end and b_start < a_end
