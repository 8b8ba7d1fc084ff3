"""Turning the bytes of a text file into text, whatever encoding the transcriber's editor used.

Interviews arrive from many machines: UTF-8 from most editors (with or without a byte-order
mark), UTF-16 from some Windows tools, and Windows-1252 / Latin-1 from older Word and Excel
exports, which is where Spanish text turns into "participaciÃ³n" when read the wrong way.
The rule here is: trust a byte-order mark; otherwise read UTF-8, and read any byte sequence
that is not valid UTF-8 as Windows-1252 (Latin-1 for the five bytes Windows-1252 leaves
undefined). Files that are not text at all (NUL bytes, mostly control characters) are refused
with the byte where the trouble starts, so nobody codes an image by mistake.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from workbench.i18n import _
from workbench.store.errors import InputFileError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters (Unicode category Cc) other than tab, line feed, CR, form feed, VT.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Above this share of control characters a file is binary data, not a transcript.
_MAX_CONTROL_SHARE = 0.05
_SAMPLE = 65_536
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read bytes that are not UTF-8 as Windows-1252 (else Latin-1)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    return "".join(_cp1252_char(b) for b in chunk), exc.end


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: Latin-1 reading


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler for Windows-1252: its five undefined bytes read as Latin-1."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error("workbench-cp1252", _cp1252_fallback)
codecs.register_error("workbench-latin1", _latin1_fallback)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and the encoding it was read as (kept in the document's metadata)."""

    text: str
    encoding: str


def decode_bytes(data: bytes, source: str) -> Decoded:
    """Decode ``data`` (the whole file) to text; raise ``InputFileError`` if it is not text."""
    if not data.strip():
        raise InputFileError(_("empty file"), source=source)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    _("not valid {upper} text").format(upper=encoding.upper()),
                    source=source,
                    place=f"byte {exc.start + len(bom)}",
                ) from None
            label = "utf-8-sig" if encoding == "utf-8" else encoding
            return _checked(text, label, source)
    nul = data.find(b"\x00")
    if nul != -1:
        guessed = _utf16_without_bom(data)
        if guessed is not None:
            return _checked(data.decode(guessed), guessed, source)
        raise InputFileError(
            _("binary data at byte {nul}, not a transcript").format(nul=nul), source=source
        )
    try:
        return _checked(data.decode("utf-8"), "utf-8", source)
    except UnicodeDecodeError:
        pass
    return _checked(*_decode_legacy(data), source)


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Bytes that are not pure UTF-8: mostly Windows-1252, or UTF-8 with a few stray bytes.

    A Windows-1252 file can contain byte runs that happen to be valid UTF-8 ("sí”…" is
    ``ED 94 85``, a Hangul syllable in UTF-8), so the choice is made for the whole file: when
    valid UTF-8 sequences are at least as many as the bytes that are not, it is UTF-8 with
    stray Windows-1252 bytes; otherwise the whole file is Windows-1252.
    """
    high = sum(1 for b in data if b >= 0x80)
    valid = _UTF8_SEQUENCE.findall(data)
    stray = high - sum(len(v) for v in valid)
    if len(valid) >= stray:
        return data.decode("utf-8", errors="workbench-cp1252"), "utf-8+cp1252"
    return data.decode("cp1252", errors="workbench-latin1"), "cp1252"


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by its pattern of NUL bytes (ASCII-heavy text only)."""
    sample = data[:_SAMPLE]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    for nuls, other, encoding in (
        (odd_nuls, even_nuls, "utf-16-le"),
        (even_nuls, odd_nuls, "utf-16-be"),
    ):
        if nuls > 0.6 * half and other == 0:
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


def _checked(text: str, encoding: str, source: str) -> Decoded:
    """Refuse text that is mostly control characters; it was binary data after all."""
    if not text.strip():
        raise InputFileError(_("empty file"), source=source)
    sample = text[:_SAMPLE]
    controls = len(_CONTROL.findall(sample))
    if controls > _MAX_CONTROL_SHARE * len(sample):
        first = _CONTROL.search(sample)
        assert first is not None
        place = _byte_offset(text, first.start(), encoding)
        raise InputFileError(
            _("binary data at byte {place}, not a transcript").format(place=place), source=source
        )
    return Decoded(text, encoding)


def _byte_offset(text: str, index: int, encoding: str) -> int:
    """Where character ``index`` of ``text`` starts in the file (approximate for mixed input)."""
    bom = {"utf-8-sig": 3, "utf-16-le": 2, "utf-16-be": 2, "utf-32-le": 4, "utf-32-be": 4}
    codec = "utf-8" if encoding in ("utf-8-sig", "utf-8+cp1252") else encoding
    return bom.get(encoding, 0) + len(text[:index].encode(codec, errors="replace"))
