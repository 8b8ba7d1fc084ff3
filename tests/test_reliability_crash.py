"""More kills mid-write: loading codebooks and merging coders' projects are all-or-nothing.

A child process repeats a bulk action (a codebook load, a merge) and prints a line after each
one returns; the test kills it with SIGKILL after a few confirmations, while the next action
is under way. The project must then pass ``check``, hold every confirmed action, and hold each
action whole or not at all.

The real commands get the same treatment: ``workbench codings import`` of a large CSV and
``workbench import`` of many files are killed while their one transaction is being written
(the write-ahead log is growing), and must leave all of the import or none of it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

from tests.core_helpers import INTERVIEW, add_interview
from tests.process_helpers import kill_after, spawn
from workbench.ops import codes
from workbench.ops.backup import backup_project
from workbench.ops.check import check_project
from workbench.ops.codes import add_code
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent
BOOK_CODES = 600  # codes per codebook: one group and its subcodes
MERGE_CODINGS = 3000  # codings per merged project

CODEBOOK_LOOP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from workbench.ops.codebook import load_codebook
    from workbench.store.project import Project
    project = Project.open(sys.argv[1])
    folder, per_book = Path(sys.argv[2]), int(sys.argv[3])
    for i in range(1000):
        book = folder / f"book{i}.yaml"
        lines = ["codes:", f"  - name: Book {i}", "    codes:"]
        lines += [f"      - name: Code {j}" for j in range(per_book - 1)]
        book.write_text("\\n".join(lines) + "\\n")
        load_codebook(project, book)
        print(f"confirmed {i + 1}", flush=True)
""")

MERGE_LOOP = textwrap.dedent("""
    import sys
    from workbench.ops.merge import merge
    from workbench.store.project import Project
    project = Project.open(sys.argv[1])
    for i, other in enumerate(sys.argv[2:]):
        merge(project, other)
        print(f"confirmed {i + 1}", flush=True)
""")


def test_kill_during_codebook_loads_keeps_whole_codebooks(tmp_path):
    path = tmp_path / "p.db"
    Project.open(path).close()
    proc = spawn(CODEBOOK_LOOP, path, tmp_path, BOOK_CODES)
    confirmed = kill_after(proc, 3)
    with Project.open(path) as p:
        assert check_project(p).ok
        groups = [c for c in p.codes() if c.parent_id is None]
        assert len(groups) >= confirmed
        for group in groups:  # every loaded book is complete
            children = p.conn.execute(
                "SELECT count(*) FROM codes WHERE parent_id = ?", (group.id,)
            ).fetchone()[0]
            assert children == BOOK_CODES - 1, group.name
        loads = p.conn.execute("SELECT count(*) FROM actions WHERE kind = 'codebook'")
        assert loads.fetchone()[0] == len(groups)
        assert p.undo() is not None  # the log of a killed session still undoes
        assert len([c for c in p.codes() if c.parent_id is None]) == len(groups) - 1


