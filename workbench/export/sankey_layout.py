"""Where a Sankey diagram's nodes, bands, labels, headings and link values go.

Computed here rather than by plotly.js so that the rules a reviewer checks hold by
construction, and are checked again before anything is written:

- labels sit beside the nodes (left of the first column, right of the last, inside the wide
  nodes of a middle column) and never on a band;
- each link's number sits on its own band, or beside it with a leader (``sankey_values``);
- every text box lies inside the canvas and no two touch;
- no text prints under the smallest size the chosen ``--size`` allows (7 pt in print).

Text is measured with the figure font's own widths (``fontmetrics``). When something does not
fit, a figure whose height is free grows (up to the style's ``max_height``); otherwise, or past
that, the layout refuses with the reason, so a figure is never written with a number off its
band or off the canvas.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.export.figure_text import (
    LINE,
    Box,
    Text,
    block_size,
    check_texts,
    placed,
    wrap,
)
from workbench.export.figures import FigureStyle, display_labels
from workbench.export.fontmetrics import text_width
from workbench.export.sankey_flows import SankeyData
from workbench.export.sankey_values import Band, ValueMark, place_values
from workbench.i18n import _
from workbench.store.errors import WorkbenchError

#: how much taller a figure gets on each try when something does not fit
GROWTH = 1.2


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: list[Box]
    links: list[Band]
    label_font: float
    value_font: float
    top: float
    lines: list[list[str]]
    texts: list[Text]
    values: list[ValueMark]
    sources: list[int]
    targets: list[int]


class _NoRoom(Exception):
    """Something does not fit at ``height``; more height may help."""

    def __init__(self, reason: str, height: float, ky: float | None = None):
        super().__init__(reason)
        self.height = height
        self.ky = ky


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


def layout(data: SankeyData, style: FigureStyle, labels: str = "leaf") -> Layout:
    """The figure's geometry; grows a free height until everything fits, else refuses."""
    height = float(style.height)
    limit = float(style.max_height or style.height)
    shrink = bool(style.max_height)
    ky_limit: float | None = None
    while True:
        try:
            return _attempt(data, style, labels, height, shrink, ky_limit, height < limit)
        except _NoRoom as exc:
            height = exc.height
            ky_limit = ky_limit or exc.ky
            if height >= limit:
                raise WorkbenchError(
                    _(
                        "the figure cannot be drawn legibly at {w:.0f} x {h:.0f} px: {why}; "
                        "use a larger --size or --height, --values none, or fewer codes"
                    ).format(w=style.width, h=height, why=exc)
                ) from None
            height, shrink = min(limit, height * GROWTH), False


