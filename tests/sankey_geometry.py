"""Reading a Sankey figure's geometry back from its plotly layout, independently of the layout
code: bands from their SVG paths (sampled as the cubic curves they are), text boxes from the
annotations measured in the figure's font (FreeType on the font file), leaders from the line
shapes. ``problems`` lists every broken rule a reviewer would see."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from tests.figure_helpers import named, text_box

PT = 96 / 72


class BandShape:
    """A band read from its SVG path ``M x0,t0 C xm,t0 xm,t1 x1,t1 L x1,b1 C ...``: its upper
    edge is the cubic Bezier through those control points, sampled densely; its thickness
    is the vertical distance to the lower edge."""

    def __init__(self, path: str):
        n = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path)]
        (x0, t0), (c1x, c1y), (c2x, c2y), (x1, t1) = (
            (n[0], n[1]),
            (n[2], n[3]),
            (n[4], n[5]),
            (
                n[6],
                n[7],
            ),
        )
        self.x0, self.x1, self.w = x0, x1, n[9] - n[7]
        t = np.linspace(0, 1, 2001)
        bern = [(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3]
        self.xs = bern[0] * x0 + bern[1] * c1x + bern[2] * c2x + bern[3] * x1
        self.ys = bern[0] * t0 + bern[1] * c1y + bern[2] * c2y + bern[3] * t1

    def tops(self, left: float, right: float) -> np.ndarray:
        xs = np.linspace(max(left, self.x0), min(right, self.x1), 25)
        return np.interp(xs, self.xs, self.ys)

    def holds(self, box) -> bool:
        """The box lies wholly within the band."""
        left, right, top, bottom = box
        if left < self.x0 - 0.01 or right > self.x1 + 0.01:
            return False
        tops = self.tops(left, right)
        return bool(tops.max() <= top + 0.01 and tops.min() + self.w >= bottom - 0.01)

    def meets(self, box) -> bool:
        """The box and the band share some area."""
        left, right, top, bottom = box
        if min(right, self.x1) - max(left, self.x0) <= 0:
            return False
        tops = self.tops(left, right)
        return bool(((tops < bottom) & (tops + self.w > top)).any())


def problems(layout: dict[str, Any], min_pt: float | None = None) -> list[str]:
    """Every broken rule in a laid-out Sankey figure, as sentences (empty when it is sound)."""
    width, height = layout["width"], layout["height"]
    bands = {k: BandShape(s["path"]) for k, s in named(layout, "shapes", "link").items()}
    leaders = named(layout, "shapes", "leader")
    out = []
    boxes = {}
    for ann in layout["annotations"]:
        box = text_box(ann, layout)
        boxes[ann["name"]] = box
        left, right, top, bottom = box
        if left < -0.5 or top < -0.5 or right > width + 0.5 or bottom > height + 0.5:
            out.append(f"{ann['name']} {ann['text']!r} off the canvas {box}")
        if min_pt is not None and ann["font"]["size"] < min_pt * PT - 0.01:
            out.append(f"{ann['name']} at {ann['font']['size'] / PT:.1f} pt")
    names = sorted(boxes, key=lambda n: boxes[n][0])
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            la, ra, ta, ba = boxes[a]
            lb, rb, tb, bb = boxes[b]
            if lb >= ra:
                break
            if min(ba, bb) - max(ta, tb) > 0.01 and min(ra, rb) - max(la, lb) > 0.01:
                out.append(f"{a} and {b} overlap")
    values = named(layout, "annotations", "value")
    texts = layout["meta"]["sankey"]["texts"]
    expected = {k for k, t in enumerate(texts) if t}
    if set(values) != expected:
        out.append(f"values drawn for links {sorted(set(values) ^ expected)} differ")
    for k, ann in values.items():
        box = boxes[ann["name"]]
        if ann["text"] != texts[k]:
            out.append(f"value:{k} reads {ann['text']!r}, its link's value is {texts[k]!r}")
        on = [j for j, band in bands.items() if band.meets(box)]
        if k in leaders:
            line = leaders[k]
            if on:
                out.append(f"value:{k} beside its band lies on bands {on}")
            sx, sy = line["x0"], line["y0"]
            start = (sx - 0.01, sx + 0.01, sy - 0.01, sy + 0.01)
            under = [j for j, band in bands.items() if band.meets(start)]
            if under != [k]:
                out.append(f"leader:{k} starts on bands {under}, not on band {k}")
            ex, ey = line["x1"], line["y1"]
            if not (box[0] - 0.6 <= ex <= box[1] + 0.6 and box[2] - 0.6 <= ey <= box[3] + 0.6):
                out.append(f"leader:{k} does not reach its value")
        else:
            if not bands[k].holds(box):
                out.append(f"value:{k} {ann['text']!r} is not on its band")
            if on != [k]:
                out.append(f"value:{k} {ann['text']!r} lies on bands {on}")
    return out
