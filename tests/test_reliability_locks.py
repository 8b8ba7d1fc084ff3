"""The POSIX lock hazard: nothing in workbench may open a live project file outside SQLite.

POSIX advisory locks belong to the process; closing *any* descriptor on the database file drops
every lock SQLite holds on it for the other connections of the process. Another program then
believes it is the last user, checkpoints and deletes the write-ahead log under the live
connection, and later writes vanish. The first test replays the sequence that lost codings; the
guard tests run the app and the main commands with plain file I/O on project paths made to fail
loudly.
"""

from __future__ import annotations

import builtins
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core_helpers import add_interview
from workbench.ops import codes
from workbench.ops.check import check_project
from workbench.ops.coding import apply_code
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbench", "-p", str(path), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def _spans(path: Path) -> set[tuple[int, int, str]]:
    with Project.open(path, create=False) as p:
        return {
            (s, e, c)
            for s, e, c in p.conn.execute(
                'SELECT start, "end", coders.name FROM codings JOIN coders ON coders.id = coder_id'
            )
        }


def test_a_second_open_in_the_same_process_keeps_the_first_connections_locks(tmp_path):
    path = tmp_path / "study.db"
    with Project.open(path) as setup:
        add_interview(setup)
        codes.add_code(setup, "Representation")
    confirmed: set[tuple[int, int, str]] = set()

    app = Project.open(path)  # the app's long-lived connection
    apply_code(app, "rosa", "Representation", 0, 5, coder="ana")
    confirmed.add((0, 5, "ana"))
    Project.open(path).close()  # a worker opens the project a second time and closes it
    listing = _cli(path, "codings", "--format", "csv")  # another program reads
    assert listing.returncode == 0, listing.stderr
    wal = Path(f"{path}-wal")
    assert wal.exists(), "the other program deleted the live connection's write-ahead log"
    apply_code(app, "rosa", "Representation", 6, 10, coder="ana")
    confirmed.add((6, 10, "ana"))
    cli = _cli(
        path,
        "code",
        "apply",
        "--doc",
        "rosa",
        "--code",
        "Representation",
        "--start",
        "11",
        "--end",
        "20",
        "--coder",
        "ben",
    )
    assert cli.returncode == 0, cli.stderr
    confirmed.add((11, 20, "ben"))
    apply_code(app, "rosa", "Representation", 21, 30, coder="ana")
    confirmed.add((21, 30, "ana"))
    app.close()

    assert confirmed <= _spans(path)
    with Project.open(path, create=False) as p:
        report = check_project(p)
    assert report.ok, report.problems


# --------------------------------------------------------------------------- the guard


class PlainIOOnProject(AssertionError):
    pass


@pytest.fixture
def forbid_plain_io(monkeypatch):
    """Make ``open``, ``io.open``, ``os.open``, ``Path.open/read_bytes/read_text`` fail loudly
    on project files (``*.db`` and their ``-wal``/``-shm``) while the test runs.
    """

    def is_project(file) -> bool:
        if isinstance(file, int):
            return False
        name = os.fspath(file)
        if isinstance(name, bytes):
            name = name.decode(errors="replace")
        return name.endswith((".db", ".db-wal", ".db-shm", ".db-journal"))

    def wrap(real, label):
        def guarded(file, *args, **kwargs):
            if is_project(file):
                raise PlainIOOnProject(f"{label}({file!r}) on a project file")
            return real(file, *args, **kwargs)

        return guarded

    monkeypatch.setattr(builtins, "open", wrap(builtins.open, "open"))
    monkeypatch.setattr(io, "open", wrap(io.open, "io.open"))
    monkeypatch.setattr(os, "open", wrap(os.open, "os.open"))
    for name in ("open", "read_bytes", "read_text"):
        real = getattr(Path, name)

        def method(self, *args, _real=real, _name=name, **kwargs):
            if is_project(self):
                raise PlainIOOnProject(f"Path.{_name}({str(self)!r}) on a project file")
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(Path, name, method)


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "study.db"
    with Project.open(path) as p:
        add_interview(p)
        codes.add_code(p, "Representation")
        codes.add_code(p, "Transparency")
        apply_code(p, "rosa", "Representation", 0, 5, coder="ana")
    return path


