"""Merging coders' project files: nothing lost, nothing duplicated, conflicts reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.agree_helpers import code, done, sentence_doc
from tests.conftest import file_bytes
from workbench.analysis.agreement import agreement
from workbench.cli import cli
from workbench.ops.codes import add_code
from workbench.ops.coding import add_memo, apply_code
from workbench.ops.merge import merge
from workbench.store.errors import ProjectError
from workbench.store.project import Project


def _base(path: Path) -> Project:
    """The shared starting point: the same transcripts and codebook (same GUIDs)."""
    p = Project.open(path)
    sentence_doc(p, "INT01", 20)
    sentence_doc(p, "INT02", 12)
    add_code(p, "Participation/Barriers", guid="G-BARRIERS")
    add_code(p, "Transparency/Corruption", guid="G-CORRUPTION")
    return p


def _key_set(project: Project) -> list[tuple[str, str, str, int, int]]:
    paths = {c.id: c.path for c in project.codes()}
    coders = {c.id: c.name for c in project.coders()}
    docs = {d.id: d.name for d in project.documents()}
    return sorted(
        (docs[c.document_id], paths[c.code_id], coders[c.coder_id], c.start, c.end)
        for c in project.codings()
    )


@pytest.fixture
def two_files(tmp_path: Path) -> tuple[Path, Path]:
    a_path, b_path = tmp_path / "maria.db", tmp_path / "james.db"
    a = _base(a_path)
    a.conn.backup(Project.open(b_path).conn)
    b = Project.open(b_path)
    code(a, "INT01", "Participation/Barriers", [(0, 30), (50, 70)], "maria")
    code(a, "INT02", "Transparency/Corruption", [(10, 40)], "maria")
    add_memo(a, "coding", a.codings()[0].id, "a clear barrier", coder="maria")
    done(a, "INT01", "maria")
    done(a, "INT02", "maria")
    code(b, "INT01", "Participation/Barriers", [(0, 30), (80, 100)], "james")
    code(b, "INT02", "Transparency/Corruption", [(20, 40)], "james")
    add_code(b, "Transparency/Access to information", guid="G-ACCESS")
    code(b, "INT02", "Transparency/Access to information", [(60, 90)], "james")
    done(b, "INT01", "james")
    done(b, "INT02", "james")
    # a transcript only james has, and a code that only maria's copy has
    sentence_doc(b, "NGO01", 5)
    code(b, "NGO01", "Participation/Barriers", [(0, 10)], "james")
    add_code(a, "Effectiveness/Results")
    a.close()
    b.close()
    return a_path, b_path


def test_merge_keeps_every_coding_once(two_files: tuple[Path, Path]) -> None:
    a_path, b_path = two_files
    a, b = Project.open(a_path), Project.open(b_path)
    expected = sorted(set(_key_set(a)) | set(_key_set(b)))
    report = merge(a, b_path)
    assert _key_set(a) == expected
    assert report.codings_added == 5 and report.codings_identical == 0
    assert report.documents_matched == 2 and report.documents_added == ["NGO01"]
    assert report.codes_added == ["Transparency/Access to information"]
    assert a.code("Transparency/Access to information").guid == "G-ACCESS"
    assert report.coders_added == ["james"] and report.conflicts == []
    ngo = a.document("NGO01")
    assert [(u.start, u.end) for u in a.units(ngo.id, "sentence")] == [
        (u.start, u.end) for u in b.units(b.document("NGO01").id, "sentence")
    ]
    assert a.done_documents(a.coder_id("james")) == {a.document("INT01").id, a.document("INT02").id}
    # merging again (or merging the other way round) adds nothing twice
    again = merge(a, b_path)
    assert again.codings_added == 0 and again.codings_identical == 5
    assert again.documents_added == [] and again.memos_added == 0
    assert _key_set(a) == expected
    assert len(a.memos("coding")) == 1


def test_agreement_after_merge_equals_agreement_of_the_originals(
    two_files: tuple[Path, Path], tmp_path: Path
) -> None:
    a_path, b_path = two_files
    a, b = Project.open(a_path), Project.open(b_path)
    # the reference: a third project coded directly with both originals' codings
    ref = _base(tmp_path / "ref.db")
    for source in (a, b):
        paths = {c.id: c.path for c in source.codes()}
        coders = {c.id: c.name for c in source.coders()}
        for c in source.codings():
            doc = source.document(c.document_id).name
            if doc == "NGO01":
                continue
            if paths[c.code_id] not in {x.path for x in ref.codes()}:
                add_code(ref, paths[c.code_id])
            apply_code(ref, doc, paths[c.code_id], c.start, c.end, coder=coders[c.coder_id])
    done(ref, "INT01", "maria", "james")
    done(ref, "INT02", "maria", "james")
    merge(a, b_path)
    for unit in ("char", "sentence"):
        merged = agreement(a, unit=unit, coders=["maria", "james"]).to_json()
        expected = agreement(ref, unit=unit, coders=["maria", "james"]).to_json()
        merged["codes"] = [c for c in merged["codes"] if c["code"] != "Effectiveness/Results"]
        assert merged == expected


def test_dry_run_changes_nothing(two_files: tuple[Path, Path]) -> None:
    a_path, b_path = two_files
    a = Project.open(a_path)
    a.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before_a, before_b = file_bytes(a_path), file_bytes(b_path)
    report = merge(a, b_path, dry_run=True)
    assert report.codings_added == 5 and report.documents_added == ["NGO01"]
    a.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert file_bytes(a_path) == before_a and file_bytes(b_path) == before_b
    real = merge(a, b_path)
    assert (real.codings_added, real.codes_added) == (report.codings_added, report.codes_added)


def test_conflicts_are_reported_and_nothing_dropped(tmp_path: Path) -> None:
    a = Project.open(tmp_path / "a.db")
    b = Project.open(tmp_path / "b.db")
    sentence_doc(a, "INT01", 5)
    sentence_doc(b, "Other", 5)  # different text under another name
    b.conn.execute("UPDATE documents SET name = 'INT01' WHERE name = 'Other'")
    add_code(a, "Old/Name", guid="G1")
    add_code(b, "New/Name", guid="G1")  # same GUID, different path
    add_code(a, "Shared", guid="G2")
    add_code(b, "Shared", guid="G3")  # same path, different GUID
    code(b, "INT01", "New/Name", [(0, 5)], "james")
    code(b, "INT01", "Shared", [(5, 9)], "james")
    report = merge(a, tmp_path / "b.db")
    text = " | ".join(report.conflicts)
    assert "'New/Name' has the GUID of 'Old/Name' here" in text
    assert "'Shared' has a different GUID here" in text
    assert "has a different text there; added as 'INT01 (2)'" in text
    assert _key_set(a) == [
        ("INT01 (2)", "Old/Name", "james", 0, 5),
        ("INT01 (2)", "Shared", "james", 5, 9),
    ]


def test_bad_other_file_leaves_project_unchanged(project_file: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    before = file_bytes(project_file)
    p = Project.open(project_file)
    with pytest.raises(ProjectError, match="junk.db"):
        merge(p, junk)
    with pytest.raises(ProjectError, match="no such project file"):
        merge(p, tmp_path / "missing.db")
    with pytest.raises(ProjectError, match="into itself"):
        merge(p, project_file)
    p.close()
    assert file_bytes(project_file) == before


def test_merge_cli_dry_run_then_real(two_files: tuple[Path, Path]) -> None:
    a_path, b_path = two_files
    runner = CliRunner()
    dry = runner.invoke(cli, ["-p", str(a_path), "merge", str(b_path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run: merging" in dry.output and "codings: would add 5" in dry.output
    real = runner.invoke(cli, ["-p", str(a_path), "merge", str(b_path)])
    assert "codings: added 5, 0 identical already here" in real.output
    assert len(Project.open(a_path).codings()) == 8
