"""Sankey diagrams of co-occurring codes, and of case attributes flowing into codes.

Rows of the co-occurrence table sit on the left, columns on the right. A code chosen for both
sides appears twice (once per side), so every link runs left to right and the diagram has no
cycles. Link width is the count or the c-coefficient; nodes take their codebook colours and
each link the colour of its left node, lightened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.export.figures import DEFAULT_STYLE, FigureStyle

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from workbench.analysis.cooccurrence import CooccurrenceResult

ATTRIBUTE_COLOUR = "#7F7F7F"


@dataclass(frozen=True)
class SankeyData:
    """Nodes and links before drawing: what a test compares with the rendered page."""

    labels: list[str]
    colours: list[str]
    sources: list[int]
    targets: list[int]
    values: list[float]

    @property
    def node_count(self) -> int:
        return len(self.labels)

    @property
    def link_count(self) -> int:
        return len(self.values)


def translucent(colour: str, alpha: float = 0.4) -> str:
    c = colour.lstrip("#")
    r, g, b = int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    return f"rgba({r},{g},{b},{alpha})"


def _build(
    flows: Sequence[tuple[str, str, float]], left_colour: dict[str, str],
    right_colour: dict[str, str],
) -> SankeyData:
    """Nodes only for labels that carry a link: left nodes first, then right ones."""
    left = list(dict.fromkeys(a for a, _b, _v in flows))
    right = list(dict.fromkeys(b for _a, b, _v in flows))
    index_left = {label: i for i, label in enumerate(left)}
    index_right = {label: len(left) + i for i, label in enumerate(right)}
    return SankeyData(
        labels=left + right,
        colours=[left_colour.get(x, ATTRIBUTE_COLOUR) for x in left]
        + [right_colour.get(x, ATTRIBUTE_COLOUR) for x in right],
        sources=[index_left[a] for a, _b, _v in flows],
        targets=[index_right[b] for _a, b, _v in flows],
        values=[v for _a, _b, v in flows],
    )


def code_flows(
    result: CooccurrenceResult, left: Sequence[str] | None = None,
    right: Sequence[str] | None = None, measure: str = "count",
) -> SankeyData:
    """Links from each left code to each right code they co-occur with (value > 0).

    ``left``/``right`` are rolled-up code paths from ``result.codes``; ``None`` means all.
    """
    if measure not in ("count", "c"):
        raise WorkbenchError(f"a Sankey link is a count or a c-coefficient, not {measure!r}")
    left = [c for c in result.codes if left is None or c in set(left)]
    right = [c for c in result.codes if right is None or c in set(right)]
    flows = []
    for a in left:
        for b in right:
            if a == b:
                continue
            value = result.value(a, b, measure)
            if value > 0:
                flows.append((a, b, round(float(value), 4) if measure == "c" else value))
    if not flows:
        raise WorkbenchError("no co-occurrences between the chosen codes; nothing to draw")
    return _build(flows, result.colours, result.colours)


def attribute_flows(
    counts: dict[str, dict[str, int]], codes: Sequence[str], colours: dict[str, str],
) -> SankeyData:
    """Links from attribute values (left, sorted) to codes (right, codebook order)."""
    flows = [
        (value, code, counts[value][code])
        for value in sorted(counts)
        for code in codes
        if counts[value].get(code, 0) > 0
    ]
    if not flows:
        raise WorkbenchError("no codings of the chosen codes in documents with that attribute")
    return _build(flows, {}, colours)


def sankey_figure(data: SankeyData, style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    import plotly.graph_objects as go

    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": data.labels, "color": data.colours, "pad": 12, "thickness": 16,
              "line": {"color": "white", "width": 0.5}},
        link={"source": data.sources, "target": data.targets, "value": data.values,
              "color": [translucent(data.colours[s]) for s in data.sources]},
    ))
    style.apply(fig)
    return fig
