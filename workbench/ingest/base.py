"""What every importer returns, before it is stored.

The records live in ``workbench.model`` (so storing a document needs nothing from the readers);
importers keep importing them from here.
"""

from __future__ import annotations

from workbench.model import ParsedTranscript, ParsedTurn

__all__ = ["ParsedTranscript", "ParsedTurn"]
