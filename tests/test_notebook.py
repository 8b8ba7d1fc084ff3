"""docs/notebooks/tour.ipynb runs from top to bottom in a real kernel (nbclient), so it never
goes stale, and what it shows agrees with the command line."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner
from nbclient import NotebookClient

from tests.conftest import REPO
from workbench.cli import cli
from workbench.ops.demo import build_demo

NOTEBOOK = REPO / "docs" / "notebooks" / "tour.ipynb"


def text_of(cell: Any) -> str:
    """Everything a cell printed or showed as plain text."""
    out = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            out.append(output["text"])
        elif "data" in output:
            out.append(output["data"].get("text/plain", ""))
    return "".join(out)


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The notebook after a run beside a demo workspace (as after ``workbench demo``)."""
    folder = tmp_path_factory.mktemp("notebook")
    build_demo(folder / "workbench-demo")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # a cell that takes over a minute is a hang, not a slow machine
    started = time.perf_counter()
    NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    print(f"the tour ran in {time.perf_counter() - started:.1f} s")  # shown with pytest -s
    return notebook, folder / "workbench-demo" / "workbench.db"


def test_the_committed_notebook_has_no_outputs():
    """Outputs are made by running it; kept out of the repository, diffs stay readable."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_the_tour_runs_and_agrees_with_the_command_line(executed):
    notebook, demo = executed
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    runner = CliRunner()

    def cli_json(*args: str) -> Any:
        result = runner.invoke(cli, ["--project", str(demo), *args, "--format", "json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    # codings per case: the table's total is every coding, one column per code group
    per_case = next(c for c in code if "per_case" in c.source and "pivot_table" in c.source)
    shown = text_of(per_case)
    groups = {row["path"] for row in cli_json("codebook", "show") if row["depth"] == 1}
    assert groups and all(group in shown for group in groups)
    cases = {row["case"] for row in cli_json("documents")}
    assert all(case in shown for case in cases)

    # one coder in one region: the count and the command line it printed
    piura = next(c for c in code if "region=Piura" in c.source)
    count = len(cli_json("codings", "--coder", "maria", "--where", "region=Piura"))
    assert text_of(piura).startswith(f"{count} codings: workbench --project ")
    assert "codings --coder maria --where region=Piura --format json" in text_of(piura)

    # the Sankey figure is shown inline, as plotly's own output type
    sankey = next(c for c in code if c.source.startswith("fig = project.sankey"))
    kinds = {k for o in sankey.outputs for k in o.get("data", {})}
    assert "application/vnd.plotly.v1+json" in kinds
    figure = next(
        o["data"]["application/vnd.plotly.v1+json"]
        for o in sankey.outputs
        if "application/vnd.plotly.v1+json" in o.get("data", {})
    )
    assert figure["layout"]["meta"]["workbench"]["args"][:3] == ["sankey", "sankey.html", "--depth"]

    # the coders compared: the alpha it printed is the command's
    agree = next(c for c in code if "project.agreement(" in c.source)
    overall = cli_json("agree", "--unit", "sentence")["overall"]
    assert f"Krippendorff's alpha {overall['alpha']:.3f} over 8 documents" in text_of(agree)
    assert "agree --unit sentence --format json" in text_of(agree)
