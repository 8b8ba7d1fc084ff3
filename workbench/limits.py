"""The declared input limits, in one place: what a file may ask of workbench before it is refused.

Every importer checks the limits that apply to it *before* it starts the work they bound (the
listing of an archive before a member is read, the header of a CSV before a row is parsed, the
composed YAML graph before it is walked), so a hostile file is refused quickly and within
memory. The defaults keep the peak memory of any import under 1 GB; docs/reliability.md lists
them with the test that proves each (``tests/test_reliability_hostile.py`` reads this module
and that page and checks they agree).
"""

from __future__ import annotations

MB = 1024 * 1024

#: a transcript file larger than this is refused before it is read
MAX_TRANSCRIPT_BYTES = 32 * MB
#: lines of a transcript's text (each may become a speaker turn or a caption)
MAX_TRANSCRIPT_LINES = 500_000
#: one XML member of a .docx, .odt or .qdpx (its declared uncompressed size)
MAX_XML_MEMBER_BYTES = 64 * MB
#: elements of one XML member, counted in a streaming pass before any tree is built
MAX_XML_ELEMENTS = 1_000_000
#: elements of a .docx or .odt part (its libraries hold several hundred bytes per element)
MAX_DOCUMENT_ELEMENTS = 300_000
#: all members of a .docx or .odt together, uncompressed
MAX_DOCUMENT_ARCHIVE_BYTES = 128 * MB
#: members of any zip archive (a .docx, .odt or .qdpx)
MAX_ARCHIVE_MEMBERS = 10_000
#: what a .qdpx may expand to in all (``import-qdpx --max-size`` raises it)
MAX_QDPX_BYTES = 128 * MB
#: an archive whose members together expand more than this many times their compressed size
#: (once they pass ``RATIO_FLOOR_BYTES``) is a zip bomb made of many small ones
MAX_ARCHIVE_RATIO = 100
RATIO_FLOOR_BYTES = 16 * MB
#: columns of a cases or codings CSV
MAX_CSV_COLUMNS = 1_000
#: entries a YAML codebook's aliases may add when expanded (a "billion laughs" is refused)
MAX_YAML_ALIAS_NODES = 10_000
#: characters handed to the sentence splitter at once
SENTENCE_CHUNK = 100_000
#: runs without whitespace longer than this are masked for the sentence splitter (linear time)
MAX_SENTENCE_RUN = 32
#: digits in the hours of a caption timing (nine digits is over 100,000 years)
MAX_CAPTION_HOUR_DIGITS = 9
