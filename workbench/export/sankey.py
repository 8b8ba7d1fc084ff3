"""Sankey diagrams for print: co-occurring codes, case attributes flowing into codes, stages.

What a reader of a paper needs from the figure decides its shape:

- Each unordered pair of codes is drawn once. With the same codes on both sides, the pair
  (A, B) runs from the code that comes first in the codebook to the other; a code that pairs
  both ways appears in both columns.
- Columns start in codebook order (attribute values in natural order) and each later column
  is then ordered by the barycentre of its links into the column before it (the classic
  one-sided crossing reduction), ties kept in codebook order.
- The layout is computed here, not by plotly.js, so labels can sit beside the nodes and never
  on the bands (left of the first column, right of the last; a middle column is as wide as its
  labels, written inside its nodes, and bands only join neighbouring columns), and a test can
  check that from the file. Bands are drawn as
  shapes, labels, column headings and link values as annotations; an invisible scatter trace
  carries the hover texts in HTML.
- Links take their source's colour, translucent, attribute values included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from workbench.export.figures import DEFAULT_STYLE, FigureStyle, display_labels, text_width
from workbench.palette import translucent, value_colours
from workbench.store.errors import WorkbenchError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from workbench.analysis.cooccurrence import CooccurrenceResult
    from workbench.store.project import Project

ATTRIBUTE_COLOUR = "#7F7F7F"
VALUES = ("count", "c", "conditional", "none")
LABELS = ("leaf", "path")

__all__ = [
    "SankeyData",
    "attribute_flows",
    "code_flows",
    "group_flows",
    "order_columns",
    "sankey_figure",
    "stage_flows",
    "translucent",
]


@dataclass(frozen=True)
class SankeyData:
    """Nodes and links before drawing: what a test compares with the rendered file.

    ``labels`` identify nodes (code paths or attribute values); ``columns`` give each node's
    column (nodes of a column are listed in drawing order, top first); ``values`` are link
    widths and ``texts`` what is printed on each link ("" for none).
    """

    labels: list[str]
    colours: list[str]
    sources: list[int]
    targets: list[int]
    values: list[float]
    columns: list[int] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    hovers: list[str] = field(default_factory=list)
    attributes: frozenset[str] = frozenset()

    @property
    def node_count(self) -> int:
        return len(self.labels)

    @property
    def link_count(self) -> int:
        return len(self.values)

    def column_labels(self, column: int) -> list[str]:
        return [lab for lab, col in zip(self.labels, self.columns, strict=True) if col == column]


def _fmt(value: float, kind: str) -> str:
    if kind == "count":
        return str(int(value))
    if kind == "conditional":
        return f"{value:.0%}"
    return f"{value:.2f}"


@dataclass
class _Flow:
    a: str
    b: str
    width: float
    shown: float
    hover: str


def _build(
    columns: Sequence[Sequence[str]],
    flows: Sequence[Sequence[_Flow]],
    colours: dict[str, str],
    headings: Sequence[str],
    values: str,
    attributes: frozenset[str] = frozenset(),
) -> SankeyData:
    """Nodes only for labels that carry a link; ``flows[i]`` run from column i to i + 1."""
    used: list[set[str]] = [set() for _ in columns]
    for i, between in enumerate(flows):
        for f in between:
            used[i].add(f.a)
            used[i + 1].add(f.b)
    labels: list[str] = []
    cols: list[int] = []
    index: list[dict[str, int]] = []
    for i, column in enumerate(columns):
        index.append({})
        for label in column:
            if label in used[i] and label not in index[i]:
                index[i][label] = len(labels)
                labels.append(label)
                cols.append(i)
    sources, targets, widths, texts, hovers = [], [], [], [], []
    for i, between in enumerate(flows):
        for f in between:
            sources.append(index[i][f.a])
            targets.append(index[i + 1][f.b])
            widths.append(f.width)
            texts.append("" if values == "none" else _fmt(f.shown, values))
            hovers.append(f.hover)
    return SankeyData(
        labels=labels,
        colours=[colours.get(x, ATTRIBUTE_COLOUR) for x in labels],
        sources=sources,
        targets=targets,
        values=widths,
        columns=cols,
        headings=list(headings),
        texts=texts,
        hovers=hovers,
        attributes=attributes,
    )


def _check(measure: str, values: str | None) -> str:
    if measure not in ("count", "c"):
        raise WorkbenchError(f"a Sankey link is a count or a c-coefficient, not {measure!r}")
    values = measure if values is None else values
    if values not in VALUES:
        raise WorkbenchError(f"link values are one of {', '.join(VALUES)}, not {values!r}")
    return values


def _pair_flow(result: CooccurrenceResult, a: str, b: str, measure: str, values: str) -> _Flow:
    p = result.pair(a, b)
    assert p is not None
    width = round(float(p.c), 4) if measure == "c" else p.count
    shown = {
        "count": p.count,
        "c": p.c,
        "conditional": result.value(a, b, "conditional"),
        "none": 0,
    }[values]
    hover = (
        f"{a} – {b}: {p.count} co-occurrences, c = {p.c:.2f}, "
        f"{result.value(a, b, 'conditional'):.0%} of {a}"
    )
    return _Flow(a, b, width, shown, hover)


def code_flows(
    result: CooccurrenceResult,
    left: Sequence[str] | None = None,
    right: Sequence[str] | None = None,
    measure: str = "count",
    values: str | None = None,
    headings: Sequence[str] | None = None,
) -> SankeyData:
    """One link per unordered pair of co-occurring codes, from a left code to a right code.

    ``left``/``right`` are rolled-up code paths from ``result.codes``; ``None`` means all.
    A pair whose codes could go either way runs from the one first in the codebook. A
    conditional share on a link is the share of the left code's occurrences that meet the
    right code.
    """
    values = _check(measure, values)
    order = {code: i for i, code in enumerate(result.codes)}
    lefts = set(result.codes if left is None else left)
    rights = set(result.codes if right is None else right)
    flows: list[_Flow] = []
    for p in sorted(result.pairs, key=lambda p: (order[p.a], order[p.b])):
        a, b = (p.a, p.b) if order[p.a] < order[p.b] else (p.b, p.a)
        if a in lefts and b in rights:
            pass
        elif b in lefts and a in rights:
            a, b = b, a
        else:
            continue
        if p.count > 0:
            flows.append(_pair_flow(result, a, b, measure, values))
    if not flows:
        raise WorkbenchError("no co-occurrences between the chosen codes; nothing to draw")
    if headings is None:
        headings = ["Code", "Co-occurring code"]
    return _build([result.codes, result.codes], [flows], result.colours, headings, values)


def group_flows(
    result: CooccurrenceResult, group: str, measure: str = "count", values: str | None = None
) -> SankeyData:
    """The codes of one group with each other (``result`` rolled up to the group's children)."""
    members = [c for c in result.codes if c.startswith(group + "/")]
    if not members:
        raise WorkbenchError(f"{group!r} has no subcodes to draw")
    try:
        leaf = group.rsplit("/", 1)[-1]
        return code_flows(
            result, members, members, measure, values, headings=[leaf, f"with {leaf}"]
        )
    except WorkbenchError as exc:
        raise WorkbenchError(f"no two codes of {group} co-occur; nothing to draw") from exc


def _natural(values: Sequence[str]) -> list[str]:
    def key(v: str) -> tuple:
        try:
            return (0, float(v), v)
        except ValueError:
            return (1, 0.0, v.casefold())

    return sorted(values, key=key)


def _attribute_links(
    counts: dict[str, dict[str, int]], codes: Sequence[str], values: str, attribute: str
) -> list[_Flow]:
    flows = []
    for value in _natural(list(counts)):
        total = sum(counts[value].get(code, 0) for code in codes)
        for code in codes:
            n = counts[value].get(code, 0)
            if n > 0:
                share = n / total
                shown = {"count": n, "conditional": share, "none": 0}.get(values)
                if shown is None:
                    raise WorkbenchError(
                        "attribute links are counts or conditional shares; "
                        "use --values count, conditional or none"
                    )
                flows.append(
                    _Flow(
                        value,
                        code,
                        n,
                        shown,
                        f"{attribute} = {value} → {code}: {n} ({share:.0%} of "
                        f"{value}'s codings shown)",
                    )
                )
    return flows


def attribute_flows(
    counts: dict[str, dict[str, int]],
    codes: Sequence[str],
    colours: dict[str, str],
    values: str = "count",
    attribute: str = "attribute",
    headings: Sequence[str] | None = None,
) -> SankeyData:
    """Links from attribute values (left, natural order) to codes (right, codebook order).

    A conditional share on a link is the share of that value's codings (of the codes shown)
    that are of the code.
    """
    flows = _attribute_links(counts, codes, values, attribute)
    if not flows:
        raise WorkbenchError("no codings of the chosen codes in documents with that attribute")
    names = _natural(list(counts))
    palette = {**colours, **value_colours(names)}
    return _build(
        [names, list(codes)],
        [flows],
        palette,
        headings or [attribute, "Code"],
        values,
        frozenset(names),
    )


def stage_flows(
    project: Project,
    stages: Sequence[str],
    options: Any = None,
    selection: Any = None,
    measure: str = "count",
    values: str | None = None,
) -> SankeyData:
    """Flows over three or more columns: an optional case attribute, then code groups.

    Each code group is drawn as its subcodes (codings rolled up to them); consecutive groups
    are linked by co-occurrence, the attribute to the first group by code frequency per value
    (as ``--attribute`` does). All groups must sit at the same level of the codebook, so one
    roll-up counts every pair exactly.
    """
    from workbench.analysis.cooccurrence import OVERLAP, cooccurrence, frequencies_by
    from workbench.analysis.filters import EVERYTHING, case_values
    from workbench.store.queries import normalise_path

    values = _check(measure, values)
    options = options or OVERLAP
    selection = selection or EVERYTHING
    stages = [s.strip() for s in stages if s.strip()]
    if len(stages) < 2:
        raise WorkbenchError("--stages needs two or more names, separated by commas")
    attribute = None
    names = {r[0] for r in project.conn.execute("SELECT name FROM attributes")}
    if stages[0] in names:
        attribute, stages = stages[0], stages[1:]
    groups = []
    for stage in stages:
        if stage in names:
            raise WorkbenchError(f"--stages: the attribute {stage!r} can only come first")
        groups.append(project.code(normalise_path(stage)).path)
    if len(set(groups)) != len(groups):
        raise WorkbenchError("--stages names a code group twice")
    depths = {g.count("/") + 1 for g in groups}
    if len(depths) != 1:
        raise WorkbenchError("--stages: the code groups must sit at the same level of the codebook")
    depth = depths.pop() + 1
    chosen = replace(selection, codes=tuple(groups), depth=depth)
    result = cooccurrence(project, options, chosen)
    members = [[c for c in result.codes if c.startswith(g + "/")] for g in groups]
    columns: list[list[str]] = []
    flows: list[list[_Flow]] = []
    headings: list[str] = []
    colours = dict(result.colours)
    attrs: frozenset[str] = frozenset()
    if attribute:
        _chosen, counts = frequencies_by(project, case_values(project, attribute), options, chosen)
        names_sorted = _natural(list(counts))
        colours.update(value_colours(names_sorted))
        attrs = frozenset(names_sorted)
        columns.append(names_sorted)
        headings.append(attribute)
        flows.append(_attribute_links(counts, members[0], values, attribute))
    for i, group in enumerate(groups):
        columns.append(members[i])
        headings.append(group)
        if i + 1 < len(groups):
            between = []
            targets = set(members[i + 1])
            for a in members[i]:
                for b in members[i + 1]:
                    if b in targets and result.pair(a, b) is not None:
                        between.append(_pair_flow(result, a, b, measure, values))
            flows.append(between)
    if not any(flows):
        raise WorkbenchError("no flows between the chosen stages; nothing to draw")
    return _prune(_build(columns, flows, colours, headings, values, attrs))


def _prune(data: SankeyData) -> SankeyData:
    """Stages can leave a column empty; an empty column would break the figure."""
    present = sorted(set(data.columns))
    if present == list(range(len(data.headings))):
        return data
    raise WorkbenchError("a stage has no links to its neighbours; nothing to draw there")


def order_columns(data: SankeyData) -> SankeyData:
    """Reorder each column after the first by the barycentre of its links into the one before.

    A node's barycentre is the value-weighted mean position of its sources in the previous
    column; nodes without such links go last. Ties keep the incoming (codebook) order.
    """
    n_cols = max(data.columns, default=-1) + 1
    position: dict[int, float] = {}
    order: list[int] = []
    for col in range(n_cols):
        nodes = [i for i, c in enumerate(data.columns) if c == col]
        if col > 0:

            def key(node: int, before: int = col - 1) -> tuple[int, float, int]:
                weights = [
                    (position[s], v)
                    for s, t, v in zip(data.sources, data.targets, data.values, strict=True)
                    if t == node and s in position and data.columns[s] == before
                ]
                total = sum(v for _p, v in weights)
                if not total:
                    return (1, 0.0, node)
                return (0, sum(p * v for p, v in weights) / total, node)

            nodes.sort(key=key)
        for rank, node in enumerate(nodes):
            position[node] = rank
        order.extend(nodes)
    new = {old: i for i, old in enumerate(order)}
    return replace(
        data,
        labels=[data.labels[i] for i in order],
        colours=[data.colours[i] for i in order],
        columns=[data.columns[i] for i in order],
        sources=[new[s] for s in data.sources],
        targets=[new[t] for t in data.targets],
    )


# ------------------------------------------------------------------------------ layout


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
            "the labels leave no room for the figure; use --labels leaf, a "
            "larger --size or a smaller --font-size"
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
        raise WorkbenchError("the figure is too short for its nodes; raise --height")
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


def sankey_figure(
    data: SankeyData, style: FigureStyle = DEFAULT_STYLE, labels: str = "leaf"
) -> go.Figure:
    """The figure: bands and nodes as shapes; labels, headings, values as annotations.

    The first column's labels end left of its nodes, the last column's start right of them,
    a middle column's are written inside its (wide, lightly tinted) nodes. Figure
    coordinates are pixels (y down) on hidden axes, so ``layout.meta['sankey']`` can record the
    boxes that tests compare with the annotations.
    """
    import plotly.graph_objects as go

    if not data.columns:
        data = replace(
            data, columns=[0 if i in set(data.sources) else 1 for i in range(len(data.labels))]
        )
    lay = layout(data, style, labels)
    f = lay.label_font
    n_cols = max(data.columns) + 1
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for k, band in enumerate(lay.links):
        shapes.append(
            {
                "type": "path",
                "path": band_path(band),
                "layer": "below",
                "fillcolor": translucent(data.colours[band.source], 0.45),
                "line": {"width": 0},
                "name": f"link:{k}",
            }
        )
    for i, box in enumerate(lay.nodes):
        middle = 0 < data.columns[i] < n_cols - 1
        shapes.append(
            {
                "type": "rect",
                "x0": box.x0,
                "x1": box.x1,
                "y0": box.y0,
                "y1": box.y1,
                "fillcolor": translucent(data.colours[i], 0.3) if middle else data.colours[i],
                "line": {
                    "color": data.colours[i] if middle else "white",
                    "width": 1 if middle else 0.5,
                },
                "layer": "above",
                "name": f"node:{i}",
            }
        )
    for i, box in enumerate(lay.nodes):
        col = data.columns[i]
        text = "<br>".join(_escape(line) for line in lay.lines[i])
        if col == 0:
            x, y, anchor, yanchor = box.x0 - 0.3 * f, (box.y0 + box.y1) / 2, "right", "middle"
        elif col == n_cols - 1:
            x, y, anchor, yanchor = box.x1 + 0.3 * f, (box.y0 + box.y1) / 2, "left", "middle"
        else:
            x, y, anchor, yanchor = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, "center", "middle"
        annotations.append(
            {
                "x": x,
                "y": y,
                "xanchor": anchor,
                "yanchor": yanchor,
                "align": anchor,
                "text": text,
                "showarrow": False,
                "name": f"label:{i}",
                "font": {"size": f},
                "xref": "x",
                "yref": "y",
            }
        )
    for col, heading in enumerate(data.headings[:n_cols]):
        boxes = [b for b, c in zip(lay.nodes, data.columns, strict=True) if c == col]
        if col == 0:
            x, anchor = boxes[0].x1, "right"
        elif col == n_cols - 1:
            x, anchor = boxes[0].x0, "left"
        else:
            x, anchor = (boxes[0].x0 + boxes[0].x1) / 2, "center"
        heading_y = lay.top - 0.5 * f
        annotations.append(
            {
                "x": x,
                "y": heading_y,
                "xanchor": anchor,
                "yanchor": "bottom",
                "align": anchor,
                "text": "<br>".join(
                    f"<b>{_escape(x)}</b>" for x in wrap(heading, f, 0.27 * lay.width)
                ),
                "showarrow": False,
                "name": f"heading:{col}",
                "font": {"size": f},
                "xref": "x",
                "yref": "y",
            }
        )
    value_font = round(0.8 * f, 2)
    for k, y in value_positions(lay, data, value_font).items():
        band = lay.links[k]
        annotations.append(
            {
                "x": band.x0 + 0.25 * f,
                "y": y,
                "text": data.texts[k],
                "showarrow": False,
                "name": f"value:{k}",
                "font": {"size": value_font, "color": "#222222"},
                "bgcolor": "rgba(255,255,255,0.75)",
                "borderpad": 0,
                "xanchor": "left",
                "yanchor": "middle",
                "xref": "x",
                "yref": "y",
            }
        )
    if style.title:
        annotations.append(
            {
                "x": 0.5 * lay.width,
                "y": 0.4 * f,
                "xanchor": "center",
                "yanchor": "top",
                "text": _escape(style.title),
                "showarrow": False,
                "name": "title",
                "font": {"size": round(1.2 * f, 2)},
                "xref": "x",
                "yref": "y",
            }
        )
    hover_x = [(b.x0 + b.x1) / 2 for b in lay.links]
    hover_y = [(b.y0 + b.y1) / 2 for b in lay.links]
    hover_t = list(data.hovers) if data.hovers else [""] * len(lay.links)
    fig = go.Figure(
        go.Scatter(
            x=hover_x,
            y=hover_y,
            mode="markers",
            hoverinfo="text",
            hovertext=hover_t,
            marker={"size": 12, "opacity": 0},
            showlegend=False,
            name="links",
        )
    )
    fig.update_layout(
        shapes=shapes,
        annotations=annotations,
        width=lay.width,
        height=lay.height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
        autosize=False,
        xaxis={"range": [0, lay.width], "visible": False, "fixedrange": True},
        yaxis={"range": [lay.height, 0], "visible": False, "fixedrange": True},
        font={"size": f, "family": style.font_family, "color": "#111111"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hovermode="closest",
        meta={
            "sankey": {
                "labels": data.labels,
                "columns": data.columns,
                "headings": data.headings,
                "texts": data.texts,
                "sources": data.sources,
                "targets": data.targets,
                "values": data.values,
            }
        },
    )
    return fig


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
