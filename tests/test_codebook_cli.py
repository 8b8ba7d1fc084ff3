"""``workbench codebook``: listings, tree edits and errors, through the real command line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, file_bytes
from workbench.cli import cli
from workbench.ingest.base import ParsedTranscript
from workbench.ops.codebook import load_codebook
from workbench.ops.coding import apply_code
from workbench.ops.documents import add_document
from workbench.store.project import Project

SHIPPED = REPO / "codebooks" / "health-governance.yaml"
TEXT = "We elected two delegates. The budget was not executed. Nobody asked the patients."


@pytest.fixture
def coded(project_file: Path) -> Path:
    """A project file with the shipped codebook, one document and three codings."""
    with Project.open(project_file) as project:
        load_codebook(project, SHIPPED)
        add_document(project, ParsedTranscript(text=TEXT), name="d1")
        apply_code(project, "d1", "Representation/Selecting representatives", 0, 25, coder="maria")
        apply_code(project, "d1", "Representation/Selecting representatives", 3, 10, coder="james")
        apply_code(project, "d1", "Decentralization/Budget execution", 26, 54, coder="maria")
    return project_file


def run(path: Path, *args: str, input: str | None = None):
    result = CliRunner().invoke(cli, ["--project", str(path), "codebook", *args], input=input)
    return result


def run_process(path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("WORKBENCH_PROJECT", None)
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--project", str(path), "codebook", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=path.parent,
        stdin=subprocess.DEVNULL,
    )


def paths(path: Path) -> list[str]:
    with Project.open(path) as project:
        return [c.path for c in project.codes()]


# --------------------------------------------------------------------------- show


def test_show_json_shape_and_counts(coded):
    result = run(coded, "show", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 29
    for row in rows:
        assert {"path", "description", "count", "colour", "guid", "depth"} <= row.keys()
    by_path = {r["path"]: r for r in rows}
    selecting = by_path["Representation/Selecting representatives"]
    assert (selecting["count"], selecting["depth"]) == (2, 2)
    assert selecting["colour"] == "#00507D" and len(selecting["guid"]) == 36
    assert (by_path["Representation"]["count"], by_path["Representation"]["total"]) == (0, 2)
    assert by_path["Decentralization/Budget execution"]["count"] == 1
    assert by_path["Transparency"]["depth"] == 1
    assert rows[0]["path"] == "Representation"  # parents first, in codebook order


def test_show_csv_has_path_description_count(coded):
    result = run(coded, "show", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0])[:3] == ["path", "description", "count"]
    counts = {r["path"]: int(r["count"]) for r in rows}
    assert counts["Representation/Selecting representatives"] == 2
    assert sum(counts.values()) == 3


def test_show_table_is_a_tree_with_counts(coded):
    result = run(coded, "show")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    line = next(x for x in lines if "Selecting representatives" in x)
    assert line.rstrip().endswith("2")
    group = next(x for x in lines if "Representation" in x and "Selecting" not in x)
    assert "2 with subcodes" in group
    assert any("├──" in x or "└──" in x for x in lines)


def test_show_on_an_empty_project(project_file):
    result = run(project_file, "show")
    assert "no codes yet" in result.output


# --------------------------------------------------------------------------- edits


def test_add_creates_missing_parents(project_file):
    result = run(
        project_file,
        "add",
        "Funding/Donors/Bilateral",
        "--description",
        "Aid.",
        "--colour",
        "#aa0000",
    )
    assert result.exit_code == 0, result.output
    assert paths(project_file) == ["Funding", "Funding/Donors", "Funding/Donors/Bilateral"]
    with Project.open(project_file) as project:
        code = project.code("Funding/Donors/Bilateral")
        assert (code.description, code.colour) == ("Aid.", "#AA0000")
    again = run(project_file, "add", "Funding/Donors")
    assert again.exit_code != 0 and "exists already" in str(again.exception)


def test_rename_move_merge_colour_describe(coded):
    assert run(coded, "rename", "Transparency/Corruption", "Integrity").exit_code == 0
    assert "Transparency/Integrity" in paths(coded)

    moved = run(coded, "move", "Transparency/Integrity", "--to", "Role conflict")
    assert moved.exit_code == 0 and "Role conflict/Integrity" in moved.output
    assert run(coded, "move", "Role conflict/Integrity", "--top").exit_code == 0
    assert "Integrity" in paths(coded)
    neither = run(coded, "move", "Integrity")
    assert neither.exit_code != 0 and "--to PARENT or --top" in str(neither.exception)

    merged = run(
        coded, "merge", "Representation/Selecting representatives", "Representation/Seat allocation"
    )
    assert merged.exit_code == 0 and "2 coding(s) re-pointed" in merged.output
    with Project.open(coded) as project:
        seat = project.code("Representation/Seat allocation")
        assert len(project.codings(code_id=seat.id)) == 2
        assert "Representation/Selecting representatives" not in [c.path for c in project.codes()]

    assert run(coded, "colour", "Integrity", "00ff00").exit_code == 0
    assert (
        run(
            coded,
            "describe",
            "Integrity",
            "--description",
            "Honest use of funds.",
            "--inclusion",
            "Audits.",
            "--exclusion",
            "",
        ).exit_code
        == 0
    )
    with Project.open(coded) as project:
        code = project.code("Integrity")
        assert (code.colour, code.description, code.inclusion, code.exclusion) == (
            "#00FF00",
            "Honest use of funds.",
            "Audits.",
            None,
        )
    bad = run(coded, "colour", "Integrity", "green")
    assert bad.exit_code != 0 and "#RRGGBB" in str(bad.exception)


def test_delete_is_refused_while_coded_unless_forced(coded):
    before = file_bytes(coded)
    refused = run_process(coded, "delete", "Representation", "--yes")
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1
    assert (
        "Representation has 2 codings (james 1, maria 1)" in refused.stderr
        and "--force" in refused.stderr
    )
    assert file_bytes(coded) == before

    forced = run(coded, "delete", "Representation", "--force")
    assert forced.exit_code == 0, forced.output
    assert "deleted Representation and 2 coding(s)" in forced.output
    assert not [p for p in paths(coded) if p.startswith("Representation")]
    with Project.open(coded) as project:
        assert len(project.codings()) == 1


def test_delete_of_an_uncoded_code_needs_confirmation(coded):
    unconfirmed = run(coded, "delete", "Transparency/Corruption")
    assert unconfirmed.exit_code != 0 and "add --yes" in str(unconfirmed.exception)
    assert "Transparency/Corruption" in paths(coded)
    assert run(coded, "delete", "Transparency/Corruption", "--yes").exit_code == 0
    assert "Transparency/Corruption" not in paths(coded)


def test_unknown_code_path_is_one_line_and_exit_1(coded):
    result = run_process(coded, "rename", "No/Such", "X")
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {coded}: no code 'No/Such' in the codebook"


# --------------------------------------------------------------------------- load and export


def test_load_and_export_through_the_cli(project_file, tmp_path):
    loaded = run(project_file, "load", str(SHIPPED))
    assert loaded.exit_code == 0, loaded.output
    assert "29 added, 0 updated, 0 unchanged" in loaded.output
    out = tmp_path / "out.yaml"
    exported = run(project_file, "export", str(out))
    assert exported.exit_code == 0 and "wrote 29 codes" in exported.output
    refused = run(project_file, "export", str(out))
    assert refused.exit_code != 0 and "--force" in str(refused.exception)
    assert run(project_file, "export", str(out), "--force").exit_code == 0
    again = run(project_file, "load", str(out))
    assert "0 added, 0 updated, 29 unchanged" in again.output


def test_load_lists_codes_not_in_the_file(coded, tmp_path):
    book = tmp_path / "small.yaml"
    book.write_text(
        "codes:\n  - name: Representation\n    description: Changed.\n", encoding="utf-8"
    )
    result = run(coded, "load", str(book))
    assert (
        "1 updated" in result.output
        and "28 code(s) of the project are not in the file" in result.output
    )
    assert "not in file (kept) Decentralization/Budget execution" in result.output
    assert len(paths(coded)) == 29


def test_invalid_yaml_via_cli_exits_1_and_leaves_the_project_unchanged(coded, tmp_path):
    before = file_bytes(coded)
    book = tmp_path / "broken.yaml"
    book.write_text(
        "name: Broken\ncodes:\n  - name: A\n    colour: '#GGGGGG'\n"
        "  - name: B\n   description: bad indent\n",
        encoding="utf-8",
    )
    result = run_process(coded, "load", str(book))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {book}:6: invalid YAML")
    assert file_bytes(coded) == before

    book.write_text("codes:\n  - name: A\n    colour: '#GGGGGG'\n", encoding="utf-8")
    result = run_process(coded, "load", str(book))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: {book}:3: colour '#GGGGGG' is not of the form \"#RRGGBB\""
    )
    assert file_bytes(coded) == before
