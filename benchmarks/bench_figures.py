"""How long do print figures take? Layout, HTML, and static files through one kaleido server.

On a synthetic codebook (groups x subcodes, every pair of subcodes meeting once) it measures:
building and ordering the Sankey's nodes and links, computing the layout into a plotly figure,
writing HTML, and writing PNG files with the shared kaleido server against starting a fresh
server for each file (the cost a script pays when it does not reuse one). Ratios are against
the shared-server PNG measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import zlib
from pathlib import Path


def synthetic(groups: int, subcodes: int, every: int = 5):
    from workbench.analysis.cooccurrence import CooccurrenceResult, Pair, coefficients

    codes = [f"G{g}/Code {s}" for g in range(groups) for s in range(subcodes)]
    freq = {c: 10 + i % 7 for i, c in enumerate(codes)}
    pairs = []
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            if (zlib.crc32(f"{a}|{b}".encode()) % every) == 0:
                n = 1 + zlib.crc32(f"{b}|{a}".encode()) % 4
                c, ab, ba, capped = coefficients(n, freq[a], freq[b])
                lo, hi = sorted((a, b))
                pairs.append(Pair(lo, hi, n, c, ab, ba, capped))
    colours = {c: "#0072B2" for c in codes}
    return CooccurrenceResult("overlap", codes, freq, pairs, colours)


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer codes and runs")
    quick = parser.parse_args().quick
    from workbench.export import figures
    from workbench.export.figures import find_browser, preset_style, write_figure
    from workbench.export.sankey import sankey_figure
    from workbench.export.sankey_flows import code_flows, order_columns
    from workbench.export.sankey_layout import layout

    # about the demo's size (22 codes, 50 links): a figure a paper prints
    result = synthetic(4 if quick else 5, 5, every=5)
    runs = 3 if quick else 5
    data = order_columns(code_flows(result))
    style = preset_style("double")
    t_data = timed(lambda: order_columns(code_flows(result)), runs)
    t_layout = timed(lambda: layout(data, style), runs)
    t_fig = timed(lambda: sankey_figure(data, style), runs)
    fig = sankey_figure(data, style)
    lay = layout(data, style)
    inside = sum(v.inside for v in lay.values)
    out = Path(tempfile.mkdtemp())
    t_html = timed(lambda: write_figure(fig, out / "f.html", style), runs)
    print(f"{len(result.codes)} codes, {data.node_count} nodes, {data.link_count} links")
    print(
        f"values: {inside} inside their bands, {len(lay.values) - inside} beside with a "
        f"leader; figure {lay.width:.0f} x {lay.height:.0f} px"
    )
    print(f"flows + ordering:        {t_data * 1000:8.1f} ms")
    print(f"layout (values placed):  {t_layout * 1000:8.1f} ms")
    print(f"layout -> plotly figure: {t_fig * 1000:8.1f} ms")
    print(f"HTML file:               {t_html * 1000:8.1f} ms")
    if find_browser() is None:
        print("no Chromium: static export not measured")
        return
    write_figure(fig, out / "warm.png", style)  # start the shared server once
    t_shared = timed(lambda: write_figure(fig, out / "f.png", style), runs)

    def fresh() -> None:
        figures.close_server()
        write_figure(fig, out / "g.png", style)

    t_fresh = timed(fresh, max(2, runs - 2))
    figures.close_server()
    print(f"PNG, shared server:      {t_shared * 1000:8.1f} ms  1.0x (baseline)")
    print(f"PNG, fresh server each:  {t_fresh * 1000:8.1f} ms  {t_fresh / t_shared:4.1f}x")


if __name__ == "__main__":
    main()
