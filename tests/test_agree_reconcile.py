"""Listing disagreements and resolving them into a consensus coder, with undo."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.agree_helpers import code, codes, done, plain_doc, sentence_doc
from workbench.cli import cli
from workbench.ops.reconcile import consensus_codings, disagreements, resolve
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


def _spans(project: Project, coder: str) -> list[tuple[str, int, int]]:
    paths = {c.id: c.path for c in project.codes()}
    return [
        (paths[c.code_id], c.start, c.end)
        for c in project.codings(coder_id=project.coder_id(coder))
    ]


@pytest.fixture
def coded(project: Project) -> Project:
    plain_doc(project, "doc", 200)
    codes(project, "G/X", "G/Y")
    code(project, "doc", "G/X", [(10, 50)], "A")
    code(project, "doc", "G/X", [(30, 70)], "B")  # overlap with different bounds
    code(project, "doc", "G/X", [(100, 120)], "A")
    code(project, "doc", "G/X", [(100, 120)], "B")  # identical: no disagreement
    code(project, "doc", "G/Y", [(150, 160)], "B")  # only B
    done(project, "doc", "A", "B")
    return project


def test_char_disagreements_are_clusters_of_codings(coded: Project) -> None:
    items = disagreements(coded, unit="char")
    assert [(d.code, d.start, d.end, d.applied_by) for d in items] == [
        ("G/X", 10, 70, ("A", "B")),
        ("G/Y", 150, 160, ("B",)),
    ]
    first = items[0]
    assert [(c.coder, c.start, c.end) for c in first.codings] == [("A", 10, 50), ("B", 30, 70)]
    assert items[1].left_out == ("A",)
    assert items[0].text == coded.text(coded.document("doc").id)[10:70]


def test_resolve_keep_a_b_both_none_with_undo(coded: Project) -> None:
    item = disagreements(coded, unit="char")[0]
    resolve(coded, item, "a")
    assert _spans(coded, "consensus") == [("G/X", 10, 50)]
    resolve(coded, item, "b")  # a second decision replaces the first
    assert _spans(coded, "consensus") == [("G/X", 30, 70)]
    resolve(coded, item, "both")
    assert _spans(coded, "consensus") == [("G/X", 10, 70)]
    assert [(c.start, c.end) for c in consensus_codings(coded, item)] == [(10, 70)]
    resolve(coded, item, "none")
    assert _spans(coded, "consensus") == []
    assert resolve(coded, item, "none") == []  # nothing to change, nothing logged
    coded.undo()
    assert _spans(coded, "consensus") == [("G/X", 10, 70)]
    coded.undo()
    assert _spans(coded, "consensus") == [("G/X", 30, 70)]
    coded.redo()
    assert _spans(coded, "consensus") == [("G/X", 10, 70)]
    # the compared coders' own codings are never touched
    assert _spans(coded, "A") == [("G/X", 10, 50), ("G/X", 100, 120)]


def test_resolve_rejects_bad_choices(coded: Project) -> None:
    item = disagreements(coded, unit="char")[0]
    with pytest.raises(WorkbenchError, match="must not be one of the compared coders"):
        resolve(coded, item, "a", consensus="A")
    with pytest.raises(WorkbenchError, match="keep one of"):
        resolve(coded, item, "maybe")


def test_sentence_disagreements_and_agreement_of_consensus(project: Project) -> None:
    sentence_doc(project, "d1", 6)
    codes(project, "X")
    code(project, "d1", "X", [(0, 25)], "A")  # sentences 0-2
    code(project, "d1", "X", [(10, 20), (50, 60)], "B")  # sentences 1 and 5
    done(project, "d1", "A", "B")
    items = disagreements(project, unit="sentence")
    assert [(d.start, d.end, d.applied_by) for d in items] == [
        (0, 10, ("A",)),
        (20, 30, ("A",)),
        (50, 60, ("B",)),
    ]
    for item in items:
        resolve(project, item, "both")
    assert _spans(project, "consensus") == [("X", 0, 25), ("X", 50, 60)]  # no duplicate of A's
    with pytest.raises(WorkbenchError, match="not among the compared documents"):
        sentence_doc(project, "d2", 2)
        disagreements(project, unit="sentence", document="d2")


def test_disagreements_cli(coded: Project, tmp_path) -> None:
    path = tmp_path / "p.db"
    target = Project.open(path)
    coded.conn.backup(target.conn)
    target.close()
    out = CliRunner().invoke(cli, ["-p", str(path), "disagreements", "--format", "csv"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "document,unit,code,applied_by,not_by,spans,text"
    assert lines[1].startswith('doc,10-70,G/X,"A, B",,A 10-50; B 30-70,')
    assert lines[2].startswith("doc,150-160,G/Y,B,A,B 150-160,")


def test_a_later_decision_replaces_a_unit_level_both_that_reaches_past_the_unit(project):
    """Sentence units: 'both' copies whole spans (which may cross the sentence); 'none' after it
    must take them away again."""
    from tests.core_helpers import add_interview
    from workbench.ops import codes as code_ops
    from workbench.ops import coding
    from workbench.ops.reconcile import consensus_codings, disagreements, resolve

    doc = add_interview(project)
    code_ops.add_code(project, "A")
    sentences = project.units(doc.id, "sentence")
    first, second = sentences[1], sentences[2]
    coding.apply_code(project, "rosa", "A", first.start, second.end, coder="maria")
    coding.mark_done(project, "rosa", "maria")
    coding.mark_done(project, "rosa", "james")
    coding.apply_code(project, "rosa", "A", sentences[0].start, sentences[0].end, coder="james")
    items = [
        i
        for i in disagreements(project, coders=["maria", "james"], unit="sentence")
        if i.start == first.start
    ]
    assert len(items) == 1
    item = items[0]
    resolve(project, item, "both")
    assert [(c.start, c.end) for c in consensus_codings(project, item)] == [
        (first.start, second.end)
    ]
    resolve(project, item, "none")
    assert consensus_codings(project, item) == []
