"""Editing a transcript keeps every coding: the re-anchoring rules, undo, and bad input."""

from __future__ import annotations

import pytest
from core_helpers import INTERVIEW, add_interview
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from text_edit_helpers import (
    all_replaced,
    apply_plain,
    coded_text_after,
    fresh_project,
    snapshot,
)

from workbench.ops.check import check_project
from workbench.ops.coderstate import last_position, save_position
from workbench.ops.codes import add_code
from workbench.ops.coding import add_memo, apply_code
from workbench.ops.reanchor import Edit, Shift, check_edits
from workbench.ops.textedit import edit_text, find_edits
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


@pytest.fixture
def coded(project: Project) -> Project:
    add_interview(project)
    add_code(project, "Budget")
    return project


def span_of(project: Project, coding_id: int) -> tuple[int, int] | None:
    return project.conn.execute(
        'SELECT start, "end" FROM codings WHERE id = ?', (coding_id,)
    ).fetchone()


def text(project: Project) -> str:
    return project.text(project.document("rosa").id)


def code_text(project: Project, coding_id: int) -> str:
    a, b = span_of(project, coding_id)
    return text(project)[a:b]


def at(word: str) -> tuple[int, int]:
    i = INTERVIEW.index(word)
    return i, i + len(word)


# ----------------------------------------------------------------- the rules, one by one


def test_an_edit_inside_a_coding_grows_it(coded: Project) -> None:
    a, b = at("We held an election in each province.")
    cid = apply_code(coded, "rosa", "Budget", a, b, coder="ana")
    s, e = at("election")
    edit_text(coded, "rosa", [Edit(s, e, "open election")])
    assert code_text(coded, cid) == "We held an open election in each province."


def test_a_deletion_inside_a_coding_shrinks_it(coded: Project) -> None:
    a, b = at("We held an election in each province.")
    cid = apply_code(coded, "rosa", "Budget", a, b, coder="ana")
    s, _e = at(" in each province")
    edit_text(coded, "rosa", [Edit(s, s + len(" in each province"), "")])
    assert code_text(coded, cid) == "We held an election."


def test_codings_before_the_edit_stay_and_after_it_move_by_its_length(coded: Project) -> None:
    before = apply_code(coded, "rosa", "Budget", *at("How were"), coder="ana")
    after = apply_code(coded, "rosa", "Budget", *at("Lima decided"), coder="ana")
    old_before, old_after = span_of(coded, before), span_of(coded, after)
    s, e = at("province")
    edit_text(coded, "rosa", [Edit(s, e, "provincia")])
    assert span_of(coded, before) == old_before
    assert span_of(coded, after) == (old_after[0] + 1, old_after[1] + 1)
    assert code_text(coded, after) == "Lima decided"


def test_an_edit_across_a_codings_end_is_taken_in_whole(coded: Project) -> None:
    cid = apply_code(coded, "rosa", "Budget", *at("We held an election"), coder="ana")
    s, e = at("election in each")
    edit_text(coded, "rosa", [Edit(s, e, "vote in every")])
    assert code_text(coded, cid) == "We held an vote in every"


def test_an_edit_across_a_codings_start_is_taken_in_whole(coded: Project) -> None:
    cid = apply_code(coded, "rosa", "Budget", *at("election in each province"), coder="ana")
    s, e = at("an election")
    edit_text(coded, "rosa", [Edit(s, e, "a vote")])
    assert code_text(coded, cid) == "a vote in each province"


def test_text_inserted_at_a_codings_edges_stays_outside(coded: Project) -> None:
    cid = apply_code(coded, "rosa", "Budget", *at("election"), coder="ana")
    s, e = at("election")
    edit_text(coded, "rosa", [Edit(s, s, "open "), Edit(e, e, "s")])
    assert code_text(coded, cid) == "election"
    assert "an open elections in" in text(coded)


def test_edits_that_only_touch_a_coding_leave_its_text(coded: Project) -> None:
    cid = apply_code(coded, "rosa", "Budget", *at("election"), coder="ana")
    s, e = at("election")
    edit_text(coded, "rosa", [Edit(s - 3, s, "the "), Edit(e, e + 3, " at")])
    assert code_text(coded, cid) == "election"
    assert "held the election at each" in text(coded)


def test_a_coding_equal_to_the_replaced_span_becomes_the_replacement(coded: Project) -> None:
    cid = apply_code(coded, "rosa", "Budget", *at("Lima"), coder="ana")
    result = edit_text(coded, "rosa", [Edit(*at("Lima"), "[place]")])
    assert code_text(coded, cid) == "[place]"
    assert [(k.table, k.id) for k in result.kept] == [("codings", cid)]


