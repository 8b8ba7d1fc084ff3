"""``workbench codings`` on a big project: time to the first row, total time, peak memory.

The default table used to be laid out by rich as a whole before its first line (112 s and
1.6 GB at 200k codings); it is now written as the rows come. Each run is its own process
(``workbench codings`` with stdout to a pipe), so each peak memory (``ru_maxrss``) is that
run's alone. The baseline, measured in the same script, is the old renderer (rich, via
``emit``) at a scale where it still finishes in seconds, against the streamed table at the
same scale; then the streamed table at 200k codings, whose peak must stay near the 20k one.

    python benchmarks/bench_codings_listing.py            # 20k baseline, 200k streamed
    python benchmarks/bench_codings_listing.py --quick    # 5k and 20k
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_limits import coded_project  # noqa: E402

RUN = textwrap.dedent("""
    import resource, sys, time
    path, mode = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    if mode == "old":
        # the renderer before streaming: every row built, then one rich table
        from click.testing import CliRunner  # noqa: F401  (same imports as the command)
        from workbench.ops.retrieval import listing as coding_rows
        from workbench.cli.common import emit
        from workbench.store.project import Project
        with Project.open(path, read_only=True) as p:
            rows = coding_rows(p, full_text=False)
            emit(rows, "table", columns=["document", "code", "coder", "start", "end", "text"],
                 title=f"{len(rows)} codings")
    else:
        sys.argv = ["workbench", "-p", path, "--read-only", "codings"]
        from workbench.cli import main
        try:
            main()
        except SystemExit:
            pass
    sys.stdout.flush()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PEAK {peak:.0f} {time.perf_counter() - started:.2f}", file=sys.stderr)
""")


def listing(path: Path, mode: str) -> tuple[float, float, float, int]:
    """(seconds to the first data row, seconds in all, peak MB, lines) of one listing."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, str(path), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "160"},
    )
    first = None
    lines = 0
    for line in proc.stdout:
        lines += 1
        if first is None and (
            line.startswith("doc") and not line.startswith("document") or "│ doc" in line
        ):
            first = time.perf_counter() - started
    total = time.perf_counter() - started
    err = proc.stderr.read()
    proc.wait()
    peak = next(float(x.split()[1]) for x in err.splitlines() if x.startswith("PEAK"))
    return first or total, total, peak, lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    small, big = (5_000, 20_000) if args.quick else (20_000, 200_000)
    scale = {"documents": 40, "doc_chars": 25_000, "coding_codes": 200}
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for n in (small, big):
            path = Path(tmp) / f"p{n}.db"
            coded_project(path, {**scale, "codings": n})
            results[n] = path
        print(f"{'run':34} {'first row':>10} {'total':>8} {'peak MB':>8} {'lines':>8}")
        old = listing(results[small], "old")
        print(
            f"{f'rich table (before), {small:,}':34} {old[0]:>9.2f}s {old[1]:>7.2f}s "
            f"{old[2]:>8.0f} {old[3]:>8}"
        )
        rows = {}
        for n in (small, big):
            rows[n] = listing(results[n], "new")
            r = rows[n]
            print(
                f"{f'streamed table, {n:,}':34} {r[0]:>9.2f}s {r[1]:>7.2f}s {r[2]:>8.0f} {r[3]:>8}"
            )
        new = rows[small]
        print(
            f"at {small:,}: first row {old[0] / new[0]:.0f}x sooner, total {old[1] / new[1]:.1f}x "
            f"faster, peak {old[2] / new[2]:.1f}x smaller than the rich table"
        )
        print(f"peak at {big:,} / peak at {small:,}: {rows[big][2] / new[2]:.2f} (flat is ~1)")


if __name__ == "__main__":
    main()
