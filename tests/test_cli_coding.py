"""Coding from the command line: apply, remove, list, memos, done, undo; one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from tests.conftest import file_bytes
from tests.core_helpers import add_interview
from workbench.cli import cli
from workbench.ops import codes
from workbench.store.project import Project


def make_project(path):
    with Project.open(path) as p:
        add_interview(p)
        codes.add_code(p, "Representation/Selecting representatives")
        codes.add_code(p, "Decentralization/Budget execution")
    return path


def run(path, *args):
    result = CliRunner().invoke(cli, ["--project", str(path), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def run_main(path, *args):
    """Run the real entry point, as a user's shell would."""
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--project", str(path), *args],
        capture_output=True,
        text=True,
    )


def test_apply_list_remove_and_undo(tmp_path):
    path = make_project(tmp_path / "p.db")
    out = run(
        path,
        "code",
        "apply",
        "--doc",
        "rosa",
        "--code",
        "Representation/Selecting representatives",
        "--start",
        "57",
        "--end",
        "94",
        "--coder",
        "maria",
    )
    assert "We held an election in each province." in out
    rows = json.loads(run(path, "codings", "--format", "json"))
    assert [
        (r["document"], r["code"], r["coder"], r["start"], r["end"], r["text"]) for r in rows
    ] == [
        (
            "rosa",
            "Representation/Selecting representatives",
            "maria",
            57,
            94,
            "We held an election in each province.",
        )
    ]
    csv_out = run(path, "codings", "--format", "csv")
    assert csv_out.splitlines()[0] == "document,code,coder,start,end,text"
    run(
        path,
        "code",
        "remove",
        "--doc",
        "rosa",
        "--code",
        "Representation/Selecting representatives",
        "--start",
        "0",
        "--end",
        "200",
        "--coder",
        "maria",
    )
    assert json.loads(run(path, "codings", "--format", "json")) == []
    assert "undone" in run(path, "undo")
    assert len(json.loads(run(path, "codings", "--format", "json"))) == 1


def test_memos_on_each_target(tmp_path):
    path = make_project(tmp_path / "p.db")
    run(
        path,
        "code",
        "apply",
        "--doc",
        "rosa",
        "--code",
        "Decentralization/Budget execution",
        "--start",
        "165",
        "--end",
        "195",
        "--memo",
        "half the budget",
    )
    run(path, "memo", "add", "project-wide thought")
    run(path, "memo", "add", "about Rosa", "--doc", "rosa")
    run(path, "memo", "add", "about budgets", "--code", "Decentralization/Budget execution")
    memos = json.loads(run(path, "memo", "list", "--format", "json"))
    assert {(m["on"], m["text"]) for m in memos} == {
        ("coding", "half the budget"),
        ("project", "project-wide thought"),
        ("document", "about Rosa"),
        ("code", "about budgets"),
    }


def test_done_and_stats(tmp_path):
    path = make_project(tmp_path / "p.db")
    run(
        path,
        "code",
        "apply",
        "--doc",
        "rosa",
        "--code",
        "Decentralization/Budget execution",
        "--start",
        "165",
        "--end",
        "195",
        "--coder",
        "james",
    )
    run(path, "done", "rosa", "--coder", "james")
    stats = json.loads(run(path, "stats", "--format", "json"))
    assert stats["documents"] == 1 and stats["codes"] == 4 and stats["codings"] == 1
    assert stats["coders"] == [
        {"coder": "james", "codings": 1, "documents_coded": 1, "documents_done": 1}
    ]


def test_unknown_code_is_one_line_exit_1_and_project_unchanged(tmp_path):
    path = make_project(tmp_path / "p.db")
    before = file_bytes(path)
    result = run_main(
        path, "code", "apply", "--doc", "rosa", "--code", "No/Such", "--start", "0", "--end", "5"
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "p.db" in result.stderr and "no code 'No/Such'" in result.stderr
    assert file_bytes(path) == before


def test_unknown_document_and_bad_span(tmp_path):
    path = make_project(tmp_path / "p.db")
    before = file_bytes(path)
    result = run_main(
        path,
        "code",
        "apply",
        "--doc",
        "nobody",
        "--code",
        "Decentralization/Budget execution",
        "--start",
        "0",
        "--end",
        "5",
    )
    assert result.returncode == 1 and "no document named 'nobody'" in result.stderr
    result = run_main(
        path,
        "code",
        "apply",
        "--doc",
        "rosa",
        "--code",
        "Decentralization/Budget execution",
        "--start",
        "5",
        "--end",
        "99999",
    )
    assert (
        result.returncode == 1 and "rosa" in result.stderr and "outside the text" in result.stderr
    )
    assert file_bytes(path) == before


def test_commands_refuse_a_missing_project(tmp_path):
    result = run_main(tmp_path / "none.db", "codings")
    assert result.returncode == 1 and "no project here" in result.stderr
    assert not (tmp_path / "none.db").exists()