def test_a_coding_inside_a_deleted_span_is_kept_at_the_edit_point_and_reported(
    coded: Project,
) -> None:
    cid = apply_code(coded, "rosa", "Budget", *at("each"), coder="ana")
    memo = add_memo(coded, "coding", cid, "a memo on the word")
    s, e = at("in each province")
    result = edit_text(coded, "rosa", [Edit(s, e, "")])
    a, b = span_of(coded, cid)
    assert (a, b) == (s, s + 1)  # one character at the edit point
    assert [(k.table, k.id, k.old_start, k.start) for k in result.kept] == [
        ("codings", cid, at("each")[0], s)
    ]
    assert coded.memos("coding", cid)[0].id == memo  # nothing confirmed is lost
    assert check_project(coded).ok


def test_a_coding_emptied_at_the_very_end_of_the_text_keeps_the_last_character(
    coded: Project,
) -> None:
    cid = apply_code(coded, "rosa", "Budget", *at("the rest."), coder="ana")
    s = at(" Lima decided the rest.")[0]
    edit_text(coded, "rosa", [Edit(s, len(INTERVIEW), "")])
    n = len(text(coded))
    assert span_of(coded, cid) == (n - 1, n)


def test_codings_moving_onto_the_places_others_leave_move_and_undo_in_order(
    coded: Project,
) -> None:
    """One code, one coder: each coding moves to the place the next one leaves (a chain the
    unique index would refuse, were the rows moved one by one in the wrong order)."""
    doc = coded.document("rosa").id
    ids = [apply_code(coded, doc, "Budget", 40 + 6 * k, 50 + 6 * k, coder="ana") for k in range(4)]
    before = snapshot(coded)
    spans = [span_of(coded, i) for i in ids]
    edit_text(coded, "rosa", [Edit(0, 0, "Nota: ")], why="a note before the text")
    assert [span_of(coded, i) for i in ids] == [(a + 6, b + 6) for a, b in spans]
    assert [code_text(coded, i) for i in ids] == [INTERVIEW[a:b] for a, b in spans]
    coded.undo()
    assert snapshot(coded) == before
    coded.redo()
    assert [span_of(coded, i) for i in ids] == [(a + 6, b + 6) for a, b in spans]


def test_many_edits_in_one_action_are_one_undo(coded: Project) -> None:
    cid = apply_code(
        coded, "rosa", "Budget", *at("The region executed only half of it."), coder="a"
    )
    before = snapshot(coded)
    edits = [
        Edit(*at("Rosa: We"), "Participant 03: We"),
        Edit(*at("executed"), "spent"),
        Edit(*at("half"), "a third"),
        Edit(*at("Lima"), "[place]"),
    ]
    result = edit_text(coded, "rosa", edits, why="pseudonymise", coder="lead")
    assert result.edits == 4
    assert code_text(coded, cid) == "The region spent only a third of it."
    last = coded.conn.execute(
        "SELECT kind, description, c.name FROM actions a JOIN coders c ON c.id = a.coder_id "
        "ORDER BY a.id DESC LIMIT 1"
    ).fetchone()
    assert last == ("edit-text", "edit the text of rosa: 4 changes (pseudonymise)", "lead")
    assert coded.undo() == "edit the text of rosa: 4 changes (pseudonymise)"
    assert snapshot(coded) == before


def test_units_keep_tiling_the_text_and_the_search_index_follows(coded: Project) -> None:
    from workbench.ops.search import search

    edit_text(coded, "rosa", [Edit(*at("province"), "provincia")])
    assert check_project(coded).ok  # the search index rows match their sentences
    assert search(coded, "provincia")
    assert not search(coded, "province")
    sentences = coded.units(coded.document("rosa").id, "sentence")
    assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:], strict=False))


def test_a_unit_whose_text_is_deleted_goes_with_it(coded: Project) -> None:
    doc = coded.document("rosa").id
    n = len(coded.units(doc, "sentence"))
    s, e = at("The seats were shared by sector.")
    edit_text(coded, "rosa", [Edit(s - 1, e, "")])
    assert len(coded.units(doc, "sentence")) == n - 1
    assert check_project(coded).ok


def test_editing_a_speaker_label_renames_the_turns_speaker(coded: Project) -> None:
    doc = coded.document("rosa").id
    edit_text(coded, "rosa", find_edits(text(coded), "Rosa", "Participant 03", every=True))
    speakers = [t.speaker for t in coded.turns(doc)]
    assert speakers == ["Interviewer", "Participant 03", "Interviewer", "Participant 03"]
    coded.undo()
    assert [t.speaker for t in coded.turns(doc)][1] == "Rosa"


