"""Nothing confirmed is lost: kills mid-write, two writers at once, check, backup, restore."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.core_helpers import add_interview
from tests.process_helpers import kill_after, spawn
from workbench.ops import codes, coding
from workbench.ops.backup import backup_project, restore_project
from workbench.ops.check import check_project
from workbench.store.errors import ProjectError
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent

CODER_LOOP = textwrap.dedent("""
    import sys
    from workbench.store.project import Project
    from workbench.ops.coding import apply_code
    project = Project.open(sys.argv[1])
    coder, count = sys.argv[2], int(sys.argv[3])
    for i in range(count):
        start = (i * 7) % 150
        apply_code(project, "rosa", "A", start, start + 5, coder=coder)
        print(f"confirmed {i + 1}", flush=True)
""")

IMPORT_LOOP = textwrap.dedent("""
    import sys
    from workbench.store.project import Project
    from workbench.ops.documents import add_document
    from workbench.ingest.base import ParsedTranscript, ParsedTurn
    project = Project.open(sys.argv[1])
    for i in range(100000):
        text = " ".join(f"Sentence {j} of document {i} is here." for j in range(400))
        add_document(project, ParsedTranscript(text, [ParsedTurn(0, len(text), "A")]),
                     name=f"doc{i}")
        print(f"confirmed {i + 1}", flush=True)
""")


def seeded(path: Path) -> Path:
    with Project.open(path) as p:
        add_interview(p)
        codes.add_code(p, "A")
    return path


def test_kill_during_bulk_coding_keeps_every_confirmed_coding(tmp_path):
    path = seeded(tmp_path / "p.db")
    proc = spawn(CODER_LOOP, path, "maria", 100000)
    confirmed = kill_after(proc, 60)
    assert proc.returncode == -signal.SIGKILL
    with Project.open(path) as p:
        assert check_project(p).ok
        n = len(p.codings())
        assert n >= confirmed
        applies = p.conn.execute("SELECT count(*) FROM actions WHERE kind = 'apply'").fetchone()[0]
        assert applies == n  # every coding has its log entry: no half-done action


def test_kill_during_import_keeps_whole_documents_only(tmp_path):
    path = tmp_path / "p.db"
    Project.open(path).close()
    proc = spawn(IMPORT_LOOP, path)
    confirmed = kill_after(proc, 3)
    with Project.open(path) as p:
        assert check_project(p).ok
        docs = p.documents()
        assert len(docs) >= confirmed
        for doc in docs:
            assert len(p.units(doc.id, "sentence")) == 400
            assert len(p.turns(doc.id)) == 1


def test_two_writers_at_once_lose_nothing(tmp_path):
    path = seeded(tmp_path / "p.db")
    writers = [spawn(CODER_LOOP, path, name, 150) for name in ("maria", "james")]
    for proc in writers:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.splitlines()[-1] == "confirmed 150"
    with Project.open(path) as p:
        per_coder = dict(
            p.conn.execute(
                "SELECT coders.name, count(*) FROM codings JOIN coders ON coders.id = coder_id "
                "GROUP BY coders.name"
            )
        )
        assert per_coder == {"maria": 150, "james": 150}
        assert check_project(p).ok


def test_a_writer_held_too_long_gives_a_clear_message(tmp_path, monkeypatch):
    path = seeded(tmp_path / "p.db")
    monkeypatch.setattr("workbench.store.project.time.sleep", lambda s: None)
    blocker = sqlite3.connect(str(path), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with Project.open(path) as p:
            p.conn.execute("PRAGMA busy_timeout = 50")
            p.max_wait = 0.5
            with pytest.raises(ProjectError, match="busy"):
                coding.apply_code(p, "rosa", "A", 0, 5, coder="x")
    finally:
        blocker.rollback()
        blocker.close()


def test_check_finds_broken_invariants(tmp_path):
    path = seeded(tmp_path / "p.db")
    with Project.open(path) as p:
        coding.apply_code(p, "rosa", "A", 0, 5, coder="x")
        assert check_project(p).ok
        codes.add_code(p, "B/C")
        p.conn.execute('UPDATE codings SET "end" = 99999')
        p.conn.execute("UPDATE documents SET text = text || 'x'")
        b, c = p.code("B").id, p.code("B/C").id
        p.conn.execute("UPDATE codes SET parent_id = ? WHERE id = ?", (c, b))
        problems = "\n".join(check_project(p).problems)
    assert "codings 1: span [0, 99999) outside document 'rosa'" in problems
    assert "text does not match its hash" in problems
    assert "parents form a cycle" in problems


def test_check_command_exit_status(tmp_path):
    path = seeded(tmp_path / "p.db")
    ok = subprocess.run(
        [sys.executable, "-m", "workbench", "-p", str(path), "check"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert ok.returncode == 0 and ok.stdout.startswith("ok:")
    with Project.open(path) as p:
        p.conn.execute("UPDATE documents SET length = 3")
    bad = subprocess.run(
        [sys.executable, "-m", "workbench", "-p", str(path), "check"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert bad.returncode == 1 and "stored length 3" in bad.stderr


def test_backup_while_open_includes_uncheckpointed_writes_and_restore(tmp_path):
    path = seeded(tmp_path / "p.db")
    with Project.open(path) as writer:
        coding.apply_code(writer, "rosa", "A", 0, 5, coder="x")
        backup_project(writer, tmp_path / "copy.db")
        coding.apply_code(writer, "rosa", "A", 10, 15, coder="x")
    with Project.open(tmp_path / "copy.db", create=False) as copy:
        assert [(c.start, c.end) for c in copy.codings()] == [(0, 5)]
        assert check_project(copy).ok
    saved = restore_project(path, tmp_path / "copy.db")
    with Project.open(path) as p:
        assert [(c.start, c.end) for c in p.codings()] == [(0, 5)]
    with Project.open(saved) as before:
        assert len(before.codings()) == 2


def test_restore_refuses_a_damaged_backup(tmp_path):
    path = seeded(tmp_path / "p.db")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    with pytest.raises(ProjectError):
        restore_project(path, bad)
    with Project.open(path) as p:
        assert len(p.documents()) == 1
