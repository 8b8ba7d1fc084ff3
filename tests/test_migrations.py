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
        got = sorted((p.code_by_id(c.code_id).path, text[c.start : c.end]) for c in p.codings())
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