def test_cursors_suggestions_and_reconcile_decisions_follow(coded: Project) -> None:
    doc = coded.document("rosa").id
    code = coded.code("Budget").id
    lima = at("Lima")
    save_position(coded, "ana", doc, lima[0])
    q = coded.conn.execute
    with coded.transaction():
        for span in (lima, at("the rest"), at("decided")):
            q(
                'INSERT INTO suggestions (document_id, code_id, start, "end", score, suggester, '
                "reason, created_at) VALUES (?, ?, ?, ?, 1, 'rules', 'x', 'now')",
                (doc, code, *span),
            )
        q(
            'INSERT INTO reconcile_decisions (consensus, document_id, unit, start, "end", code, '
            "choice, decided_at) VALUES ('consensus', ?, 'sentence', ?, ?, 'Budget', 'a', 'now')",
            (doc, at("Lima decided the rest.")[0], len(INTERVIEW)),
        )
    edit_text(coded, "rosa", [Edit(0, 0, "Note. ")])
    assert last_position(coded, "ana", doc) == lima[0] + 6
    spans = q('SELECT start, "end" FROM suggestions ORDER BY start').fetchall()
    assert [text(coded)[a:b] for a, b in spans] == ["Lima", "decided", "the rest"]
    assert q('SELECT start, "end" FROM reconcile_decisions').fetchone() == (
        at("Lima decided the rest.")[0] + 6,
        len(INTERVIEW) + 6,
    )
    # two suggestions of one code brought onto the same span fold into the older one
    s = text(coded).index("decided the rest")
    edit_text(coded, "rosa", [Edit(s, s + len("decided the rest"), "")])
    assert q("SELECT count(*) FROM suggestions").fetchone()[0] == 2
    assert check_project(coded).ok


# ---------------------------------------------------------------------- undo and redo


def test_undo_cannot_pass_a_text_edit_and_work_after_it_blocks_its_undo(coded: Project) -> None:
    first = apply_code(coded, "rosa", "Budget", *at("Lima"), coder="ana")
    edit_text(coded, "rosa", [Edit(0, 0, "Note. ")], coder="lead")
    assert coded.undo("ana") is None  # ana's coding is older than the edit
    assert "older changes hold positions" in coded.undo_refusal("ana")
    apply_code(coded, "rosa", "Budget", 0, 4, coder="ana")
    assert coded.undo("lead") is None
    assert "work was done on the text after it" in coded.undo_refusal("lead")
    assert coded.undo("ana") is not None  # her newer coding goes first
    assert coded.undo("lead") is not None  # then the edit
    assert span_of(coded, first) == at("Lima")


def test_redo_of_an_edit_is_refused_once_work_was_done_on_the_text(coded: Project) -> None:
    edit_text(coded, "rosa", [Edit(0, 0, "Note. ")], coder="lead")
    coded.undo("lead")
    apply_code(coded, "rosa", "Budget", *at("Lima"), coder="ana")
    with pytest.raises(WorkbenchError, match="cannot redo"):
        coded.redo("lead")


def test_a_text_edit_ends_every_coders_redo_history(coded: Project) -> None:
    apply_code(coded, "rosa", "Budget", *at("Lima"), coder="ana")
    assert coded.undo("ana")
    edit_text(coded, "rosa", [Edit(0, 0, "Note. ")], coder="lead")
    assert coded.redo("ana") is None


def test_redo_after_undo_gives_the_edited_project_again(coded: Project) -> None:
    apply_code(coded, "rosa", "Budget", *at("The region executed"), coder="ana")
    edit_text(coded, "rosa", [Edit(*at("region"), "regional government")])
    edited = snapshot(coded)
    coded.undo()
    coded.redo()
    assert snapshot(coded) == edited


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "edits, message",
    [
        ([Edit(5, 100_000, "x")], "outside the text"),
        ([Edit(-1, 2, "x")], "outside the text"),
        ([Edit(9, 3, "x")], "outside the text"),
        ([Edit(2, 8, "x"), Edit(5, 10, "y")], "overlap"),
        ([Edit(4, 4, "x"), Edit(4, 4, "y")], "overlap"),
        ([Edit(0, len(INTERVIEW), "  ")], "without text"),
        ([Edit(3, 3, "\u0301")], "combining mark"),
        ([], "nothing to change"),
    ],
)
def test_bad_edits_are_one_line_and_change_nothing(
    coded: Project, edits: list[Edit], message: str
) -> None:
    apply_code(coded, "rosa", "Budget", *at("Lima"), coder="ana")
    before = snapshot(coded)
    actions = coded.conn.execute("SELECT count(*) FROM actions").fetchone()
    with pytest.raises(WorkbenchError, match=message) as err:
        edit_text(coded, "rosa", edits)
    assert "\n" not in str(err.value) and str(err.value).startswith("rosa: ")
    assert snapshot(coded) == before
    assert coded.conn.execute("SELECT count(*) FROM actions").fetchone() == actions


