"""The Python API against the command line on the demo: each call gives what its command
prints with ``--format json``, compared field by field, and carries that command line.

The command lines below are written by hand from the documented options (docs/cli.md), not
taken from the API's own ``command``: an API that dropped an option and left it out of its
command line would otherwise agree with itself.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import workbench
from tests.conftest import REPO
from tests.figure_helpers import plotly_json
from workbench.api import CodeAgreement, CodePair, Coding, Document, Records, Suggestion
from workbench.cli import cli
from workbench.ops.demo import build_demo
from workbench.store.errors import WorkbenchError


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("api") / "workbench-demo").project


@pytest.fixture(scope="module")
def api(demo: Path):
    with workbench.open(demo, read_only=True) as project:
        yield project


def cli_json(project: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--project", str(project), *args], catch_exceptions=False)
    assert result.exit_code == 0, f"{args}\n{result.output}"
    return json.loads(result.output)


def same_fields(records: Records[Any], rows: list[dict[str, Any]]) -> None:
    """Every record has exactly the row's keys (those it declares), with equal values."""
    assert len(records) == len(rows) > 0
    for record, row in zip(records, rows, strict=True):
        names = [f.name for f in fields(record)]
        for name in names:
            if name in row:
                assert getattr(record, name) == row[name], (name, record, row)
            else:
                assert getattr(record, name) is None or name in ("n_a", "n_b"), (name, row)
        assert set(row) <= set(names), set(row) - set(names)


def args_of(result: Any) -> list[str]:
    """The arguments of the command line a result carries, after ``--project FILE``."""
    argv = shlex.split(result.command)
    assert argv[:2] == ["workbench", "--project"]
    return argv[3:]


# ------------------------------------------------------------------------------ listings


def test_documents_and_codes_match_their_commands(api, demo):
    documents = api.documents()
    rows = cli_json(demo, "documents", "--format", "json")
    same_fields(documents, rows)
    assert isinstance(documents[0], Document) and len(documents) == 8
    assert args_of(documents) == ["documents", "--format", "json"]
    assert documents.to_json() == rows

    codes = api.codes()
    rows = cli_json(demo, "codebook", "show", "--format", "json")
    same_fields(codes, rows)
    assert codes.to_json() == rows
    groups = {c.path: c for c in codes if c.depth == 1}
    # a group's total is its subcodes' codings: checked against the codings themselves
    every = api.codings()
    for path, group in groups.items():
        assert group.total == sum(1 for c in every if c.code.startswith(path + "/")) + group.count


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ({}, []),
        ({"coder": "maria"}, ["--coder", "maria"]),
        ({"where": "region=Piura"}, ["--where", "region=Piura"]),
        (
            {"where": {"region": ["Piura", "Cusco"]}, "coder": "james"},
            ["--coder", "james", "--where", "region=Piura", "--where", "region=Cusco"],
        ),
        ({"doc": "DRS01", "code": "Decentralization/Budget execution"}, None),
    ],
)
def test_codings_match_the_command(api, demo, call, args):
    if args is None:  # --doc and --code
        args = ["--doc", "DRS01", "--code", "Decentralization/Budget execution"]
    codings = api.codings(**call)
    rows = cli_json(demo, "codings", *args, "--format", "json")
    same_fields(codings, rows)
    assert isinstance(codings[0], Coding)
    assert sorted(args_of(codings)) == sorted(["codings", *args, "--format", "json"])
    every = api.codings()
    assert len(codings) == len(every) if not call else len(codings) < len(every)


def test_where_means_the_same_in_every_spelling(api):
    one = [c.id for c in api.codings(where=[("region", "Piura"), "region=Cusco"])]
    assert one == [c.id for c in api.codings(where={"region": ["Piura", "Cusco"]})]
    assert one == [c.id for c in api.codings(where=["region=Cusco", "region=Piura"])]
    piura = {c.id for c in api.codings(where="region=Piura")}
    assert piura and piura < set(one)
    with pytest.raises(WorkbenchError, match=r"no case has region='Atlantis'"):
        api.codings(where="region=Atlantis")


