"""Text normalisation shared by every importer.

Offsets everywhere in the project are Unicode code points into the normalised text, half-open
``[start, end)``. Normalising once, at import, is what makes those offsets stable: NFC so that
"participación" is one code point per letter whatever the source wrote, and ``\\n`` line endings
so that a CRLF never counts as two characters.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalise(text: str) -> str:
    """Return ``text`` in NFC with LF line endings and no byte-order mark."""
    text = text.lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return unicodedata.normalize("NFC", text)


def sha256(text: str) -> str:
    """The hash that identifies a document's text across projects (merge, re-import)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
