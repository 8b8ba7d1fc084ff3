"""A team member's app session under ``workbench serve`` (signed in, one coder, roles, blind).

The team server starts the app with the signed-in person in the environment; here the same
session object is handed to the app directly and driven with Pilot. Changes by "other
sessions" are made through a second connection to the project file, as another app would.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui_pilot import SIZE, project_path

from workbench.ops import coding as core
from workbench.ops.users import add_user, blind_coding, list_users, set_blind_coding
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.agreement import AgreementScreen
from workbench.tui.screens.documents import DocumentsScreen
from workbench.tui.session import TeamSession, team_session

__all__ = ["project_path"]


def run_team(path: Path, team: TeamSession, script) -> None:
    """Drive the app as ``team``'s person, a user of the project with the session's role."""
    with Project.open(path) as project:
        if not any(u.name == team.user for u in list_users(project)):
            add_user(project, team.user, token=True, role=team.role)

    async def main() -> None:
        with Project.open(path) as project:
            app = WorkbenchApp(project, coder="someone else", team=team)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await script(app, pilot)

    asyncio.run(main())


def columns(app: WorkbenchApp) -> list[str]:
    table = app.screen.query_one("DataTable")
    return [str(c.label) for c in table.columns.values()]


def cell(app: WorkbenchApp, document: str, coder: str) -> str:
    table = app.screen.query_one("DataTable")
    row = [r.name for r in app.screen.rows].index(document)
    return str(table.get_row_at(row)[columns(app).index(coder)])


def test_a_signed_in_coder_codes_only_as_themselves(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        assert app.coder == "ana"  # the session's person, whatever --coder said
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert app.coder == "ana" and isinstance(app.screen, DocumentsScreen)
        app.action_analysis("agreement")  # lead only
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)

    run_team(project_path, TeamSession("ana", lead=False), script)


def test_the_lead_runs_agreement(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        app.action_analysis("agreement")
        await pilot.pause()
        assert isinstance(app.screen, AgreementScreen)

    run_team(project_path, TeamSession("lead", lead=True), script)


def test_blind_coding_holds_until_the_lead_lifts_it(project_path: Path) -> None:
    with Project.open(project_path) as p:
        set_blind_coding(p, True)
        core.mark_done(p, p.document("DRS01").id, "james", True)

    async def coder(app: WorkbenchApp, pilot) -> None:
        # james's coding and done mark exist, but maria sees only her own column
        assert app.blind and columns(app)[-1:] == ["maria"] and "james" not in columns(app)
        await pilot.press("ctrl+b")  # cannot switch blind mode off herself
        await pilot.pause()
        assert app.blind
        app.action_lift_blind()  # nor lift it for the team
        with Project.open(project_path) as other:
            assert blind_coding(other)
            # the lead lifts it from another session
            TeamSession("lead", lead=True).lift_blind(other)
        app.follow_team()
        await pilot.pause()
        assert not app.blind and "james" in columns(app)
        assert "✓" in cell(app, "DRS01", "james")

    run_team(project_path, TeamSession("maria", lead=False), coder)


def test_the_documents_screen_shows_other_sessions_done_marks(project_path: Path) -> None:
    async def script(app: WorkbenchApp, pilot) -> None:
        assert "✓" not in cell(app, "NGO01", "james")
        with Project.open(project_path) as other:  # james's session marks NGO01 done
            core.mark_done(other, other.document("NGO01").id, "james", True)
        app.follow_team()
        await pilot.pause()
        assert "✓" in cell(app, "NGO01", "james")

    run_team(project_path, TeamSession("maria", lead=False), script)


def test_undo_in_a_team_session_is_the_coders_own(project_path: Path) -> None:
    calls = []

    async def script(app: WorkbenchApp, pilot) -> None:
        def undo(coder=None, also=()):
            calls.append(("undo", coder, also))

        def redo(coder=None, also=()):
            calls.append(("redo", coder, also))

        app.project.undo, app.project.redo = undo, redo
        await pilot.press("ctrl+z", "ctrl+y")
        await pilot.pause()

    run_team(project_path, TeamSession("maria", lead=False), script)
    # a coder's own actions, and nobody else's (the lead's undo also reaches code deletions)
    assert calls == [("undo", "maria", ()), ("redo", "maria", ())]


def test_the_session_person_and_role_come_from_the_project(project_path, monkeypatch):
    with Project.open(project_path) as p:
        add_user(p, "lead", token=True, lead=True)
        add_user(p, "maria", token=True)
        assert team_session(p) is None
        monkeypatch.setenv("WORKBENCH_SESSION_USER", "lead")
        assert team_session(p) == TeamSession("lead", lead=True)
        monkeypatch.setenv("WORKBENCH_SESSION_USER", "maria")
        assert team_session(p) == TeamSession("maria", lead=False)
