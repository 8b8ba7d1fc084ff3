"""The permission table through the app (Pilot): each role presses the keys of the
operations the app offers and gets the core's answer: the change made, or the core's
refusal line in a notification and nothing changed.

The session is opened as the team server opens it (``tui.app._open_for``: a reviewer's
read-only), and the person acting is the signed-in user (``TeamSession``).

Operations of ``roles_helpers.EXPECTED`` the app offers no key or palette entry for (the
command line covers them, ``tests/test_permissions_cli.py``): ``project.backup``,
``project.restore``, ``project.merge``, ``project.settings``, ``codings.import``,
``users.manage``. ``documents.edit`` is offered as ``E`` (correcting the text, run here) and
as ``f8`` (a sync point, on a document with a linked recording: not run here, the team
project has none). Removing or changing *another* coder's coding is not
offered either: ``x``, ``c`` and ``r`` on the coding screen and the segments' uncode and
recode act on one's own codings only (the test presses ``x`` where only another's coding is
left and sees it kept). ``work.read`` is no key of its own: it is what the screens list.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))

from roles_helpers import ACTORS, OTHER, ROLES, Team, build_team, core_refusal, expected_allowed  # noqa: E402
from textual.widgets import TextArea  # noqa: E402
from tui_pilot import SIZE  # noqa: E402

from workbench.ops.users import blind_coding  # noqa: E402
from workbench.store.project import Project  # noqa: E402
from workbench.tui.app import WorkbenchApp, _open_for  # noqa: E402
from workbench.tui.screens.agreement import AgreementScreen, ReconcileScreen  # noqa: E402
from workbench.tui.screens.codebook import CodebookScreen  # noqa: E402
from workbench.tui.screens.coding import CodingScreen  # noqa: E402
from workbench.tui.screens.suggestions import SuggestionsScreen  # noqa: E402
from workbench.tui.session import team_session  # noqa: E402


@pytest.fixture(scope="module")
def team(tmp_path_factory) -> Team:
    return build_team(tmp_path_factory.mktemp("team-app"))


def run_as(path: Path, user: str | None, script) -> list[str]:
    """Run the app as ``user`` (None: nobody signed in); return every notification."""
    said: list[str] = []

    async def main() -> None:
        project = _open_for(str(path), read_only=False, user=user)
        try:
            app = WorkbenchApp(
                project, coder="ana" if user is None else None, team=team_session(project)
            )
            real = app.notify

            def notify(message, *args, **kw):
                said.append(str(message))
                return real(message, *args, **kw)

            app.notify = notify  # type: ignore[method-assign]
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await script(app, pilot)
        finally:
            project.close()

    asyncio.run(main())
    return said


def read(path: Path, sql: str, *args) -> list[tuple]:
    with Project.open(path, create=False) as p:
        return p.conn.execute(sql, args).fetchall()


@pytest.mark.parametrize("role", ROLES)
def test_every_app_operation_for_every_role(team: Team, role: str) -> None:
    path = team.copy(f"app-{role}")
    user = ACTORS[role]
    own_memo = team.memo[team.whose(role, True)]
    refusals = {
        op: core_refusal(team, op, role, True, False, f"app-core-{op}-{role}")
        for op in (
            "codebook.edit",
            "code.delete",
            "code.merge",
            "agreement.read",
            "blind.set",
            "memo.edit",
        )
    }
    if role == "reviewer":  # the session is read-only: every write key says so, by name
        line = f"Read-only: {user} (reviewer) reads and changes nothing"
        refusals.update(
            {op: line for op in refusals if not expected_allowed(op, role, True, False)}
        )
    merge_offered: list[bool] = []

    async def script(app: WorkbenchApp, pilot) -> None:
        # codebook.edit: add a code from the codebook screen
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press("a")
        await pilot.pause()
        if expected_allowed("codebook.edit", role, True, False):
            await pilot.press(*"/Youth councils", "enter")
            await pilot.pause()
        # code.delete: the top-level code Transparency (x, then y)
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        screen.code_tree.select_code(app.project.code("Transparency").id)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        if expected_allowed("code.delete", role, True, False):
            await pilot.press("y")
            await pilot.pause()
        # code.merge: M on Representation/Seat allocation offers the targets, or says why not
        screen.code_tree.select_code(app.project.code("Representation/Seat allocation").id)
        await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
        merge_offered.append(not isinstance(app.screen, CodebookScreen))
        if merge_offered[-1]:
            await pilot.press("escape")
            await pilot.pause()
        # agreement.read
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        assert isinstance(app.screen, AgreementScreen) == expected_allowed(
            "agreement.read", role, True, False
        )
        await pilot.press("f2")
        await pilot.pause()
        # blind.set (a signed-in session's palette entry)
        if user is not None:
            await app.run_action("lift_blind")
            await pilot.pause()
        # memo.edit: m where no coding is, on NGO01, edits one's own memo
        app.open_document(app.project.document("NGO01").id)
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("m")
        await pilot.pause()
        if expected_allowed("memo.edit", role, True, False) and role != "local":
            await pilot.press("end", *" (read again)", "ctrl+s")
            await pilot.pause()
        else:
            await pilot.press("escape")
            await pilot.pause()
        # document.done: d marks NGO01 done (or not done) for oneself
        await pilot.press("d")
        await pilot.pause()

    said = run_as(path, user, script)
    added = read(path, "SELECT 1 FROM codes WHERE name = 'Youth councils'")
    deleted = not read(path, "SELECT 1 FROM codes WHERE name = 'Transparency'")
    for op, done in (("codebook.edit", bool(added)), ("code.delete", deleted)):
        if expected_allowed(op, role, True, False):
            assert done, (op, said)
        else:
            assert not done and refusals[op] in said, (op, said)
    assert merge_offered == [expected_allowed("code.merge", role, True, False)], said
    if not merge_offered[0]:
        assert refusals["code.merge"] in said
    me = team.whose(role, True)
    done = read(
        path,
        "SELECT s.done FROM document_status s JOIN coders k ON k.id = s.coder_id "
        "JOIN documents d ON d.id = s.document_id WHERE k.name = ? AND d.name = 'NGO01'",
        me,
    )
    was_done = me in ("ana", "ben")  # the team marked NGO01 done for its two coders
    if expected_allowed("document.done", role, True, False):
        assert done == [(int(not was_done),)], (done, said)
    else:
        assert done in ([], [(int(was_done),)]), (done, said)
    if not expected_allowed("agreement.read", role, True, False):
        assert refusals["agreement.read"] in said
    if user is not None and not expected_allowed("blind.set", role, True, False):
        assert refusals["blind.set"] in said
    [(text,)] = read(path, "SELECT text FROM memos WHERE id = ?", own_memo)
    if role in ("lead", "coder"):
        assert text.endswith("(read again)") and "Memo saved" in said
    else:
        assert "(read again)" not in text


def test_the_delete_question_counts_every_coders_work_even_hidden(team: Team) -> None:
    """The issue's reproduction: the question counted only the asker's own codings under
    blind coding. The lead (here in blind mode by choice) is told of everyone's."""
    path = team.copy("app-count", blind=True)
    questions: list[str] = []

    async def script(app: WorkbenchApp, pilot) -> None:
        await pilot.press("ctrl+b")  # the lead hides the others' work on screen
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        app.screen.code_tree.select_code(app.project.code("Representation").id)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        questions.append(str(app.screen.query_one("Label").render()))
        await pilot.press("n")

    run_as(path, "rosa", script)
    [question] = questions
    # four people's codings of Representation/Selecting representatives, and james's none
    assert "4 codings (ana 1, ben 1, rosa 1, vera 1)" in question
    assert "3 of them are other coders', hidden by blind mode" in question
    with Project.open(path) as p:
        assert blind_coding(p)


