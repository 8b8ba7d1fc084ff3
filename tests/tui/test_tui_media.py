"""Listening in the coding screen: the stub mpv records how the app starts and drives it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from tui_pilot import SIZE

sys.path.insert(0, str(Path(__file__).parent.parent))

from media_helpers import INTERVIEW_VTT, needs_tools, silence, use_stub_player  # noqa: E402

from workbench.ops import playback  # noqa: E402
from workbench.ops.codes import add_code  # noqa: E402
from workbench.ops.coding import apply_code  # noqa: E402
from workbench.ops.imports import import_files  # noqa: E402
from workbench.ops.media import link_media  # noqa: E402
from workbench.store.project import Project  # noqa: E402
from workbench.tui.app import WorkbenchApp  # noqa: E402

pytestmark = needs_tools

VTT = INTERVIEW_VTT


@pytest.fixture
def linked(tmp_path) -> Path:
    (tmp_path / "DRS01.vtt").write_text(VTT)
    silence(10.0, tmp_path / "DRS01.wav")
    path = tmp_path / "workbench.db"
    with Project.open(path) as p:
        import_files(p, [tmp_path / "DRS01.vtt"])
        link_media(p, "DRS01", tmp_path / "DRS01.wav")
        add_code(p, "Participation/Health office")
        text = p.text(1)
        start = text.index("I work")
        apply_code(p, "DRS01", "Participation/Health office", start, start + 10, coder="maria")
    return path


@pytest.fixture
def stub_log(tmp_path, monkeypatch) -> Path:
    return use_stub_player(tmp_path, monkeypatch)


def log_entries(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


async def open_document(app, pilot):
    app.open_document(1)
    await pilot.pause()
    return app.screen


def run(path: Path, script, keymap: dict[str, str] | None = None) -> None:
    import asyncio

    async def main() -> None:
        with Project.open(path) as project:
            app = WorkbenchApp(project, coder="maria", keymap=keymap)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await script(app, pilot)

    asyncio.run(main())


def test_f4_plays_from_the_cursors_turn_and_the_screen_follows(linked, stub_log):
    async def script(app, pilot):
        screen = await open_document(app, pilot)
        view = screen.view
        second = view.turns[1]
        view.move_to(second[0] + 12)  # inside Luis's turn, which starts at 3 s
        await pilot.press("f4")
        await pilot.pause(0.3)
        assert view.playing == (second[0], second[1])
        assert "▶ 00:00:03.0 / 00:00:10" in app.sub_title  # the stub's clock stands still
        await pilot.press("f5")  # pause
        await pilot.pause()
        assert "⏸" in app.sub_title
        await pilot.press("f7")  # forward five seconds: into the third turn
        await pilot.pause(0.4)
        assert view.playing == view.turns[2][:2]
        assert view.cursor == second[0] + 12  # the cursor stays where the coder left it
        # the coding's details show its time span
        view.move_to(view.text.index("I work") + 2)
        await pilot.pause()
        details = str(screen.query_one("#details").render())
        # Luis's turn is 48 characters over 3 s to 7 s; the coding covers its characters
        # 11 to 21: 3 + 4 * 11 / 48 = 3.92 s and 3 + 4 * 21 / 48 = 4.75 s
        assert "[00:00:04-00:00:05]" in details

    run(linked, script)
    log = log_entries(stub_log)
    [argv] = [e["argv"] for e in log if "argv" in e]
    assert "--start=3.000" in argv and argv[-1].endswith("DRS01.wav")
    commands = [e["command"] for e in log if "command" in e]
    assert ["set_property", "pause", True] in commands
    seek = next(c for c in commands if c[0] == "seek")
    assert seek == ["seek", 3.0 + playback.STEP_SECONDS, "absolute"]  # five seconds on
    assert commands[-1] == ["quit"]  # leaving the app stops the player


def test_the_play_key_is_configurable_and_a_selection_plays_from_its_start(linked, stub_log):
    async def script(app, pilot):
        screen = await open_document(app, pilot)
        view = screen.view
        third = view.turns[2]
        # a selection in the middle of the third turn (7 s to 10 s, linear between)
        view.select(third[0] + (third[1] - third[0]) // 2, third[1])
        await pilot.press("p")
        await pilot.pause(0.2)

    run(linked, script, keymap={"media-play": "p"})
    [argv] = [e["argv"] for e in log_entries(stub_log) if "argv" in e]
    start = next(a for a in argv if a.startswith("--start="))
    assert 8.3 <= float(start.split("=")[1]) <= 8.7


def test_without_a_player_the_app_says_which_to_install_once(linked, tmp_path, monkeypatch):
    monkeypatch.delenv(playback.PLAYER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    async def script(app, pilot):
        await open_document(app, pilot)
        shown: list[str] = []
        app.notify = lambda message, **kw: shown.append(str(message))  # type: ignore[method-assign]
        for _ in range(3):
            await pilot.press("f4")
            await pilot.pause()
        assert len([m for m in shown if "install mpv" in m]) == 1

    run(linked, script)


def test_a_document_without_a_recording_says_how_to_link_one(tmp_path, stub_log):
    path = tmp_path / "plain.db"
    (tmp_path / "NGO02.vtt").write_text(VTT)
    with Project.open(path) as p:
        import_files(p, [tmp_path / "NGO02.vtt"])

    async def script(app, pilot):
        await open_document(app, pilot)
        shown: list[str] = []
        app.screen.notify = lambda message, **kw: shown.append(str(message))  # type: ignore
        await pilot.press("f4")
        await pilot.pause()
        assert any("workbench media link" in m for m in shown)

    run(path, script)
    assert log_entries(stub_log) == []
