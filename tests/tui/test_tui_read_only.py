"""A read-only project: every key of every screen, and an error nobody foresaw.

The walk presses every binding of every screen (and of the dialogs reached from them) in a
project opened read-only, and asserts that nothing raised, the app kept running, no dialog
of a writing action opened (each said "Read-only" instead), and the file did not change.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input
from tui_helpers import build_project
from tui_pilot import recorded

from workbench.i18n import _
from workbench.ops.coding import apply_code, mark_done
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.tui.action_table import WRITES
from workbench.tui.actions import actions_in
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.agreement import AgreementScreen, ReconcileScreen
from workbench.tui.screens.codebook import CodebookScreen
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.cooccurrence import CooccurrenceScreen, QuotationsModal
from workbench.tui.screens.documents import DocumentsScreen
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.search import SearchScreen
from workbench.tui.screens.segments import SegmentsScreen
from workbench.tui.screens.suggestions import SuggestionsScreen


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """The test project with both coders done on DRS01 and disagreeing: every screen has
    something to show (agreement, reconciliation, co-occurrence)."""
    path = build_project(tmp_path / "read-only.db")
    with Project.open(path) as project:
        text = project.text(project.document("DRS01").id)
        start = text.index("The budget stayed")
        apply_code(
            project,
            "DRS01",
            "Decentralization/Transfer of powers",
            start,
            start + 30,
            coder="maria",
        )
        apply_code(
            project,
            "DRS01",
            "Decentralization/Budget execution",
            start + 20,
            start + 80,
            coder="maria",
        )
        for coder in ("maria", "james"):
            mark_done(project, "DRS01", coder)
    return path


def fingerprint(path: Path) -> str:
    """Every row of every table, read through a plain read-only connection."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in sorted(tables):
            for row in con.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr((table, row)).encode())
        return digest.hexdigest()
    finally:
        con.close()


def run_read_only(
    path: Path, script: Callable[..., Awaitable[None]], size=(120, 40)
) -> WorkbenchApp:
    apps: list[WorkbenchApp] = []

    async def main() -> None:
        with Project.open(path, create=False, read_only=True) as project:
            app = WorkbenchApp(project, coder="maria")
            apps.append(app)
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                await script(app, pilot)

    asyncio.run(main())
    return apps[0]


async def _to(app: WorkbenchApp, pilot, kind: str) -> None:
    """Go to the screen ``kind`` from wherever the app is."""
    while isinstance(app.screen, ModalScreen):
        app.pop_screen()
        await pilot.pause()
    app.blind = False  # ctrl+b was walked too
    app.action_documents()
    for _attempt in range(20):
        await pilot.pause()
        if isinstance(app.screen, DocumentsScreen):
            break
    doc = app.project.document("DRS01").id
    if kind == "coding":
        app.open_document(doc)
    elif kind == "codebook":
        app.action_codebook()
    elif kind == "search":
        app.action_search()
        await pilot.pause()
        app.screen.run_search("budget")
    elif kind == "segments":
        app.push_screen(SegmentsScreen(app.project.code("Decentralization/Budget execution")))
    elif kind in ("cooccurrence", "quotations"):
        app.action_analysis("cooccurrence")
        if kind == "quotations":
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            focus_default(app)
            await pilot.press("enter")
    elif kind in ("agreement", "reconcile"):
        app.action_analysis("agreement")
        if kind == "reconcile":
            await pilot.pause()
            assert isinstance(app.screen, AgreementScreen), app.screen
            app.screen.action_reconcile()
            await pilot.pause()
            assert isinstance(app.screen, ReconcileScreen), (app.screen.error, app.coder, app.blind)
    elif kind == "suggestions":
        app.action_analysis("suggestions")
    elif kind == "help":
        await pilot.press("f1")
    await pilot.pause()
    focus_default(app)


def focus_default(app: WorkbenchApp) -> None:
    """The widget a person starts from: the transcript, else the screen's table."""
    screen = app.screen
    if isinstance(screen, CodingScreen):
        screen.view.focus()
        return
    tables = list(screen.query(DataTable))
    if tables:
        tables[0].focus()
    elif isinstance(app.focused, Input):
        screen.set_focus(None)


#: screen -> (its class, the scopes walked there). The app's own keys are the same on every
#: screen (one binding each, on the app): they are walked once, on the coding screen.
SCREENS: dict[str, tuple[type, tuple[str, ...]]] = {
    "documents": (DocumentsScreen, ("documents",)),
    "coding": (CodingScreen, ("app", "coding", "transcript")),
    "codebook": (CodebookScreen, ("codebook",)),
    "search": (SearchScreen, ("search",)),
    "segments": (SegmentsScreen, ("segments",)),
    "cooccurrence": (CooccurrenceScreen, ("cooccurrence",)),
    "quotations": (QuotationsModal, ("quotations",)),
    "agreement": (AgreementScreen, ("agreement",)),
    "reconcile": (ReconcileScreen, ("reconcile",)),
    "suggestions": (SuggestionsScreen, ("suggestions",)),
    "help": (HelpScreen, ()),
}


