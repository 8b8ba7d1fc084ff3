"""How fast does ``workbench --help`` start? Floor: under 0.3 s, and the Spanish help within
10 % of the English one (the translation layer loads a catalog and translates the help texts
when shown, not at import).

Prints the median of several runs beside a bare ``python -c pass`` baseline measured in the
same process, so the ratio says what workbench itself adds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 15")
    runs = 3 if parser.parse_args().quick else 15
    baseline = median_seconds([sys.executable, "-c", "pass"], runs)
    help_time = median_seconds([sys.executable, "-m", "workbench", "--lang", "en", "--help"], runs)
    spanish = median_seconds([sys.executable, "-m", "workbench", "--lang", "es", "--help"], runs)
    print(f"python -c pass:            {baseline * 1000:7.1f} ms (baseline)")
    print(
        f"workbench --help:          {help_time * 1000:7.1f} ms  ratio {help_time / baseline:4.1f}x"
    )
    print(
        f"workbench --lang es --help: {spanish * 1000:6.1f} ms  "
        f"{spanish / help_time:5.2f}x the English help"
    )
    print(f"floor 300 ms: {'met' if help_time < 0.3 else 'NOT met'}")
    print(f"Spanish within 10 %: {'met' if spanish < 1.1 * help_time else 'NOT met'}")


if __name__ == "__main__":
    main()