def test_find_refuses_an_ambiguous_text_and_a_missing_one() -> None:
    with pytest.raises(WorkbenchError, match=r"occurs 2 times \(at 0, 9\); add --all"):
        find_edits("Rosa and Rosa", "Rosa", "P")
    with pytest.raises(WorkbenchError, match="not in the text"):
        find_edits("Rosa", "Lima", "P")
    assert find_edits("Rosa, Rosas, rosa", "Rosa", "P", every=True, whole_word=True) == [
        Edit(0, 4, "P")
    ]
    assert len(find_edits("Rosa, Rosas", "Rosa", "P", every=True)) == 2
    # the text is stored composed; a name pasted with a combining accent is the same name
    assert find_edits("Dijo Ramírez.", "Rami\u0301rez", "P") == [Edit(5, 12, "P")]


# --------------------------------------------------------- properties over random edits

ALPHABET = "ab \n.é"


@st.composite
def edit_lists(draw: st.DrawFn, length: int) -> list[Edit]:
    """Disjoint edits of a text of ``length`` (insertions, deletions, replacements)."""
    cuts = sorted(draw(st.lists(st.integers(0, length), min_size=0, max_size=8)))
    edits, last = [], -1
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a == b == last:
            continue
        edits.append(Edit(a, b, draw(st.text(ALPHABET, max_size=5))))
        last = b
    return edits


@st.composite
def scenario(draw: st.DrawFn):
    text = draw(st.text(ALPHABET, min_size=12, max_size=60).filter(lambda t: t.strip()))
    spans = draw(
        st.lists(
            st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))).filter(
                lambda s: s[0] < s[1]
            ),
            min_size=1,
            max_size=8,
            unique=True,  # one coding per span (a second is refused)
        )
    )
    steps = draw(st.integers(1, 4))
    return text, spans, steps


def _project_with(text: str, spans: list[tuple[int, int]]) -> tuple[Project, list[int]]:
    from workbench.ingest.base import ParsedTranscript, ParsedTurn
    from workbench.ops.documents import add_document

    project = fresh_project()
    add_document(project, ParsedTranscript(text, [ParsedTurn(0, len(text), "A")]), name="d")
    add_code(project, "C")
    ids = [apply_code(project, "d", "C", a, b, coder="ana") for a, b in spans]
    return project, ids


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(scenario(), st.data())
def test_any_sequence_of_edits_keeps_each_codings_text_and_undo_restores_all(
    case, data: st.DataObject
) -> None:
    text0, spans, steps = case
    project, ids = _project_with(text0, spans)
    before = snapshot(project)
    expected = {cid: text0[a:b] for cid, (a, b) in zip(ids, spans, strict=True)}
    done = 0
    for _ in range(steps):
        current = project.text(1)
        edits = data.draw(edit_lists(len(current)))
        if not edits or not apply_plain(current, edits).strip():
            continue
        old_spans = {cid: span_of(project, cid) for cid in ids}
        result = edit_text(project, "d", edits)
        done += 1
        new_text = project.text(1)
        assert new_text == apply_plain(current, edits)
        kept = {k.id for k in result.kept}
        now_spans = {cid: span_of(project, cid) for cid in ids}
        for cid in list(ids):
            a, b = old_spans[cid]
            assert current[a:b] == expected[cid]  # what the coder coded, as edited so far
            want = coded_text_after(current, a, b, edits)
            if now_spans[cid] is None:  # brought onto an older coding's span: folded into it
                twins = [
                    o
                    for o in ids
                    if o < cid
                    and now_spans[o] is not None
                    and (not want or new_text[now_spans[o][0] : now_spans[o][1]] == want)
                ]
                assert twins, (cid, want)
                ids.remove(cid)
                continue
            got_a, got_b = now_spans[cid]
            assert (cid in kept) == all_replaced(a, b, edits)
            if want:
                assert new_text[got_a:got_b] == want
            else:  # every character deleted: one character at the edit point
                assert got_b - got_a == 1 and cid in kept
                assert got_a == result_point(current, edits, a, len(new_text))
            expected[cid] = new_text[got_a:got_b]
        assert check_project(project).ok
    for _ in range(done):
        assert project.undo() is not None
    assert snapshot(project) == before
    project.close()


