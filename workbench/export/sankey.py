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

from workbench.export.figures import DEFAULT_STYLE, FigureStyle
from workbench.export.sankey_flows import SankeyData
from workbench.export.sankey_layout import band_path, layout, value_positions, wrap
from workbench.palette import translucent

if TYPE_CHECKING:
    import plotly.graph_objects as go


__all__ = ["sankey_figure"]


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
