"""One selection, every command: the same ``--where`` keeps the same documents everywhere, and
the same mistakes give the same one-line error and exit status 1 everywhere.

Each document of the study has a code of its own (``Mark/Mn``), so every command's output tells
which documents it looked at: from codes, pairs, figure labels, table columns or rows.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from tests.selection_helpers import DOCUMENTS, build_study, doc_of
from workbench.analysis.filters import Selection, parse_where, selected_documents
from workbench.cli import main
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("selection") / "study.db"
    with Project.open(path, create=True) as project:
        build_study(project)
    return path


def main_run(path: Path, *args: str) -> tuple[int, str, str]:
    """Run the real entry point (which turns errors into one line and exit status 1) in this
    process: exit status, stdout, stderr."""
    with CliRunner().isolation() as (out, err, _):
        saved, sys.argv = sys.argv, ["workbench", "--project", str(path), *args]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.argv = saved
        return code, out.getvalue().decode(), err.getvalue().decode()


def run(path: Path, *args: str) -> str:
    code, out, err = main_run(path, *args)
    assert code == 0, (args, out, err)
    return out


def docs_from_codes(codes) -> set[str]:
    return {d for d in map(doc_of, codes) if d}


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# Each reader runs one command with the given --where items and returns the documents its
# output shows.
def cooccur(path: Path, where: list[str], out: Path) -> set[str]:
    data = json.loads(run(path, "cooccur", "--format", "json", *where))
    return docs_from_codes(c for c, n in data["frequencies"].items() if n)


def sankey(path: Path, where: list[str], out: Path) -> set[str]:
    run(path, "sankey", str(out / "s.html"), *where)
    from tests.figure_helpers import named, plotly_json

    _, layout = plotly_json((out / "s.html").read_text(encoding="utf-8"))
    labels = [
        re.sub(r"<[^>]+>", " ", a["text"]).split()[0]
        for a in named(layout, "annotations", "label").values()
    ]
    return docs_from_codes(labels)


def network(path: Path, where: list[str], out: Path) -> set[str]:
    run(path, "network", str(out / "n.graphml"), *where)
    graph = nx.read_graphml(out / "n.graphml")
    return docs_from_codes(n for edge in graph.edges for n in edge)


def agree(path: Path, where: list[str], out: Path) -> set[str]:
    data = json.loads(run(path, "agree", "--unit", "document", "--format", "json", *where))
    return docs_from_codes(c["code"] for c in data["codes"] if c["counts"]["both"])


def disagreements(path: Path, where: list[str], out: Path) -> set[str]:
    return {
        row["document"]
        for row in json.loads(run(path, "disagreements", "--format", "json", *where))
    }


def quotations(path: Path, where: list[str], out: Path) -> set[str]:
    run(path, "export", "quotations", str(out / "q.md"), *where)
    return set(re.findall(r"^> — (D\d) \(", (out / "q.md").read_text(encoding="utf-8"), re.M))


def matrix(path: Path, where: list[str], out: Path) -> set[str]:
    run(path, "export", "matrix", str(out / "m.csv"), "--by", "case", *where)
    columns = list(csv_rows(out / "m.csv")[0])[1:-1]
    return {doc for doc, (case, *_) in DOCUMENTS.items() if case in columns}


def units(path: Path, where: list[str], out: Path) -> set[str]:
    run(path, "export", "units", str(out / "u.csv"), *where)
    return {row["document"] for row in csv_rows(out / "u.csv")}


def codings(path: Path, where: list[str], out: Path) -> set[str]:
    run(path, "export", "codings", str(out / "c.csv"), *where)
    return {row["document"] for row in csv_rows(out / "c.csv")}


def evaluate(path: Path, where: list[str], out: Path) -> set[str]:
    code, out, err = main_run(
        path, "suggest", "evaluate", "--folds", "2", "--epochs", "1", "--format", "json", *where
    )
    if code == 1:  # one selected document cannot be split into two folds
        found = re.search(r"the (\d+) documents that can be tested", err)
        assert found, err
        return {f"{found.group(1)} document(s)"}
    assert code == 0, (out, err)
    data = json.loads(out)
    return docs_from_codes(c["code"] for c in data["models"]["learned"]["codes"] if c["support"])


COMMANDS: dict[str, Callable[[Path, list[str], Path], set[str]]] = {
    "cooccur": cooccur,
    "sankey": sankey,
    "network": network,
    "agree": agree,
    "disagreements": disagreements,
    "export quotations": quotations,
    "export matrix": matrix,
    "export units": units,
    "export codings": codings,
    "suggest evaluate": evaluate,
}

# --where items -> the documents they mean (docs/selection.md), worked out by hand
SELECTIONS = [
    ([], {"D1", "D2", "D3", "D4"}),
    (["region=Piura"], {"D1", "D4"}),
    (["region=Piura", "region=Cusco"], {"D1", "D2", "D4"}),  # same key: either value
    (["region=Piura", "sector=government"], {"D1"}),  # different keys: both
    (["region=piura ", "sector=NGO"], {"D4"}),  # letter case and spaces
    (["document=D2"], {"D2"}),
    (["document=D2", "document=D3", "sector=government"], {"D3"}),
    (["case=C3", "case=C4"], {"D3", "D4"}),
]


@pytest.mark.parametrize(
    "items,expected", SELECTIONS, ids=[" ".join(i) or "everything" for i, _ in SELECTIONS]
)
def test_every_command_sees_the_same_documents(study, tmp_path, items, expected):
    where = [arg for item in items for arg in ("--where", item)]
    with Project.open(study) as project:
        core = set(selected_documents(project, Selection.build(where=items)).values())
    assert core == expected
    seen = {name: read(study, where, tmp_path) for name, read in COMMANDS.items()}
    if len(expected) < 2:
        assert seen.pop("suggest evaluate") == {f"{len(expected)} document(s)"}
    assert seen == {name: expected for name in seen}


# option spelling per command for a coder and a code (None: the command has no such option)
CODER = {
    "agree": "--coders",
    "disagreements": "--coders",
    "export quotations": "--coder",
    "export matrix": "--coder",
    "export units": "--coder",
    "export codings": "--coder",
    "cooccur": "--coder",
    "sankey": "--coder",
    "network": "--coder",
    "suggest evaluate": "--coder",
}
CODES = {
    "agree": "--codes",
    "disagreements": "--codes",
    "export quotations": "--codes",
    "export codings": "--codes",
    "cooccur": "--codes",
    "sankey": "--codes",
    "network": "--codes",
}
ARGS = {
    "sankey": ["OUT.html"],
    "network": ["OUT.graphml"],
    "export quotations": ["OUT.md"],
    "export matrix": ["OUT.csv"],
    "export units": ["OUT.csv"],
    "export codings": ["OUT.csv"],
}

MISTAKES = [
    (
        "where",
        ["--where", "regoin=Piura"],
        "no case attribute 'regoin' (attributes: region, sector)",
    ),
    ("where", ["--where", "region=Lma"], "no case has region='Lma' (values: Cusco, Lima, Piura)"),
    ("where", ["--where", "document=D9"], "no document named 'D9' in the project"),
    ("where", ["--where", "case=C9"], "no case has case='C9' (values: C1, C2, C3, C4)"),
    ("where", ["--where", "region"], "--where expects attribute=value, not 'region'"),
    ("coder", ["ana"], "no coder named 'ana' (coders: james, maria)"),
    ("codes", ["Topik"], "no code 'Topik' in the codebook"),
]


def test_the_same_mistake_is_the_same_error_everywhere(study, tmp_path):
    before = (study.stat().st_size, study.stat().st_mtime_ns)
    for kind, args, message in MISTAKES:
        printed: dict[str, str] = {}
        for command in COMMANDS:
            if kind == "coder":
                full = [CODER[command], *args]
            elif kind == "codes":
                if command not in CODES:
                    continue
                full = [CODES[command], *args]
            else:
                full = args
            out = [str(tmp_path / a) for a in ARGS.get(command, [])]
            code, _, err = main_run(study, *command.split(), *out, *full)
            assert code == 1, (command, full, err)
            assert err.count("\n") == 1 and err.endswith(message + "\n"), (command, full, err)
            assert not any(tmp_path.iterdir()), f"{command} wrote a file after a mistake"
            printed[command] = err
        assert len(set(printed.values())) == 1, printed  # word for word the same line
    assert (study.stat().st_size, study.stat().st_mtime_ns) == before


def test_parse_where_is_the_one_reader():
    assert parse_where(" region = Piura ") == ("region", "Piura")
    assert parse_where("note=a=b") == ("note", "a=b")
    with pytest.raises(WorkbenchError, match="attribute=value"):
        parse_where("=Piura")
    sel = Selection.build(where=["document=D1", "region=Piura", "document=D2"])
    assert sel.documents == ("D1", "D2") and sel.where == (("region", "Piura"),)


def test_the_app_screen_selects_like_the_commands(study):
    from workbench.tui.screens.cooccurrence import CooccurFilters

    filters = CooccurFilters(where=("region=Piura", "region=Cusco", "document=D4"))
    with Project.open(study) as project:
        assert set(selected_documents(project, filters.selection()).values()) == {"D4"}
