"""What every importer returns, before it is stored.

The records live in ``workbench.store.model`` (so storing a document needs nothing from the readers);
importers keep importing them from here.
"""

from __future__ import annotations

from workbench.store.model import ParsedTranscript, ParsedTurn

__all__ = ["ParsedTranscript", "ParsedTurn"]
