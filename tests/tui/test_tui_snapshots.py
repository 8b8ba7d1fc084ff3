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


def _overlapping(app) -> None:
    """maria's codings over james's: three codings meet, one spans several lines."""
    from workbench.ops.coding import apply_code

    project = app.project
    text = project.text(1)
    start = text.index("The budget stayed")
    end = text.index("only on paper.") + len("only on paper.")
    apply_code(project, "DRS01", "Decentralization/Transfer of powers", start, end, coder="maria")
    apply_code(
        project, "DRS01", "Decentralization/Budget execution", start, start + 20, coder="maria"
    )


@pytest.mark.parametrize(
    "size",
    [(80, 24), (120, 36), (160, 45), (250, 70)],
    ids=["80x24", "120x36", "160x45", "250x70"],
)
def test_coding_screen_layout(snap_compare, app, size) -> None:
    """The narrow layout keeps compact stripes and names the codes on screen in a legend
    line; from 120 columns the stripes name their codes and coders beside the bars."""
    _overlapping(app)

    async def before(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await still(pilot, clear_notes=True)

    assert snap_compare(app, terminal_size=size, run_before=before)


def test_segments_at_100x30(snap_compare, app) -> None:
    """Segments of a code: the rows, and the highlighted passage in full below them."""
    _overlapping(app)
    with app.project.transaction():  # a fixed time of coding: the picture must not age
        app.project.conn.execute("UPDATE codings SET created_at = '2024-05-02T09:30:00+00:00'")

    async def before(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("right_square_bracket", "g")
        await still(pilot, clear_notes=True)

    assert snap_compare(app, terminal_size=(100, 30), run_before=before)


def test_lock_dialog_at_80x24(snap_compare, app) -> None:
    """Waiting for the project: the whole dialog readable at 80 columns, Esc in the footer."""
    import threading

    from workbench.tui.screens.modals import WaitModal

    async def before(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.push_screen(WaitModal(threading.Event(), "applying Transfer of powers"))
        await still(pilot, clear_notes=True)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