def _attempt(
    data: SankeyData,
    style: FigureStyle,
    labels: str,
    height: float,
    shrink: bool,
    ky_limit: float | None,
    can_grow: bool = False,
) -> Layout:
    """One try at ``height``; ``shrink`` lets a free height fit the content exactly, and
    ``can_grow`` says a failure will be followed by a taller try.

    ``ky_limit`` (pixels per unit of link value) keeps the scale of the first try when the
    figure grows: the extra height goes into the space between nodes, where numbers that do
    not fit on their bands find room, rather than into thicker bands.
    """
    f = style.font_size
    vf = max(f, style.min_font)
    n_cols = max(data.columns) + 1
    shown = _lines(data, style, labels)
    gap = 0.5 * f
    width = float(style.width)

    def widest(lines: list[str]) -> float:
        return max(text_width(line, f) for line in lines)

    def in_col(col: int) -> list[int]:
        return [i for i, c in enumerate(data.columns) if c == col]

    headings = [wrap(h, f, 0.27 * width, bold=True) for h in data.headings[:n_cols]]
    heading_w = [max(text_width(x, f, True) for x in h) for h in headings]
    left_w = max(widest(shown[i]) for i in in_col(0))
    right_w = max(widest(shown[i]) for i in in_col(n_cols - 1))
    left_w = max(left_w, heading_w[0] if heading_w else 0) + gap + 2
    right_w = max(right_w, heading_w[-1] if heading_w else 0) + gap + 2
    thick = min(16.0, max(5.0, 0.018 * width))
    col_w = [thick] * n_cols
    for col in range(1, n_cols - 1):
        col_w[col] = 1.15 * max(widest(shown[i]) for i in in_col(col)) + 0.8 * f
    between = (width - left_w - right_w - sum(col_w)) / (n_cols - 1)
    if between < 30:
        raise WorkbenchError(
            _(
                "the labels leave no room for the figure; use --labels leaf, a larger --size "
                "or a smaller --font-size"
            )
        )
    title_h = 0.0
    if style.title:
        title_lines = wrap(style.title, 1.2 * f, width - 2 * f)
        title_h = block_size(title_lines, 1.2 * f)[1] + 0.6 * f
    heading_h = max((len(h) for h in headings), default=0) * LINE * f
    top = 0.4 * f + title_h + heading_h + 0.6 * f
    most = max(len(x) for x in shown)
    overhang = 0.5 * LINE * f * most + 2
    pad = LINE * f * most + 0.3 * f
    bottom_margin = 0.4 * f
    columns = [in_col(c) for c in range(n_cols)]
    out_sum = [0.0] * len(data.labels)
    in_sum = [0.0] * len(data.labels)
    for s, t, v in zip(data.sources, data.targets, data.values, strict=True):
        out_sum[s] += v
        in_sum[t] += v
    node_value = [max(a, b) for a, b in zip(in_sum, out_sum, strict=True)]
    sums = [sum(node_value[i] for i in nodes) for nodes in columns]

    def fixed_part(nodes: list[int]) -> float:
        return (len(nodes) - 1) * pad

    avail = height - top - bottom_margin - 2 * overhang
    ky_fit = min((avail - fixed_part(n)) / s for n, s in zip(columns, sums, strict=True) if s)
    if ky_fit <= 0:
        raise _NoRoom(_("the nodes and their labels need more height"), height)
    printed = [v for v, t in zip(data.values, data.texts or [], strict=False) if t and v > 0]
    # a band holding its number is a line of text thick; the thinnest printed band is at most
    # a few times that, so one strong link does not fill the canvas
    ky_cap = 2.5 * (LINE * vf + 2 * 1.5 + 1) / min(printed) if printed else ky_fit
    ky = min(ky_fit, ky_cap, ky_limit or ky_fit)
    if shrink and ky < ky_fit:
        # a free height shrinks to what the content needs
        need = max(s * ky + fixed_part(n) for n, s in zip(columns, sums, strict=True))
        height = max(100.0, top + bottom_margin + 2 * overhang + need)
        avail = height - top - bottom_margin - 2 * overhang
    boxes: list[Box | None] = [None] * len(data.labels)
    x_of = [left_w + sum(col_w[:c]) + between * c for c in range(n_cols)]
    for col, nodes in enumerate(columns):
        used = sums[col] * ky
        spare = avail - used
        step = pad if len(nodes) < 2 else max(pad, spare / (len(nodes) - 1))
        y = top + overhang + max(0.0, (avail - used - step * (len(nodes) - 1)) / 2)
        for i in nodes:
            h = node_value[i] * ky
            boxes[i] = Box(x_of[col], y, x_of[col] + col_w[col], y + h)
            y += h + step
    nodes_placed = [b for b in boxes if b is not None]
    assert len(nodes_placed) == len(boxes)
    bands = _bands(data, nodes_placed, ky)
    texts = _label_texts(data, nodes_placed, shown, f, n_cols)
    texts += _heading_texts(data, nodes_placed, headings, f, n_cols, top)
    if style.title:
        texts.append(placed("title", 0, title_lines, 1.2 * f, width / 2, 0.4 * f, "center", "top"))
    broken = check_texts(texts, width, height, style.min_font)
    if broken:
        raise _NoRoom(broken, height, ky)
    values, missing = place_values(
        data.texts or [""] * len(bands),
        bands,
        nodes_placed,
        texts,
        vf,
        width,
        height,
        stop_early=can_grow,
    )
    if missing:
        names = ", ".join(
            f"{data.labels[data.sources[k]]} – {data.labels[data.targets[k]]}" for k in missing[:3]
        )
        raise _NoRoom(
            _("{n} link values find no place on or beside their bands ({names})").format(
                n=len(missing), names=names
            ),
            height,
            ky,
        )
    broken = check_texts([*texts, *(v.text for v in values)], width, height, style.min_font)
    if broken:  # place_values keeps these rules; a break here is a bug, never a figure
        raise WorkbenchError(_("the figure breaks its layout rules: {why}").format(why=broken))
    return Layout(
        width,
        height,
        nodes_placed,
        bands,
        f,
        vf,
        top,
        shown,
        texts,
        values,
        list(data.sources),
        list(data.targets),
    )


