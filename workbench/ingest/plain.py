"""Plain text and Markdown transcripts: decode, normalise, find the speaker turns.

Markdown is kept as written (headings and emphasis stay visible in the text); only the speaker
labels are recognised, including bold ones such as ``**Ana:**``.
"""

from __future__ import annotations

from workbench.ingest.base import ParsedTranscript, check_lines
from workbench.ingest.encoding import decode_bytes
from workbench.ingest.speakers import detect_turns
from workbench.textnorm import normalise


def parse_text(data: bytes, source: str, *, source_format: str = "txt") -> ParsedTranscript:
    """Parse the bytes of a ``.txt`` or ``.md`` file."""
    decoded = decode_bytes(data, source)
    return from_text(
        decoded.text,
        source_format=source_format,
        metadata={"encoding": decoded.encoding},
        source=source,
    )


def from_text(
    raw: str, *, source_format: str, metadata: dict[str, object], source: str = "<text>"
) -> ParsedTranscript:
    """Normalise ``raw`` text and detect its turns (shared with the .docx and .odt readers)."""
    check_lines(raw, source)
    text = normalise(raw)
    return ParsedTranscript(text, detect_turns(text), source_format, metadata)
