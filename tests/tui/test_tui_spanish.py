"""The app in Spanish: snapshots of the main screens at 80x24 and 160x45, every word on them
through the translation layer (pseudo-locale), the footer readable at 100 columns, and each
coder's own language kept in the project.

Update the snapshots after an intended change with
``pytest tests/tui/test_tui_spanish.py --snapshot-update`` and look at the SVG files first.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from snapshot_helpers import still
from tui_analysis_fixture import build_analysis_project

from tests.i18n_helpers import install_pseudo, screen_text, unmarked_words, words_of
from workbench.i18n import _, language, set_language
from workbench.ops.coderstate import coder_language, set_coder_language
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp

SMALL, LARGE = (80, 24), (160, 45)


async def open_documents(pilot) -> None:
    await still(pilot, clear_notes=True)


async def open_coding(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("down", "down", "s")
    await still(pilot, clear_notes=True)


async def open_codebook(pilot) -> None:
    await pilot.press("f3")
    await pilot.pause()
    await pilot.press("down", "down")
    await still(pilot, clear_notes=True)


async def open_agreement(pilot) -> None:
    await pilot.app.run_action("analysis('agreement')")
    await pilot.pause()
    await pilot.press("t")
    await still(pilot, clear_notes=True)


async def open_help(pilot) -> None:
    await pilot.press("f1")
    await still(pilot, clear_notes=True)


SCREENS = {
    "documents": open_documents,
    "coding": open_coding,
    "codebook": open_codebook,
    "agreement": open_agreement,
    "help": open_help,
}


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKBENCH_KEYS", str(tmp_path / "none.toml"))
    return build_analysis_project(tmp_path / "study.db")


def app_in(path: Path, lang: str, coder: str = "maria"):
    """The app on ``path`` started in ``lang`` (as ``workbench --lang LANG`` does)."""
    set_language(lang)
    project = Project.open(path)
    return WorkbenchApp(project, coder=coder), project


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_spanish_screen(snap_compare, study, screen, size) -> None:
    app, project = app_in(study, "es")
    try:
        assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
    finally:
        project.close()


def project_words(path: Path) -> set[str]:
    """Every word the project's own data could put on a screen (it is not translated)."""
    with Project.open(path) as p:
        texts = [p.text(d.id) for d in p.documents()]
        texts += [d.name for d in p.documents()] + [c.path for c in p.codes()]
        texts += [c.name for c in p.coders()] + [m.text for m in p.memos()]
        # the coding stripes mark each coder by the first letters of the name
        texts += [c.name[:2].title() for c in p.coders()]
        for case in p.cases():
            texts += [case.name, *map(str, case.attributes.values()), *case.attributes]
    return words_of(*texts, str(path))


#: key names and symbols that are not words of any language
KEY_WORDS = {"ctrl", "esc", "enter", "tab", "shift", "del", "workbench", "pseudo", "study", "db"}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_word_on_the_screen_goes_through_the_layer(study, screen) -> None:
    async def scenario() -> None:
        install_pseudo()
        app, project = app_in(study, "pseudo")
        allowed = project_words(study) | KEY_WORDS
        try:
            async with app.run_test(size=LARGE) as pilot:
                await SCREENS[screen](pilot)
                text = screen_text(app)
                assert "[!!" in text
                # a word glued to a key name (^p, f1) or a number is not a word
                leaks = unmarked_words(re.sub(r"\b\w*\d\w*\b", " ", text), allowed, screen=True)
                lines = [
                    line.strip() for line in text.splitlines() if any(w in line for w in leaks)
                ]
            assert leaks == [], f"{screen}: {sorted(set(leaks))}\n" + "\n".join(lines)
        finally:
            project.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("screen", ["documents", "coding", "codebook", "agreement"])
def test_the_footer_shows_every_key_label_whole_at_100_columns(study, screen) -> None:
    async def scenario() -> None:
        """Spanish labels run longer: at 100 columns each key the footer shows keeps its whole
        label (no label cut short, none dropped)."""
        app, project = app_in(study, "es")
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                await SCREENS[screen](pilot)
                footer = screen_text(app).rstrip("\n").splitlines()[-1]
                shown = [b for b in app.screen.active_bindings.values() if b.binding.show]
                assert shown, screen
                for active in shown:
                    label = active.binding.description
                    assert label == _(label) or label != label.lower()  # already translated
                    assert label in footer, f"{label!r} cut or missing in {footer!r}"
                assert "…" not in footer
        finally:
            project.close()

    asyncio.run(scenario())


def test_each_coder_reads_the_app_in_their_own_language(study) -> None:
    async def scenario() -> None:
        """Two coders on one server may differ: the choice is kept per coder in the project."""
        with Project.open(study) as p:
            set_coder_language(p, "maria", "es")
            assert coder_language(p, "james") is None
        for coder, expected, words in (("maria", "es", "Documentos"), ("james", "en", "Documents")):
            app, project = app_in(study, "en", coder=coder)
            try:
                async with app.run_test(size=LARGE) as pilot:
                    await still(pilot)
                    assert language() == expected
                    assert words in screen_text(app)
            finally:
                project.close()

    asyncio.run(scenario())


def test_the_language_key_switches_and_remembers(study) -> None:
    async def scenario() -> None:
        app, project = app_in(study, "en", coder="james")
        try:
            async with app.run_test(size=LARGE) as pilot:
                await still(pilot)
                assert "Open" in screen_text(app)
                await pilot.press("ctrl+l")
                await still(pilot)
                assert language() == "es"
                assert "Abrir" in screen_text(app)
                assert coder_language(project, "james") == "es"
                await pilot.press("ctrl+l")
                await still(pilot)
                assert language() == "en" and coder_language(project, "james") == "en"
        finally:
            project.close()

    asyncio.run(scenario())
