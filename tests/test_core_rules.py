"""Rules that live in the core, so the app, the CLI and scripts all get them: memo targets,
the project's language, ``code apply --memo`` as one action, one renderer, atomic writes."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from tests.conftest import file_bytes
from tests.cooccur_helpers import small_study
from tests.core_helpers import INTERVIEW, add_interview
from workbench.cli import cli
from workbench.ops import codes
from workbench.ops.check import check_project
from workbench.ops.coding import add_memo, apply_code
from workbench.ops.documents import set_language
from workbench.ops.imports import import_files
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


@pytest.fixture
def coded(project):
    add_interview(project)
    codes.add_code(project, "Representation")
    return project


@pytest.mark.parametrize("target", ["coding", "document", "code"])
def test_a_memo_on_nothing_is_refused_and_check_stays_clean(coded, target):
    with pytest.raises(WorkbenchError, match=f"^no {target} with id 999$"):
        add_memo(coded, target, 999, "lost")
    assert coded.memos() == []
    assert check_project(coded).ok


def test_memo_targets_need_and_refuse_ids(coded):
    with pytest.raises(WorkbenchError, match="takes no target id"):
        add_memo(coded, "project", 1, "x")
    with pytest.raises(WorkbenchError, match="^no coding with id None$"):
        add_memo(coded, "coding", None, "x")
    with pytest.raises(WorkbenchError, match="not 'case'"):
        add_memo(coded, "case", 1, "x")
    doc = coded.document("rosa").id
    add_memo(coded, "document", doc, "fine")
    add_memo(coded, "project", None, "fine too")
    assert len(coded.memos()) == 2 and check_project(coded).ok


def test_apply_with_a_memo_is_one_undoable_action(coded):
    coding_id = apply_code(coded, "rosa", "Representation", 0, 10, coder="maria", memo="why")
    [memo] = coded.memos("coding", coding_id)
    assert memo.text == "why" and memo.coder_id == coded.coder_id("maria")
    assert coded.undo() is not None
    assert coded.codings() == [] and coded.memos() == []
    assert coded.redo() is not None
    assert [m.text for m in coded.memos("coding", coding_id)] == ["why"]


def test_code_apply_memo_on_the_command_line_is_undone_at_once(project_file):
    with Project.open(project_file) as p:
        add_interview(p)
        codes.add_code(p, "Representation")

    def run(*args):
        result = CliRunner().invoke(cli, ["--project", str(project_file), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    run(
        "code",
        "apply",
        "--doc",
        "rosa",
        "--code",
        "Representation",
        "--start",
        "0",
        "--end",
        "10",
        "--memo",
        "why",
        "--coder",
        "maria",
    )
    run("undo")
    with Project.open(project_file) as p:
        assert p.codings() == [] and p.memos() == []


def test_the_language_is_set_only_for_a_new_project(project, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(INTERVIEW, encoding="utf-8")
    second.write_text(INTERVIEW.replace("Rosa", "Juan"), encoding="utf-8")
    broken = tmp_path / "c.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(WorkbenchError):
        import_files(project, [first, broken], language="es")
    assert project.language == "en"  # a failed import leaves no trace, the language included
    import_files(project, [first], language="es")
    assert project.language == "es"
    import_files(project, [second], language="es")  # the language it has: fine
    with pytest.raises(WorkbenchError, match="only applies to a new project"):
        import_files(project, [second], language="en", force=True)
    with pytest.raises(WorkbenchError, match="only applies to a new project"):
        set_language(project, "en")
    with pytest.raises(WorkbenchError, match="unknown language 'xx'"):
        set_language(project, "xx")
    assert project.language == "es" and len(project.documents()) == 2


@pytest.fixture
def study_file(project_file):
    with Project.open(project_file) as p:
        small_study(p)
    return project_file


def test_cooccur_writes_with_the_one_renderer(study_file, tmp_path):
    def run(*args):
        result = CliRunner().invoke(cli, ["--project", str(study_file), "cooccur", *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    for fmt in ("csv", "json"):
        out = tmp_path / f"c.{fmt}"
        run("--format", fmt, "--out", str(out))
        assert out.read_text(encoding="utf-8") == run("--format", fmt)
    out = tmp_path / "c.txt"
    run("--format", "table", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].strip() == "co-occurrence (overlap)"
    pairs = json.loads(run("--format", "json"))["pairs"]
    assert sum(
        1
        for line in text.splitlines()
        if line.startswith("│ Decentral") or line.startswith("│ Participat")
    ) == len(pairs)
    assert "\x1b[" not in text  # no colour codes in a file


def _codebook(project, path):
    from workbench.ops.codebook_export import export_codebook

    export_codebook(project, path)


def _figure(project, path):
    from workbench.analysis.cooccurrence import cooccurrence
    from workbench.export.figures import write_figure
    from workbench.export.heatmap import heatmap_figure

    write_figure(heatmap_figure(cooccurrence(project)), path)


def _xlsx(project, path):
    from workbench.analysis.cooccurrence import cooccurrence
    from workbench.export.figures import write_heatmap_xlsx

    write_heatmap_xlsx(cooccurrence(project), path)


@pytest.mark.parametrize(
    "write,name", [(_codebook, "book.yaml"), (_figure, "heat.html"), (_xlsx, "heat.xlsx")]
)
def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    project, tmp_path, monkeypatch, write, name
):
    small_study(project)
    target = tmp_path / name
    target.write_bytes(b"the old file")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(WorkbenchError, match="cannot write: No space left on device"):
        write(project, target)
    assert file_bytes(target) == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == [name]
    monkeypatch.undo()
    write(project, target)
    assert file_bytes(target) != b"the old file"


# ------------------------------------------------------------------ figure option rules


def test_a_distance_means_proximity_and_is_refused_with_another_mode():
    from workbench.analysis.cooccurrence import Options

    assert Options.choose(None, "sentence", None).mode == "overlap"
    assert Options.choose(None, "sentence", 40) == Options(mode="proximity", distance=40)
    with pytest.raises(WorkbenchError, match="--distance applies to --mode proximity only"):
        Options.choose("overlap", "sentence", 40)


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        (
            {"group": "A", "stages": "region,A,B"},
            "choose one of --group, --aspect, --stages and --attribute",
        ),
        ({"aspect": "A", "right": ("B",)}, "--aspect chooses the codes"),
        ({"group": "A", "left": ("B",)}, "drop --left/--right"),
        ({"attribute": "region", "left": ("A",)}, "attribute values on the left"),
        ({"attribute": "region", "measure": "c"}, "attribute flows are counts"),
    ],
)
def test_sankey_rules_hold_for_scripts_too(asked, message):
    """The rules the sankey command states are the core's: a script gets the same refusal
    before any project is read."""
    from workbench.analysis.cooccurrence import Options
    from workbench.export.sankey_request import SankeyRequest, sankey_data

    request = SankeyRequest(options=Options(), **asked)
    with pytest.raises(WorkbenchError, match=message):
        sankey_data(None, request)  # type: ignore[arg-type]
