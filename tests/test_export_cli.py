"""The ``export`` and ``import-qdpx`` commands, end to end on a project file."""

from __future__ import annotations

from click.testing import CliRunner
from refi_helpers import build

from workbench.cli import cli
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def test_export_and_import_commands(project_file, tmp_path):
    with Project.open(project_file) as p:
        build(p)
    out = tmp_path / "p.qdpx"
    result = run("-p", str(project_file), "export", "qdpx", str(out))
    assert result.exit_code == 0, result.output
    assert "2 documents, 10 codes, 9 codings, 4 memos" in result.output
    target = tmp_path / "new.db"
    result = run("-p", str(target), "import-qdpx", str(out))
    assert result.exit_code == 0, result.output
    assert "2 documents imported, 10 codes added, 9 codings, 4 memos, 2 cases" in result.output
    result = run("-p", str(target), "import-qdpx", str(out))
    assert isinstance(result.exception, WorkbenchError) and "--merge" in str(result.exception)
    result = run("-p", str(target), "import-qdpx", "--merge", str(out))
    assert "9 codings were already present" in result.output

    for args, expected in [
        (("quotations", str(tmp_path / "q.md"), "--coder", "james"), "3 quotations"),
        (("matrix", str(tmp_path / "m.csv"), "--by", "region"), "10 codes x 1 columns"),
        (("units", str(tmp_path / "u.csv"), "--unit", "turn"), "8 turns"),
        (("codings", str(tmp_path / "c.csv")), "9 codings"),
    ]:
        result = run("-p", str(project_file), "export", *args)
        assert result.exit_code == 0, result.output
        assert expected in result.output
    assert (tmp_path / "q.md").read_text(encoding="utf-8").count("coded by james") == 3
