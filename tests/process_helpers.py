"""Child processes for the crash and concurrency tests: start a script, kill it mid-work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def spawn(script: str, *args: object) -> subprocess.Popen:
    """Run ``script`` with ``args`` in a fresh Python; it prints ``confirmed N`` per action."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def kill_after(proc: subprocess.Popen, confirmations: int) -> int:
    """Read confirmations until ``confirmations`` arrived, SIGKILL, return the last one seen."""
    last = 0
    for line in proc.stdout:
        last = int(line.split()[1])
        if last >= confirmations:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    return last