def test_the_guard_catches_a_header_read(tmp_path, forbid_plain_io):
    path = tmp_path / "x.db"
    with pytest.raises(PlainIOOnProject):
        path.read_bytes()


def test_main_commands_in_process_never_touch_the_project_file(tmp_path, forbid_plain_io):
    from click.testing import CliRunner

    from workbench.cli import cli

    path = _project(tmp_path)
    other = tmp_path / "other.db"
    transcript = tmp_path / "second.txt"
    transcript.write_text("Ana: A second interview about the budget.\n", encoding="utf-8")
    with Project.open(path) as live:  # a live connection, as the app keeps one
        runner = CliRunner()
        for args in (
            ["codings"],
            ["codings", "--format", "json"],
            ["documents"],
            ["codebook", "show"],
            [
                "code",
                "apply",
                "--doc",
                "rosa",
                "--code",
                "Transparency",
                "--start",
                "6",
                "--end",
                "9",
                "--coder",
                "ben",
            ],
            ["undo", "--coder", "ben"],
            ["redo", "--coder", "ben"],
            ["stats"],
            ["check"],
            ["backup", str(other)],
            ["merge", str(other)],
            ["restore", str(other)],
            ["cooccur"],
            ["done", "rosa", "--coder", "ana"],
            ["done", "rosa", "--coder", "ben"],
            ["agree", "--coders", "ana,ben"],
            ["import", str(transcript)],
            ["export", "qdpx", str(tmp_path / "p.qdpx")],
            ["export", "codings", str(tmp_path / "codings.csv")],
            ["codebook", "export", str(tmp_path / "book.yaml")],
            ["import-qdpx", "--merge", str(tmp_path / "p.qdpx")],
            ["suggest", "run"],
        ):
            result = runner.invoke(cli, ["-p", str(path), *args])
            assert not isinstance(result.exception, PlainIOOnProject), (args, result.exception)
            assert result.exit_code == 0, (args, result.output, result.exception)
        assert check_project(live).ok


def test_the_app_never_touches_the_project_file(tmp_path, forbid_plain_io):
    """Code a passage, run the suggesters (a worker with its own connection), write a memo."""
    import asyncio

    from workbench.tui.app import WorkbenchApp

    path = _project(tmp_path)

    async def session():
        with Project.open(path) as project:
            app = WorkbenchApp(project, coder="ana")
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                await pilot.press("enter")
                await pilot.pause()
                await pilot.press("s", "a", *"transp", "enter")
                await pilot.pause()
                app.action_analysis("suggestions")
                await pilot.pause()
                await pilot.press("R")
                await app.workers.wait_for_complete()
                await pilot.pause()
                # another program reads while the app's connection is open
                assert _cli(path, "codings", "--format", "csv").returncode == 0
                apply_code(project, "rosa", "Representation", 30, 40, coder="ana")

    asyncio.run(session())
    spans = _spans(path)
    assert any(c == "ana" and (s, e) != (0, 5) for s, e, c in spans - {(30, 40, "ana")}), spans
    assert (30, 40, "ana") in spans
    with Project.open(path, create=False) as p:
        assert check_project(p).ok


def test_a_command_on_a_busy_project_says_it_waits_then_writes(tmp_path):
    """The lock is held until the command has said it waits (however long a loaded machine
    takes to start it), then released: the command must go on and write."""
    import sqlite3
    import threading

    path = _project(tmp_path)
    blocker = sqlite3.connect(str(path), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    args = ["code", "apply", "--doc", "rosa", "--code", "Transparency"]
    args += ["--start", "6", "--end", "9", "--coder", "ben"]
    command = subprocess.Popen(
        [sys.executable, "-m", "workbench", "-p", str(path), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    said = threading.Event()
    stderr: list[str] = []

    def watch() -> None:
        assert command.stderr is not None
        for line in command.stderr:
            stderr.append(line)
            if "waiting for the project: another program is writing" in line:
                said.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        said_it = said.wait(timeout=120)
    finally:
        blocker.rollback()
        blocker.close()
    try:
        returncode = command.wait(timeout=120)
    finally:
        command.kill()
        watcher.join(timeout=10)
    assert said_it, "".join(stderr)
    assert returncode == 0, "".join(stderr)
    assert (6, 9, "ben") in _spans(path)
