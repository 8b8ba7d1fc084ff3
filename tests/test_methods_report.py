"""``workbench report codebook`` and ``report frequencies``: tables for the methods section."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.cooccur_helpers import small_study
from tests.figure_helpers import demo_workspace, run
from workbench.cli import cli
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("report"))


def yaml_codes() -> dict[str, dict]:
    """Path -> entry, read straight from the bundled codebook file."""
    book = yaml.safe_load((REPO / "codebooks" / "health-governance.yaml").read_text("utf-8"))
    out = {}

    def walk(items, prefix=""):
        for item in items:
            path = prefix + item["name"]
            out[path] = item
            walk(item.get("codes", []), path + "/")

    walk(book["codes"])
    return out


def docx_rows(path: Path) -> tuple[list[str], list[list[str]], object]:
    from docx import Document

    doc = Document(str(path))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    return rows[0], rows[1:], table


def test_codebook_docx_holds_definitions_counts_and_agreement(demo, tmp_path):
    out = tmp_path / "codebook.docx"
    run(demo, "report", "codebook", str(out), "--unit", "sentence")
    header, rows, table = docx_rows(out)
    # the demo's codebook has two levels: groups (Category) and their codes (Code)
    assert header[:8] == [
        "Category",
        "Code",
        "Definition",
        "Inclusion",
        "Exclusion",
        "Example",
        "Codings",
        "Documents",
    ]
    # a real header row, repeated on every page
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    entries = yaml_codes()
    assert len(rows) == len(entries) == 29
    codings = json.loads(run(demo, "codings", "--format", "json"))
    n = defaultdict(int)
    docs = defaultdict(set)
    for c in codings:
        parts = c["code"].split("/")
        for depth in range(1, len(parts) + 1):
            n["/".join(parts[:depth])] += 1
            docs["/".join(parts[:depth])].add(c["document"])
    agree = json.loads(run(demo, "agree", "--unit", "sentence", "--format", "json"))
    kappa = {c["code"]: c["kappa"] for c in agree["codes"]}
    group = None
    for row in rows:
        if row[0]:
            group, path = row[0], row[0]
            assert row[1] == ""
        else:
            path = f"{group}/{row[1]}"
            assert row[1]  # the Code column is filled on every code's row
        entry = entries[path]
        assert (
            row[2] == " ".join(entry["description"].split()).strip()
            or row[2] == entry["description"].strip()
        )
        assert row[3] == (entry.get("inclusion") or "").strip()
        assert row[5] == (entry.get("examples") or [""])[0].strip()
        assert int(row[6]) == n[path] and int(row[7]) == len(docs[path])
        if path in kappa and kappa[path] is not None:
            assert row[8] == f"{kappa[path]:.2f}"
    from docx import Document

    assert "sha256:" in Document(str(out)).core_properties.keywords


def test_codebook_without_two_coders_has_no_agreement_columns(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path, create=True) as p:
        small_study(p)
    out = tmp_path / "codebook.md"
    result = CliRunner().invoke(
        cli, ["--project", str(path), "report", "codebook", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Cohen" not in text.split("\n\n")[1]
    assert "Agreement not computed" in text
    assert "<!-- workbench-record:" in text


def test_frequencies_by_region_hand_counted(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path, create=True) as p:
        small_study(p)
    out = tmp_path / "freq.xlsx"
    result = CliRunner().invoke(
        cli,
        ["--project", str(path), "report", "frequencies", str(out), "--by", "region"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    book = load_workbook(out)
    ws = book.worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == [
        "Code",
        "Loreto: n",
        "Loreto: % docs",
        "Piura: n",
        "Piura: % docs",
        "Total: n",
        "Total: % docs",
    ]
    table = {r[0].strip(): r[1:] for r in rows[1:]}
    # Loreto (NGO01, james): Budget, Civil, Barriers, Autonomy; Piura (DRS01, maria):
    # Budget, Civil, Autonomy
    # counts and shares are numbers, shown as percentages by their cell format
    assert table["Decentralization"] == [2, 1, 2, 1, 4, 1]
    assert table["Participation"] == [2, 1, 1, 1, 3, 1]
    assert table["Barriers to participation"] == [1, 1, 0, 0, 1, 0.5]
    assert [c.number_format for c in ws[4][1:3]] == ["0", "0%"]
    assert ws["A2"].font.b and not ws["A3"].font.b  # group rows bold
    assert book.properties.keywords.startswith("sha256:")


def test_frequencies_docx_is_a_word_table(demo, tmp_path):
    out = tmp_path / "freq.docx"
    run(demo, "report", "frequencies", str(out), "--by", "sector")
    header, rows, _table = docx_rows(out)
    assert header[0] == "Code" and header[-2:] == ["Total: n", "Total: % docs"]
    assert rows[0][0] == "Representation" and rows[0][-2] == "94"


def test_bad_format_is_one_line_and_writes_nothing(demo, tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "--project",
            str(demo),
            "report",
            "frequencies",
            str(tmp_path / "f.csv"),
            "--by",
            "region",
        ],
    )
    assert result.exit_code != 0
    assert "write this report as .md, .docx, .xlsx" in str(result.exception or result.output)
    assert not list(tmp_path.iterdir())
