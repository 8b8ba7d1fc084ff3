"""How the analysis screens look, as SVG snapshots at the size of the other snapshot tests.

Update the baselines after an intended change with
``pytest tests/tui/test_tui_analysis_snapshots.py --snapshot-update`` and look at the SVG files
under ``__snapshots__`` before keeping them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_helpers import SIZE, app_on
from snapshot_helpers import still as still_screen
from tui_analysis_fixture import build_analysis_project


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WORKBENCH_KEYS", str(tmp_path / "none.toml"))
    yield from app_on(build_analysis_project(tmp_path / "study.db"))


async def still(pilot) -> None:
    await still_screen(pilot, clear_notes=True)


def opener(kind: str, *keys: str):
    async def before(pilot) -> None:
        await pilot.app.run_action(f"analysis('{kind}')")
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
        await still(pilot)

    return before


def test_cooccurrence_screen(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=opener("cooccurrence"))


def test_cooccurrence_quotations(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=opener("cooccurrence", "enter"))


def test_agreement_screen(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=opener("agreement", "t"))


def test_reconcile_screen(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=opener("agreement", "r", "n", "n"))


def test_suggestions_screen(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=opener("suggestions"))


def test_coding_screen_with_suggestions(snap_compare, app) -> None:
    async def before(pilot) -> None:
        pilot.app.open_document(pilot.app.project.document("DRS01").id)
        await pilot.pause()
        await pilot.press("j")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