# ------------------------------------------------------------------------------ co-occurrence


COOCCUR = [
    ({}, []),
    ({"depth": 1, "measure": "c"}, ["--depth", "1", "--measure", "c"]),
    (
        {"mode": "unit", "unit": "turn", "where": "region=Piura"},
        ["--mode", "unit", "--unit", "turn", "--where", "region=Piura"],
    ),
    ({"distance": 200, "coders": ["maria"]}, ["--distance", "200", "--coder", "maria"]),
    (
        {"codes": ["Decentralization", "Effectiveness"], "measure": "conditional"},
        ["--codes", "Decentralization", "--codes", "Effectiveness", "--measure", "conditional"],
    ),
]


@pytest.mark.parametrize(("call", "args"), COOCCUR)
def test_cooccurrence_matches_the_command(api, demo, call, args):
    result = api.cooccurrence(**call)
    expected = cli_json(demo, "cooccur", *args, "--format", "json")
    assert result.to_json() == expected
    assert result.mode == expected["mode"] and result.codes == expected["codes"]
    assert result.frequencies == expected["frequencies"]
    by_pair = {(p["a"], p["b"]): p for p in expected["pairs"]}
    ordered = [by_pair[(p.a, p.b)] for p in result.pairs]
    same_fields(result.pairs, ordered)
    for pair in result.pairs:
        assert isinstance(pair, CodePair)
        assert (pair.n_a, pair.n_b) == (result.frequencies[pair.a], result.frequencies[pair.b])
    # the pairs come in the order of the command's table for the same measure
    csv_rows = (
        CliRunner()
        .invoke(cli, ["--project", str(demo), "cooccur", *args, "--format", "csv"])
        .output.splitlines()[1:]
    )
    assert [tuple(r.split(",")[:2]) for r in csv_rows] == [(p.a, p.b) for p in result.pairs]
    assert sorted(args_of(result)) == sorted(["cooccur", *args, "--format", "json"])


def test_cooccurrence_matrix_and_pandas(api):
    result = api.cooccurrence(depth=1)
    frame = result.to_pandas()
    assert list(frame.columns) == [f.name for f in fields(CodePair)]
    assert frame["count"].tolist() == [p.count for p in result.pairs]
    matrix = result.matrix()
    for pair in result.pairs:
        assert matrix.loc[pair.a, pair.b] == matrix.loc[pair.b, pair.a] == pair.count
    for code in result.codes:
        assert matrix.loc[code, code] == result.frequencies[code]
    c = result.matrix("c")
    pair = result.pairs[0]
    assert c.loc[pair.a, pair.b] == round(pair.c, 4)


# ------------------------------------------------------------------------------ agreement


AGREE = [
    ({}, []),
    ({"unit": "sentence"}, ["--unit", "sentence"]),
    (
        {"unit": "turn", "coders": ["maria", "james"], "depth": 1},
        ["--unit", "turn", "--coders", "maria,james", "--depth", "1"],
    ),
    (
        {"unit": "segment", "overlap": 50.0, "codes": ["Transparency"]},
        ["--unit", "segment", "--overlap", "50", "--codes", "Transparency"],
    ),
    (
        {"unit": "document", "where": "region=Cusco"},
        ["--unit", "document", "--where", "region=Cusco"],
    ),
    (
        {"unit": "sentence", "bootstrap": 50, "seed": 3, "codes": ["Participation"]},
        ["--unit", "sentence", "--bootstrap", "50", "--seed", "3", "--codes", "Participation"],
    ),
]


@pytest.mark.parametrize(("call", "args"), AGREE)
def test_agreement_matches_the_command(api, demo, call, args):
    result = api.agreement(**call)
    expected = cli_json(demo, "agree", *args, "--format", "json")
    assert result.to_json() == expected
    assert list(result.coders) == expected["coders"] and result.unit == expected["unit"]
    assert result.overall == expected["overall"]
    same_fields(result.codes, expected["codes"])
    assert all(isinstance(c, CodeAgreement) for c in result.codes)
    assert sorted(args_of(result)) == sorted(["agree", *args, "--format", "json"])
    markdown = (
        CliRunner()
        .invoke(cli, ["--project", str(demo), "agree", *args, "--format", "markdown"])
        .output
    )
    assert result.to_markdown() == markdown