#: the actions that change the project, written out here rather than read from the registry,
#: so the test does not take the app's own list as its oracle
WRITING = {
    "lift-blind", "undo", "redo", "documents-done", "apply-code", "pin-favourite", "in-vivo",
    "remove-coding", "change-code", "resize-coding", "memo", "mark-done", "accept-suggestion",
    "reject-suggestion", "code-add", "code-rename", "code-move", "code-merge", "code-delete",
    "code-colour", "code-describe", "search-code-all", "keep-a", "keep-b", "keep-both",
    "keep-none", "suggestion-accept", "suggestion-reject", "suggestion-reject-code",
    "suggestion-retrain", "suggestion-run", "segment-recode", "segment-uncode", "segment-memo",
    *(f"apply-recent-{n}" for n in range(1, 10)),
}  # fmt: skip


def test_the_registry_marks_every_writing_action() -> None:
    assert set(WRITES) == WRITING


def test_every_key_of_every_screen_in_a_read_only_project(shared: Path) -> None:
    before = fingerprint(shared)
    opened: list[tuple[str, str, str]] = []
    refused: set[str] = set()
    pressed = 0

    async def script(app: WorkbenchApp, pilot) -> None:
        nonlocal pressed
        notes = recorded(app)
        for kind, (screen_type, scopes) in SCREENS.items():
            await _to(app, pilot, kind)
            assert isinstance(app.screen, screen_type), (kind, app.screen)
            for action in actions_in(*scopes):
                if not action.keys or action.id == "quit":
                    continue
                if not isinstance(app.screen, screen_type):
                    await _to(app, pilot, kind)
                notes.clear()
                await pilot.press(action.keys.split(",")[0])
                await pilot.pause()
                pressed += 1
                top = app.screen
                if isinstance(top, ModalScreen) and not isinstance(top, screen_type):
                    opened.append((kind, action.id, type(top).__name__))
                # in the language spoken then: ctrl+l (an app key, walked too) switches it
                refusal = _("Read-only: this project is open for reading; nothing can be changed")
                if action.id in WRITING and refusal in notes:
                    refused.add(action.id)
                if isinstance(top, ModalScreen) and not isinstance(top, screen_type):
                    await _to(app, pilot, kind)
                else:
                    focus_default(app)
        assert app.is_running and app.return_code is None

    run_read_only(shared, script)
    assert pressed > 100
    writing = [o for o in opened if o[1] in WRITING]
    assert writing == [], writing  # no dialog of a writing action opened
    assert {w for w in WRITING if BY_KEYS.get(w)} <= refused  # each said why
    assert fingerprint(shared) == before


BY_KEYS = {a.id: a.keys for a in actions_in(*{s for _, ss in SCREENS.values() for s in ss})}


def test_switch_coder_and_agreement_unit_do_not_end_the_app(shared: Path) -> None:
    """The two crashes of the issue: ctrl+k, Up, Enter; ``t`` on the agreement screen."""
    before = fingerprint(shared)

    async def script(app: WorkbenchApp, pilot) -> None:
        notes = recorded(app)
        await pilot.press("ctrl+k", "up", "enter")
        await pilot.pause()
        assert app.coder == "james"  # a coder the project knows: shown, not written
        await pilot.press("ctrl+k", *"newcomer", "enter")
        await pilot.pause()
        assert app.coder == "james" and any("newcomer has not coded" in n for n in notes)
        app.action_analysis("agreement")
        await pilot.pause()
        unit = app.screen.unit
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.unit != unit
        for key in ("m", "v", "a"):
            await _to(app, pilot, "coding")
            await pilot.press("s", key)
            await pilot.pause()
            assert isinstance(app.screen, CodingScreen), key
        await _to(app, pilot, "codebook")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        assert app.is_running

    run_read_only(shared, script)
    assert fingerprint(shared) == before


def test_an_unexpected_error_writes_a_crash_file_without_interview_text(
    shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    secret = "The budget stayed in Lima for two years."

    def broken(self) -> None:
        raise RuntimeError(f"something went wrong near {secret!r}")

    monkeypatch.setattr(CodingScreen, "action_toggle_panel", broken)
    apps: list[WorkbenchApp] = []

    async def script(app: WorkbenchApp, pilot) -> None:
        apps.append(app)
        app.open_document(app.project.document("DRS01").id)
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()

    with pytest.raises(RuntimeError):  # Pilot hands the error to the test, as Textual does
        run_read_only(shared, script)
    app = apps[0]
    assert app.return_code == 1
    [crash] = list((tmp_path / "cache" / "workbench" / "crashes").glob("crash-*.txt"))
    report = crash.read_text(encoding="utf-8")
    assert "builtins.RuntimeError" in report
    assert "test_tui_read_only.py" in report  # where it happened
    assert secret not in report and "Lima" not in report
    assert app.crash_message is not None and "\n" not in app.crash_message
    assert str(crash) in app.crash_message and "RuntimeError" in app.crash_message


def test_the_command_exits_1_with_one_line_after_a_crash(
    shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """``workbench tui``: the app's crash line comes out as the command's one error line."""
    import workbench.tui.app as app_module
    from workbench.cli import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def crashing_run(self: WorkbenchApp) -> None:

        try:
            raise KeyError("a passage of an interview")
        except KeyError as exc:
            self._handle_exception(exc)

    monkeypatch.setattr(app_module.WorkbenchApp, "run", crashing_run)
    monkeypatch.setattr("sys.argv", ["workbench", "--project", str(shared), "tui"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: workbench stopped on an unexpected error")
    assert "Traceback" not in err[0] and "passage" not in err[0]
    with pytest.raises(WorkbenchError):
        app_module.run(str(shared))
