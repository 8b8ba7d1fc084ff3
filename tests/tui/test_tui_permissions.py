"""The permission table through the app (Pilot): each role presses the keys of the
operations the app offers and gets the core's answer: the change made, or the core's
refusal line in a notification and nothing changed.

The session is opened as the team server opens it (``tui.app._open_for``: a reviewer's
read-only), and the person acting is the signed-in user (``TeamSession``).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))

from roles_helpers import ACTORS, ROLES, Team, build_team, core_refusal, expected_allowed  # noqa: E402
from tui_pilot import SIZE  # noqa: E402

from workbench.ops.users import blind_coding  # noqa: E402
from workbench.store.project import Project  # noqa: E402
from workbench.tui.app import WorkbenchApp, _open_for  # noqa: E402
from workbench.tui.screens.agreement import AgreementScreen  # noqa: E402
from workbench.tui.screens.codebook import CodebookScreen  # noqa: E402
from workbench.tui.screens.coding import CodingScreen  # noqa: E402
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
