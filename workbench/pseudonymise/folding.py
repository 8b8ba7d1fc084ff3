"""Folding text for comparison: lowercase, no accents, one character for one.

Positions in a folded text are positions in the text, so a match found in the folded text
is a span of the original. Shared by the matcher (``forms``) and the name lists (``lexicon``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:
        low = ch
    base = unicodedata.normalize("NFD", low)[0]
    return base if base.isalnum() or not low.isalnum() else low


class _FoldTable(dict):
    """``str.translate`` table filled as characters are met: each maps to one character."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code).translate(APOSTROPHES))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lowercase without accents, one character for one: positions carry over."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


@lru_cache(maxsize=262144)
def fold_word(word: str) -> str:
    """``fold`` for the short strings that repeat (a transcript's words)."""
    return fold(word)
