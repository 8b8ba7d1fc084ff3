"""Mapping selection positions in another tool's text onto our normalised text.

We store every text normalised (``workbench.textnorm.normalise``: no BOM, LF line endings, NFC),
and offsets index that. A source text from a ``.qdpx`` may still carry CRLFs, lone CRs, Unicode
line separators or decomposed accents, and its selections count code points in *that* text. Some
tools (ATLAS.ti) even count a CRLF as a single character. ``SourceText`` normalises the text
while remembering where each original position lands, under both ways of counting line breaks,
and ``choose_counting`` decides which one a file's selections use.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from workbench.textnorm import normalise


@dataclass
class SourceText:
    """Normalised text plus position maps from the raw text (CRLF as two or as one)."""

    raw: str
    text: str
    _crlf_two: list[int]  # raw code point offset -> normalised offset
    _crlf_one: list[int]  # offset counting each CRLF as one character -> normalised offset

    @property
    def has_crlf(self) -> bool:
        return "\r\n" in self.raw

    def length(self, *, crlf_as_one: bool) -> int:
        return len(self._crlf_one if crlf_as_one else self._crlf_two) - 1

    def map(self, position: int, *, crlf_as_one: bool) -> int | None:
        """The normalised offset of ``position``, or None when it lies outside the text."""
        table = self._crlf_one if crlf_as_one else self._crlf_two
        if not 0 <= position < len(table):
            return None
        return table[position]


def _nfc_map(s: str) -> tuple[str, list[int]]:
    """NFC of ``s`` and a map from offsets in ``s`` to offsets in the result.

    Each starter with its trailing combining marks is composed on its own; positions inside
    such a cluster map to the cluster's start. If cluster-wise composition disagrees with NFC
    of the whole (rare scripts), positions are scaled instead.
    """
    if unicodedata.is_normalized("NFC", s):
        return s, list(range(len(s) + 1))
    out: list[str] = []
    mapping = [0] * (len(s) + 1)
    pos_out = 0
    i = 0
    n = len(s)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(s[j]):
            j += 1
        piece = unicodedata.normalize("NFC", s[i:j])
        for k in range(i, j):
            mapping[k] = pos_out
        out.append(piece)
        pos_out += len(piece)
        i = j
    mapping[n] = pos_out
    result = "".join(out)
    whole = unicodedata.normalize("NFC", s)
    if result != whole:
        scale = len(whole) / max(len(s), 1)
        return whole, [min(round(p * scale), len(whole)) for p in range(n + 1)]
    return result, mapping


def source_text(raw: str) -> SourceText:
    """Normalise ``raw`` (already decoded) and build both position maps."""
    raw = raw.lstrip("\ufeff")
    # Step 1: line endings. ``one`` is the text with CRLF counted once (CR and LF alike).
    lines: list[str] = []
    two_to_one = [0] * (len(raw) + 1)
    i = j = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        two_to_one[i] = j
        if c == "\r" and i + 1 < n and raw[i + 1] == "\n":
            two_to_one[i + 1] = j + 1  # a boundary inside a CRLF lands after the break
            lines.append("\n")
            i += 2
        else:
            lines.append("\n" if c == "\r" else c)
            i += 1
        j += 1
    two_to_one[n] = j
    one = "".join(lines)
    # Step 2: Unicode line and paragraph separators (the latter becomes a blank line).
    seps: list[str] = []
    one_to_sep = [0] * (len(one) + 1)
    j = 0
    for k, c in enumerate(one):
        one_to_sep[k] = j
        piece = "\n" if c == "\u2028" else "\n\n" if c == "\u2029" else c
        seps.append(piece)
        j += len(piece)
    one_to_sep[len(one)] = j
    sep_text = "".join(seps)
    # Step 3: NFC.
    text, nfc = _nfc_map(sep_text)
    crlf_one = [nfc[one_to_sep[k]] for k in range(len(one) + 1)]
    crlf_two = [crlf_one[two_to_one[k]] for k in range(n + 1)]
    if text != normalise(raw):  # pragma: no cover - guards the two normalisers drifting apart
        text = normalise(raw)
    return SourceText(raw, text, crlf_two, crlf_one)


def _midword(text: str, pos: int) -> bool:
    return 0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum()


def choose_counting(src: SourceText, spans: list[tuple[int, int]], *,
                    prefer_one: bool = False) -> bool:
    """Whether ``spans`` count a CRLF as one character (True) or as two (False).

    Without CRLFs the question is moot (False). Otherwise: if any span ends past the text as
    counted with CRLF as one, they must count two; if any ends past the text counted with two,
    (impossible) they count one. Else the reading that puts fewer boundaries in the middle of
    a word (or splits fewer CRLFs) wins; a tie goes to ``prefer_one`` (set for files whose
    origin is known to count CRLF once), and otherwise to the standard's code point counting.
    """
    if not src.has_crlf or not spans:
        return False
    if any(end > src.length(crlf_as_one=True) for _, end in spans):
        return False

    def badness(one: bool) -> int:
        score = 0
        for start, end in spans:
            for pos in (start, end):
                mapped = src.map(pos, crlf_as_one=one)
                if mapped is None:
                    score += 10
                    continue
                if _midword(src.text, mapped):
                    score += 1
                if not one and 0 < pos < len(src.raw) and src.raw[pos - 1] == "\r" \
                        and src.raw[pos] == "\n":
                    score += 2
        return score

    one, two = badness(True), badness(False)
    if one != two:
        return one < two
    return prefer_one