def count(path_or_conn, sql: str, *args) -> int:
    """One number from the database: a closed file by path, or the running app's connection."""
    if isinstance(path_or_conn, Path):
        [(n,)] = read(path_or_conn, sql, *args)
    else:
        [(n,)] = path_or_conn.execute(sql, args).fetchall()
    return int(n)


CODINGS_OF = (
    "SELECT count(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
    "JOIN documents d ON d.id = c.document_id WHERE k.name = ? AND d.name = ?"
)
FAVOURITES = (
    "SELECT count(*) FROM coder_favourites f JOIN coders k ON k.id = f.coder_id WHERE k.name = ?"
)
CONSENSUS = (
    "SELECT count(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = 'consensus'"
)


@pytest.mark.parametrize("role", ROLES)
def test_every_other_app_operation_for_every_role(team: Team, role: str) -> None:
    """The coding screen's, suggestion screen's and reconciliation's keys, one run per role:
    reconcile (r on the agreement screen, then a), suggest.decide (X), memo.delete (m, the
    text cleared), memo.reply (m again), coder.state (+ pins a code to key 1), coding.apply
    (s then a and a code's name; s then 1), history.undo (u twice), memo.add (m where one has
    no memo), codebook.edit with coding.apply (v, in vivo), coding.edit (x on one's coding;
    x again where only another's is), documents.edit (E), suggest.decide again (a on the
    suggestions screen), suggest.run (R), suggest.train (T).
    The project is read afterwards (and once mid-run, for the apply before its undo)."""
    path = team.copy(f"app2-{role}")
    user = ACTORS[role]
    me = team.whose(role, True)
    ops = (
        "suggest.decide",
        "memo.reply",
        "coder.state",
        "suggest.train",
        "documents.edit",
        "codebook.edit",
        "memo.delete",
        "coding.apply",
        "history.undo",
        "memo.add",
        "coding.edit",
        "suggest.run",
        "reconcile",
        "agreement.read",
    )
    allowed = {op: expected_allowed(op, role, True, False) for op in ops}
    refusals = {
        op: core_refusal(team, op, role, True, False, f"app2-core-{op}-{role}")
        for op in ops
        if not allowed[op]
    }
    assert None not in refusals.values(), refusals  # the core refuses what the table forbids
    if not allowed["agreement.read"]:  # no agreement screen: its refusal is all one sees
        refusals.pop("reconcile")
    if role == "reviewer":  # the session is read-only: every write key says so, by name
        line = f"Read-only: {user} (reviewer) reads and changes nothing"
        refusals.update({op: line for op in refusals if op != "agreement.read"})
    reached: list[str] = []  # the reconciliation screen, when the agreement screen opened
    applied: list[int] = []  # my codings of NGO01 right after the apply key, before the undo

    async def script(app: WorkbenchApp, pilot) -> None:
        # reconcile (first: before one's own coding goes): r on the agreement screen walks
        # the disagreements, a keeps A's coding
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        if isinstance(app.screen, AgreementScreen):
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ReconcileScreen), (app.screen, app.screen.error)
            reached.append("reconcile")
            await pilot.press("a")
            await pilot.pause()
        # suggest.decide: X on the suggestions at the start of NGO01 (a choice when several)
        app.open_document(app.project.document("NGO01").id, select=(0, 1))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        await pilot.press("X")
        await pilot.pause()
        if not isinstance(app.screen, CodingScreen):  # which suggestion: the first
            await pilot.press("enter")
            await pilot.pause()
        # memo.delete: m where no coding is, then the whole text taken out, ctrl+s
        screen.view.move_to(0)
        await pilot.press("m")
        await pilot.pause()
        if not isinstance(app.screen, CodingScreen):
            app.screen.query_one(TextArea).text = ""
            await pilot.press("ctrl+s")
            await pilot.pause()
        # memo.reply: m again, one's memo gone: the answer to the newest other person's memo
        await pilot.press("m")
        await pilot.pause()
        if not isinstance(app.screen, CodingScreen):
            await pilot.press(*"I read it differently", "ctrl+s")
            await pilot.pause()
        # coder.state: + pins the highlighted code to a key (1, the first offered)
        screen.code_tree.select_code(app.project.code("Transparency/Access to information").id)
        await pilot.pause()
        await pilot.press("plus")
        await pilot.pause()
        if not isinstance(app.screen, CodingScreen):
            await pilot.press("enter")
            await pilot.pause()
        screen.view.focus()
        # coding.apply: s selects the sentence, a asks for the code; then s and the code's
        # key 1; the undo key takes both back
        screen.view.move_to(0)
        await pilot.press("s", "a")
        await pilot.pause()
        if not isinstance(app.screen, CodingScreen):
            await pilot.press(*"Access to information", "enter")
            await pilot.pause()
        applied.append(count(app.project.conn, CODINGS_OF, me, "NGO01"))
        screen.view.move_to(len(screen.view.text) - 2)
        await pilot.press("s", "1")
        await pilot.pause()
        applied.append(count(app.project.conn, CODINGS_OF, me, "NGO01"))
        await pilot.press("u", "u")
        await pilot.pause()
        # memo.add: m on DRS01 where no coding is (nobody's memo there yet)
        app.open_document(app.project.document("DRS01").id, select=(0, 1))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert not screen.view.spans_here()
        await pilot.press("m")
        await pilot.pause()
        if not isinstance(app.screen, CodingScreen):
            await pilot.press(*"first reading", "ctrl+s")
            await pilot.pause()
        # coding.apply with codebook.edit: v makes a code of the selected words and applies it
        await pilot.press("s", "v")
        await pilot.pause()
        if not isinstance(app.screen, CodingScreen):
            await pilot.press("enter")
            await pilot.pause()
        # coding.edit: x on the passage every person coded removes one's own coding
        text = app.project.text(app.project.document("DRS01").id)
        screen.view.move_to(text.index("Each network chose") + 2)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("x")  # again: ben's coding is there, and not one's own
        await pilot.pause()
        # documents.edit: E corrects the selected text (the lead's alone)
        screen.view.select(0, 5)
        await pilot.press("E")
        await pilot.pause()
        if not isinstance(app.screen, CodingScreen):
            app.screen.query_one(TextArea).text = "Corrected"
            await pilot.press("ctrl+s")
            await pilot.pause()
        # suggest.run: R on the suggestions screen (a worker)
        await app.run_action("analysis('suggestions')")
        await pilot.pause()
        assert isinstance(app.screen, SuggestionsScreen)
        await pilot.press("a")  # suggest.decide here: accept the first in the queue
        await pilot.pause()
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # suggest.train: T retrains the model on the decisions (a worker)
        await pilot.press("T")
        await app.workers.wait_for_complete()
        await pilot.pause()

    said = run_as(path, user, script)
    for op, line in refusals.items():
        assert any(line in message for message in said), (op, line, said)
    if role == "reviewer":  # X, m, m, +, a, 1, u, u, m, v, x, x, E, a, R, T, a: each refused
        assert said.count(refusals["coding.apply"]) == 17, said
    before = count(team.template, CODINGS_OF, me, "NGO01")
    decided = count(path, "SELECT count(*) FROM suggestions WHERE status = 'rejected'")
    assert decided == int(allowed["suggest.decide"]), (decided, said)
    accepted = count(path, "SELECT count(*) FROM suggestions WHERE status = 'accepted'")
    # nobody signed in sees only the team's suggestion, which X has rejected: an empty queue
    queued = "No open suggestion here" not in said
    assert queued == (role != "local"), said
    assert accepted == int(allowed["suggest.decide"] and queued), (accepted, said)
    memos_ngo = read(path, "SELECT 1 FROM memos WHERE id = ?", team.memo[me])
    assert (memos_ngo == []) == allowed["memo.delete"], said
    step = int(allowed["coding.apply"])
    assert applied == [before + step, before + 2 * step], (applied, before, said)
    assert count(path, CODINGS_OF, me, "NGO01") == before + accepted, said
    assert sum(m.startswith("Undone: ") for m in said) == 2 * allowed["history.undo"], said
    replied = read(
        path,
        "SELECT m.reply_to FROM memos m JOIN coders k ON k.id = m.coder_id "
        "WHERE k.name = ? AND m.text = 'I read it differently'",
        me,
    )
    assert (replied != [] and None not in replied[0]) == allowed["memo.reply"], said
    pinned = count(path, FAVOURITES, me)
    assert (pinned > count(team.template, FAVOURITES, me)) == allowed["coder.state"], said
    added = count(
        path,
        "SELECT count(*) FROM memos m JOIN coders k ON k.id = m.coder_id "
        "JOIN documents d ON d.id = m.target_id WHERE m.target_type = 'document' "
        "AND d.name = 'DRS01' AND k.name = ? AND m.text = 'first reading'",
        me,
    )
    assert added == int(allowed["memo.add"]), said
    kept = read(path, "SELECT 1 FROM codings WHERE id = ?", team.coding[me])
    assert (kept == []) == allowed["coding.edit"], said
    assert read(path, "SELECT 1 FROM codings WHERE id = ?", team.coding[OTHER]), said
    if role != "reviewer":  # x offers one's own codings only, whoever one is
        assert "No coding of yours here" in said
    codes = "SELECT count(*) FROM codes"
    in_vivo = count(path, codes) == count(team.template, codes) + 1
    assert in_vivo == allowed["codebook.edit"], said
    with Project.open(path, create=False) as p, Project.open(team.template) as was:
        corrected = p.text(p.document("DRS01").id) != was.text(was.document("DRS01").id)
    assert corrected == allowed["documents.edit"], said
    trained = any(m.startswith("Model retrained") for m in said)
    assert trained == allowed["suggest.train"], said
    assert any(m.startswith("Suggesters ran") for m in said) == allowed["suggest.run"], said
    assert (reached == ["reconcile"]) == allowed["agreement.read"], said
    reconciled = count(path, CONSENSUS)
    assert (reconciled > 0) == allowed["reconcile"], (reconciled, said)
