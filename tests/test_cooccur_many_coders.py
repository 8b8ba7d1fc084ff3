"""Co-occurrence with three coders, and with a code found in one document only: the demo has
two coders who both code every interview, so neither case was ever counted by a test.

Worked by hand (overlap mode, documents d1 and d2, codes A B C):

- ana, d1: A [0, 10), B [5, 15): A-B meet (1). C [100, 110) alone.
- ben, d1: A [0, 10), C [8, 20): A-C meet (1). B [50, 60) alone.
- cy,  d1: B [30, 40), C [35, 45): B-C meet (1); A [200, 210) alone.
- ana's B [5, 15) and ben's C [8, 20) overlap but belong to different coders: no pair.
- cy, d2 (the only document with D): D [0, 10), A [5, 15): A-D meet (1).

Summed over coders: A-B 1, A-C 1, B-C 1, A-D 1. Frequencies (codings): A 4, B 3, C 3, D 1.
With --coder ana only A-B; with --coder ben,cy A-C, B-C and A-D.
"""

from __future__ import annotations

from tests.cooccur_helpers import add_codes, add_doc, code, counts
from workbench.analysis.cooccurrence import Options, cooccurrence
from workbench.analysis.filters import Selection
from workbench.store.project import Project


def study() -> Project:
    p = Project.memory()
    add_doc(p, "d1")
    add_doc(p, "d2", "Other " * 100)
    add_codes(p, "A", "B", "C", "D")
    plan = [
        ("d1", "A", 0, 10, "ana"),
        ("d1", "B", 5, 15, "ana"),
        ("d1", "C", 100, 110, "ana"),
        ("d1", "A", 0, 10, "ben"),
        ("d1", "C", 8, 20, "ben"),
        ("d1", "B", 50, 60, "ben"),
        ("d1", "B", 30, 40, "cy"),
        ("d1", "C", 35, 45, "cy"),
        ("d1", "A", 200, 210, "cy"),
        ("d2", "D", 0, 10, "cy"),
        ("d2", "A", 5, 15, "cy"),
    ]
    for doc, path, s, e, who in plan:
        code(p, doc, path, s, e, who)
    return p


def test_pairs_are_counted_within_each_of_three_coders_then_summed():
    p = study()
    result = cooccurrence(p)
    assert counts(result) == {("A", "B"): 1, ("A", "C"): 1, ("B", "C"): 1, ("A", "D"): 1}
    assert result.frequencies == {"A": 4, "B": 3, "C": 3, "D": 1}
    assert counts(cooccurrence(p, selection=Selection.build(coders=["ana"]))) == {("A", "B"): 1}
    assert counts(cooccurrence(p, selection=Selection.build(coders=["ben", "cy"]))) == {
        ("A", "C"): 1,
        ("B", "C"): 1,
        ("A", "D"): 1,
    }


def test_a_code_of_one_document_meets_only_there():
    p = study()
    result = cooccurrence(p, selection=Selection.build(where=["document=d1"]))
    assert "D" not in result.frequencies and ("A", "D") not in counts(result)
    # unit mode over whole documents: D's one document holds A too (cy's), so they meet once;
    # in d1 every coder has two or three codes: ana A-B A-C B-C, ben A-B A-C B-C, cy A-B A-C B-C
    whole = cooccurrence(p, Options(mode="unit", unit="document"))
    assert counts(whole) == {("A", "B"): 3, ("A", "C"): 3, ("B", "C"): 3, ("A", "D"): 1}
