"""Players: the stub mpv records how it is driven; real mpv and ffplay play to no sound card."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from media_helpers import needs_tools, silence, speak, use_stub_player

from workbench.ops import playback
from workbench.ops.playback import CommandPlayer, MpvPlayer, find_player


def entries(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.fixture
def stub(tmp_path, monkeypatch) -> Path:
    return use_stub_player(tmp_path, monkeypatch)


def test_stub_mpv_is_started_at_the_time_and_driven_over_ipc(stub, tmp_path):
    file = tmp_path / "DRS01.wav"
    file.write_bytes(b"RIFF....WAVE")
    player = find_player()
    assert isinstance(player, MpvPlayer)
    try:
        player.play(file, 3.0)
        assert player.position() == 3.0  # the stub's clock stands still
        player.pause()
        assert player.paused
        player.seek(3.0 + playback.STEP_SECONDS)
        assert player.position() == 8.0
        player.resume()
        player.play(file, 7.5)  # the same file again: a seek, not a second process
    finally:
        player.close()
    log = entries(stub)
    [started] = [e["argv"] for e in log if "argv" in e]
    assert "--start=3.000" in started and started[-1] == str(file) and started[-2] == "--"
    commands = [e["command"] for e in log if "command" in e]
    assert ["set_property", "pause", True] in commands
    assert ["seek", 7.5, "absolute"] in commands and commands[-1] == ["quit"]


def test_without_a_player_none_is_found_and_the_message_names_what_to_install(
    tmp_path, monkeypatch
):
    monkeypatch.delenv(playback.PLAYER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_player() is None
    message = playback.missing_player_message()
    assert "mpv" in message and "ffplay" in message and "WORKBENCH_PLAYER" in message


def test_a_command_template_is_the_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv(playback.PLAYER_ENV, "vlc --intf dummy --start-time={start} {file}")
    player = find_player()
    assert isinstance(player, CommandPlayer)
    assert player.command_line(Path("/r/a b.ogg"), 12.25) == [
        "vlc",
        "--intf",
        "dummy",
        "--start-time=12.250",
        "/r/a b.ogg",
    ]
    monkeypatch.setenv(playback.PLAYER_ENV, "vlc --start-time={start}")
    with pytest.raises(Exception, match="file"):
        find_player()


@pytest.fixture(scope="module")
def ten_seconds(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("play")
    if not shutil.which("sox"):
        pytest.skip("sox makes the test recording")
    return silence(10.0, folder / "ten.wav")


@pytest.mark.skipif(not shutil.which("mpv"), reason="mpv is not installed (.ci/run installs it)")
def test_real_mpv_plays_from_the_time_pauses_and_seeks(ten_seconds, monkeypatch):
    monkeypatch.delenv(playback.PLAYER_ENV, raising=False)
    monkeypatch.setenv(playback.PLAYER_ARGS_ENV, "--ao=null --no-config")
    player = find_player()
    assert isinstance(player, MpvPlayer)
    try:
        player.play(ten_seconds, 3.0)
        deadline = time.monotonic() + 10
        while (at := player.position()) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert at is not None and 3.0 <= at < 5.0
        player.pause()
        time.sleep(0.1)
        held = player.position()
        time.sleep(0.4)
        assert player.position() == pytest.approx(held, abs=0.01)
        player.seek(7.0)
        time.sleep(0.2)
        assert player.position() == pytest.approx(7.0, abs=0.3)
    finally:
        player.close()
    assert not player.running


@needs_tools
@pytest.mark.skipif(not shutil.which("ffplay"), reason="ffplay is not installed")
def test_real_ffplay_is_started_at_the_time_and_paused_through_its_process(tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    monkeypatch.setenv(playback.PLAYER_ENV, shutil.which("ffplay"))
    recording = speak("one two three four five six", tmp_path / "count.wav")
    player = find_player()
    assert isinstance(player, CommandPlayer) and player.name == "ffplay"
    try:
        player.play(recording, 1.5)
        cmdline = Path(f"/proc/{player.process.pid}/cmdline")
        deadline = time.monotonic() + 5
        while b"ffplay" not in cmdline.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.02)  # until the child has exec'd
        args = cmdline.read_bytes().split(b"\0")
        assert b"-ss" in args and args[args.index(b"-ss") + 1] == b"1.500"
        player.pause()
        stat = Path(f"/proc/{player.process.pid}/stat")
        deadline = time.monotonic() + 5
        while stat.read_text().split()[2] != "T" and time.monotonic() < deadline:
            time.sleep(0.02)  # a signal arrives a moment after it is sent
        assert stat.read_text().split()[2] == "T"  # stopped: paused through its process
        held = player.position()
        time.sleep(0.3)
        assert player.position() == held
        player.resume()
        deadline = time.monotonic() + 5
        while stat.read_text().split()[2] == "T" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert stat.read_text().split()[2] != "T"
    finally:
        player.close()
    assert not player.running
