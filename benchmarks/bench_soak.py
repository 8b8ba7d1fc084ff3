"""Soak: an app-like writer, two command-line writers and a reader share one project while
processes are killed with SIGKILL at random moments and backups are taken.

Each round:

- the *app-like writer* is one process that keeps its connection open for the whole round
  (interactive busy timeout), opens and closes a second connection now and then as the app's
  workers do, and prints ``confirmed N`` after each coding it applied;
- two *command-line writers* run ``workbench code apply`` one after another; a coding counts
  as confirmed when the command exited 0;
- a *reader* runs ``workbench codings --format csv`` and ``workbench check`` in a loop;
- this script keeps a connection of its own open and takes a backup through it mid-round;
- at a random moment one of the writers (the app-like process or a running command) is
  killed with SIGKILL.

After every round every confirmed coding must be in the project, ``check`` must pass on the
project and on the round's backup, and the reader must never have failed. The script prints
rounds, writes, kills and losses (the goal: zero losses). It is not part of CI.

    python benchmarks/bench_soak.py                 # 10 rounds
    python benchmarks/bench_soak.py --rounds 3 --seed 7
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench.ops.backup import backup_project  # noqa: E402
from workbench.ops.check import check_project  # noqa: E402
from workbench.store.project import Project  # noqa: E402

DOC_CHARS = 30_000
APP = textwrap.dedent("""
    import random, sys, time
    from workbench.ops.coding import apply_code
    from workbench.store.connection import INTERACTIVE_BUSY_TIMEOUT
    from workbench.store.project import Project
    path, coder, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    project = Project.open(path, busy_timeout=INTERACTIVE_BUSY_TIMEOUT)
    for i in range(count):
        if i % 4 == 0:
            Project.open(path).close()  # a worker's own connection, opened and closed
        apply_code(project, "interview", "Soak", i, i + 7, coder=coder)
        print(f"confirmed {i}", flush=True)
        time.sleep(rng.uniform(0, 0.03))
    project.close()
""")


def workbench(path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "workbench", "-p", str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


class Round:
    """One round's processes, what each confirmed, and what went wrong."""

    def __init__(
        self, path: Path, number: int, rng: random.Random, app_writes: int, cli_writes: int
    ):
        self.path, self.number, self.rng = path, number, rng
        self.app_writes, self.cli_writes = app_writes, cli_writes
        self.confirmed: set[tuple[str, int]] = set()
        self.lock = threading.Lock()
        self.running: dict[str, subprocess.Popen | None] = {}
        self.stop = threading.Event()
        self.reader_failures: list[str] = []
        self.kills = 0
        self.killed: set[str] = set()

    def coder(self, who: str) -> str:
        return f"{who}-r{self.number}"

    def app(self) -> None:
        coder = self.coder("app")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                APP,
                str(self.path),
                coder,
                str(self.app_writes),
                str(self.rng.randrange(1 << 30)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        self.running["app"] = proc
        for line in proc.stdout:
            if line.startswith("confirmed"):
                with self.lock:
                    self.confirmed.add((coder, int(line.split()[1])))
        proc.wait()
        if proc.returncode not in (0, -signal.SIGKILL):
            self.reader_failures.append(f"app-like writer failed: {proc.stderr.read()[-300:]}")

    def cli_writer(self, name: str) -> None:
        coder = self.coder(name)
        for i in range(self.cli_writes):
            proc = workbench(
                self.path,
                "code",
                "apply",
                "--doc",
                "interview",
                "--code",
                "Soak",
                "--start",
                str(i),
                "--end",
                str(i + 7),
                "--coder",
                coder,
            )
            self.running[name] = proc
            out, err = proc.communicate()
            if proc.returncode == 0 and out.startswith("coding "):
                with self.lock:
                    self.confirmed.add((coder, i))
            elif proc.returncode != -signal.SIGKILL:
                self.reader_failures.append(f"{name} failed: {err.strip()[-300:]}")
        self.running[name] = None

    def reader(self) -> None:
        while not self.stop.is_set():
            for args in (("codings", "--format", "csv"), ("check",)):
                proc = workbench(self.path, *args)
                out, err = proc.communicate()
                if proc.returncode != 0:
                    self.reader_failures.append(f"{' '.join(args)}: {(err or out)[-300:]}")

    def killer(self) -> None:
        time.sleep(self.rng.uniform(0.3, 2.5))
        victims = [n for n, p in self.running.items() if p is not None and p.poll() is None]
        if not victims:
            return
        name = self.rng.choice(victims)
        proc = self.running[name]
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        self.kills += 1
        self.killed.add(name)

    def run(self, keeper: Project, backups: Path) -> tuple[int, int, list[str]]:
        writers = [
            threading.Thread(target=self.app),
            threading.Thread(target=self.cli_writer, args=("cli1",)),
            threading.Thread(target=self.cli_writer, args=("cli2",)),
        ]
        reader = threading.Thread(target=self.reader)
        killer = threading.Thread(target=self.killer)
        for t in (*writers, reader, killer):
            t.start()
        time.sleep(self.rng.uniform(0.2, 1.5))
        backup = backup_project(keeper, backups / f"round-{self.number}.db")
        for t in writers:
            t.join()
        killer.join()
        self.stop.set()
        reader.join()
        problems = list(self.reader_failures)
        with Project.open(self.path, create=False) as fresh:
            present = {
                (c, s)
                for c, s in fresh.conn.execute(
                    "SELECT coders.name, start FROM codings JOIN coders ON coders.id = coder_id "
                    "WHERE coders.name LIKE ?",
                    (f"%-r{self.number}",),
                )
            }
            report = check_project(fresh)
            problems += [f"check: {p}" for p in report.problems]
        with Project.open(backup, create=False, read_only=True) as saved:
            problems += [f"backup check: {p}" for p in check_project(saved).problems]
        lost = self.confirmed - present
        problems += [f"lost {c} at {s}" for c, s in sorted(lost)[:5]]
        return len(self.confirmed), len(lost), problems


def setup(path: Path) -> None:
    from workbench.ingest.base import ParsedTranscript
    from workbench.ops.codes import add_code
    from workbench.ops.documents import add_document

    words = "the council met every month and the budget came late so members could not read"
    text = ""
    while len(text) < DOC_CHARS:
        text += words + ". "
    with Project.open(path) as p:
        add_document(p, ParsedTranscript(text), name="interview")
        add_code(p, "Soak")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--app-writes", type=int, default=60)
    parser.add_argument("--cli-writes", type=int, default=6)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    writes = kills = losses = 0
    failed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "soak.db"
        setup(path)
        backups = Path(tmp) / "backups"
        backups.mkdir()
        with Project.open(path) as keeper:  # this script's own long-lived connection
            for number in range(1, args.rounds + 1):
                r = Round(path, number, rng, args.app_writes, args.cli_writes)
                confirmed, lost, problems = r.run(keeper, backups)
                writes += confirmed
                kills += r.kills
                losses += lost
                failed += [f"round {number}: {p}" for p in problems]
                print(
                    f"round {number}: {confirmed} confirmed writes, killed "
                    f"{', '.join(sorted(r.killed)) or 'nothing'}, {lost} lost, "
                    f"{len(problems)} problem(s)",
                    flush=True,
                )
    for line in failed[:20]:
        print(line)
    print(
        f"rounds {args.rounds}  writes {writes}  kills {kills}  losses {losses}  "
        f"problems {len(failed)}  ({time.perf_counter() - started:.0f} s)"
    )
    sys.exit(1 if losses or failed else 0)


if __name__ == "__main__":
    main()
