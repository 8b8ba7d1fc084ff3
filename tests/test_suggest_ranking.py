"""How suggestions are ranked: the review queue (closest calls first) with scores on both sides
of 0.5, and a rule's precision on the project's own coding, smoothed, worked by hand."""

from __future__ import annotations

import pytest

from tests.suggest_helpers import add_text
from workbench.ops import codes
from workbench.ops.coding import apply_code, mark_done
from workbench.store.connection import now
from workbench.suggest.review import list_suggestions
from workbench.suggest.rules import rule_precision

TEXT = (
    "Rosa: The budget came late. The budget was small. The budget is a mystery. "
    "The hospital closed. We waited. The budget again."
)


@pytest.fixture
def proj(project):
    codes.add_code(project, "Finance/Spending", keywords={"en": ["budget"]})
    codes.add_code(project, "Health/Clinics", keywords={"en": ["hospital"]})
    add_text(project, "rosa", TEXT, language="en")
    return project


def sentence(text: str) -> tuple[int, int]:
    start = TEXT.index(text)
    return start, start + len(text)


def test_the_review_queue_puts_the_closest_calls_first(proj):
    """Scores 0.1, 0.45, 0.5, 0.55 and 0.9: by uncertainty 0.5, then 0.45 and 0.55 (equally
    unsure: text order), then 0.1 and 0.9; by score 0.9 down to 0.1."""
    doc = proj.document("rosa").id
    code = proj.code("Finance/Spending").id
    scores = {
        "The budget came late.": 0.9,
        "The budget was small.": 0.45,
        "The budget is a mystery.": 0.1,
        "We waited.": 0.5,
        "The budget again.": 0.55,
    }
    with proj.transaction():
        for text, score in scores.items():
            start, end = sentence(text)
            proj.conn.execute(
                'INSERT INTO suggestions (document_id, code_id, start, "end", score, suggester, '
                "reason, created_at) VALUES (?, ?, ?, ?, ?, 'model', 'x', ?)",
                (doc, code, start, end, score, now()),
            )

    def texts(order: str) -> list[str]:
        return [TEXT[s.start : s.end] for s in list_suggestions(proj, order=order)]

    assert texts("uncertainty") == [
        "We waited.",
        "The budget was small.",
        "The budget again.",
        "The budget came late.",
        "The budget is a mystery.",
    ]
    assert texts("score") == [
        "The budget came late.",
        "The budget again.",
        "We waited.",
        "The budget was small.",
        "The budget is a mystery.",
    ]
    assert texts("position") == sorted(scores, key=TEXT.index)


def test_a_rules_precision_is_smoothed_right_plus_one_over_hits_plus_two(proj):
    """ "budget" fires on four sentences of a done document, two of them coded Spending:
    (2 + 1) / (4 + 2) = 0.5. "hospital" fires once and its sentence is not coded Clinics:
    (0 + 1) / (1 + 2) = 1/3. In a document nobody marked done nothing is counted."""
    for text in ("The budget came late.", "The budget again."):
        apply_code(proj, "rosa", "Finance/Spending", *sentence(text), coder="ana")
    mark_done(proj, "rosa", "ana")
    add_text(proj, "other", "Rosa: The budget was late. The budget was late again.", language="en")
    spending, clinics = proj.code("Finance/Spending").id, proj.code("Health/Clinics").id
    precision = {
        (code, reason.split(" (")[0]): value
        for (code, reason), value in rule_precision(proj).items()
    }
    assert precision == {
        (spending, "keyword 'budget'"): (pytest.approx(3 / 6), 4),
        (clinics, "keyword 'hospital'"): (pytest.approx(1 / 3), 1),
    }
