"""Playing a recording from a time: a player found on the machine, driven from the app.

- **mpv** (preferred): started with ``--input-ipc-server`` and driven over its JSON IPC
  (seek, pause, the position now), so pausing and stepping never restart it.
- **ffplay** (FFmpeg): started with ``-ss START -nodisp -autoexit``. It has no control
  channel, so it is driven through its process: pause stops the process (SIGSTOP), resume
  continues it, a step starts it again at the new time; the position is the start time plus
  the time it has been playing.
- **any other player** (the documented fallback): ``WORKBENCH_PLAYER`` set to a command line
  with ``{file}`` and ``{start}`` in it (``vlc --intf dummy --start-time={start} {file}``) is
  driven like ffplay.

``WORKBENCH_PLAYER`` may also name an mpv or ffplay executable; ``WORKBENCH_PLAYER_ARGS``
adds options (``--ao=null`` plays to no sound card). Without any player, ``find_player``
returns None and ``MISSING_PLAYER`` says what to install.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Protocol

from workbench.i18n import _
from workbench.store.errors import WorkbenchError

PLAYER_ENV = "WORKBENCH_PLAYER"
PLAYER_ARGS_ENV = "WORKBENCH_PLAYER_ARGS"
#: how far the step keys move
STEP_SECONDS = 5.0
FFPLAY_TEMPLATE = ("-nodisp", "-autoexit", "-loglevel", "quiet", "-ss", "{start}", "{file}")


def missing_player_message() -> str:
    return _(
        "No player for recordings: install mpv (apt-get install mpv) or FFmpeg's ffplay "
        "(apt-get install ffmpeg), or set WORKBENCH_PLAYER (see docs/media.md)"
    )


class Player(Protocol):
    """What the app needs of a player."""

    name: str

    def play(self, file: Path, start: float) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def seek(self, seconds: float) -> None: ...
    def position(self) -> float | None: ...
    @property
    def paused(self) -> bool: ...
    @property
    def running(self) -> bool: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


def _extra_args() -> list[str]:
    return shlex.split(os.environ.get(PLAYER_ARGS_ENV, ""))


def _start_text(seconds: float) -> str:
    return f"{max(seconds, 0.0):.3f}"


def _end(process: subprocess.Popen | None) -> None:
    """Stop a player process for sure (continued first, in case it was paused)."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGCONT)
        process.terminate()
    try:
        process.wait(2)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(2)


class _PlayerProcess:
    """What both kinds of player share: one child process, and whether it is paused."""

    process: subprocess.Popen | None = None
    _paused = False

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def paused(self) -> bool:
        return self._paused

    def _spawn(self, argv: list[str]) -> None:
        """Start the player in a session of its own, its output discarded."""
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )


