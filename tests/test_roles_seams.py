"""Operations from other parts of the tool ask the one permission check too: correcting a
transcript, linking a recording and its sync points, importing transcripts and writing the
model as a coder are the lead's. A coder is refused with one line and the project is left
exactly as it was; the lead (and the person at the keyboard, with no users) goes ahead.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from media_helpers import silence
from roles_helpers import Team, build_team

from workbench.ops import media
from workbench.ops.imports import import_files
from workbench.ops.reanchor import Edit
from workbench.ops.textedit import edit_text
from workbench.store.errors import PermissionDenied
from workbench.store.project import Project
from workbench.suggest.as_coder import write_model_coder


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return build_team(tmp_path_factory.mktemp("team"))


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return silence(2.0, tmp_path_factory.mktemp("media") / "DRS01.wav")


def _fix_spelling(p: Project, _folder: Path) -> object:
    text = p.text(p.document("DRS01").id)
    at = text.index("budget")
    return edit_text(p, "DRS01", [Edit(at, at + len("budget"), "Budget")], coder=p.user)


def _link(recording: Path) -> Callable[[Project, Path], object]:
    def link(p: Project, folder: Path) -> object:
        copy = folder / recording.name
        shutil.copyfile(recording, copy)
        return media.link_media(p, "DRS01", copy)

    return link


def _sync_point(p: Project, _folder: Path) -> object:
    return media.add_sync_point(p, "DRS01", 10, 1.0)


def _import(p: Project, folder: Path) -> object:
    new = folder / "NEW01.txt"
    new.write_text("Ana: A new interview.\n\nRosa: About the budget.\n", "utf-8")
    return import_files(p, [new])


def _model(p: Project, _folder: Path) -> object:
    return write_model_coder(p, "model", suggester="rules")


def _operations(recording: Path) -> dict[str, Callable[[Project, Path], object]]:
    return {
        "edit text": _fix_spelling,
        "link a recording": _link(recording),
        "add a sync point": _sync_point,
        "import a transcript": _import,
        "write the model as a coder": _model,
    }


NAMES = ["edit text", "link a recording", "add a sync point", "import a transcript",
         "write the model as a coder"]  # fmt: skip


def _dump(p: Project) -> list[str]:
    return list(p.conn.iterdump())


@pytest.mark.parametrize("name", NAMES)
def test_a_coder_is_refused_in_one_line_and_nothing_changes(
    name: str, team: Team, recording: Path, tmp_path: Path
) -> None:
    path = shutil.copyfile(team.template, tmp_path / "p.db")
    with Project.open(path) as p:
        if name == "add a sync point":  # a recording to pin, linked by the lead
            _link(recording)(p, tmp_path)
        before = _dump(p)
        p.user = "ana"
        with pytest.raises(PermissionDenied) as refused:
            _operations(recording)[name](p, tmp_path)
        assert "\n" not in str(refused.value)
        assert _dump(p) == before


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("user", ["rosa", None])
def test_the_lead_and_the_person_at_the_keyboard_may(
    name: str, user: str | None, team: Team, recording: Path, tmp_path: Path
) -> None:
    path = shutil.copyfile(team.template, tmp_path / "p.db")
    with Project.open(path) as p:
        if name == "add a sync point":
            _link(recording)(p, tmp_path)
        before = _dump(p)
        p.user = user
        _operations(recording)[name](p, tmp_path)
        assert _dump(p) != before


def test_an_edit_that_brings_two_codings_onto_one_span_keeps_one(tmp_path: Path) -> None:
    """One coding per span (migration 0006) holds through a text edit: the coding an edit
    brings onto another of the same code and coder is folded into the older one, where a
    plain move would break the unique index."""
    from tests.core_helpers import add_interview
    from workbench.ops import codes
    from workbench.ops.coding import apply_code

    with Project.open(tmp_path / "p.db") as p:
        add_interview(p, text="Rosa: The budget never came to the province.")
        codes.add_code(p, "Budget")
        text = p.text(p.document("rosa").id)
        at = text.index("budget")
        older = apply_code(p, "rosa", "Budget", at, at + len("budget"), coder="maria")
        apply_code(p, "rosa", "Budget", at, at + len("budget never"), coder="maria")
        edit_text(p, "rosa", [Edit(at + len("budget"), at + len("budget never"), "")])
        kept = [(c.id, c.start, c.end) for c in p.codings()]
        assert kept == [(older, at, at + len("budget"))]
        assert p.undo() is not None
        assert len(p.codings()) == 2
