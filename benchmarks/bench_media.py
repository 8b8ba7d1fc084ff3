"""Benchmark: the time of a position while a recording plays, on a long timed transcript.

A 15,000-word interview (about 90,000 characters) with 1,500 timed turns, some captions
overlapping the next (so anchors contradict each other), and 40 sync points by hand. Times:

- building the timeline (``Timeline``: weighing and keeping the anchors), done when a document
  opens or a sync point is added;
- one tick of the app's follow timer: the position heard at a time (``position_at``, a search
  over ``time_at``), then the turn it falls in;
- the time span of every coding for the details and quotation exports (2,000 codings);

each against the baseline of the same number of plain ``bisect`` look-ups in the turn starts,
the cheapest thing the screen does on a key. Four ticks a second must stay far below a frame.

    python benchmarks/bench_media.py          # full size
    python benchmarks/bench_media.py --quick  # a tenth of it
"""

from __future__ import annotations

import argparse
import bisect
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.ops.media_time import SYNC, Anchor, Timeline, turn_anchors  # noqa: E402


def build(turns: int, seed: int = 5) -> tuple[int, list, list[Anchor]]:
    rng = random.Random(seed)
    rows, position, clock = [], 0, 0.0
    for _ in range(turns):
        position += rng.randint(4, 12)  # the speaker label
        length = rng.randint(20, 100)
        seconds = length / rng.uniform(12, 18)
        overlap = rng.random() < 0.1
        rows.append((position, position + length, clock, clock + seconds + (1.5 if overlap else 0)))
        position += length
        clock += seconds + rng.uniform(0.1, 1.0)
    syncs = [
        Anchor(p, t, SYNC)
        for p, t in sorted((rows[i][0] + 5, rows[i][2] + 0.3) for i in rng.sample(range(turns), 40))
    ]
    return position, rows, syncs


def timed(fn, repeat: int) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    turns = 150 if args.quick else 1500
    length, rows, syncs = build(turns)
    starts = [r[0] for r in rows]
    rng = random.Random(9)
    probes = [rng.randrange(length) for _ in range(2000)]
    total = rows[-1][3]

    base = timed(lambda: [bisect.bisect_right(starts, p) for p in probes], 20) / len(probes)
    build_time = timed(lambda: Timeline(length, turn_anchors(rows) + syncs), 5)
    line = Timeline(length, turn_anchors(rows) + syncs)
    times = [rng.uniform(0, total) for _ in range(200)]

    def tick() -> None:
        for t in times:
            bisect.bisect_right(starts, line.position_at(t))

    tick_time = timed(tick, 5) / len(times)
    codings = [(p, min(p + 200, length)) for p in probes]
    span_time = timed(lambda: [line.span(a, b) for a, b in codings], 5) / len(codings)

    kept = len(line.anchors)
    print(f"transcript: {length} characters, {turns} turns, {kept} anchors kept")
    print(f"baseline (bisect in turn starts): {base * 1e6:.2f} us")
    print(f"build the timeline: {build_time * 1e3:.1f} ms ({build_time / base:.0f}x baseline)")
    print(
        f"follow tick (time -> turn): {tick_time * 1e6:.1f} us ({tick_time / base:.0f}x baseline)"
    )
    print(f"time span of a coding: {span_time * 1e6:.2f} us ({span_time / base:.1f}x baseline)")
    print(f"ticks a second affordable: {1 / tick_time:,.0f} (the app needs 4)")


if __name__ == "__main__":
    main()
