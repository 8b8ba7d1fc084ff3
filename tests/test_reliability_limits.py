"""The fast half of the limits: deep and wide codebooks, oversized files, many codings.

The full-size figures (a 50 MB transcript, 10,000 codes, 1,000,000 codings, peak memory) come
from ``benchmarks/bench_limits.py``; these tests pin the behaviour at each limit: it works, or
it is refused with a clear one-line error and the project is left as it was.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import file_bytes
from workbench.ingest import MAX_FILE_BYTES
from workbench.interop.qdc import export_qdc, load_qdc
from workbench.ops.check import check_project
from workbench.ops.codebook import load_codebook
from workbench.ops.codebook_export import codebook_yaml
from workbench.ops.imports import import_files
from workbench.store.errors import CodebookError, InputFileError
from workbench.store.project import Project

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_limits import deep_codebook, wide_codebook  # noqa: E402


def test_a_codebook_twelve_levels_deep_loads_and_round_trips(project, tmp_path):
    book = tmp_path / "deep.yaml"
    deep_codebook(book, 12)
    report = load_codebook(project, book)
    assert len(report.added) == 24
    chain = "/".join(f"Level {i}" for i in range(1, 13))
    assert max(c.path.count("/") for c in project.codes()) == 11
    assert project.code(chain).name == "Level 12"
    assert (
        project.code(chain.rsplit("/", 1)[0] + "/Leaf 12").parent_id
        == project.code(chain).parent_id
    )
    (tmp_path / "again.yaml").write_text(codebook_yaml(project), encoding="utf-8")
    export_qdc(project, tmp_path / "deep.qdc")
    for loader, path in (
        (load_codebook, tmp_path / "again.yaml"),
        (load_qdc, tmp_path / "deep.qdc"),
    ):
        with Project.memory() as copy:
            loader(copy, path)
            assert [c.path for c in copy.codes()] == [c.path for c in project.codes()]


@pytest.mark.parametrize("depth", [300, 2000])
def test_a_codebook_nested_too_deeply_is_refused_clearly(project_file, tmp_path, depth):
    book = tmp_path / "deeper.yaml"
    deep_codebook(book, depth)
    before = file_bytes(project_file)
    with Project.open(project_file) as p, pytest.raises(CodebookError, match="nested too deeply"):
        load_codebook(p, book)
    assert file_bytes(project_file) == before


def test_deeply_nested_yaml_lists_are_refused_clearly(project, tmp_path):
    book = tmp_path / "brackets.yaml"
    book.write_text("codes: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="nested too deeply"):
        load_codebook(project, book)


def test_two_thousand_codes_load_as_one_undoable_action(project, tmp_path):
    book = tmp_path / "wide.yaml"
    wide_codebook(book, 2000)
    report = load_codebook(project, book)
    assert len(report.added) == len(project.codes()) == 2000
    assert project.undo() is not None
    assert project.codes() == []


def test_a_transcript_over_the_size_limit_is_refused_before_reading(project_file, tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:  # sparse: takes no disk space and is never read
        fh.truncate(MAX_FILE_BYTES + 1)
    before = file_bytes(project_file)
    with Project.open(project_file) as p, pytest.raises(InputFileError, match="too large"):
        import_files(p, [huge])
    assert file_bytes(project_file) == before


def test_a_transcript_on_one_very_long_line_is_split_into_bounded_pieces(project, tmp_path):
    """No line breaks at all: sentence splitting still works in bounded chunks."""
    text = " ".join(f"Sentence number {i} goes here." for i in range(20_000))  # ~600k chars
    path = tmp_path / "oneline.txt"
    path.write_text(text, encoding="utf-8")
    [doc] = import_files(project, [path])
    sentences = project.units(doc.id, "sentence")
    assert len(sentences) >= 19_000
    assert all(project.text(doc.id)[s.start : s.end].strip() for s in sentences[:50])
    assert check_project(project).ok


def test_many_codings_list_and_check(project):
    """50,000 codings through the bulk path: listed in order and checked."""
    from tests.core_helpers import add_interview
    from workbench.ops.codes import add_code

    doc = add_interview(project)
    # ten codes, each on 5,000 distinct spans: one coding per span, code and coder
    codes = [add_code(project, "A").id] + [add_code(project, f"A/{n}").id for n in range(9)]
    coder = project.coder_id("maria")
    with project.action("bulk", "many codings", undoable=False):
        project.conn.executemany(
            'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", '
            "created_at) VALUES (?,?,?,?,?,?,?)",
            [
                (
                    f"G{i}",
                    doc.id,
                    codes[i % 10],
                    coder,
                    i // 10 % 200,
                    i // 10 % 200 + 1 + i // 2000 % 25,
                    "2024-01-01",
                )
                for i in range(50_000)
            ],
        )
    codings = project.codings()
    assert len(codings) == 50_000
    assert [c.start for c in codings[:3]] == [0, 0, 0]
    assert check_project(project).checked["codings"] == 50_000
