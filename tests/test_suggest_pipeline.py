"""Naming a spaCy pipeline for the suggesters: `workbench suggest pipeline`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import file_bytes
from workbench.cli import cli
from workbench.store.project import Project
from workbench.suggest import pipelines


@pytest.fixture
def saved_pipeline(tmp_path: Path) -> Path:
    """An English pipeline folder whose meta name marks it as ours."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.meta["name"] = "marker_pipeline"
    folder = tmp_path / "marker-pipeline"
    nlp.to_disk(folder)
    return folder


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "study.db"
    Project.open(path, create=True).close()
    return path


def run(path: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(path), "suggest", "pipeline", *args])


def run_process(path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKBENCH_PROJECT": str(path)}
    return subprocess.run(
        [sys.executable, "-m", "workbench", "suggest", "pipeline", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=path.parent,
        stdin=subprocess.DEVNULL,
    )


def test_saved_folder_is_stored_and_used_by_the_loader(project_path, saved_pipeline):
    result = run(project_path, str(saved_pipeline))
    assert result.exit_code == 0, result.output
    assert f"spacy_model.en = {saved_pipeline.resolve()}" in result.output

    project = Project.open(project_path)
    try:
        assert project.setting("spacy_model.en") == str(saved_pipeline.resolve())
        nlp = pipelines.pipeline(project, "en")
        assert nlp.meta["name"] == "marker_pipeline"
        assert nlp.pipe_names == ["sentencizer"]
        # the built-in pipeline was neither built nor saved
        assert not (pipelines.storage_dir(project) / "pipeline-en").exists()
    finally:
        project.close()


def test_relative_folder_is_stored_absolute(project_path, saved_pipeline, monkeypatch):
    monkeypatch.chdir(saved_pipeline.parent)
    result = run(project_path, saved_pipeline.name)
    assert result.exit_code == 0, result.output
    project = Project.open(project_path)
    try:
        assert project.setting("spacy_model.en") == str(saved_pipeline.resolve())
    finally:
        project.close()


def test_show_reports_setting_and_pipeline_in_use(project_path, saved_pipeline):
    before = run(project_path, "--format", "csv")
    assert before.exit_code == 0, before.output
    assert before.output.splitlines() == [
        "language,setting,pipeline",
        'en,,"built-in, built on first use"',
    ]
    assert run(project_path, str(saved_pipeline)).exit_code == 0
    after = run(project_path, "--format", "json")
    assert after.exit_code == 0, after.output
    folder = str(saved_pipeline.resolve())
    assert f'"setting": "spacy_model.en = {folder}"' in after.output
    assert f'"pipeline": "{folder}"' in after.output


@pytest.mark.parametrize("name", ["no_such_pipeline_xx", "numpy"])
def test_unknown_name_is_one_line_error_and_project_unchanged(project_path, name):
    before = file_bytes(project_path)
    result = run_process(project_path, name)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ") and repr(name) in lines[0]
    assert file_bytes(project_path) == before


def test_folder_without_pipeline_is_rejected(project_path, tmp_path):
    empty = tmp_path / "not-a-pipeline"
    empty.mkdir()
    before = file_bytes(project_path)
    result = run_process(project_path, str(empty))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "does not hold a saved spaCy pipeline" in result.stderr
    assert file_bytes(project_path) == before


def test_language_must_match_the_pipeline(project_path, saved_pipeline):
    before = file_bytes(project_path)
    result = run(project_path, str(saved_pipeline), "--language", "es")
    assert result.exit_code != 0
    assert "is for language 'en', not 'es'" in str(result.exception)
    assert file_bytes(project_path) == before


def test_clear_removes_the_setting(project_path, saved_pipeline):
    assert run(project_path, str(saved_pipeline)).exit_code == 0
    other_language = run(project_path, "--clear", "--language", "es")
    assert "no named pipeline to remove" in other_language.output
    result = run(project_path, "--clear")
    assert result.exit_code == 0, result.output
    assert "removed spacy_model.en" in result.output
    project = Project.open(project_path)
    try:
        assert project.setting("spacy_model.en") is None
        assert pipelines.named_pipeline_settings(project) == []
        assert pipelines._installed_model(project, "en") is None
    finally:
        project.close()


def test_name_and_clear_together_is_a_usage_error(project_path, saved_pipeline):
    result = run(project_path, str(saved_pipeline), "--clear")
    assert result.exit_code == 2
    assert "not both" in result.output