def test_agreement_to_pandas_spreads_the_counts(api):
    result = api.agreement(unit="sentence")
    frame = result.to_pandas()
    first = result.codes[0]
    row = frame.iloc[0]
    assert row["code"] == first.code and row["alpha"] == first.alpha
    assert (row["both"], row["only_a"], row["only_b"], row["neither"]) == (
        first.counts["both"],
        first.counts["only_a"],
        first.counts["only_b"],
        first.counts["neither"],
    )


# ------------------------------------------------------------------------------ sankey


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ({"depth": 1}, ["--depth", "1"]),
        (
            {"left": "Decentralization", "right": ["Effectiveness"], "measure": "c"},
            ["--left", "Decentralization", "--right", "Effectiveness", "--measure", "c"],
        ),
        (
            {"stages": ["region", "Decentralization", "Effectiveness"], "size": "double"},
            ["--stages", "region,Decentralization,Effectiveness", "--size", "double"],
        ),
        (
            {"group": "Participation", "height": 500, "font_size": 11, "order": "codebook"},
            [
                "--group",
                "Participation",
                "--order",
                "codebook",
                "--height",
                "500",
                "--font-size",
                "11",
            ],
        ),
        (
            {"depth": 1, "measure": "c", "values": "c", "lang": "es", "decimal": "comma"},
            [
                "--depth",
                "1",
                "--measure",
                "c",
                "--values",
                "c",
                "--lang",
                "es",
                "--decimal",
                "comma",
            ],
        ),
    ],
)
def test_sankey_is_the_figure_the_command_writes(api, demo, tmp_path, call, args):
    import plotly.graph_objects as go

    fig = api.sankey(**call)
    assert isinstance(fig, go.Figure)
    out = tmp_path / "sankey.html"
    result = CliRunner().invoke(
        cli, ["--project", str(demo), "sankey", str(out), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data, layout = plotly_json(out.read_text(encoding="utf-8"))
    mine = fig.to_dict()
    # what was drawn: nodes, columns, links and their values, the texts; then every band,
    # box and text where the command put it
    assert mine["layout"]["meta"]["sankey"] == layout["meta"]["sankey"]
    assert mine["layout"]["meta"]["sankey"]["values"]
    assert mine["layout"]["shapes"] == layout["shapes"]
    assert mine["layout"]["annotations"] == layout["annotations"]
    assert mine["data"] == data
    assert (fig.layout.width, fig.layout.height) == (layout["width"], layout["height"])
    assert fig.layout.font.size == layout["font"]["size"]
    # the command the figure carries is the command that wrote the file (file name aside)
    recorded = layout["meta"]["workbench"]["args"]
    assert recorded[0] == "sankey" and args_of(fig)[0] == "sankey"
    assert sorted(args_of(fig)[2:]) == sorted(recorded[2:]) == sorted(args)
    assert fig.provenance.fingerprint == layout["meta"]["workbench"]["fingerprint"]
    assert fig.to_dict()["layout"]["meta"]["workbench"]["command"] == fig.command


def test_a_figure_the_command_refuses_is_refused_the_same(api, demo):
    with pytest.raises(WorkbenchError, match="choose one of --group, --aspect"):
        api.sankey(group="Participation", aspect="Transparency")
    result = CliRunner().invoke(
        cli,
        [
            "--project",
            str(demo),
            "sankey",
            "x.html",
            "--group",
            "Participation",
            "--aspect",
            "Transparency",
        ],
    )
    assert result.exit_code == 1 and "choose one of --group, --aspect" in str(result.exception)


# ------------------------------------------------------------------------------ suggestions


@pytest.fixture(scope="module")
def suggested(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("suggested") / "workbench.db"
    shutil.copy(demo, path)
    runner = CliRunner()
    done = runner.invoke(
        cli, ["--project", str(path), "suggest", "run", "--doc", "DRS01", "--suggester", "rules"]
    )
    assert done.exit_code == 0, done.output
    ids = [s["id"] for s in cli_json(path, "suggest", "list", "--format", "json")]
    runner.invoke(cli, ["--project", str(path), "suggest", "accept", str(ids[0])])
    runner.invoke(cli, ["--project", str(path), "suggest", "reject", str(ids[1])])
    return path


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ({}, []),
        ({"order": "score", "status": "all"}, ["--order", "score", "--status", "all"]),
        ({"status": "accepted"}, ["--status", "accepted"]),
        ({"doc": "DRS01", "order": "uncertainty"}, ["--doc", "DRS01", "--order", "uncertainty"]),
    ],
)
def test_suggestions_match_the_command(suggested, call, args):
    with workbench.open(suggested, read_only=True) as project:
        items = project.suggest(**call)
    rows = cli_json(suggested, "suggest", "list", *args, "--format", "json")
    same_fields(items, rows)
    assert all(isinstance(s, Suggestion) for s in items)
    assert sorted(args_of(items)) == sorted(["suggest", "list", *args, "--format", "json"])


# ------------------------------------------------------------------------------ the face


def test_the_package_root_offers_the_api():
    from workbench import api

    assert workbench.open is api.open and workbench.Project is api.Project
    with pytest.raises(AttributeError):
        workbench.no_such_name  # noqa: B018


def test_open_refuses_a_missing_file_and_read_only_never_writes(tmp_path, demo):
    with pytest.raises(WorkbenchError, match="no project here"):
        workbench.open(tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()
    copy = tmp_path / "copy.db"
    shutil.copy(demo, copy)
    before = copy.read_bytes()
    with workbench.open(copy, read_only=True) as project:
        assert project.read_only and "read-only" in repr(project)
        project.codings(where="region=Piura")
        project.agreement(unit="sentence")
        with pytest.raises(WorkbenchError):
            from workbench.ops.coding import apply_code

            apply_code(project.store, "DRS01", "Transparency", 0, 5, coder="x")
    assert copy.read_bytes() == before


def test_every_result_carries_its_provenance(api, demo):
    from workbench.export.provenance import fingerprint
    from workbench.store.project import Project

    result = api.cooccurrence(where="region=Piura", coders="maria")
    with Project.open(demo, read_only=True) as store:
        assert result.provenance.fingerprint == fingerprint(store)
    assert result.provenance.project == str(demo)
    assert result.provenance.args == args_of(result)
    counts = result.provenance.counts
    assert counts["coders"] == ["maria"] and 0 < counts["codings"] < len(api.codings())


def test_to_pandas_says_how_to_install_pandas(api, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(WorkbenchError, match=r"pip install 'workbench\[notebook\]'"):
        api.documents().to_pandas()
    assert api.documents()._repr_html_().endswith("</code></p>")  # falls back to text


def test_records_to_pandas_keeps_every_field(api):
    frame = api.codings(coder="maria").to_pandas()
    assert list(frame.columns) == [f.name for f in fields(Coding)]
    assert len(frame) == len(api.codings(coder="maria"))
    assert "workbench --project" in api.documents()._repr_html_()


def test_the_python_page_runs_as_written(demo, monkeypatch):
    """docs/python.md's Python blocks, in order, in one namespace, beside the demo."""
    text = (REPO / "docs" / "python.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 6
    monkeypatch.chdir(demo.parent.parent)
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "docs/python.md", "exec"), namespace)  # noqa: S102
    assert namespace["table"].to_numpy().sum() == len(namespace["project"].codings())
    assert (demo.parent.parent / "groups.html").stat().st_size > 0
    matrix = (demo.parent.parent / "cooccurrence.csv").read_text(encoding="utf-8")
    assert matrix.splitlines()[0].split(",")[1:] == namespace["result"].codes
    namespace["project"].close()