class MpvPlayer(_PlayerProcess):
    """mpv over its JSON IPC socket (one process for the whole session)."""

    name = "mpv"

    def __init__(self, executable: str = "mpv", args: list[str] | None = None) -> None:
        self.executable = executable
        self.args = list(args or [])
        self.process: subprocess.Popen | None = None
        self.file: Path | None = None
        self._folder = tempfile.mkdtemp(prefix="workbench-mpv-")
        self.socket_path = os.path.join(self._folder, "ipc")
        self._sock: socket.socket | None = None
        self._buffer = b""
        self._request = 0
        self._paused = False

    def command_line(self, file: Path, start: float) -> list[str]:
        return [
            self.executable,
            "--no-terminal",
            "--force-window=no",
            "--keep-open=no",
            f"--input-ipc-server={self.socket_path}",
            f"--start={_start_text(start)}",
            *self.args,
            "--",
            str(file),
        ]

    def play(self, file: Path, start: float) -> None:
        if self.running and self.file == file and self._connected():
            self._send("seek", start, "absolute")
            self._send("set_property", "pause", False)
            self._paused = False
            return
        self.stop()
        self.file = file
        self._spawn(self.command_line(file, start))
        self._paused = False

    def _connected(self) -> bool:
        if self._sock is not None:
            return True
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            if not self.running:
                return False
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(0.5)
                sock.connect(self.socket_path)
            except OSError:
                sock.close()
                time.sleep(0.03)
                continue
            self._sock, self._buffer = sock, b""
            return True
        return False

    def _send(self, *command: object) -> object:
        """One IPC command; its ``data`` (None when mpv is gone or answers with an error)."""
        if not self._connected():
            return None
        assert self._sock is not None
        self._request += 1
        request = self._request
        message = json.dumps({"command": list(command), "request_id": request}) + "\n"
        try:
            self._sock.sendall(message.encode())
            # the app asks four times a second on its own thread: a player that does not
            # answer within half a second is taken as gone rather than freezing the screen
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline:
                while b"\n" in self._buffer:
                    line, self._buffer = self._buffer.split(b"\n", 1)
                    reply = json.loads(line or b"{}")
                    if reply.get("request_id") == request:
                        return reply.get("data") if reply.get("error") == "success" else None
                chunk = self._sock.recv(65536)
                if not chunk:
                    break
                self._buffer += chunk
        except (OSError, ValueError):
            pass
        self._drop_socket()
        return None

    def _drop_socket(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        self._sock = None

    def pause(self) -> None:
        if self.running:
            self._send("set_property", "pause", True)
            self._paused = True

    def resume(self) -> None:
        if self.running:
            self._send("set_property", "pause", False)
            self._paused = False

    def seek(self, seconds: float) -> None:
        if self.running:
            self._send("seek", max(seconds, 0.0), "absolute")

    def position(self) -> float | None:
        if not self.running:
            return None
        value = self._send("get_property", "time-pos")
        return float(value) if isinstance(value, int | float) else None

    def stop(self) -> None:
        if self.running and self._sock is not None:
            self._send("quit")
        self._drop_socket()
        _end(self.process)
        self.process = None
        with contextlib.suppress(OSError):
            os.unlink(self.socket_path)

    def close(self) -> None:
        """Stop playing and remove the socket's folder (the app is done with the player)."""
        self.stop()
        shutil.rmtree(self._folder, ignore_errors=True)


class CommandPlayer(_PlayerProcess):
    """A player started at a time and driven through its process (ffplay, or a template)."""

    def __init__(self, template: list[str], name: str) -> None:
        if not any("{file}" in part for part in template):
            raise WorkbenchError(
                _(
                    "{env} must name mpv or ffplay, or be a command with {{file}} and {{start}}"
                ).format(env=PLAYER_ENV)
            )
        self.template = template
        self.name = name
        self.process: subprocess.Popen | None = None
        self.file: Path | None = None
        self._start = 0.0
        self._clock = 0.0  # monotonic time playback (re)started
        self._played = 0.0  # seconds played before the last pause
        self._paused = False

    @classmethod
    def ffplay(cls, executable: str = "ffplay") -> CommandPlayer:
        return cls([executable, *_extra_args(), *FFPLAY_TEMPLATE], "ffplay")

    def command_line(self, file: Path, start: float) -> list[str]:
        values = {"file": str(file), "start": _start_text(start)}
        return [part.format(**values) for part in self.template]

    def play(self, file: Path, start: float) -> None:
        self.stop()
        self.file = file
        self._start, self._played, self._paused = max(start, 0.0), 0.0, False
        self._clock = time.monotonic()
        self._spawn(self.command_line(file, start))

    def pause(self) -> None:
        if self.running and not self._paused:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGSTOP)  # type: ignore[union-attr]
            self._played += time.monotonic() - self._clock
            self._paused = True

    def resume(self) -> None:
        if self.running and self._paused:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGCONT)  # type: ignore[union-attr]
            self._clock = time.monotonic()
            self._paused = False

    def seek(self, seconds: float) -> None:
        if self.file is not None:
            paused = self._paused
            self.play(self.file, seconds)
            if paused:
                self.pause()

    def position(self) -> float | None:
        if not self.running:
            return None
        played = self._played + (0.0 if self._paused else time.monotonic() - self._clock)
        return self._start + played

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGCONT)
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(2)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(2)
        self.process = None
        self._paused = False

    def close(self) -> None:
        self.stop()


def find_player() -> Player | None:
    """The player to use: ``WORKBENCH_PLAYER`` when set, else mpv, else ffplay, else None."""
    chosen = os.environ.get(PLAYER_ENV, "").strip()
    if chosen:
        parts = shlex.split(chosen)
        program = Path(parts[0]).name
        if len(parts) == 1 and program.startswith("mpv"):
            return MpvPlayer(parts[0], _extra_args())
        if len(parts) == 1 and program.startswith("ffplay"):
            return CommandPlayer.ffplay(parts[0])
        return CommandPlayer(parts, program)
    if mpv := shutil.which("mpv"):
        return MpvPlayer(mpv, _extra_args())
    if ffplay := shutil.which("ffplay"):
        return CommandPlayer.ffplay(ffplay)
    return None
