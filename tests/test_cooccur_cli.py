"""``workbench cooccur``, ``sankey`` and ``network`` from the command line."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from tests.conftest import file_bytes
from tests.cooccur_helpers import AUTONOMY, BARRIERS, BUDGET, CIVIL, DEC, PAR, small_study
from workbench.cli import cli
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


@pytest.fixture
def study_file(project_file):
    with Project.open(project_file) as p:
        small_study(p)
    return project_file


def invoke(path, *args, ok=True):
    result = CliRunner().invoke(cli, ["--project", str(path), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_json(study_file):
    data = json.loads(invoke(study_file, "cooccur", "--format", "json").stdout)
    assert data["mode"] == "overlap"
    assert data["codes"] == [BUDGET, AUTONOMY, CIVIL, BARRIERS]
    assert data["frequencies"] == {BUDGET: 2, AUTONOMY: 2, CIVIL: 2, BARRIERS: 1}
    got = {(p["a"], p["b"]): p["count"] for p in data["pairs"]}
    assert got == {
        (BUDGET, AUTONOMY): 1,
        (BUDGET, CIVIL): 2,
        (AUTONOMY, BARRIERS): 1,
        (AUTONOMY, CIVIL): 1,
    }
    assert all(p["a"] < p["b"] for p in data["pairs"])


def test_filters_on_the_command_line(study_file):
    data = json.loads(
        invoke(
            study_file,
            "cooccur",
            "--format",
            "json",
            "--coder",
            "maria",
            "--where",
            "region=Piura",
            "--depth",
            "1",
        ).stdout
    )
    assert data["codes"] == [DEC, PAR]
    assert data["frequencies"] == {DEC: 2, PAR: 1}
    assert [(p["a"], p["b"], p["count"]) for p in data["pairs"]] == [(DEC, PAR, 2)]
    data = json.loads(
        invoke(
            study_file,
            "cooccur",
            "--format",
            "json",
            "--where",
            "region=Loreto",
            "--mode",
            "unit",
            "--unit",
            "document",
        ).stdout
    )
    assert data["mode"] == "unit:document"
    assert len(data["pairs"]) == 6  # james has all four codes in one document
    data = json.loads(invoke(study_file, "cooccur", "--format", "json", "--distance", "200").stdout)
    assert data["mode"] == "proximity:200"


def test_csv_pairs_and_matrix(study_file):
    rows = list(
        csv.DictReader(
            io.StringIO(invoke(study_file, "cooccur", "--format", "csv", "--measure", "c").stdout)
        )
    )
    assert rows[0]["a"] == BUDGET and rows[0]["b"] == CIVIL  # c = 2 / (2 + 2 - 2) = 1
    assert float(rows[0]["c"]) == 1.0
    matrix = list(
        csv.reader(
            io.StringIO(
                invoke(study_file, "cooccur", "--format", "csv", "--layout", "matrix").stdout
            )
        )
    )
    assert matrix[0] == ["code", BUDGET, AUTONOMY, CIVIL, BARRIERS]
    assert matrix[1] == [BUDGET, "2", "1", "2", "0"]


def test_table_and_out(study_file, tmp_path):
    shown = invoke(study_file, "cooccur").stdout
    assert "co-occurrence (overlap); 4 codes" in shown and "count" in shown
    out = tmp_path / "pairs.json"
    invoke(study_file, "cooccur", "--format", "json", "--out", str(out))
    assert json.loads(out.read_text())["codes"][0] == BUDGET


def test_xlsx_heat_map(study_file, tmp_path):
    from openpyxl import load_workbook

    result = invoke(study_file, "cooccur", "--format", "xlsx", ok=False)
    assert isinstance(result.exception, WorkbenchError) and "--out" in str(result.exception)
    out = tmp_path / "co.xlsx"
    invoke(study_file, "cooccur", "--format", "xlsx", "--out", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["matrix", "pairs", "frequencies", "about"]  # about: provenance
    assert wb.properties.keywords.startswith("sha256:")
    ws = wb["matrix"]
    assert [c.value for c in ws[2]] == [BUDGET, 2, 1, 2, 0]
    rules = list(ws.conditional_formatting)
    assert rules and rules[0].rules[0].type == "colorScale"
    assert wb["pairs"].max_row == 5


def test_heatmap_html(study_file, tmp_path):
    out = tmp_path / "heat.html"
    invoke(study_file, "cooccur", "--heatmap", str(out), "--measure", "conditional")
    html = out.read_text()
    assert '"type":"heatmap"' in html and "Barriers to participation" in html


def test_errors_leave_the_project_unchanged(study_file):
    before = file_bytes(study_file)
    for args in (
        ["--coder", "nobody"],
        ["--where", "region=Atlantis"],
        ["--codes", "Nope"],
        ["--mode", "overlap", "--distance", "3"],
    ):
        result = invoke(study_file, "cooccur", *args, ok=False)
        assert isinstance(result.exception, WorkbenchError), args
    assert file_bytes(study_file) == before


def test_sankey_html_and_attribute_flows(study_file, tmp_path):
    out = tmp_path / "s.html"
    result = invoke(
        study_file, "sankey", str(out), "--left", DEC, "--right", PAR, "--title", "Flows"
    )
    assert "4 nodes, 3 links" in result.stderr
    assert "Flows" in out.read_text()
    result = invoke(
        study_file, "sankey", str(tmp_path / "r.html"), "--attribute", "region", "--right", DEC
    )
    assert "4 nodes, 4 links" in result.stderr
    bad = invoke(study_file, "sankey", str(tmp_path / "x.gif"), ok=False)
    assert isinstance(bad.exception, WorkbenchError)


@pytest.mark.parametrize("ext", ["graphml", "gexf"])
def test_network(study_file, tmp_path, ext):
    out = tmp_path / f"net.{ext}"
    invoke(study_file, "network", str(out))
    g = nx.read_graphml(out) if ext == "graphml" else nx.read_gexf(out)
    assert g.number_of_nodes() == 4 and g.number_of_edges() == 4
    assert g.edges[BUDGET, CIVIL]["count"] == 2
    assert g.nodes[BUDGET]["frequency"] == 2
