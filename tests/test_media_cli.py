"""``workbench media`` from the command line, on a recording made on the spot."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from media_helpers import interview_recording, needs_tools

pytestmark = needs_tools

VTT = """WEBVTT

00:00:00.000 --> 00:00:02.000
Ana: Good morning.

00:00:02.000 --> 00:00:05.000
Luis: Good morning, thank you for coming.
"""


def wb(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--project", str(folder / "workbench.db"), *args],
        capture_output=True,
        text=True,
        cwd=folder,
    )


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli-recording")
    return interview_recording(
        folder, [("Good morning.", 2.0), ("Good morning, thank you for coming.", 3.0)], "a.wav"
    )


def test_import_link_list_sync_time_and_relink(tmp_path, recording):
    (tmp_path / "DRS01.vtt").write_text(VTT)
    shutil.copyfile(recording, tmp_path / "DRS01.wav")
    done = wb(tmp_path, "import", "DRS01.vtt", "--link-media")
    assert done.returncode == 0, done.stderr
    listed = json.loads(wb(tmp_path, "media", "list", "--format", "json").stdout)
    assert [(r["document"], r["path"], r["status"], r["kind"]) for r in listed] == [
        ("DRS01", "DRS01.wav", "ok", "audio")
    ]
    assert listed[0]["duration"] == pytest.approx(5.0, abs=0.01)
    times = json.loads(wb(tmp_path, "media", "time", "DRS01", "--format", "json").stdout)
    assert [(r["time"], r["source"]) for r in times] == [(0.0, "turn-start"), (2.0, "turn-start")]
    start = times[1]["position"]
    done = wb(tmp_path, "media", "sync", "DRS01", "--at", str(start + 10), "--time", "00:00:03.5")
    assert done.returncode == 0, done.stderr
    assert "00:00:03.5" in done.stdout
    [point] = json.loads(
        wb(tmp_path, "media", "time", "DRS01", "--at", str(start + 10), "--format", "json").stdout
    )
    assert point["time"] == 3.5 and point["source"] == "sync"
    # a bad time is one line naming the option, nothing written
    bad = wb(tmp_path, "media", "sync", "DRS01", "--at", "3", "--time", "00:99")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "--time" in bad.stderr
    # moved into a sub-folder: missing, then relinked
    (tmp_path / "audio").mkdir()
    (tmp_path / "DRS01.wav").rename(tmp_path / "audio" / "renamed.wav")
    listed = json.loads(wb(tmp_path, "media", "list", "--format", "json").stdout)
    assert listed[0]["status"] == "missing"
    done = wb(tmp_path, "media", "relink")
    assert "DRS01: DRS01.wav -> audio/renamed.wav" in done.stdout
    assert "ok" in wb(tmp_path, "media", "list").stdout
    # undo takes the relink back
    assert wb(tmp_path, "undo").returncode == 0
    listed = json.loads(wb(tmp_path, "media", "list", "--format", "json").stdout)
    assert listed[0]["path"] == "DRS01.wav"


def test_the_media_commands_speak_spanish(tmp_path, recording):
    """The same commands with ``--lang es``: table headers, confirmations and one-line errors
    in Spanish; the JSON keys and the values scripts read stay as they are."""
    (tmp_path / "DRS01.vtt").write_text(VTT)
    shutil.copyfile(recording, tmp_path / "DRS01.wav")
    assert wb(tmp_path, "import", "DRS01.vtt").returncode == 0
    done = wb(tmp_path, "--lang", "es", "media", "link", "DRS01", "DRS01.wav", "--offset", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("DRS01: vinculada DRS01.wav (audio, 5.0 s)")
    table = wb(tmp_path, "--lang", "es", "media", "list").stdout
    assert "Grabaciones" in table and "tamaño" in table and "desfase" in table
    listed = json.loads(wb(tmp_path, "--lang", "es", "media", "list", "--format", "json").stdout)
    assert listed[0]["status"] == "ok" and listed[0]["offset"] == 1.0
    bad = wb(tmp_path, "--lang", "es", "media", "sync", "DRS01", "--at", "3", "--time", "00:99")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    assert "--time" in bad.stderr and "los minutos y los segundos llegan hasta 59" in bad.stderr
    done = wb(tmp_path, "--lang", "es", "media", "sync", "DRS01", "--at", "3", "--time", "1.5")
    assert "DRS01: el carácter 3 se oye en 00:00:01.5" in done.stdout
    gone = wb(tmp_path, "--lang", "es", "media", "sync", "DRS01", "--at", "4", "--remove")
    assert gone.returncode == 1 and "DRS01 no tiene punto de sincronización en 4" in gone.stderr
    done = wb(tmp_path, "--lang", "es", "media", "unlink", "DRS01")
    assert done.stdout.strip() == "DRS01: desvinculada DRS01.wav"
    log = wb(tmp_path, "--lang", "es", "undo")  # the action log names it in the language spoken
    assert log.returncode == 0 and "desvincular la grabación de DRS01" in log.stdout
