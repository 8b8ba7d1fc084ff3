"""One coding per (document, code, coder, span): refused when applied, folded when imported or
merged, guarded by the schema, and folded when an older project is upgraded."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.core_helpers import INTERVIEW, add_interview
from tests.suggest_helpers import add_text
from workbench.cli import cli
from workbench.ops import codes
from workbench.ops.coding import apply_code, change_code, resize_coding
from workbench.ops.duplicates import DuplicateCoding, Folding
from workbench.ops.merge import merge
from workbench.store.migrations import SCHEMA_VERSION
from workbench.store.project import Project
from workbench.suggest.review import accept, list_suggestions
from workbench.suggest.run import run_suggestions

BUDGET = "Decentralization/Budget execution"
SEATS = "Representation/Seat allocation"
SPAN = (INTERVIEW.index("We held"), INTERVIEW.index("We held") + len("We held an election"))


def made(path: Path) -> Path:
    with Project.open(path) as p:
        add_interview(p)
        codes.add_code(p, BUDGET)
        codes.add_code(p, SEATS)
        p.coder_id("maria")
    return path


@pytest.fixture
def proj(project: Project) -> Project:
    add_interview(project)
    codes.add_code(project, BUDGET)
    codes.add_code(project, SEATS)
    return project


def test_the_same_code_on_the_same_span_by_the_same_coder_is_refused_in_one_line(proj):
    apply_code(proj, "rosa", BUDGET, *SPAN, coder="maria")
    with pytest.raises(DuplicateCoding) as caught:
        apply_code(proj, "rosa", BUDGET, *SPAN, coder="maria")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("rosa: ")
    assert f"{BUDGET} is already applied to [{SPAN[0]}, {SPAN[1]}) by maria" in message
    assert len(proj.codings()) == 1
    # not a duplicate: another coder, another code, another span
    apply_code(proj, "rosa", BUDGET, *SPAN, coder="james")
    apply_code(proj, "rosa", SEATS, *SPAN, coder="maria")
    apply_code(proj, "rosa", BUDGET, SPAN[0], SPAN[1] + 1, coder="maria")
    assert len(proj.codings()) == 4
    # the refused apply left no action behind: undo takes back the last real one
    assert proj.undo("maria").startswith(f"apply {BUDGET} to rosa [{SPAN[0]}, {SPAN[1] + 1})")


def test_change_and_resize_into_a_duplicate_are_refused(proj):
    kept = apply_code(proj, "rosa", BUDGET, *SPAN, coder="maria")
    other = apply_code(proj, "rosa", SEATS, *SPAN, coder="maria")
    wider = apply_code(proj, "rosa", BUDGET, SPAN[0], SPAN[1] + 4, coder="maria")
    with pytest.raises(DuplicateCoding, match="already applied"):
        change_code(proj, other, BUDGET)
    with pytest.raises(DuplicateCoding, match="already applied"):
        resize_coding(proj, wider, *SPAN)
    resize_coding(proj, kept, *SPAN)  # to its own extent: nothing else is there
    change_code(proj, kept, BUDGET)
    spans = sorted((c.code_id, c.start, c.end) for c in proj.codings())
    assert len(spans) == len(set(spans)) == 3


def test_accepting_a_suggestion_already_coded_is_refused(project):
    codes.add_code(project, "Representation", keywords={"en": ["representative"]})
    add_text(project, "rosa", "Rosa: Our representative spoke first. Then lunch.", language="en")
    run_suggestions(project)
    [first] = list_suggestions(project)
    apply_code(project, "rosa", "Representation", first.start, first.end, coder="maria")
    with pytest.raises(DuplicateCoding):
        accept(project, first.id, "maria")
    assert len(project.codings()) == 1
    assert list_suggestions(project)[0].status == "open"  # nothing changed


def test_the_schema_refuses_a_duplicate_row_too(proj):
    apply_code(proj, "rosa", BUDGET, *SPAN, coder="maria")
    row = proj.conn.execute(
        'SELECT document_id, code_id, coder_id, start, "end" FROM codings'
    ).fetchone()
    with pytest.raises(sqlite3.IntegrityError):
        proj.conn.execute(
            'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", created_at) '
            "VALUES ('X', ?, ?, ?, ?, ?, 'now')",
            row,
        )


def test_folding_counts_what_was_already_there(proj):
    apply_code(proj, "rosa", BUDGET, *SPAN, coder="maria")
    key = proj.conn.execute(
        'SELECT document_id, code_id, coder_id, start, "end" FROM codings'
    ).fetchone()
    folding = Folding(proj)
    assert folding.seen(tuple(key)) is True
    new = (key[0], key[1], key[2], key[3], key[4] + 1)
    assert [folding.seen(new), folding.seen(new)] == [False, True]
    assert folding.folded == 2


def test_cli_apply_twice_refused_and_csv_import_folds_and_says_how_many(tmp_path):
    path = made(tmp_path / "p.db")
    args = ["--project", str(path), "code", "apply", "--doc", "rosa", "--code", BUDGET]
    args += ["--start", str(SPAN[0]), "--end", str(SPAN[1]), "--coder", "maria"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    again = subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True
    )
    assert again.returncode == 1 and again.stdout == ""
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and "already applied" in lines[0]
    csv = tmp_path / "codings.csv"
    row = f"rosa,{BUDGET},maria,{SPAN[0]},{SPAN[1] + 2},\n"
    csv.write_text(
        "document,code,coder,start,end,text\n"
        f"rosa,{BUDGET},maria,{SPAN[0]},{SPAN[1]},\n" + row + row,
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--project", str(path), "codings", "import", str(csv)])
    assert result.exit_code == 0, result.output
    assert "imported 1 coding(s)" in result.output
    assert "2 codings already present were folded" in result.output
    with Project.open(path, create=False) as p:
        assert len(p.codings()) == 2


def test_merge_folds_a_duplicate_and_says_how_many(tmp_path):
    mine, theirs = made(tmp_path / "mine.db"), made(tmp_path / "theirs.db")
    for path in (mine, theirs):
        with Project.open(path, create=False) as p:
            apply_code(p, "rosa", BUDGET, *SPAN, coder="maria")
    with Project.open(mine, create=False) as p:
        report = merge(p, theirs)
        assert (report.codings_added, report.codings_identical) == (0, 1)
        assert any("1 identical already here" in line for line in report.lines())
        assert len(p.codings()) == 1


def test_upgrading_folds_old_duplicates_keeping_memos_and_history_safe(tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "schema-v5.db"
    path = tmp_path / "old.db"
    shutil.copyfile(fixture, path)
    con = sqlite3.connect(path)
    rows = con.execute('SELECT id, document_id, code_id, coder_id, start, "end" FROM codings')
    cid, doc, code, coder, start, end = rows.fetchall()[0]
    for n in (1, 2):  # two copies of the first coding, as version 5 could store
        con.execute(
            'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", '
            "created_at) VALUES (?, ?, ?, ?, ?, ?, '2024-01-01T00:00:00+00:00')",
            (f"DUP-{n}", doc, code, coder, start, end),
        )
    copy = con.execute("SELECT max(id) FROM codings").fetchone()[0]
    con.execute(
        "INSERT INTO memos (guid, target_type, target_id, text, created_at, updated_at) "
        "VALUES ('M-DUP', 'coding', ?, 'on the copy', 'x', 'x')",
        (copy,),
    )
    con.commit()
    con.close()
    with Project.open(path, create=False) as p:
        assert p.schema_version() == SCHEMA_VERSION
        codings = p.codings()
        assert len(codings) == 2 and cid in {c.id for c in codings}
        on_kept = [m.text for m in p.memos("coding", cid)]
        assert "on the copy" in on_kept  # the memo followed the coding kept
        assert p.undo_barrier() == "fold 2 duplicate coding(s) while upgrading the project"
        assert p.undo() is None  # older actions could name the folded copies
        with pytest.raises(sqlite3.IntegrityError):
            p.conn.execute(
                'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", '
                "created_at) VALUES ('X', ?, ?, ?, ?, ?, 'x')",
                (doc, code, coder, start, end),
            )
    plain = tmp_path / "clean.db"
    shutil.copyfile(fixture, plain)
    with Project.open(plain, create=False) as p:  # nothing to fold: history untouched
        assert p.undo_barrier() is None and p.undo() is not None
