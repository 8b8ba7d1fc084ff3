"""How the main screens look, as SVG snapshots at a fixed terminal size.

Update the baselines after an intended change with ``pytest tests/tui --snapshot-update`` and
look at the SVG files under ``__snapshots__`` before keeping them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_helpers import SIZE, app_on, still
from tui_helpers import build_project


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WORKBENCH_KEYS", str(tmp_path / "none.toml"))
    yield from app_on(build_project(tmp_path / "interviews.db"))


def test_documents_screen(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=still)


def test_coding_screen(snap_compare, app) -> None:
    async def before(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "s")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_codebook_screen(snap_compare, app) -> None:
    async def before(pilot) -> None:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("down", "down")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_help_screen(snap_compare, app) -> None:
    async def before(pilot) -> None:
        await pilot.press("f1")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_search_screen(snap_compare, app) -> None:
    async def before(pilot) -> None:
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press(*"budget", "enter")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
