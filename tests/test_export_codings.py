"""Codings as CSV: export with text, import back, all-or-nothing with row-numbered errors."""

from __future__ import annotations

import csv

import pytest
from conftest import file_bytes
from refi_helpers import JUAN, build, snapshot

from workbench.ops.codings_io import export_codings_csv, import_codings_csv
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


@pytest.fixture
def full(project):
    return build(project)


def emptied(project: Project) -> Project:
    """The same documents and codebook, without codings or coding memos."""
    with project.transaction():
        project.conn.execute("DELETE FROM memos WHERE target_type = 'coding'")
        project.conn.execute("DELETE FROM codings")
    return project


def test_export_columns_and_text(full, tmp_path):
    assert export_codings_csv(full, tmp_path / "c.csv") == 9
    rows = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8")))
    assert list(rows[0]) == [
        "document",
        "code",
        "coder",
        "start",
        "end",
        "text",
        "memo",
        "created_at",
    ]
    row = next(r for r in rows if r["code"] == "Representation/Selecting representatives")
    assert row["text"] == "We held an election in each province."
    assert row["memo"] == "Clear case of an election."
    assert (row["document"], row["coder"]) == ("rosa", "maria")


def test_round_trip(full, tmp_path):
    export_codings_csv(full, tmp_path / "c.csv")
    before = snapshot(full)
    emptied(full)
    assert import_codings_csv(full, tmp_path / "c.csv").added == 9
    after = snapshot(full)
    assert after["codings"] == before["codings"]
    assert after["memos"] == before["memos"]
    again = import_codings_csv(full, tmp_path / "c.csv")
    assert (again.added, again.folded) == (0, 9)  # nothing twice, and it says so
    full.undo()  # the (empty) second import
    full.undo()  # the first import: one action
    assert full.codings() == []


def write(tmp_path, text):
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_blank_offsets_locate_text_and_new_coders(full, tmp_path):
    emptied(full)
    path = write(
        tmp_path,
        "document,code,coder,start,end,text\n"
        "juan,Transparency,lucia,,,Nobody publishes the minutes.\n",
    )
    assert import_codings_csv(full, path).added == 1
    (coding,) = full.codings()
    start = JUAN.index("Nobody")
    assert (coding.start, coding.end) == (start, start + len("Nobody publishes the minutes."))
    assert "lucia" in [c.name for c in full.coders()]


@pytest.mark.parametrize(
    "line, message",
    [
        ("juan,Nope/Code,maria,,,Nobody", "row 3: unknown code 'Nope/Code'"),
        ("ghost,Transparency,maria,0,5,", "row 3: unknown document 'ghost'"),
        ("juan,Transparency,maria,,,not in the text", "row 3: text 'not in the text' not found"),
        ("juan,Transparency,maria,0,6,Nobody", "row 3: text 'Nobody' does not match"),
        ("juan,Transparency,maria,5,,", "row 3: give both start and end"),
        ("juan,Transparency,maria,0,9999,", "row 3: span [0, 9999) is outside"),
        ("juan,Transparency,maria,a,5,", "row 3: start 'a' is not a whole number"),
    ],
)
def test_errors_name_the_row_and_change_nothing(project_file, tmp_path, line, message):
    with Project.open(project_file) as p:
        build(p)
    before = file_bytes(project_file)
    path = write(
        tmp_path,
        "document,code,coder,start,end,text\n"
        "juan,Transparency,maria,,,Nobody publishes\n" + line + "\n",
    )
    with Project.open(project_file) as p, pytest.raises(WorkbenchError) as info:
        import_codings_csv(p, path)
    assert str(info.value).startswith(f"{path}:{message}")
    assert file_bytes(project_file) == before


def test_missing_columns(full, tmp_path):
    path = write(tmp_path, "doc,code\nx,y\n")
    with pytest.raises(WorkbenchError, match="row 1: missing column"):
        import_codings_csv(full, path)
