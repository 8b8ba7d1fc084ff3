"""The one unit model (``analysis.units``): reading unit spans, which units a span touches, and
the lists of unit kinds, checked on hand-worked examples and against every caller."""

from __future__ import annotations

import numpy as np
import pytest

from tests.cooccur_helpers import add_codes, add_doc, code, counts
from workbench.analysis import units
from workbench.analysis.cooccurrence import Options, cooccurrence
from workbench.store.errors import WorkbenchError

A, B, C = "G/A", "G/B", "G/C"
TEXT = "One two three. Four five six.\n\nSeven eight nine."
#       sentences [0, 14) [15, 29) [31, 48); paragraphs [0, 29) [31, 48)


@pytest.fixture
def doc(project):
    add_codes(project, A, B, C)
    add_doc(project, "u", TEXT, turns=[(0, 29), (31, 48)])
    return project


# (span) -> indexes of the sentences [0, 14) [15, 29) [31, 48) it shares a character with
TOUCHED = [
    ((0, 1), [0]),
    ((13, 14), [0]),  # the last character of sentence 1
    ((14, 15), []),  # the space between sentences 1 and 2
    ((10, 15), [0]),  # ends where sentence 2 starts: does not touch it
    ((14, 16), [1]),  # starts where sentence 1 ends: does not touch it
    ((13, 16), [0, 1]),
    ((0, 48), [0, 1, 2]),
    ((29, 31), []),  # the blank line
    ((28, 32), [1, 2]),
]


@pytest.mark.parametrize("span,expected", TOUCHED)
def test_touched_shares_at_least_one_character(span, expected):
    starts, ends = [0, 15, 31], [14, 29, 48]
    assert list(units.touched(starts, ends, *span)) == expected
    # the numpy version used by agreement says the same
    table = units.UnitTable(
        "sentence", np.zeros(3, dtype=np.int64), np.array(starts), np.array(ends)
    )
    one = np.array([0])
    spans, hit = units.units_touched(table, one, np.array([span[0]]), np.array([span[1]]))
    assert hit.tolist() == expected and spans.tolist() == [0] * len(expected)


def test_every_reader_gives_the_same_spans(doc):
    doc_id = doc.document("u").id
    expected = {
        "sentence": [(0, 14), (15, 29), (31, 48)],
        "turn": [(0, 29), (31, 48)],
        "paragraph": [(0, 29), (31, 48)],
        "document": [(0, 48)],
    }
    assert set(expected) == set(units.SPAN_UNITS)
    for kind, spans in expected.items():
        assert [(u.start, u.end) for u in doc.units(doc_id, kind)] == spans, kind
        assert units.spans(doc, doc_id, kind) == spans, kind
        starts, ends = units.spans_by_document(doc, kind, {doc_id})[doc_id]
        assert list(zip(starts, ends, strict=True)) == spans, kind
        table = units.unit_table(doc, [doc_id], kind)
        assert list(zip(table.start.tolist(), table.end.tolist(), strict=True)) == spans, kind


def test_paragraphs_stand_in_for_missing_turns_only_in_suggestions(project):
    from workbench.suggest.units import unit_spans

    add_doc(project, "plain", TEXT)  # no speaker turns
    doc_id = project.document("plain").id
    assert units.spans(project, doc_id, "turn") == []
    assert unit_spans(project, doc_id, "turn") == [(0, 29), (31, 48)]


def test_unit_mode_cooccurrence_at_unit_boundaries(doc):
    code(doc, "u", A, 10, 15)  # sentence 1 only (ends where sentence 2 starts)
    code(doc, "u", B, 15, 20)  # sentence 2
    code(doc, "u", C, 14, 16)  # sentence 2 only (starts where sentence 1 ends)
    code(doc, "u", C, 40, 45)  # sentence 3
    code(doc, "u", B, 44, 48)  # sentence 3
    r = cooccurrence(doc, Options(mode="unit", unit="sentence"))
    # sentence 1: {A}; sentence 2: {B, C}; sentence 3: {B, C}
    assert r.frequencies == {A: 1, B: 2, C: 2}
    assert counts(r) == {(B, C): 2}
    para = cooccurrence(doc, Options(mode="unit", unit="paragraph"))
    # paragraph 1 [0, 29): {A, B, C}; paragraph 2 [31, 48): {B, C}
    assert counts(para) == {(A, B): 1, (A, C): 1, (B, C): 2}


def test_unit_lists_come_from_one_place():
    from workbench.cli.agree import agree_cmd
    from workbench.cli.cooccur import cooccur_cmd
    from workbench.cli.export import units_cmd
    from workbench.cli.suggest import evaluate_cmd

    def choices(cmd):
        return tuple(next(p for p in cmd.params if p.name == "unit").type.choices)

    assert units.AGREEMENT_UNITS == ("char", "sentence", "turn", "document")
    assert (
        choices(agree_cmd)
        == units.AGREEMENT_COMPARISONS
        == (*units.AGREEMENT_UNITS, "segment", "presence", "frequency", "unitizing")
    )
    assert choices(cooccur_cmd) == choices(units_cmd) == units.SPAN_UNITS
    assert choices(evaluate_cmd) == units.SUGGEST_UNITS == ("sentence", "turn")
    assert set(units.AGREEMENT_UNITS) | set(units.SPAN_UNITS) == set(units.KINDS)


def test_an_unknown_unit_is_the_same_error_everywhere(doc):
    from workbench.analysis.agreement_selection import select
    from workbench.export.tables import unit_matrix

    doc_id = doc.document("u").id
    for call in (
        lambda: units.unit_rows(doc, doc_id, "word"),
        lambda: unit_matrix(doc, unit="word"),
        lambda: Options(mode="unit", unit="word"),
    ):
        with pytest.raises(
            WorkbenchError,
            match=r"unknown unit 'word'; use one of sentence, "
            r"turn, paragraph, document$",
        ):
            call()
    with pytest.raises(WorkbenchError, match=r"unknown unit 'word'; use one of char, "):
        select(doc, unit="word")
    # the store reads rows and does not judge a user's choice; it still refuses a kind it
    # has no rows for rather than returning nothing
    with pytest.raises(WorkbenchError, match=r"no stored unit 'word'"):
        doc.units(doc_id, "word")
