"""A stand-in for mpv in tests: records how it was started and every IPC command it got.

Installed by tests as an executable named ``mpv`` (``install_stub_mpv``). It appends one JSON
line per event to ``$STUB_PLAYER_LOG``: ``{"argv": [...]}`` when it starts, then
``{"command": [...]}`` per IPC command. It answers ``get_property time-pos`` like mpv would
(the start time plus the time played, honouring pause and seeks) and quits on ``quit``, on
SIGTERM, or after a minute on its own. With ``STUB_PLAYER_FROZEN=1`` its clock stands still
(the position is the start time plus the seeks), so tests do not depend on the machine's load.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path


def log(entry: dict) -> None:
    with open(os.environ["STUB_PLAYER_LOG"], "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


def main() -> None:
    argv = sys.argv[1:]
    log({"argv": argv})
    options = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    start = float(options.get("start", "0"))
    path = options["input-ipc-server"]
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    server.settimeout(60)
    clock, played, paused = time.monotonic(), 0.0, False
    frozen = os.environ.get("STUB_PLAYER_FROZEN") == "1"

    def now() -> float:
        running = 0.0 if paused or frozen else time.monotonic() - clock
        return start + played + running

    deadline = time.monotonic() + 60
    conn, _ = server.accept()
    buffer = b""
    while time.monotonic() < deadline:
        chunk = conn.recv(4096)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            message = json.loads(line)
            command = message["command"]
            log({"command": command})
            data = None
            if command[0] == "get_property" and command[1] == "time-pos":
                data = now()
            elif command[:2] == ["set_property", "pause"]:
                if command[2] and not paused and not frozen:
                    played += time.monotonic() - clock
                elif not command[2] and paused:
                    clock = time.monotonic()
                paused = bool(command[2])
            elif command[0] == "seek":
                target = command[1] if command[2] == "absolute" else now() + command[1]
                start, played, clock = float(target), 0.0, time.monotonic()
            reply = {"request_id": message.get("request_id"), "error": "success", "data": data}
            conn.sendall((json.dumps(reply) + "\n").encode())
            if command[0] == "quit":
                return


def install_stub_mpv(folder: Path) -> Path:
    """An executable ``mpv`` in ``folder`` that runs this stub with this Python."""
    exe = folder / "mpv"
    exe.write_text(f'#!/bin/sh\nexec {sys.executable} {Path(__file__).resolve()} "$@"\n')
    exe.chmod(0o755)
    return exe


if __name__ == "__main__":
    main()
