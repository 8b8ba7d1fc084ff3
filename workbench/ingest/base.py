"""What every importer returns, before it is stored, and the limit every text reader checks.

The records live in ``workbench.store.model`` (so storing a document needs nothing from the readers);
importers keep importing them from here.
"""

from __future__ import annotations

from workbench.i18n import _
from workbench.limits import MAX_TRANSCRIPT_LINES
from workbench.store.errors import InputFileError
from workbench.store.model import ParsedTranscript, ParsedTurn

__all__ = ["ParsedTranscript", "ParsedTurn", "check_lines"]


def check_lines(text: str, source: str) -> None:
    """Refuse a text of more than ``MAX_TRANSCRIPT_LINES`` lines before its turns are looked
    for: every line may become a turn or a cue, and each costs memory until it is stored."""
    lines = text.count("\n") + 1
    if lines > MAX_TRANSCRIPT_LINES:
        raise InputFileError(
            _("too many lines for one transcript ({lines:,}; the limit is {limit:,})").format(
                lines=lines, limit=MAX_TRANSCRIPT_LINES
            ),
            source=source,
        )
