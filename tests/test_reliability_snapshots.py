"""Every read that spans several statements sees one state of the project.

A writer commits, between any two statements of a reader, a round that adds a document, a
code and a new coder with ``PER_ROUND`` codings of that code. In every committed state each
round is whole, so a reader that sees one state finds, for every round it sees, its coder,
code and document by name and exactly ``PER_ROUND`` codings. Before read snapshots,
``workbench codings`` met codings of a coder it had no name for (``KeyError``) and reports
counted codings of codes they had not listed.

The first tests interleave the writer deterministically (after every statement the reader
runs); the last runs a writer in another process while the command line lists codings,
builds a report and draws a figure, as the issue asks.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.core_helpers import add_interview
from workbench.cli import cli
from workbench.ingest.base import ParsedTranscript
from workbench.ops.codes import add_code
from workbench.ops.coding import apply_code
from workbench.ops.documents import add_document
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent
PER_ROUND = 3

WRITER = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.test_reliability_snapshots import write_round
from workbench.store.project import Project
project = Project.open(sys.argv[1])
for n in range(1, int(sys.argv[2]) + 1):
    write_round(project, n)
    print("confirmed", n, flush=True)
"""


def write_round(project: Project, n: int) -> None:
    """Round ``n``: a document, a code and a coder, and ``PER_ROUND`` codings, all at once."""
    text = f"Ana: Round {n} starts here. The council met in round {n}. Lima decided again."
    with project.transaction():
        add_document(project, ParsedTranscript(text, []), name=f"D{n}")
        add_code(project, f"Rounds/C{n}")
        for i in range(PER_ROUND):
            apply_code(project, f"D{n}", f"Rounds/C{n}", 4 * i, 4 * i + 10, coder=f"coder{n}")


def base_project(path: Path) -> Project:
    project = Project.open(path)
    add_interview(project, "base")
    add_code(project, "Rounds")
    return project


def check_rounds(codings_by_round: dict[int, int], label: str) -> None:
    """Every round a reader saw is whole: ``PER_ROUND`` codings, never part of one."""
    assert all(n == PER_ROUND for n in codings_by_round.values()), (label, codings_by_round)


class Interleaved:
    """A connection wrapper that lets another connection commit a round after each read."""

    def __init__(self, conn: Any, path: Path, first_round: int):
        self._conn = conn
        self._writer = Project.open(path)
        self._round = first_round

    def execute(self, sql: str, *args: Any) -> Any:
        cursor = self._conn.execute(sql, *args)
        if sql.lstrip().upper().startswith("SELECT"):
            self._round += 1
            write_round(self._writer, self._round)
        return cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def close(self) -> None:
        self._writer.close()


@pytest.fixture()
def interleaved(tmp_path: Path):
    path = tmp_path / "p.db"
    project = base_project(path)
    write_round(project, 1)
    real = project.conn
    wrapper = Interleaved(real, path, first_round=1)
    project.conn = wrapper  # type: ignore[assignment]
    yield project
    project.conn = real
    wrapper.close()
    project.close()


def rounds_of(names: list[str], prefix: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for name in names:
        if name.startswith(prefix):
            n = int(name.removeprefix(prefix))
            counts[n] = counts.get(n, 0) + 1
    return counts


def test_the_codings_listing_reads_one_state(interleaved: Project) -> None:
    from workbench.ops.retrieval import iter_listing

    with interleaved.reading():  # as `workbench codings` holds it (open_project(snapshot=True))
        rows = list(iter_listing(interleaved, full_text=True))
    check_rounds(rounds_of([r["coder"] for r in rows], "coder"), "codings")
    assert {r["code"] for r in rows if r["coder"] != "ana"} == {
        f"Rounds/C{n}" for n in rounds_of([r["coder"] for r in rows], "coder")
    }


def test_the_codings_export_reads_one_state(interleaved: Project) -> None:
    from workbench.ops.codings_io import coding_rows

    rows = coding_rows(interleaved)
    check_rounds(rounds_of([str(r["coder"]) for r in rows], "coder"), "export codings")


def test_a_frequency_matrix_reads_one_state(interleaved: Project) -> None:
    from workbench.export.tables import frequency_matrix

    matrix = frequency_matrix(interleaved, by="case")
    totals = dict(zip(matrix.codes, (row[-1] for row in matrix.rows), strict=True))
    rounds = {code: n for code, n in totals.items() if code.startswith("Rounds/C")}
    assert rounds and all(n == PER_ROUND for n in rounds.values()), totals


def test_a_figure_reads_one_state(interleaved: Project) -> None:
    from workbench.analysis.cooccurrence import Options, cooccurrence
    from workbench.analysis.filters import Selection

    result = cooccurrence(interleaved, Options(), Selection.build())
    rounds = {k: v for k, v in result.frequencies.items() if k.startswith("Rounds/C")}
    assert rounds and all(v == PER_ROUND for v in rounds.values()), rounds


def test_check_reads_one_state(interleaved: Project) -> None:
    from workbench.ops.check import check_project

    report = check_project(interleaved)
    assert report.ok, report.problems[:3]


def test_a_write_inside_a_read_snapshot_is_refused(tmp_path: Path) -> None:
    with base_project(tmp_path / "p.db") as project, project.reading():
        with pytest.raises(RuntimeError, match="read snapshot"):
            write_round(project, 1)


def test_listing_report_and_figure_beside_a_writer_process(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    base_project(path).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(repo=str(REPO)), str(path), "100000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    runner = CliRunner()
    seen_rounds = 0
    try:
        assert writer.stdout.readline().startswith("confirmed")
        deadline = time.monotonic() + 12
        passes = 0
        while time.monotonic() < deadline or passes < 3:
            passes += 1
            listed = runner.invoke(cli, ["-p", str(path), "codings", "--format", "json"])
            assert listed.exit_code == 0, (listed.output, listed.exception)
            rows = json.loads(listed.output)
            counts = rounds_of([r["coder"] for r in rows], "coder")
            check_rounds(counts, "workbench codings")
            seen_rounds = max(seen_rounds, len(counts))
            out = tmp_path / f"matrix{passes}.csv"
            report = runner.invoke(cli, ["-p", str(path), "export", "matrix", str(out)])
            assert report.exit_code == 0, (report.output, report.exception)
            table = [line.split(",") for line in out.read_text("utf-8").splitlines()[1:]]
            assert all(int(r[-1]) == PER_ROUND for r in table if r[0].startswith("Rounds/C")), table
            figure = runner.invoke(cli, ["-p", str(path), "cooccur", "--format", "json"])
            assert figure.exit_code == 0, (figure.output, figure.exception)
            data = json.loads(figure.output)
            frequencies = data.get("frequencies", {}) if isinstance(data, dict) else {}
            assert all(
                v == PER_ROUND for k, v in frequencies.items() if k.startswith("Rounds/C")
            ), frequencies
    finally:
        writer.kill()
        writer.wait()
    assert seen_rounds >= 2  # the writer really was writing while we read
    with Project.open(path) as project:
        from workbench.ops.check import check_project

        assert check_project(project).ok