def _bands(data: SankeyData, nodes: list[Box], ky: float) -> list[Band]:
    """Bands leave each node top to bottom in the order of their targets (and arrive in the
    order of their sources), so bands of one node never cross at its edge."""
    centre = [(b.y0 + b.y1) / 2 for b in nodes]
    links = range(len(data.values))
    offset_out = {i: nodes[i].y0 for i in range(len(nodes))}
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
    return [
        Band(
            nodes[data.sources[k]].x1,
            nodes[data.targets[k]].x0,
            y_src[k],
            y_tgt[k],
            data.values[k] * ky,
        )
        for k in links
    ]


def _label_texts(
    data: SankeyData, nodes: list[Box], shown: list[list[str]], f: float, n_cols: int
) -> list[Text]:
    out = []
    for i, box in enumerate(nodes):
        col = data.columns[i]
        y = (box.y0 + box.y1) / 2
        if col == 0:
            out.append(placed("label", i, shown[i], f, box.x0 - 0.3 * f, y, "right", "middle"))
        elif col == n_cols - 1:
            out.append(placed("label", i, shown[i], f, box.x1 + 0.3 * f, y, "left", "middle"))
        else:
            out.append(
                placed("label", i, shown[i], f, (box.x0 + box.x1) / 2, y, "center", "middle")
            )
    return out


def _heading_texts(
    data: SankeyData,
    nodes: list[Box],
    headings: list[list[str]],
    f: float,
    n_cols: int,
    top: float,
) -> list[Text]:
    out = []
    for col, lines in enumerate(headings):
        first = next(b for b, c in zip(nodes, data.columns, strict=True) if c == col)
        if col == 0:
            x, anchor = first.x1, "right"
        elif col == n_cols - 1:
            x, anchor = first.x0, "left"
        else:
            x, anchor = (first.x0 + first.x1) / 2, "center"
        out.append(placed("heading", col, lines, f, x, top - 0.5 * f, anchor, "bottom", bold=True))
    return out


def needed_height(data: SankeyData, style: FigureStyle, labels: str = "leaf") -> int:
    """The height the layout settles on for ``data`` in ``style`` (grown or shrunk)."""
    return int(round(layout(data, style, labels).height))


def band_path(b: Band) -> str:
    """The band as a closed SVG path: two horizontal-tangent cubic curves."""
    xm = (b.x0 + b.x1) / 2
    h = b.width / 2
    top0, top1, bot0, bot1 = b.y0 - h, b.y1 - h, b.y0 + h, b.y1 + h
    return (
        f"M {b.x0:.2f},{top0:.2f} C {xm:.2f},{top0:.2f} {xm:.2f},{top1:.2f} "
        f"{b.x1:.2f},{top1:.2f} L {b.x1:.2f},{bot1:.2f} C {xm:.2f},{bot1:.2f} "
        f"{xm:.2f},{bot0:.2f} {b.x0:.2f},{bot0:.2f} Z"
    )
