"""Recordings made on the spot for the media tests: espeak-ng speaks a known text to a file,
sox sets lengths and joins pieces. Nothing large is ever committed; every file is made in the
test's temporary folder. Tests that need them are skipped when the tools are missing
(``.ci/run`` installs them: ``apt-get install espeak-ng sox``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HAVE_TOOLS = bool(shutil.which("espeak-ng") and shutil.which("sox"))
needs_tools = pytest.mark.skipif(
    not HAVE_TOOLS, reason="espeak-ng and sox make the test recordings (apt-get install both)"
)


#: a three-turn interview whose cues start at 0, 3 and 7 seconds and end at 10
INTERVIEW_VTT = """WEBVTT

00:00:00.000 --> 00:00:03.000
Ana: Hello and welcome to the interview.

00:00:03.000 --> 00:00:07.000
Luis: Thank you. I work at the regional health office.

00:00:07.000 --> 00:00:10.000
Ana: How are the representatives chosen?
"""
#: what each turn says and how long it lasts, to speak it at the cues' times
INTERVIEW_TURNS = [
    ("Hello and welcome to the interview.", 3.0),
    ("Thank you. I work at the regional health office.", 4.0),
    ("How are the representatives chosen?", 3.0),
]


def use_stub_player(folder: Path, monkeypatch: pytest.MonkeyPatch, *, frozen: bool = True) -> Path:
    """Make the stub mpv (``tests/stub_mpv.py``) the player; return the file it logs to.
    ``frozen``: its clock stands still, so what a test sees does not depend on the load."""
    from stub_mpv import install_stub_mpv

    from workbench.ops import playback

    log = folder / "player.log"
    monkeypatch.setenv("STUB_PLAYER_LOG", str(log))
    monkeypatch.setenv("STUB_PLAYER_FROZEN", "1" if frozen else "0")
    monkeypatch.setenv(playback.PLAYER_ENV, str(install_stub_mpv(folder)))
    return log


def speak(text: str, out: Path, *, rate: int = 16000) -> Path:
    """``text`` spoken by espeak-ng, as mono WAV at ``rate`` Hz (sox converts the suffix)."""
    raw = out.with_name(out.stem + ".raw-speech.wav")
    subprocess.run(["espeak-ng", "-w", str(raw), text], check=True, capture_output=True)
    subprocess.run(
        ["sox", str(raw), "-r", str(rate), "-c", "1", str(out)], check=True, capture_output=True
    )
    raw.unlink()
    return out


def silence(seconds: float, out: Path, *, rate: int = 16000) -> Path:
    subprocess.run(
        ["sox", "-n", "-r", str(rate), "-c", "1", str(out), "trim", "0", str(seconds)],
        check=True,
        capture_output=True,
    )
    return out


def fit(source: Path, seconds: float, out: Path) -> Path:
    """``source`` cut or padded with silence to exactly ``seconds``."""
    length = duration(source)
    effect = (
        ["trim", "0", str(seconds)] if length >= seconds else ["pad", "0", str(seconds - length)]
    )
    subprocess.run(["sox", str(source), str(out), *effect], check=True, capture_output=True)
    return out


def concat(parts: list[Path], out: Path) -> Path:
    subprocess.run(["sox", *map(str, parts), str(out)], check=True, capture_output=True)
    return out


def duration(path: Path) -> float:
    done = subprocess.run(["soxi", "-D", str(path)], check=True, capture_output=True, text=True)
    return float(done.stdout.strip())


def interview_recording(folder: Path, turns: list[tuple[str, float]], name: str) -> Path:
    """One recording of several turns, each spoken and fitted to its length in seconds:
    turn i starts at the sum of the lengths before it (the times a transcript would give)."""
    pieces = []
    for i, (text, seconds) in enumerate(turns):
        spoken = speak(text, folder / f"{name}-{i}.wav")
        pieces.append(fit(spoken, seconds, folder / f"{name}-{i}-fit.wav"))
    out = concat(pieces, folder / name)
    for piece in pieces:
        piece.unlink()
    for i in range(len(turns)):
        (folder / f"{name}-{i}.wav").unlink(missing_ok=True)
    return out
