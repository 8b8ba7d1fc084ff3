"""Mapping selection positions in another tool's text onto our normalised text.

We store every text normalised (``workbench.textnorm.normalise``: no BOM, LF line endings, NFC),
and offsets index that. A source text from a ``.qdpx`` may still carry CRLFs, lone CRs, Unicode
line separators or decomposed accents, and its selections count code points in *that* text. Some
tools (ATLAS.ti) even count a CRLF as a single character, and NVivo for Windows counts UTF-16
code units (an emoji is two). ``SourceText`` normalises the text while remembering where each
original position lands, under every way of counting (``map``); ``workbench.interop.positions``
decides which one a file's selections use.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property

from workbench.textnorm import normalise

UNITS = ("codepoints", "utf16", "bytes")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


@dataclass
class SourceText:
    """Normalised text plus position maps from the raw text (CRLF as two or as one)."""

    raw: str
    text: str
    _crlf_two: list[int]  # raw code point offset -> normalised offset
    _crlf_one: list[int]  # offset counting each CRLF as one character -> normalised offset
    one: str = ""  # the raw text with each CRLF as one LF (what ``_crlf_one`` indexes)
    _tables: dict[tuple[str, bool], tuple[list[int], list[int], list[int], list[int]]] = field(
        default_factory=dict, repr=False
    )

    @property
    def has_crlf(self) -> bool:
        return "\r\n" in self.raw

    @cached_property
    def has_astral(self) -> bool:
        """Whether some character needs two UTF-16 code units (emoji, rare CJK ...)."""
        return any(ord(c) > 0xFFFF for c in self.raw)

    @cached_property
    def is_ascii(self) -> bool:
        return self.raw.isascii()

    def _wide(
        self, unit: str, crlf_as_one: bool
    ) -> tuple[list[int], list[int], list[int], list[int]]:
        """Where ``unit`` needs several units for one character: each such character's first
        unit offset, its width, the extra units of all wide characters before it, and its
        code point offset.

        Kept sparse (only wide characters are listed, found by a regular expression) so that
        a long text costs little.
        """
        key = (unit, crlf_as_one)
        if key not in self._tables:
            string = self.one if crlf_as_one else self.raw
            starts: list[int] = []
            widths: list[int] = []
            extra = [0]
            cps: list[int] = []
            wide = _ASTRAL if unit == "utf16" else _NON_ASCII
            for match in wide.finditer(string):
                i = match.start()
                width = (
                    2 if unit == "utf16" else len(match.group().encode("utf-8", "surrogatepass"))
                )
                starts.append(i + extra[-1])
                widths.append(width)
                extra.append(extra[-1] + width - 1)
                cps.append(i)
            self._tables[key] = (starts, widths, extra, cps)
        return self._tables[key]

    def units_at(self, index: int, *, crlf_as_one: bool, unit: str) -> int:
        """The offset in ``unit`` of code point ``index`` of the raw text (or of the text with
        CRLF as one, with ``crlf_as_one``)."""
        if self._trivial(unit):
            return index
        _starts, _widths, extra, cps = self._wide(unit, crlf_as_one)
        return index + extra[bisect_left(cps, index)]

    def _trivial(self, unit: str) -> bool:
        """Whether every character of this text is one ``unit``."""
        if unit not in UNITS:
            raise ValueError(f"unknown position unit {unit!r}")
        return (
            unit == "codepoints"
            or (unit == "utf16" and not self.has_astral)
            or (unit == "bytes" and self.is_ascii)
        )

    def length(self, *, crlf_as_one: bool, unit: str = "codepoints") -> int:
        size = len(self._crlf_one if crlf_as_one else self._crlf_two) - 1
        if self._trivial(unit):
            return size
        return size + self._wide(unit, crlf_as_one)[2][-1]

    def map(self, position: int, *, crlf_as_one: bool, unit: str = "codepoints") -> int | None:
        """The normalised offset of ``position`` counted in ``unit`` (with a CRLF as one
        character or two), or None when it lies outside the text or between the units of one
        character (half an emoji in UTF-16, inside a UTF-8 byte sequence)."""
        base = self._crlf_one if crlf_as_one else self._crlf_two
        if not self._trivial(unit):
            starts, widths, extra, _cps = self._wide(unit, crlf_as_one)
            k = bisect_left(starts, position)  # wide characters starting before it
            if k and position < starts[k - 1] + widths[k - 1]:
                return None
            position -= extra[k]
        if not 0 <= position < len(base):
            return None
        return base[position]


def unit_offsets(text: str, unit: str) -> list[int]:
    """Code point offset -> offset counted in ``unit``, for every position of ``text``."""
    if (
        unit == "codepoints"
        or (unit == "utf16" and not any(ord(c) > 0xFFFF for c in text))
        or (unit == "bytes" and text.isascii())
    ):
        return list(range(len(text) + 1))
    if unit not in UNITS:
        raise ValueError(f"unknown position unit {unit!r}")
    out = [0]
    pos = 0
    for c in text:
        pos += (
            (2 if ord(c) > 0xFFFF else 1)
            if unit == "utf16"
            else len(c.encode("utf-8", "surrogatepass"))
        )
        out.append(pos)
    return out


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
    return SourceText(raw, text, crlf_two, crlf_one, one)
