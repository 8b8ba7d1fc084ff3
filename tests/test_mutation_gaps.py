"""Behaviour that mutation testing showed no test pinned down: REFI-QDA position mapping over
CR/LF line ends and its tie-break (the rule in docs/interchange.md), the order in which
byte-order marks are tried, and memos re-pointed by a code merge and put back by undo.
Every expected value below is worked out by hand in the comments."""

from __future__ import annotations

import codecs

import pytest

from tests.core_helpers import add_interview
from workbench.ingest.encoding import decode_bytes
from workbench.interop.positions import Reading, Span, choose
from workbench.interop.textmap import source_text
from workbench.ops.codes import add_code, merge_codes
from workbench.ops.coding import add_memo, apply_code


def choose_counting(src, spans, *, prefer_one: bool = False) -> bool:
    """Whether the code-point reading chosen for ``spans`` counts a CRLF as one."""
    prefer = Reading("codepoints", True) if prefer_one else None
    found = choose(src, [Span(s, e) for s, e in spans], unit="codepoints", prefer=prefer)
    return found.reading.crlf_as_one


# ------------------------------------------------------------------ CR/LF position mapping

RAW = "ab\r\ncd"  # a0 b1 CR2 LF3 c4 d5; normalised "ab\ncd" (a0 b1 LF2 c3 d4)


def test_crlf_counted_as_two_maps_onto_the_normalised_text():
    src = source_text(RAW)
    assert src.text == "ab\ncd"
    assert src.length(crlf_as_one=False) == 6 and src.length(crlf_as_one=True) == 5
    # counting two: CR -> the break, LF -> after it ("a boundary inside a CRLF lands after the
    # break"), c -> 3, d -> 4, end -> 5
    assert [src.map(p, crlf_as_one=False) for p in range(7)] == [0, 1, 2, 3, 3, 4, 5]
    # counting one (ATLAS.ti): positions are already those of the normalised text
    assert [src.map(p, crlf_as_one=True) for p in range(6)] == [0, 1, 2, 3, 4, 5]
    assert src.map(7, crlf_as_one=False) is None and src.map(6, crlf_as_one=True) is None
    assert src.map(-1, crlf_as_one=True) is None


def test_lone_crs_and_byte_order_marks_map_too():
    src = source_text("\ufeffa\rb")
    assert src.text == "a\nb"
    assert [src.map(p, crlf_as_one=False) for p in range(4)] == [0, 1, 2, 3]
    assert not src.has_crlf


def test_choose_counting_follows_the_documented_rule():
    src = source_text(RAW)
    # no CRLF in the text: the question is moot, positions are code points
    assert choose_counting(source_text("ab\ncd"), [(3, 5)]) is False
    # a span ending past the text counted with CRLF as one (5) must count two
    assert choose_counting(src, [(0, 6)], prefer_one=True) is False
    # "cd" as (3, 5): read as one it is exactly "cd" (no boundary inside a word); read as two
    # it starts inside the CRLF (+2) and ends between c and d (+1): one wins
    assert choose_counting(src, [(3, 5)]) is True
    # "cd" as (4, 6): read as two it is exactly "cd"; read as one, (4, 6) ends past the
    # one-reading's text only at 6 > 5: must be two
    assert choose_counting(src, [(4, 6)], prefer_one=True) is False
    # "ab" as (0, 2): both readings put it on "ab", a tie: the file's origin decides
    assert choose_counting(src, [(0, 2)]) is False
    assert choose_counting(src, [(0, 2)], prefer_one=True) is True


def test_boundaries_inside_words_count_against_a_reading():
    # raw a0 b1 CR2 LF3 c4 d5 CR6 LF7 e8 f9; normalised a0 b1 LF2 c3 d4 LF5 e6 f7.
    # Spans (2, 4) and (4, 6). Read as one: 4 falls between c and d, twice: badness 2.
    # Read as two: 2 -> 2, 4 -> 3 (before c), 6 -> 5 (after d): no boundary inside a word or
    # a CRLF, badness 0. Two wins, whatever the origin prefers.
    src = source_text("ab\r\ncd\r\nef")
    assert choose_counting(src, [(2, 4), (4, 6)], prefer_one=True) is False


def test_a_boundary_between_cr_and_lf_weighs_more_than_one_inside_a_word():
    # raw a0 b1 CR2 LF3 c4 d5 ,6 e7 f8; normalised a0 b1 LF2 c3 d4 ,5 e6 f7.
    # (4, 6): read as one it is "d," and 4 falls between c and d (+1); read as two it is "cd".
    # (3, 6): read as one it is "cd,"; read as two it starts between CR and LF (+2).
    # No selection starts or ends on a space. One: 1, two: 2, so one wins; were a split CRLF
    # no worse than a split word, the tie would go to the standard reading (two).
    src = source_text("ab\r\ncd,ef")
    assert choose_counting(src, [(4, 6), (3, 6)]) is True


# ------------------------------------------------------------------ byte-order marks

TEXT = "hola, ¿qué tal?"


@pytest.mark.parametrize(
    "bom,codec",
    [
        (codecs.BOM_UTF32_LE, "utf-32-le"),  # FF FE 00 00: starts with the UTF-16 LE mark FF FE
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_utf32_marks_are_tried_before_the_utf16_marks_they_start_with(bom, codec):
    decoded = decode_bytes(bom + TEXT.encode(codec), "x.txt")
    assert (decoded.text, decoded.encoding) == (TEXT, codec)


# ------------------------------------------------------------------ code merge and memos


def test_a_code_merge_repoints_memos_and_undo_puts_them_back(project):
    add_interview(project)
    add_code(project, "G/Src")
    add_code(project, "G/Dst")
    coding = apply_code(project, "rosa", "G/Src", 0, 5, coder="maria")
    src, dst = project.code("G/Src").id, project.code("G/Dst").id
    on_code = add_memo(project, "code", src, "what Src means")
    on_dst = add_memo(project, "code", dst, "what Dst means")
    on_coding = add_memo(project, "coding", coding, "why here")

    def targets():
        return {m.id: (m.target_type, m.target_id) for m in project.memos()}

    before = targets()
    assert before == {on_code: ("code", src), on_dst: ("code", dst), on_coding: ("coding", coding)}
    merge_codes(project, "G/Src", "G/Dst")
    assert targets() == {
        on_code: ("code", dst),
        on_dst: ("code", dst),
        on_coding: ("coding", coding),
    }
    project.undo()
    assert targets() == before
    assert project.code("G/Src").id == src
    project.redo()
    assert targets()[on_code] == ("code", dst)
