"""``workbench codings`` streams: the table's first rows come before the rest is read.

Speed and memory are measured in ``benchmarks/bench_codings_listing.py``; here the behaviour:
the table is written row by row with the total at the end, and CSV and JSON keep their shape.
"""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from tests.core_helpers import add_interview
from workbench.cli import cli
from workbench.cli.common import stream_table
from workbench.ops import codes
from workbench.ops.coding import apply_code
from workbench.ops.retrieval import listing
from workbench.store.project import Project


def test_the_table_is_written_before_the_rows_run_out():
    def rows():
        yield {
            "document": "rosa",
            "code": "A",
            "coder": "ana",
            "start": 0,
            "end": 5,
            "text": "first",
        }
        raise AssertionError("the table asked for the second row before writing the first")

    lines = stream_table(
        rows(),
        ["document", "code", "coder", "start", "end", "text"],
        {"document": 4, "code": 1, "coder": 3},
        total_label="codings",
    )
    assert next(lines).split() == ["document", "code", "coder", "start", "end", "text"]
    next(lines)  # the rule under the header
    assert next(lines).split() == ["rosa", "A", "ana", "0", "5", "first"]


def test_codings_listing_table_csv_and_json(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        add_interview(p)
        codes.add_code(p, "Representation/Selecting representatives")
        for start in (0, 13, 50):
            apply_code(
                p, "rosa", "Representation/Selecting representatives", start, start + 9, coder="ana"
            )
        expected = listing(p, full_text=True)
    runner = CliRunner()
    table = runner.invoke(cli, ["-p", str(path), "codings"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[-1] == "3 codings"
    assert len(lines) == 2 + 3 + 1
    assert "Representation/Selecting representatives" in lines[2]
    out = runner.invoke(cli, ["-p", str(path), "codings", "--format", "json"]).output
    assert out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    none = runner.invoke(
        cli,
        [
            "-p",
            str(path),
            "codings",
            "--format",
            "json",
            "--coder",
            "ana",
            "--doc",
            "rosa",
            "--code",
            "Representation",
        ],
    )
    assert none.output == "[]\n"
    csv_out = runner.invoke(cli, ["-p", str(path), "codings", "--format", "csv"]).output
    parsed = list(csv.DictReader(io.StringIO(csv_out)))
    assert [r["text"] for r in parsed] == [r["text"] for r in expected]
