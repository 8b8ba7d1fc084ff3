"""Backups never overwrite what they protect; the commands work end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import file_bytes
from tests.core_helpers import add_interview
from workbench.ops import codes, coding
from workbench.ops.backup import backup_project, restore_project
from workbench.store.errors import ProjectError
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent


def seeded(path: Path) -> Path:
    with Project.open(path) as p:
        add_interview(p)
        codes.add_code(p, "A")
        coding.apply_code(p, "rosa", "A", 0, 5, coder="maria")
    return path


def test_backup_onto_the_project_itself_is_refused(tmp_path):
    path = seeded(tmp_path / "p.db")
    with Project.open(path) as p:
        with pytest.raises(ProjectError, match="the project itself"):
            backup_project(p, path, overwrite=True)
        assert len(p.codings()) == 1
    with pytest.raises(ProjectError, match="the project itself"):
        restore_project(path, path)


def test_backup_does_not_overwrite_without_force(tmp_path):
    path = seeded(tmp_path / "p.db")
    (tmp_path / "old.db").write_bytes(b"keep me")
    with Project.open(path) as p:
        with pytest.raises(ProjectError, match="exists already"):
            backup_project(p, tmp_path / "old.db")
    assert (tmp_path / "old.db").read_bytes() == b"keep me"


def workbench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True, cwd=REPO
    )


def test_backup_and_restore_commands(tmp_path):
    path = seeded(tmp_path / "p.db")
    copy = tmp_path / "copy.db"
    made = workbench("-p", str(path), "backup", str(copy))
    assert made.returncode == 0 and "backed up to" in made.stdout
    again = workbench("-p", str(path), "backup", str(copy))
    assert again.returncode == 1 and "exists already" in again.stderr
    with Project.open(path) as p:
        coding.apply_code(p, "rosa", "A", 10, 20, coder="maria")
    restored = workbench("-p", str(path), "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    with Project.open(path) as p:
        assert [(c.start, c.end) for c in p.codings()] == [(0, 5)]
    assert workbench("-p", str(path), "check").returncode == 0


def test_restore_from_a_file_that_is_not_a_project_changes_nothing(tmp_path):
    path = seeded(tmp_path / "p.db")
    before = file_bytes(path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all")
    result = workbench("-p", str(path), "restore", str(junk))
    assert result.returncode == 1 and "junk.db" in result.stderr
    assert file_bytes(path) == before
