"""Issue 22's reproductions inside a project, each failing before it was fixed: a coder
deleting everyone's codings, the lead unable to undo a loss, blind coding leaking through
suggestions and memos, and a memo edited by someone other than its author."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "tui"))

from tui_helpers import build_project  # noqa: E402

from workbench.ops import history
from workbench.ops.codes import code_impact, delete_code, merge_codes, update_code
from workbench.ops.coding import (
    add_memo,
    apply_code,
    edit_memo,
    memo_draft,
    save_memo_draft,
    visible_memos,
)
from workbench.ops.users import add_user, set_blind_coding
from workbench.store.errors import PermissionDenied
from workbench.store.project import Project

BUDGET = "Decentralization/Budget execution"


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """maria and james code; rosa and paul lead; blind coding on."""
    path = build_project(tmp_path / "p.db")  # james has a coding of BUDGET
    with Project.open(path) as p:
        add_user(p, "rosa", token=True, lead=True)
        add_user(p, "paul", token=True, lead=True)
        add_user(p, "maria", token=True)
        add_user(p, "james", token=True)
        text = p.text(p.document("DRS01").id)
        for phrase, coder in (("We had the powers", "james"), ("so the transfer", "james")):
            start = text.index(phrase)
            apply_code(p, "DRS01", BUDGET, start, start + len(phrase), coder=coder)
        set_blind_coding(p, True)
    return path


def test_a_coder_cannot_delete_a_code_with_other_coders_codings(team: Path):
    with Project.open(team) as p:
        p.user = "maria"
        before = len(p.codings())
        with pytest.raises(PermissionDenied, match="only the project lead may"):
            delete_code(p, "Decentralization", force=True)
        with pytest.raises(PermissionDenied):
            merge_codes(p, BUDGET, "Representation/Seat allocation")
        with pytest.raises(PermissionDenied):
            code_impact(p, "Decentralization")  # not even the count of what is hidden
        assert len(p.codings()) == before == 3


def test_the_count_before_a_delete_is_every_coders(team: Path):
    with Project.open(team) as p:
        maria = p.code("Decentralization/Transfer of powers")
        text = p.text(p.document("DRS01").id)
        start = text.index("The budget stayed")
        apply_code(p, "DRS01", maria.path, start, start + 10, coder="maria")
        add_memo(p, "code", p.code(BUDGET).id, "what counts as executed?", coder="james")
        p.user = "rosa"
        impact = code_impact(p, "Decentralization")
        assert impact.codings == {"james": 3, "maria": 1}
        assert impact.memos == {"james": 1}
        assert impact.describe() == "4 codings (james 3, maria 1) and 1 memo (james 1)"
        merge = code_impact(p, BUDGET, "code.merge")
        assert merge.codings == {"james": 3} and merge.subcodes == 0


def test_the_lead_undoes_a_delete_whoever_did_it(team: Path):
    """The lead's undo said "Nothing to undo" after another person deleted a code."""
    with Project.open(team) as p:
        p.user = "rosa"
        assert delete_code(p, "Decentralization", force=True) == 3
        apply_code(p, "NGO01", "Representation/Seat allocation", 0, 5)  # rosa works on
        p.user = "paul"  # the other lead: the deletion is not his action, he may undo it
        assert history.undo(p) == "delete code Decentralization"
        assert len(p.codings(code_id=p.code(BUDGET).id)) == 3
        assert history.redo(p) == "delete code Decentralization"
        p.user = "rosa"  # and the author too
        assert history.undo(p).startswith("apply Representation/Seat allocation")
        assert history.undo(p) == "delete code Decentralization"
        p.user = "maria"  # a coder's undo never reaches it
        assert history.undo(p) is None


def test_under_blind_coding_memos_of_others_are_hidden_and_nobody_edits_them(team: Path):
    with Project.open(team) as p:
        doc = p.document("DRS01").id
        theirs = add_memo(p, "document", doc, "james thinks it is about money", coder="james")
        p.user = "maria"
        assert [m.text for m in visible_memos(p, "document", doc)] == []
        with pytest.raises(PermissionDenied):
            edit_memo(p, theirs, "maria's words under james's name")
        p.user = "rosa"
        with pytest.raises(PermissionDenied, match="write a reply instead"):
            edit_memo(p, theirs, "the lead's words under james's name")
        draft = memo_draft(p, "document", doc, "rosa")
        assert draft.memo_id is None and draft.reply_to.id == theirs
        assert draft.reply_author == "james"
        assert save_memo_draft(p, draft, "rather about power", "rosa") == "replied"
        memos = {m.text: m for m in p.memos("document", doc)}
        assert memos["james thinks it is about money"].coder_id == p.coder_id("james")
        reply = memos["rather about power"]
        assert reply.coder_id == p.coder_id("rosa") and reply.reply_to == theirs


def test_blind_suggestions_tell_a_coder_nothing_of_the_others(team: Path):
    """A coder's rule suggestions: another coder coding more changes nothing in their
    scores, reasons or what is proposed (before, the precision counted everyone's codings,
    and a span someone else had coded was not proposed)."""
    from workbench.suggest.review import list_suggestions
    from workbench.suggest.run import run_suggestions

    with Project.open(team) as p:
        update_code(p, BUDGET, keywords={"en": ["budget", "money"]})
        text = p.text(p.document("DRS01").id)
        start = text.index("We had the powers")
        apply_code(p, "DRS01", BUDGET, start, start + 30, coder="maria")

    def marias() -> list[tuple]:
        with Project.open(team) as p:
            p.user = "maria"
            run_suggestions(p, suggester="rules")
            return [(s.document, s.start, s.end, s.score, s.reason) for s in list_suggestions(p)]

    first = marias()
    assert first, "the keyword rules should propose something to maria"
    with Project.open(team) as p:  # james codes every budget sentence of NGO01
        text = p.text(p.document("NGO01").id)
        start = text.index("The budget was published")
        apply_code(p, "NGO01", BUDGET, start, start + 37, coder="james")
    assert marias() == first
    with Project.open(team) as p:
        p.user = "james"
        run_suggestions(p, suggester="rules")
        # james's own suggestions, counted on his codings: not maria's
        assert [s.reason for s in list_suggestions(p)] != [r[4] for r in first]


def test_a_blind_coders_model_learns_and_quotes_only_their_own_codings(team: Path):
    """The learned model's reasons quote the coded passage most like the unit ("like DRS01
    [a, b) ..."): a coder's own model holds only their own coded passages."""
    from workbench.suggest.trained import load_model, model_folder, train

    with Project.open(team) as p:
        text = p.text(p.document("DRS01").id)
        for phrase in ("Each network chose", "The regional office"):
            start = text.index(phrase)
            apply_code(p, "DRS01", BUDGET, start, start + 40, coder="maria")
        james = {(c.document_id, c.start, c.end) for c in p.codings(coder_id=p.coder_id("james"))}
        p.user = "maria"
        train(p)
        model = load_model(p)
        assert model.meta["coders"] == ["maria"]
        assert model_folder(p).name.startswith("classifier-coder-")
        passages = [span for _rows, spans in model.exemplars.values() for span in spans]
        assert passages and not any(
            s < e2 and s2 < e and d == d2 for d, s, e in passages for d2, s2, e2 in james
        ), "a passage only james coded reached maria's model"
        p.user = "rosa"  # the team's model is another folder, untouched by maria's
        assert not model_folder(p).name.startswith("classifier-coder-")
