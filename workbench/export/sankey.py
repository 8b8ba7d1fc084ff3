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

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from workbench.export.figure_text import Text
from workbench.export.figures import DEFAULT_STYLE, FigureStyle
from workbench.export.sankey_flows import SankeyData
from workbench.export.sankey_layout import band_path, layout
from workbench.palette import translucent

if TYPE_CHECKING:
    import plotly.graph_objects as go


__all__ = ["sankey_figure"]


def sankey_figure(
    data: SankeyData, style: FigureStyle = DEFAULT_STYLE, labels: str = "leaf"
) -> go.Figure:
    """The figure: bands, nodes and leaders as shapes; every text as an annotation placed
    where ``sankey_layout.layout`` put its box (centred on the box, so the file says exactly
    where each text is). Figure coordinates are pixels (y down) on hidden axes;
    ``layout.meta['sankey']`` records what was drawn, for captions and tests.
    """
    import plotly.graph_objects as go

    if not data.columns:
        data = replace(
            data, columns=[0 if i in set(data.sources) else 1 for i in range(len(data.labels))]
        )
    lay = layout(data, style, labels)
    n_cols = max(data.columns) + 1
    shapes: list[dict[str, Any]] = []
    for k, band in enumerate(lay.links):
        shapes.append(
            {
                "type": "path",
                "path": band_path(band),
                "layer": "below",
                "fillcolor": translucent(data.colours[data.sources[k]], 0.45),
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
    for mark in lay.values:
        if mark.leader is not None:
            x0, y0, x1, y1 = mark.leader
            shapes.append(
                {
                    "type": "line",
                    "x0": x0,
                    "y0": y0,
                    "x1": x1,
                    "y1": y1,
                    "line": {"color": "#444444", "width": 0.75},
                    "layer": "above",
                    "name": f"leader:{mark.link}",
                }
            )
    texts = [*lay.texts, *(m.text for m in lay.values)]
    annotations = [_annotation(t) for t in texts]
    hover_x = [(b.x0 + b.x1) / 2 for b in lay.links]
    hover_y = [(b.y0 + b.y1) / 2 for b in lay.links]
    hover_t = list(data.hovers) if data.hovers else [""] * len(lay.links)
    trace = {
        "type": "scatter",
        "x": hover_x,
        "y": hover_y,
        "mode": "markers",
        "hoverinfo": "text",
        "hovertext": hover_t,
        "marker": {"size": 12, "opacity": 0},
        "showlegend": False,
        "name": "links",
        "uid": "links",
    }
    layout_dict = {
        "shapes": shapes,
        "annotations": annotations,
        "width": lay.width,
        "height": round(lay.height),
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
        "autosize": False,
        "xaxis": {"range": [0, lay.width], "visible": False, "fixedrange": True},
        "yaxis": {"range": [round(lay.height), 0], "visible": False, "fixedrange": True},
        "font": {"size": lay.label_font, "family": style.font_family, "color": "#111111"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hovermode": "closest",
        "meta": {
            "sankey": {
                "labels": data.labels,
                "columns": data.columns,
                "headings": data.headings,
                "texts": data.texts,
                "sources": data.sources,
                "targets": data.targets,
                "values": data.values,
                "unlinked": dict(data.unlinked),
                "min_font": style.min_font,
            }
        },
    }
    # shapes and annotations are built here, known good: plotly's checking of each of
    # them costs more than the whole layout
    fig = go.Figure(data=[trace], layout=layout_dict, _validate=False)
    return fig


def _annotation(t: Text) -> dict[str, Any]:
    """An annotation centred on the text's box: plotly draws it where the layout checked it."""
    body = "<br>".join(_escape(line) for line in t.lines)
    if t.bold:
        body = "<br>".join(f"<b>{_escape(line)}</b>" for line in t.lines)
    return {
        "x": (t.box.x0 + t.box.x1) / 2,
        "y": (t.box.y0 + t.box.y1) / 2,
        "xanchor": "center",
        "yanchor": "middle",
        "align": t.align,
        "text": body,
        "showarrow": False,
        "name": t.name,
        "font": {"size": t.font, "color": "#222222" if t.kind == "value" else "#111111"},
        "borderpad": 0,
        "borderwidth": 0,
        "xref": "x",
        "yref": "y",
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
