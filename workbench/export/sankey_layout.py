"""Where a Sankey diagram's nodes, bands and labels go, computed here rather than by plotly.js so
labels sit beside the nodes and never on the bands.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.export.figures import FigureStyle, display_labels, text_width
from workbench.export.sankey_flows import SankeyData
from workbench.i18n import _
from workbench.store.errors import WorkbenchError


@dataclass(frozen=True)
class NodeBox:
    x0: float
    x1: float
    y0: float
    y1: float


@dataclass(frozen=True)
class LinkBand:
    source: int
    target: int
    x0: float
    x1: float
    y0: float  # centre of the band at the source
    y1: float  # centre at the target
    width: float


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: list[NodeBox]
    links: list[LinkBand]
    label_font: float
    pad: float
    top: float
    lines: list[list[str]]


def wrap(text: str, font_size: float, max_width: float) -> list[str]:
    """``text`` on one line, or on two split at the space nearest the middle when too wide."""
    if text_width(text, font_size) <= max_width or " " not in text:
        return [text]
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def _lines(data: SankeyData, style: FigureStyle, labels: str) -> list[list[str]]:
    """Each node's label, wrapped; a code's name by ``display_labels``, a value as it is.

    Labels of a middle column wrap sooner: the column is as wide as its longest line.
    """
    last = max(data.columns, default=0)
    codes = [x for x in dict.fromkeys(data.labels) if x not in data.attributes]
    names = dict(zip(codes, display_labels(codes, labels), strict=True))
    return [
        wrap(names.get(x, x), style.font_size, (0.27 if col in (0, last) else 0.16) * style.width)
        for x, col in zip(data.labels, data.columns, strict=True)
    ]


def needed_height(data: SankeyData, style: FigureStyle, labels: str = "leaf") -> int:
    """A height that gives every node of the tallest column room for its label."""
    rows = max((data.columns.count(c) for c in set(data.columns)), default=1)
    f = style.font_size
    lines = max(len(x) for x in _lines(data, style, labels))
    top = _top(style, data)
    return int(round(top + f + rows * (1.4 + 1.25 * lines) * f + 12))


def _top(style: FigureStyle, data: SankeyData) -> float:
    f = style.font_size
    top = 0.6 * f
    if style.title:
        top += 1.8 * f
    if data.headings:
        lines = max(len(wrap(h, f, 0.27 * style.width)) for h in data.headings)
        top += (0.4 + 1.25 * lines) * f
    return top


def layout(data: SankeyData, style: FigureStyle, labels: str = "leaf") -> Layout:
    """Place nodes and bands in figure pixels (y down), leaving the label margins free."""
    f = style.font_size
    n_cols = max(data.columns) + 1
    shown = _lines(data, style, labels)
    gap = 0.5 * f

    def widest(lines: list[str]) -> float:
        return max(text_width(line, f) for line in lines)

    left_w = max(widest(s) for s, c in zip(shown, data.columns, strict=True) if c == 0)
    right_w = max(widest(s) for s, c in zip(shown, data.columns, strict=True) if c == n_cols - 1)
    heading_w = [widest(wrap(h, f, 0.27 * style.width)) for h in data.headings]
    left_w = max(left_w, heading_w[0] if heading_w else 0) + gap
    right_w = max(right_w, heading_w[-1] if heading_w else 0) + gap
    width, height = float(style.width), float(style.height)
    thick = min(16.0, max(5.0, 0.018 * width))
    # a middle column is as wide as its labels, written inside its nodes: bands only join
    # neighbouring columns, so nothing crosses that strip and the labels never meet a band
    col_w = [thick] * n_cols
    for col in range(1, n_cols - 1):
        col_w[col] = (
            1.15 * max(widest(s) for s, c in zip(shown, data.columns, strict=True) if c == col)
            + 0.8 * f
        )  # room to spare inside the node
    between = (width - left_w - right_w - sum(col_w)) / (n_cols - 1)
    if between < 30:
        raise WorkbenchError(
            _(
                "the labels leave no room for the figure; use --labels leaf, a larger --size or "
                "a smaller --font-size"
            )
        )
    top = _top(style, data)
    bottom = height - 0.6 * f
    most = max(len(x) for x in shown)
    pad = max(1.25 * f * most, 4.0)
    xs = [left_w + sum(col_w[:c]) + between * c for c in range(n_cols)]
    node_value = [0.0] * len(data.labels)
    out_sum = [0.0] * len(data.labels)
    in_sum = [0.0] * len(data.labels)
    for s, t, v in zip(data.sources, data.targets, data.values, strict=True):
        out_sum[s] += v
        in_sum[t] += v
    node_value = [max(a, b) for a, b in zip(in_sum, out_sum, strict=True)]
    columns = [[i for i, c in enumerate(data.columns) if c == col] for col in range(n_cols)]
    ky = min(
        (bottom - top - (len(nodes) - 1) * pad) / sum(node_value[i] for i in nodes)
        for nodes in columns
    )
    if ky <= 0:
        raise WorkbenchError(_("the figure is too short for its nodes; raise --height"))
    boxes: list[NodeBox | None] = [None] * len(data.labels)
    for col, nodes in enumerate(columns):
        total = sum(node_value[i] * ky for i in nodes) + (len(nodes) - 1) * pad
        y = top + (bottom - top - total) / 2
        for i in nodes:
            h = node_value[i] * ky
            boxes[i] = NodeBox(xs[col], xs[col] + col_w[col], y, y + h)
            y += h + pad
    placed = [b for b in boxes if b is not None]
    assert len(placed) == len(boxes)
    centre = [(b.y0 + b.y1) / 2 for b in placed]
    links = list(range(len(data.values)))
    offset_out = {i: placed[i].y0 for i in range(len(placed))}
    offset_in = dict(offset_out)
    y_src: dict[int, float] = {}
    y_tgt: dict[int, float] = {}
    for k in sorted(links, key=lambda k: (data.sources[k], centre[data.targets[k]], k)):
        w = data.values[k] * ky
        y_src[k] = offset_out[data.sources[k]] + w / 2
        offset_out[data.sources[k]] += w
    for k in sorted(links, key=lambda k: (data.targets[k], centre[data.sources[k]], k)):
        w = data.values[k] * ky
        y_tgt[k] = offset_in[data.targets[k]] + w / 2
        offset_in[data.targets[k]] += w
    bands = [
        LinkBand(
            data.sources[k],
            data.targets[k],
            placed[data.sources[k]].x1,
            placed[data.targets[k]].x0,
            y_src[k],
            y_tgt[k],
            data.values[k] * ky,
        )
        for k in links
    ]
    return Layout(width, height, placed, bands, f, pad, top, shown)


def value_positions(lay: Layout, data: SankeyData, font: float) -> dict[int, float]:
    """Where each link's number goes: at the start of its band, moved apart just enough.

    Numbers sit in one vertical line just right of the source column, where the bands of
    that column have not yet crossed; ones closer than a line of text are pushed apart
    (down, then back up from the bottom), so each stays on or right beside its band.
    """
    out: dict[int, float] = {}
    step = 1.15 * font
    for col in sorted(set(data.columns)):
        ks = [
            k
            for k, b in enumerate(lay.links)
            if data.columns[b.source] == col and data.texts and data.texts[k]
        ]
        ks.sort(key=lambda k: lay.links[k].y0)
        ys = [lay.links[k].y0 for k in ks]
        for i in range(1, len(ys)):
            ys[i] = max(ys[i], ys[i - 1] + step)
        bottom = lay.height - 0.5 * step
        for i in range(len(ys) - 1, -1, -1):
            limit = bottom if i == len(ys) - 1 else ys[i + 1] - step
            ys[i] = min(ys[i], limit)
        out.update(zip(ks, ys, strict=True))
    return out


def band_path(b: LinkBand) -> str:
    """The band as a closed SVG path: two horizontal-tangent cubic curves."""
    xm = (b.x0 + b.x1) / 2
    h = b.width / 2
    top0, top1, bot0, bot1 = b.y0 - h, b.y1 - h, b.y0 + h, b.y1 + h
    return (
        f"M {b.x0:.2f},{top0:.2f} C {xm:.2f},{top0:.2f} {xm:.2f},{top1:.2f} "
        f"{b.x1:.2f},{top1:.2f} L {b.x1:.2f},{bot1:.2f} C {xm:.2f},{bot1:.2f} "
        f"{xm:.2f},{bot0:.2f} {b.x0:.2f},{bot0:.2f} Z"
    )
