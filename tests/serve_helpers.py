"""Start ``workbench serve`` in a child process on a free loopback port, for browser tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"  # browser tests only ever use the loopback address


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"workbench serve exited with status {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("workbench serve did not start listening")


@contextmanager
def serving(project: Path, *args: str, log: Path | None = None) -> Iterator[str]:
    """Run ``workbench serve`` on ``project``; yield its base URL; stop it afterwards.

    Everything the server prints goes to ``log`` (tests read it back to check what was logged).
    """
    port = free_port()
    log = log or project.with_suffix(".serve.log")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workbench",
                "serve",
                "--project",
                str(project),
                "--host",
                HOST,
                "--port",
                str(port),
                *args,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port, proc)
            yield f"http://{HOST}:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def app_processes(project: Path) -> list[int]:
    """Pids of app sessions still running on ``project`` (Linux /proc; empty elsewhere)."""
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tui" in cmdline and str(project).encode() in cmdline:
            pids.append(int(entry.name))
    return pids


def wait_for_no_app_processes(project: Path, timeout: float = 10.0) -> list[int]:
    """Wait until no app session runs on ``project``; return the pids left."""
    deadline = time.monotonic() + timeout
    while (left := app_processes(project)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left
