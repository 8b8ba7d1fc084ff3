"""Benchmark: deciding a source's position unit (code points, UTF-16, bytes; CRLF one/two).

A 15,000-word interview with emoji and CRLF line breaks and 1,000 selections written in UTF-16
code units (as NVivo for Windows writes them). Times ``positions.choose`` (all six readings
scored) against the baseline of mapping every selection with one fixed reading, which is what
the import did before it had to decide, and checks that the choice is UTF-16 and sure.

    python benchmarks/bench_positions.py          # full size
    python benchmarks/bench_positions.py --quick  # 2,000 words
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.interop.positions import Reading, Span, choose  # noqa: E402
from workbench.interop.textmap import source_text  # noqa: E402

WORDS = (
    "consejo regional salud participación presupuesto región Lima decidió todo nadie "
    "publica actas 🙂 👍 sociedad civil dos asientos"
).split()


def build(words: int, selections: int, seed: int = 3) -> tuple[str, list[Span]]:
    rng = random.Random(seed)
    lines = [" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(words // 12)]
    raw = "\r\n".join(lines)
    starts = [0] + [i + 1 for i, c in enumerate(raw) if c in " \n"]
    spans = []
    for _ in range(selections):
        a = rng.choice(starts)
        end = raw.find(" ", a + 1)
        end = len(raw) if end < 0 else end
        if raw[end - 1] == "\r":
            end -= 1
        u = len(raw[:a].encode("utf-16-le")) // 2
        v = len(raw[:end].encode("utf-16-le")) // 2
        spans.append(Span(u, v))
    return raw, spans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    raw, spans = build(2000 if args.quick else 15000, 1000)
    t0 = time.perf_counter()
    src = source_text(raw)
    for s in spans:  # baseline: one fixed reading, the old import's work
        src.map(s.start, crlf_as_one=False)
        src.map(s.end, crlf_as_one=False)
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    src = source_text(raw)
    choice = choose(src, spans)
    took = time.perf_counter() - t0
    assert choice.reading == Reading("utf16", False) and not choice.weak, choice
    print(f"{len(raw):,} characters, {len(spans)} selections")
    print(
        f"fixed reading: {base * 1000:.1f} ms; choosing among six: {took * 1000:.1f} ms; "
        f"ratio {took / base:.1f}x"
    )


if __name__ == "__main__":
    main()
