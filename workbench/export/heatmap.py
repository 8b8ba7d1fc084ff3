"""The co-occurrence matrix as a heat map for print, laid out so that every label and number
is legible at the chosen size, or refused.

A count or c-coefficient matrix is symmetric, so only its lower triangle is drawn (rows from
the second code, columns up to the one before last), as correlation tables in papers are; a
conditional-share matrix is not symmetric and is drawn whole, without its diagonal. Cells
whose codes never meet are left blank (a white cell, no "0"). Row labels carry the code's
colour swatch; column labels are written upright from the bottom. Cell size comes from the
widest number at the figure's font size; when the matrix with its labels is wider than the
canvas, the figure is refused with the width it would need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.export.figure_text import LINE, placed, refuse_if_broken, wrap
from workbench.export.figures import DEFAULT_STYLE, FigureStyle, display_labels
from workbench.export.fontmetrics import text_width
from workbench.i18n import _, number
from workbench.store.errors import WorkbenchError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from workbench.analysis.cooccurrence import CooccurrenceResult

SWATCH = "■ "


def cell_text(value: float | None, measure: str) -> str:
    """What a cell prints: nothing for codes that never meet, else the value."""
    if value is None or value == 0:
        return ""
    if measure == "count":
        return str(int(value))
    return number(value, 2)  # the figure's decimal mark (--decimal)


def heatmap_figure(
    result: CooccurrenceResult,
    measure: str = "count",
    style: FigureStyle = DEFAULT_STYLE,
    labels: str = "leaf",
) -> go.Figure:
    """The heat map of ``result``'s ``measure``; ``layout.meta['heatmap']`` records what was
    drawn (codes, the cells with a number, the measure) for captions and tests."""
    import plotly.graph_objects as go

    codes, cells = result.matrix(measure)
    if len(codes) < 2:
        raise WorkbenchError(_("nothing to draw: fewer than two codes with codings"))
    symmetric = measure != "conditional"
    rows = codes[1:] if symmetric else codes
    cols = codes[:-1] if symmetric else codes
    index = {c: i for i, c in enumerate(codes)}

    def drawn(r: str, c: str) -> bool:
        return index[c] < index[r] if symmetric else r != c

    z: list[list[Any]] = []
    text: list[list[str]] = []
    for r in rows:
        z.append([cells[index[r]][index[c]] if drawn(r, c) else None for c in cols])
        text.append(
            [cell_text(v, measure) if drawn(r, c) else "" for v, c in zip(z[-1], cols, strict=True)]
        )
    filled = sum(1 for row in text for t in row if t)
    if not filled:
        raise WorkbenchError(_("nothing to draw: no two of the chosen codes meet"))
    names = dict(zip(codes, display_labels(codes, labels), strict=True))
    f = max(style.font_size, style.min_font)
    widest_number = max(text_width(t, f) for row in text for t in row if t)
    cell = max(widest_number + 0.8 * f, LINE * f + 4)
    row_w = max(text_width(SWATCH + names[r], f) for r in rows) + 0.6 * f
    col_h = max(text_width(names[c], f) for c in cols) + 0.6 * f
    title_h = 0.0
    if style.title:
        title_h = len(wrap(style.title, 1.2 * f, style.width - 2 * f)) * LINE * 1.2 * f + 0.6 * f
    right = 0.5 * f
    need_w = row_w + len(cols) * cell + right
    if need_w > style.width:
        raise WorkbenchError(
            _(
                "the heat map of {n} codes needs {need:.0f} px for its labels and numbers at "
                "{pt:.1f} pt, the canvas is {have} px wide; use a larger --size, --depth 1 or "
                "fewer --codes, or --labels leaf"
            ).format(n=len(codes), need=need_w, pt=f * 0.75, have=style.width)
        )
    # spare width widens the cells up to twice the least they need
    cell = min(2 * cell, (style.width - row_w - right) / len(cols))
    height = title_h + 0.5 * f + len(rows) * cell + col_h
    if style.max_height is None and height > style.height + 0.5:
        raise WorkbenchError(
            _(
                "the heat map of {n} codes needs {need:.0f} px of height, the canvas is "
                "{have} px high; leave out --height, or draw fewer codes"
            ).format(n=len(codes), need=height, have=style.height)
        )
    width = row_w + len(cols) * cell + right
    height = max(height, 100.0)
    top = title_h + 0.5 * f
    texts = [
        placed(
            "row",
            i,
            [SWATCH + names[r]],
            f,
            row_w - 0.3 * f,
            top + (i + 0.5) * cell,
            "right",
            "middle",
        )
        for i, r in enumerate(rows)
    ]
    refuse_if_broken(texts, width + 1, height + 1, style.min_font, _("use a larger --size"))
    ticks_y = [
        f'<span style="color:{result.colours.get(r, "#999999")}">■</span> {_escape(names[r])}'
        for r in rows
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=rows,
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            hoverongaps=False,
            showscale=False,
            xgap=1,
            ygap=1,
            textfont={"size": f},
            uid="heatmap",
        )
    )
    fig.update_xaxes(
        tickmode="array",
        tickvals=cols,
        ticktext=[_escape(names[c]) for c in cols],
        tickangle=-90,
        tickfont={"size": f},
        automargin=False,
        showgrid=False,
        zeroline=False,
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=rows,
        ticktext=ticks_y,
        autorange="reversed",
        tickfont={"size": f},
        automargin=False,
        showgrid=False,
        zeroline=False,
    )
    fig.update_layout(
        width=round(width),
        height=round(height),
        margin={"l": row_w, "r": right, "t": top, "b": col_h, "pad": 0, "autoexpand": False},
        font={"size": f, "family": style.font_family, "color": "#111111"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        title={
            "text": _escape(style.title),
            "x": 0.5,
            "y": 1 - 0.3 * f / height,
            "yanchor": "top",
            "font": {"size": 1.2 * f},
        }
        if style.title
        else None,
        meta={
            "heatmap": {
                "codes": codes,
                "rows": rows,
                "columns": cols,
                "labels": [names[c] for c in codes],
                "measure": measure,
                "cell": cell,
                "font": f,
                "drawn": {
                    "kind": "heatmap",
                    "codes": len(codes),
                    "cells": filled,
                    "measure": measure,
                    "triangle": symmetric,
                },
            }
        },
    )
    return fig


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
