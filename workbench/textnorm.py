"""Text normalisation shared by every importer, and the paragraphs of a normalised text.

Offsets everywhere in the project are Unicode code points into the normalised text, half-open
``[start, end)``. Normalising once, at import, is what makes those offsets stable: NFC so that
"participación" is one code point per letter whatever the source wrote, and ``\\n`` line endings
so that a CRLF never counts as two characters.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator


def normalise(text: str) -> str:
    """Return ``text`` in NFC with LF line endings and no byte-order mark."""
    text = text.lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return unicodedata.normalize("NFC", text)


def sha256(text: str) -> str:
    """The hash that identifies a document's text across projects (merge, re-import)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def enumerate_paragraphs(text: str) -> Iterator[tuple[int, int, int]]:
    """(seq, start, end) of each paragraph: runs of text between blank lines.

    It lives here, below the store, because the store reads paragraph units from a document's
    text and the importer falls back to paragraphs when a transcript has no speaker turns.
    """
    seq, pos, n = 0, 0, len(text)
    while pos < n:
        while pos < n and text[pos] == "\n":
            pos += 1
        if pos >= n:
            break
        end = text.find("\n\n", pos)
        end = n if end == -1 else end
        yield seq, pos, end
        seq += 1
        pos = end