def coder_copy(base: Path, target: Path, coder: str, count: int) -> Path:
    """A copy of ``base`` with ``count`` codings by ``coder`` (distinct spans up to 4,800)."""
    with Project.open(base) as p:
        backup_project(p, target)
    with Project.open(target) as p:
        doc = p.document("rosa")
        # 4,800 distinct spans per code; more codings take more codes (one per span and code)
        code_ids = [p.code("A").id] + [
            add_code(p, f"A/{n}").id for n in range(1, count // 4800 + 1)
        ]
        coder_id = p.coder_id(coder)
        with p.transaction():
            p.conn.executemany(
                'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", '
                "created_at) VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        str(uuid.uuid4()).upper(),
                        doc.id,
                        code_ids[i // 4800],
                        coder_id,
                        i % 200,
                        i % 200 + 1 + (i // 200) % 24,
                        "2024-06-01T00:00:00.000+00:00",
                    )
                    for i in range(count)
                ],
            )
    return target


def test_kill_during_merges_keeps_whole_merges(tmp_path):
    base = tmp_path / "p.db"
    with Project.open(base) as p:
        add_interview(p)
        codes.add_code(p, "A")
    coders = [f"coder{i}" for i in range(6)]
    others = [coder_copy(base, tmp_path / f"{c}.db", c, MERGE_CODINGS) for c in coders]
    proc = spawn(MERGE_LOOP, base, *others)
    confirmed = kill_after(proc, 2)
    with Project.open(base) as p:
        assert check_project(p).ok
        counts = dict(
            p.conn.execute(
                "SELECT coders.name, count(*) FROM codings JOIN coders ON coders.id = coder_id "
                "GROUP BY coders.name"
            )
        )
        assert set(counts.values()) <= {MERGE_CODINGS}, counts  # each merge whole or absent
        assert len(counts) >= confirmed
        assert list(counts) == coders[: len(counts)]  # merged in order, none skipped
        merges = p.conn.execute("SELECT count(*) FROM actions WHERE kind = 'merge'")
        assert merges.fetchone()[0] == len(counts)


def test_kill_during_backup_leaves_no_half_backup(tmp_path):
    """A backup is written beside its destination and renamed when complete."""
    base = tmp_path / "p.db"
    with Project.open(base) as p:
        add_interview(p)
        codes.add_code(p, "A")
    big = coder_copy(base, tmp_path / "big.db", "maria", 50_000)
    script = textwrap.dedent("""
        import sys
        from workbench.ops.backup import backup_project
        from workbench.store.project import Project
        project = Project.open(sys.argv[1])
        for i in range(1000):
            backup_project(project, f"{sys.argv[2]}{i}.db")
            print(f"confirmed {i + 1}", flush=True)
    """)
    proc = spawn(script, big, tmp_path / "copy")
    confirmed = kill_after(proc, 2)
    copies = sorted(tmp_path.glob("copy*.db"))
    assert len(copies) >= confirmed
    for copy in copies:
        with Project.open(copy, create=False) as p:
            assert check_project(p).ok
            assert len(p.codings()) == 50_000


# --------------------------------------------------------------------------- real commands

CSV_ROWS = 100_000


def run_cli(project: Path, *args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "workbench", "-p", str(project), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def kill_when_writing(proc: subprocess.Popen, project: Path, threshold: int) -> bool:
    """SIGKILL ``proc`` once the project's write-ahead log holds more than ``threshold``
    bytes, that is, in the middle of writing its transaction. False if it finished first."""
    wal = Path(f"{project}-wal")
    deadline = time.monotonic() + 60
    while proc.poll() is None:
        size = wal.stat().st_size if wal.exists() else 0
        if size > threshold or time.monotonic() > deadline:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            assert size > threshold, "the command never started writing"
            return True
        time.sleep(0.002)
    assert proc.returncode == 0, proc.stderr.read()
    return False


def small_project(path: Path) -> Path:
    with Project.open(path) as p:
        add_interview(p)
        codes.add_code(p, "A")
    assert not Path(f"{path}-wal").exists()  # closed cleanly: a growing log means writing
    return path


def test_kill_during_codings_import_command_keeps_all_or_none(tmp_path):
    pristine = small_project(tmp_path / "pristine.db")
    big = tmp_path / "big.csv"
    width = len(INTERVIEW) - 20
    lines = ["document,code,coder,start,end"]
    lines += [
        f"rosa,A,coder{i // width},{i % width},{i % width + 1 + i % 7}" for i in range(CSV_ROWS)
    ]  # all distinct: every row is a new coding
    big.write_text("\n".join(lines) + "\n")
    outcomes = []
    for threshold in (64_000, 4_000_000):  # just after the CSV is read; well into the writes
        path = tmp_path / f"p{threshold}.db"
        shutil.copy(pristine, path)
        killed = kill_when_writing(run_cli(path, "codings", "import", big), path, threshold)
        with Project.open(path, create=False) as p:
            assert check_project(p).ok, check_project(p).problems[:3]
            n = len(p.codings())
            imports = p.conn.execute(
                "SELECT count(*) FROM actions WHERE kind = 'import-codings'"
            ).fetchone()[0]
        assert (n, imports) in {(0, 0), (CSV_ROWS, 1)}, (threshold, n, imports)
        outcomes.append((killed, n))
    assert (True, 0) in outcomes  # a kill did land mid-import, and left nothing of it


def test_kill_during_import_of_many_files_keeps_all_or_none(tmp_path):
    pristine = small_project(tmp_path / "pristine.db")
    files = []
    for i in range(40):
        turns = [
            f"{'Interviewer' if j % 2 == 0 else f'P{i}'}: "
            + " ".join(
                f"Sentence {k} of turn {j} in interview {i} is about councils and budgets."
                for k in range(10)
            )
            for j in range(60)
        ]
        files.append(tmp_path / f"f{i:02d}.txt")
        files[-1].write_text("\n\n".join(turns) + "\n")
    names = {f.stem for f in files}
    outcomes = []
    for threshold in (64_000, 1_500_000):
        path = tmp_path / f"p{threshold}.db"
        shutil.copy(pristine, path)
        killed = kill_when_writing(run_cli(path, "import", *files), path, threshold)
        with Project.open(path, create=False) as p:
            assert check_project(p).ok, check_project(p).problems[:3]
            docs = {d.name for d in p.documents()}
            assert docs in ({"rosa"}, {"rosa"} | names), (threshold, len(docs))
            for doc in p.documents():
                assert p.units(doc.id, "sentence") and p.turns(doc.id), doc.name
        outcomes.append((killed, len(docs)))
    assert (True, 1) in outcomes  # a kill did land mid-import, and left nothing of it
    # the killed session leaves no lock or debris: the same import then runs to the end
    path = tmp_path / f"p{threshold}.db"
    if docs == {"rosa"}:
        done = subprocess.run(
            [sys.executable, "-m", "workbench", "-p", str(path), "import", *map(str, files)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert done.returncode == 0, done.stderr
    with Project.open(path, create=False) as p:
        assert {d.name for d in p.documents()} == {"rosa"} | names
        assert check_project(p).ok
