"""On the demo: accept what detection proposes, release a copy, and check that the release
holds no name of the key while every coding, agreement figure and co-occurrence count stays."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.figure_helpers import demo_workspace
from workbench.cli import cli
from workbench.pseudonymise.forms import fold
from workbench.pseudonymise.key import read_key


def run(project: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--project", str(project), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The demo, its key holding every detected candidate, and the released copy."""
    root = tmp_path_factory.mktemp("release")
    project = demo_workspace(root)
    candidates = root / "candidates.csv"
    candidates.write_text(run(project, "pseudonymise", "detect", "--format", "csv"), "utf-8")
    key = root / "study.key.csv"
    run(project, "pseudonymise", "key", "import", str(candidates), "--key", str(key))
    release = root / "release.db"
    run(project, "pseudonymise", "apply", "--key", str(key), "--out", str(release))
    return project, key, release


def test_the_key_is_private_and_apart_from_the_project(released) -> None:
    project, key, _release = released
    assert key.stat().st_mode & 0o777 == 0o600
    names = [e.original for e in read_key(key).accepted()]
    assert {"Ernesto Ramírez Chunga", "Claire Dunmore", "Rosa Sernaqué"} <= set(names)
    raw = project.read_bytes()  # the project file holds the names, but not the key's pseudonyms
    assert b"Participant 01" not in raw


def test_after_accepting_every_candidate_check_finds_nothing_in_the_release(released) -> None:
    project, key, release = released
    out = run(release, "pseudonymise", "check", "--key", str(key), "--format", "json")
    assert json.loads(out) == []
    found = run(project, "pseudonymise", "check", "--key", str(key), code=1)
    assert "Ernesto Ramírez Chunga" in found  # the original is untouched


def test_the_release_file_holds_no_byte_of_any_name(released) -> None:
    """Not in the text, the search index, the action log nor free pages: the file itself."""
    project, key, release = released
    raw = release.read_bytes().decode("utf-8", errors="replace")
    original = project.read_bytes().decode("utf-8", errors="replace")
    names = ["Ernesto Ramírez Chunga", "Claire Dunmore", "Rosa Sernaqué", "Patricia Salcedo"]
    for entry in read_key(key).accepted():
        if len(entry.original) >= 5 and entry.kind == "person":
            pattern = r"(?<!\w)" + re.escape(entry.original) + r"(?!\w)"
            assert not re.search(pattern, raw), entry.original
    for name in names:
        assert name in original and name not in raw


def test_codings_agreement_and_cooccurrence_carry_over(released) -> None:
    project, _key, release = released
    before, after = (json.loads(run(p, "stats", "--format", "json")) for p in (project, release))
    assert after.pop("characters") != before.pop("characters")  # names became labels
    assert after == before  # documents, codes, codings per coder
    for args in (
        ("agree", "--coders", "maria,james", "--unit", "sentence", "--format", "json"),
        ("agree", "--coders", "maria,james", "--unit", "turn", "--format", "json"),
        ("cooccur", "--format", "json"),
        ("cooccur", "--mode", "unit", "--unit", "sentence", "--format", "json"),
    ):
        assert json.loads(run(release, *args)) == json.loads(run(project, *args)), args
    assert "[Participant" in run(release, "codings", "--format", "csv")


def test_a_qdpx_export_of_the_release_read_back_holds_none_of_the_key(released, tmp_path) -> None:
    _project, key, release = released
    out = tmp_path / "release.qdpx"
    run(release, "export", "qdpx", str(out), "--require-clean", str(key))
    with zipfile.ZipFile(out) as archive:
        text = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    reread = tmp_path / "reread.db"
    run(reread, "import-qdpx", str(out))
    dumped = run(reread, "codings", "--format", "csv") + run(reread, "documents", "--format", "csv")
    for body in (text, dumped):
        folded = fold(body)
        for entry in read_key(key).accepted():
            for form in entry.forms():
                assert not written(form, body, folded), form


def written(form: str, text: str, folded: str) -> bool:
    """``form`` as a whole word in ``text``: a name of several words in any letter case or
    accents, a single word as spelled (a lowercase "educación" is a word, not the entry)."""
    if len(form.split()) > 1:
        return bool(re.search(r"(?<!\w)" + re.escape(fold(form)) + r"(?!\w)", folded))
    return bool(re.search(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text))


def test_require_clean_refuses_an_export_of_the_original(released, tmp_path) -> None:
    project, key, _release = released
    out = tmp_path / "leak.md"
    result = CliRunner().invoke(
        cli,
        ["--project", str(project), "export", "quotations", str(out), "--require-clean", str(key)],
    )
    assert result.exit_code == 1 and "not clean" in str(result.exception or result.output)
    assert not out.exists()
