"""The fuzz harness the project keeps, run by CI on a fixed sample of every format.

``benchmarks/fuzz_importers.py`` mutates a valid file of each format (seeded, so every run
makes the same inputs) and runs each case in a worker process limited to 1 GiB of address
space and 20 s of CPU per case. Here each format gets ``CASES`` cases; every case must end
``ok`` (imported, ``check`` passes) or ``refused`` (one line, project unchanged): no
traceback, hang, memory exhaustion, stray print, or change left by a refusal. The full run
(10,000 cases) is in docs/reliability.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from fuzz_importers import FORMATS  # noqa: E402

CASES = 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_fuzzed_inputs_are_imported_or_refused_cleanly(fmt: str) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "fuzz_importers.py"),
            "--formats",
            fmt,
            "--per-format",
            str(CASES),
            "--workers",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = json.loads(proc.stdout)
    assert summary["cases"] == CASES
    assert summary["bad"] == [], summary["bad"][:5]
    assert proc.returncode == 0
    counts = summary["classes"][fmt]
    assert counts.get("refused", 0) > 0  # the mutations do reach the refusals
    assert summary["peak_mb"] < 1024