def result_point(text: str, edits: list[Edit], a: int, new_length: int) -> int:
    """Where the edit that swallowed position ``a`` starts in the new text (the character
    after it, or the last one at the end of the text)."""
    shift = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.end <= a and not (e.start == e.end == a) or e.end == a == e.start:
            shift += len(e.text) - (e.end - e.start)
        elif e.start <= a < e.end:
            point = e.start + shift
            return point if point < new_length else new_length - 1
    return min(a + shift, new_length - 1)


@given(st.text(ALPHABET, min_size=1, max_size=40), st.data())
def test_unit_ends_keep_their_order_and_spans_never_invert(text: str, data) -> None:
    edits = check_edits(data.draw(edit_lists(len(text))), len(text))
    shift = Shift(edits)
    positions = list(range(len(text) + 1))
    moved = [shift.end(x) for x in positions]
    assert moved == sorted(moved)
    new_length = len(apply_plain(text, edits))
    assert all(0 <= m <= new_length for m in moved)
    for a in positions:
        for b in positions[a + 1 :]:
            assert shift.end(b) >= shift.start(a)


@given(st.text(ALPHABET, min_size=1, max_size=40), st.data())
def test_the_rules_over_arrays_agree_with_the_rules_one_position_at_a_time(text: str, data) -> None:
    import numpy as np

    edits = check_edits(data.draw(edit_lists(len(text))), len(text))
    shift = Shift(edits)
    n = len(text)
    new_length = max(1, len(apply_plain(text, edits)))
    xs = np.arange(n + 1)
    assert shift.end_many(xs).tolist() == [shift.end(x) for x in range(n + 1)]
    assert shift.start_many(xs).tolist() == [shift.start(x) for x in range(n + 1)]
    a, b = np.array([(i, j) for i in range(n) for j in range(i + 1, n + 1)]).T.reshape(2, -1)
    starts, ends, emptied = shift.spans_many(a, b, new_length)
    expected = [shift.span(int(i), int(j), new_length) for i, j in zip(a, b, strict=True)]
    assert list(zip(starts.tolist(), ends.tolist(), emptied.tolist(), strict=True)) == expected
    assert shift.replaced_many(a, b).tolist() == [
        shift.replaced(int(i), int(j)) for i, j in zip(a, b, strict=True)
    ]


def test_undo_of_an_edit_that_removed_a_sentence_restores_it_and_its_index_row(
    coded: Project,
) -> None:
    before = snapshot(coded)
    s, e = at("The seats were shared by sector.")
    edit_text(coded, "rosa", [Edit(s - 1, e, "")])
    assert snapshot(coded) != before
    coded.undo()
    assert snapshot(coded) == before


def test_an_edit_taken_on_an_older_text_is_refused(coded: Project) -> None:
    doc = coded.document("rosa")
    edit_text(coded, "rosa", [Edit(0, 0, "Note. ")])  # someone else, meanwhile
    before = snapshot(coded)
    with pytest.raises(WorkbenchError, match="the text changed since"):
        edit_text(coded, "rosa", [Edit(*at("Lima"), "[place]")], expect=doc.sha256)
    assert snapshot(coded) == before


def test_the_acting_user_is_asked_about_first_and_a_refusal_changes_nothing(
    coded: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Who may change a text is decided in one place (``authorise_text_edit``), with the
    acting user; the edit is logged under that user."""
    import workbench.ops.textedit as textedit

    asked: list[str | None] = []

    def only_the_lead(project: Project, acting_user: str | None) -> None:
        asked.append(acting_user)
        if acting_user != "lead":
            raise WorkbenchError("only the project's lead may change a text")

    monkeypatch.setattr(textedit, "authorise_text_edit", only_the_lead)
    apply_code(coded, "rosa", "Budget", *at("Lima"), coder="ana")
    before = snapshot(coded)
    with pytest.raises(WorkbenchError, match="lead"):
        edit_text(coded, "rosa", [Edit(*at("Lima"), "Cusco")], coder="ana")
    assert snapshot(coded) == before
    edit_text(coded, "rosa", [Edit(*at("Lima"), "Cusco")], coder="lead", why="mis-heard")
    assert asked == ["ana", "lead"]
    assert coded.conn.execute(
        "SELECT c.name, a.description FROM actions a JOIN coders c ON c.id = a.coder_id "
        "ORDER BY a.id DESC LIMIT 1"
    ).fetchone() == ("lead", "edit the text of rosa: 1 change (mis-heard)")
