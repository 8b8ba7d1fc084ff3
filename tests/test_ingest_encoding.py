"""Decoding transcript bytes: BOMs, UTF-16, Windows-1252 Spanish, and refusing binary data."""

from __future__ import annotations

import codecs

import pytest

from workbench.ingest.encoding import decode_bytes
from workbench.store.errors import InputFileError

SPANISH = "¿Cuál fue la participación de la comunidad este año? Señaló «más diálogo»."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SPANISH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SPANISH.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + SPANISH.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + SPANISH.encode("utf-16-be"), "utf-16-be"),
        (SPANISH.encode("cp1252"), "cp1252"),
        (SPANISH.encode("latin-1"), "cp1252"),
    ],
)
def test_spanish_text_decodes_without_mojibake(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data, "x.txt")
    assert decoded.text == SPANISH
    assert decoded.encoding == encoding
    assert "Ã" not in decoded.text


def test_windows_1252_punctuation_is_read_as_windows_1252() -> None:
    # 0x93/0x94 are curly quotes and 0x85 an ellipsis in Windows-1252, control codes in Latin-1.
    decoded = decode_bytes(b"\x93Dijo que s\xed\x94\x85 y el a\xf1o", "x.txt")
    assert decoded.text == "\u201cDijo que sí\u201d\u2026 y el año"


def test_mostly_utf8_file_with_a_stray_windows_1252_byte_keeps_both() -> None:
    data = "participación ".encode() + b"a\xf1o"
    decoded = decode_bytes(data, "x.txt")
    assert decoded.text == "participación año"
    assert decoded.encoding == "utf-8+cp1252"


def test_utf16_without_bom_is_recognised_from_its_nul_pattern() -> None:
    decoded = decode_bytes("Entrevistador: hola, ¿qué tal?".encode("utf-16-le"), "x.txt")
    assert decoded.text == "Entrevistador: hola, ¿qué tal?"
    assert decoded.encoding == "utf-16-le"


def test_empty_and_whitespace_only_files_are_refused() -> None:
    for data in (b"", b"  \n\r\n\t", codecs.BOM_UTF8 + b"\n"):
        with pytest.raises(InputFileError, match=r"^x\.txt: empty file$"):
            decode_bytes(data, "x.txt")


def test_nul_bytes_mean_binary_data_and_the_error_says_where() -> None:
    data = b"GIF89a\x01\x00\x02\x00" + bytes(range(256))
    with pytest.raises(InputFileError) as info:
        decode_bytes(data, "x.bin")
    assert str(info.value) == "x.bin: binary data at byte 7, not a transcript"


def test_mostly_control_characters_mean_binary_data() -> None:
    data = b"abc" + bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 20
    with pytest.raises(InputFileError, match=r"binary data at byte 3, not a transcript"):
        decode_bytes(data, "x.txt")


def test_a_few_stray_control_characters_are_tolerated() -> None:
    text = "Ana: hola\x0c\n" + "Luis: buenas tardes a todos. " * 20 + "\x07"
    assert decode_bytes(text.encode(), "x.txt").text == text


def test_broken_utf16_after_a_bom_names_the_byte() -> None:
    data = codecs.BOM_UTF16_LE + "hola".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    with pytest.raises(InputFileError, match=r"^x\.txt:byte \d+: not valid UTF-16-LE text$"):
        decode_bytes(data, "x.txt")
