"""Read-only projects: a file the user cannot write opens for reading; every write is refused.

Archived copies, read-only media and files shared read-only used to fail to open at all
("attempt to write a readonly database"). Now they open for listing, analysis and export, and a
write gives one line and changes nothing; ``--read-only`` forces the same on any file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.core_helpers import add_interview
from workbench.cli import cli
from workbench.ops import codes
from workbench.ops.check import check_project
from workbench.ops.coding import apply_code
from workbench.store.connection import READ_ONLY_MESSAGE
from workbench.store.errors import ProjectError
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent


def _project(path: Path) -> Path:
    with Project.open(path) as p:
        add_interview(p)
        codes.add_code(p, "Representation")
        apply_code(p, "rosa", "Representation", 0, 5, coder="ana")
    return path


def _count(path: Path) -> int:
    with Project.open(path, read_only=True) as p:
        return p.conn.execute("SELECT count(*) FROM codings").fetchone()[0]


def test_read_only_open_reads_and_refuses_writes_with_one_line(tmp_path):
    path = _project(tmp_path / "study.db")
    with Project.open(path, read_only=True) as p:
        assert p.read_only
        assert len(p.codings()) == 1
        assert check_project(p).ok
        with pytest.raises(ProjectError) as err:
            apply_code(p, "rosa", "Representation", 6, 9, coder="ana")
        assert READ_ONLY_MESSAGE in str(err.value) and "\n" not in str(err.value)
    assert _count(path) == 1


def test_read_only_undo_is_refused_and_changes_nothing(tmp_path):
    path = _project(tmp_path / "study.db")
    with Project.open(path, read_only=True) as p, pytest.raises(ProjectError, match="read-only"):
        p.undo("ana")
    assert _count(path) == 1


def test_the_global_option_forces_read_only(tmp_path):
    path = _project(tmp_path / "study.db")
    runner = CliRunner()
    listed = runner.invoke(cli, ["-p", str(path), "--read-only", "codings", "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    assert "Representation" in listed.output
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "-p",
            str(path),
            "--read-only",
            "code",
            "apply",
            "--doc",
            "rosa",
            "--code",
            "Representation",
            "--start",
            "6",
            "--end",
            "9",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"error: {path}: {READ_ONLY_MESSAGE}"]
    assert _count(path) == 1


def _runner_for_another_user() -> tuple[list[str], dict]:
    """How to run workbench as a user who cannot write the file.

    As a normal user that is us. Root may write anything, so as root the child runs as
    ``nobody``, with an interpreter ``nobody`` can execute (the system's one of the same
    version when ours lives in root's home) and our packages on its path.
    """
    if os.geteuid() != 0:
        return [sys.executable], {}
    site = [p for p in sys.path if p.endswith("site-packages")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), *site]), "HOME": "/tmp"}
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for exe in (sys.executable, f"/usr/bin/python{version}"):
        try:
            probe = subprocess.run(
                [exe, "-c", "import workbench.cli"],
                capture_output=True,
                user=65534,
                group=65534,
                env=env,
                cwd="/tmp",
            )
        except OSError:
            continue
        if probe.returncode == 0:
            return [exe], {"user": 65534, "group": 65534, "env": env}
    pytest.skip("no interpreter that the user 'nobody' can run")


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_a_file_the_user_cannot_write_opens_read_only(journal):
    """An archived copy in a folder nobody may write: in WAL mode SQLite cannot even make its
    shared-memory file there, and the project opens immutable."""
    # a folder of its own, not under pytest's private (0700) temporary folders
    root = Path(tempfile.mkdtemp(prefix="workbench-ro-"))
    root.chmod(0o755)
    folder = root / "archive"
    folder.mkdir()
    path = _project(folder / "study.db")
    if journal == "delete":
        with Project.open(path) as p:
            p.conn.execute("PRAGMA journal_mode = DELETE")
    assert not Path(f"{path}-shm").exists()  # closed cleanly: no -wal or -shm beside it
    path.chmod(0o444)
    folder.chmod(0o555)
    exe, extra = _runner_for_another_user()
    try:

        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [*exe, "-m", "workbench", "-p", str(path), *args],
                capture_output=True,
                text=True,
                cwd="/tmp",
                **extra,
            )

        listed = run("codings", "--format", "csv")
        assert listed.returncode == 0, listed.stderr
        assert "Representation" in listed.stdout
        checked = run("check")
        assert checked.returncode == 0, checked.stderr
        refused = run(
            "code",
            "apply",
            "--doc",
            "rosa",
            "--code",
            "Representation",
            "--start",
            "6",
            "--end",
            "9",
            "--coder",
            "ben",
        )
        assert refused.returncode == 1
        assert READ_ONLY_MESSAGE in refused.stderr and len(refused.stderr.splitlines()) == 1
        assert _count(path) == 1
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
        shutil.rmtree(root)


def test_the_app_shows_read_only_and_refuses_a_coding(tmp_path):
    import asyncio

    from workbench.tui.app import WorkbenchApp

    path = _project(tmp_path / "study.db")
    errors: list[str] = []

    async def session():
        with Project.open(path, read_only=True) as project:
            app = WorkbenchApp(project, coder="zoe")  # a coder the file does not know yet
            shown = app.notify

            def notify(message, *args, severity="information", **kwargs):
                if severity in ("error", "warning"):
                    errors.append(str(message))
                return shown(message, *args, severity=severity, **kwargs)

            app.notify = notify
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                assert "READ ONLY" in app.sub_title
                await pilot.press("enter")
                await pilot.pause()
                await pilot.press("s", "a", *"repres", "enter")
                await pilot.pause()

    asyncio.run(session())
    # refused up front, before any dialog opens, in one line
    assert errors and errors[0].startswith("Read-only: this project is open for reading")
    assert _count(path) == 1


def test_the_app_refuses_a_done_mark_with_one_line(tmp_path):
    import asyncio

    from workbench.tui.app import WorkbenchApp

    path = _project(tmp_path / "study.db")
    errors: list[str] = []

    async def session():
        with Project.open(path, read_only=True) as project:
            app = WorkbenchApp(project, coder="ana")
            shown = app.notify

            def notify(message, *args, severity="information", **kwargs):
                if severity in ("error", "warning"):
                    errors.append(str(message))
                return shown(message, *args, severity=severity, **kwargs)

            app.notify = notify
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                await pilot.press("d")  # mark the document done: a write
                await pilot.pause()
                assert app.is_running

    asyncio.run(session())
    # refused up front, before any dialog opens, in one line
    assert errors and errors[0].startswith("Read-only: this project is open for reading")
    with Project.open(path, read_only=True) as p:
        assert p.conn.execute("SELECT count(*) FROM document_status").fetchone()[0] == 0
