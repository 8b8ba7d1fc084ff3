"""Project files written by every released schema version open with their data intact.

``tests/fixtures/schema-vN.db`` is a project written by schema version N; never regenerate an
old fixture, add one for each new version.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.ops.check import check_project
from workbench.ops.media import media_link, media_links, sync_points
from workbench.ops.media_time import timeline
from workbench.store.migrations import SCHEMA_VERSION
from workbench.store.project import Project

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-v*.db"))


def test_a_fixture_exists_for_the_current_schema():
    assert any(f.name == f"schema-v{SCHEMA_VERSION}.db" for f in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.stem)
def test_old_project_opens_upgraded_with_data_intact(fixture, tmp_path):
    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    with Project.open(path, create=False) as p:
        assert p.schema_version() == SCHEMA_VERSION
        assert check_project(p).ok
        [doc] = p.documents()
        assert doc.name == "rosa"
        text = p.text(doc.id)
        people = {c.id for c in p.coders() if not c.is_model}
        got = sorted(
            (p.code_by_id(c.code_id).path, text[c.start : c.end])
            for c in p.codings()
            if c.coder_id in people
        )
        assert got == [
            ("Decentralization/Budget execution", "The region executed only half "),
            ("Representation/Selecting representatives", "We held an election in each province."),
        ]
        assert p.code("Representation/Selecting representatives").colour == "#1F77B4"
        assert [m.text for m in p.memos("coding")] == ["elections by province"]
        assert p.cases()[0].attributes == {"region": "Piura", "interview_year": 2023}
        if _version(fixture) >= 7:  # the recording linked to rosa and its sync points
            link = media_link(p, doc.id)
            assert (link.path, link.kind, link.size, link.offset) == (
                "rosa.ogg",
                "audio",
                55564,
                1.5,
            )
            assert link.sha256.startswith("bb8a62ffeef8")
            assert sync_points(p, doc.id) == [(57, 4.0), (165, 21.5)]
            assert timeline(p, doc.id).time_at(57) == 4.0
        else:  # an older project gains the tables, empty
            assert media_links(p) == [] and sync_points(p, doc.id) == []
        assert p.undo() is not None  # the action log came along too


def _version(fixture: Path) -> int:
    return int(fixture.stem.removeprefix("schema-v"))


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if _version(f) >= 7], ids=lambda f: f.stem)
def test_model_coder_and_languages_survive_the_upgrade(fixture, tmp_path):
    """From version 7 a fixture holds a model coder (``suggest as-coder``) beside people, and a
    coder's app language (version 6): both are kept, and the model's codings stay its own."""
    from workbench.analysis.filters import without_models
    from workbench.ops.coderstate import coder_language

    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    with Project.open(path, create=False) as p:
        coders = {c.name: c for c in p.coders()}
        assert coders["model"].is_model and not coders["maria"].is_model
        assert '"suggester": "rules"' in coders["model"].model
        assert coder_language(p, "ana") == "es"
        mine = [c for c in p.codings() if c.coder_id == coders["model"].id]
        assert len(mine) >= 1
        assert set(without_models(p, ())) == {"ana", "james", "maria"}
