"""Killing the app right after a code is applied loses nothing.

The real command runs in a pseudo-terminal; keys go in as a terminal would send them. As soon
as the screen shows the applied code, the process gets SIGKILL (no clean shutdown, no atexit),
and a fresh connection must find the coding in the project file.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from tui_helpers import build_project

from workbench.store.project import Project

ANSI = re.compile(r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*\x07")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


class Terminal:
    """A child process on a pty, with what it has drawn so far as plain text."""

    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.proc = subprocess.Popen(
            args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.screen = ""

    def read(self, timeout: float = 0.1) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], timeout)
            if not ready:
                return
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.screen += ANSI.sub("", data.decode("utf-8", "replace"))
            timeout = 0.02

    def wait_for(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(
                    f"{text!r} never appeared; screen tail: {self.screen[-800:]!r}"
                )
            self.read()

    def send(self, keys: str) -> None:
        for char in keys:
            os.write(self.master, char.encode())
            time.sleep(0.05)
            self.read(0.01)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        os.close(self.master)


def test_sigkill_right_after_applying_keeps_the_coding(tmp_path: Path) -> None:
    path = build_project(tmp_path / "kill.db")
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "WORKBENCH_KEYS": str(tmp_path / "no-keys.toml"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TEXTUAL", None)
    term = Terminal(
        [sys.executable, "-m", "workbench", "tui", "--project", str(path), "--coder", "maria"],
        env,
        (120, 40),
    )
    try:
        term.wait_for("NGO01")  # the documents screen is up
        term.send("\r")  # open DRS01
        term.wait_for("filter codes")
        term.screen = ""
        term.send("s")  # the first sentence
        term.send("a")
        term.wait_for("type part of a code name")
        term.send("seat alloc\r")
        term.wait_for("Applied Seat allocation")
        # the app says it has applied the code: kill it at once
        assert term.proc.poll() is None
    finally:
        term.kill()
    assert term.proc.returncode == -signal.SIGKILL
    with Project.open(path, create=False) as project:
        codings = [
            (project.code_by_id(c.code_id).path, c.start)
            for c in project.codings()
            if c.coder_id == project.coder_id("maria")
        ]
    assert codings == [("Representation/Seat allocation", 0)]
