"""``workbench cooccur``, ``sankey`` and ``network``: co-occurrence tables and figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbench.analysis.units import SPAN_UNITS
from workbench.cli.common import emit, open_project, render, require_clean_option, where_option
from workbench.files import write_atomic
from workbench.store.errors import WorkbenchError


def labels_option(help_text: str):
    """``--labels leaf|path``: the one choice of label every figure offers."""
    return click.option(
        "--labels",
        type=click.Choice(["leaf", "path"]),
        default="leaf",
        show_default=True,
        help=help_text,
    )


def size_option(help_text: str):
    """``--size single|double|slide``: the print presets (``export.figures.preset_style``)."""
    return click.option(
        "--size", type=click.Choice(["single", "double", "slide"]), default=None, help=help_text
    )


def filter_options(fn):
    """The options every co-occurrence command shares: mode and selection."""
    options = [
        click.option(
            "--mode",
            type=click.Choice(["overlap", "unit", "proximity"]),
            default=None,
            help="How codes meet: overlapping codings (default), a shared unit, or "
            "codings at most --distance characters apart.",
        ),
        click.option(
            "--unit",
            type=click.Choice(SPAN_UNITS),
            default="sentence",
            show_default=True,
            help="The unit for --mode unit.",
        ),
        click.option(
            "--distance",
            type=click.IntRange(min=0),
            default=None,
            help="Largest gap in characters (--mode proximity; implies it).",
        ),
        click.option(
            "--coder",
            "coders",
            multiple=True,
            help="Only this coder's codings (repeatable). Default: sum over coders.",
        ),
        click.option(
            "--codes",
            "codes",
            multiple=True,
            metavar="PATH",
            help="Only this code and its subcodes (repeatable).",
        ),
        click.option(
            "--depth",
            type=click.IntRange(min=1),
            default=None,
            help="Roll codes up to their ancestor at this depth (1 = groups).",
        ),
        where_option,
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def style_options(fn):
    """Title, size, font and scale for figures fit for a journal."""
    options = [
        click.option("--title", default=None, help="Figure title."),
        click.option("--width", type=int, default=1000, show_default=True, help="Pixels."),
        click.option("--height", type=int, default=700, show_default=True, help="Pixels."),
        click.option(
            "--font-size", type=int, default=12, show_default=True, help="Text size in points."
        ),
        click.option(
            "--font-family",
            default="Arial, Helvetica, sans-serif",
            show_default=True,
            help="CSS font list for every label.",
        ),
        click.option(
            "--scale",
            type=float,
            default=1.0,
            show_default=True,
            help="PNG pixels per layout pixel (3 gives ~300 dpi at print size).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _cooccurrence_options(mode, unit, distance):
    from workbench.analysis.cooccurrence import Options

    return Options.choose(mode, unit, distance)


def _selection(coders, codes, depth, where):
    from workbench.analysis.filters import Selection

    return Selection.build(coders=coders, codes=codes, depth=depth, where=where)


def _style(title, width, height, font_size, font_family, scale):
    from workbench.export.figures import FigureStyle

    return FigureStyle(
        title=title,
        width=width,
        height=height,
        font_size=font_size,
        font_family=font_family,
        scale=scale,
    )


def _matrix_rows(result, measure: str) -> tuple[list[dict[str, Any]], list[str]]:
    codes, cells = result.matrix(measure)
    columns = ["code", *codes]
    rows = [
        {"code": code, **{c: ("" if v is None else v) for c, v in zip(codes, row, strict=True)}}
        for code, row in zip(codes, cells, strict=True)
    ]
    return rows, columns


PAIR_COLUMNS = [
    "a",
    "b",
    "count",
    "n_a",
    "n_b",
    "c",
    "conditional_ab",
    "conditional_ba",
    "capped",
    "overlap_warning",
]


@click.command("cooccur")
@filter_options
@click.option(
    "--measure",
    type=click.Choice(["count", "c", "conditional"]),
    default="count",
    show_default=True,
    help="Sort pairs by / fill the matrix and heat map with.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    show_default=True,
    help="Output format (xlsx needs --out).",
)
@click.option(
    "--layout",
    type=click.Choice(["pairs", "matrix"]),
    default="pairs",
    show_default=True,
    help="table/csv: one row per pair, or a code-by-code matrix.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file instead of the screen.",
)
@click.option(
    "--heatmap",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also draw the matrix as a heat map (.html, .svg, .pdf or .png).",
)
@labels_option("Heat map labels: the code's own name, or its path.")
@size_option("Heat map for print: 85 mm or 175 mm wide at 300 dpi, or a slide.")
@style_options
@click.pass_context
def cooccur_cmd(
    ctx,
    mode,
    unit,
    distance,
    coders,
    codes,
    depth,
    where,
    measure,
    fmt,
    layout,
    out,
    heatmap,
    labels,
    size,
    title,
    width,
    height,
    font_size,
    font_family,
    scale,
):
    """Code co-occurrence: counts, c-coefficients and conditional shares per pair of codes.

    \b
    Examples:
      workbench cooccur
      workbench cooccur --depth 1 --measure c --layout matrix
      workbench cooccur --mode unit --unit turn --where region=Piura --format json
      workbench cooccur --format xlsx --out cooccurrence.xlsx --heatmap heat.svg
    """
    from workbench.analysis.cooccurrence import cooccurrence

    options = _cooccurrence_options(mode, unit, distance)
    selection = _selection(coders, codes, depth, where)
    if fmt == "xlsx" and not out:
        raise WorkbenchError("--format xlsx needs --out FILE.xlsx")
    style = _style(title, width, height, font_size, font_family, scale)
    project = open_project(ctx)
    result = cooccurrence(project, options, selection)
    if heatmap:
        from workbench.export.figures import figure_format, heatmap_figure, write_figure

        figure_format(heatmap)
        if size:
            from workbench.export.figures import preset_style

            style = preset_style(size, title=title, font_family=font_family)
            if size != "slide":
                from dataclasses import replace

                style = replace(style, height=style.width)  # a square matrix
            if ctx.get_parameter_source("scale") != click.core.ParameterSource.DEFAULT:
                from dataclasses import replace

                style = replace(style, scale=scale, dpi=int(round(96 * scale)))
        record = figure_record(
            ctx,
            heatmap,
            project,
            options,
            selection,
            {"measure": measure, "labels": labels, "size": size},
        )
        write_figure(heatmap_figure(result, measure, style, labels), heatmap, style, record)
        _caption(heatmap, record, "Heat map of code co-occurrence")
        click.echo(f"wrote {heatmap}", err=True)
    if fmt == "xlsx":
        from workbench.export.figures import write_heatmap_xlsx

        write_heatmap_xlsx(
            result,
            out,
            measure,
            figure_record(ctx, out, project, options, selection, {"measure": measure}),
        )
        click.echo(f"wrote {out}", err=True)
        return
    if layout == "matrix":
        rows, columns = _matrix_rows(result, measure)
    else:
        rows, columns = result.rows(measure), PAIR_COLUMNS
    if out is None:
        emit(
            rows,
            fmt,
            columns=columns,
            json_value=result.to_json(),
            title=f"co-occurrence ({result.mode}); {len(result.codes)} codes",
        )
        return
    text = render(
        rows,
        fmt,
        columns=columns,
        json_value=result.to_json(),
        title=f"co-occurrence ({result.mode})",
        width=max(100, 14 * len(columns)),
    )
    write_atomic(out, text.encode("utf-8"))
    click.echo(f"wrote {out}", err=True)


@click.command("sankey")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--left",
    multiple=True,
    metavar="PATH",
    help="Codes (with subcodes) on the left, the table rows (repeatable). Default all.",
)
@click.option(
    "--right",
    multiple=True,
    metavar="PATH",
    help="Codes (with subcodes) on the right, the columns (repeatable). Default all.",
)
@click.option(
    "--group",
    "group",
    default=None,
    metavar="PATH",
    help="The subcodes of this group with each other (one figure per aspect).",
)
@click.option(
    "--stages",
    default=None,
    metavar="A,B,C",
    help="Flows over three or more columns: a case attribute (optional, first), "
    "then code groups, e.g. region,Decentralization,Effectiveness.",
)
@click.option(
    "--attribute",
    default=None,
    help="Draw this case attribute's values on the left, flowing into codes.",
)
@click.option(
    "--measure",
    type=click.Choice(["count", "c"]),
    default="count",
    show_default=True,
    help="Link width.",
)
@click.option(
    "--values",
    "values",
    type=click.Choice(["count", "c", "conditional", "none"]),
    default=None,
    help="Number printed on each link (default: the --measure).",
)
@labels_option("Node labels: the code's own name, or its whole path.")
@click.option(
    "--order",
    type=click.Choice(["crossings", "codebook"]),
    default="crossings",
    show_default=True,
    help="Codebook order, then fewer crossings (barycentric); or codebook order only.",
)
@size_option(
    "Journal presets: 85 mm or 175 mm wide at 300 dpi with print fonts, or a "
    "1280x720 slide. Overrides --width and --font-size (--scale still sets "
    "the PNG resolution when given: 96 dpi per 1)."
)
@filter_options
@style_options
@require_clean_option()
@click.pass_context
def sankey_cmd(
    ctx,
    out,
    left,
    right,
    group,
    stages,
    attribute,
    measure,
    values,
    labels,
    order,
    size,
    mode,
    unit,
    distance,
    coders,
    codes,
    depth,
    where,
    title,
    width,
    height,
    font_size,
    font_family,
    scale,
):
    """Sankey diagram to OUT (.html offline, .svg, .pdf, .png).

    \b
    Examples:
      workbench sankey figure.html --left Decentralization --right Effectiveness
      workbench sankey figure.svg --depth 1 --title "Code groups" --font-size 14
      workbench sankey participation.pdf --group Participation --size single
      workbench sankey flows.png --stages region,Decentralization,Effectiveness --size double
      workbench sankey regions.pdf --attribute region --right Decentralization
    """
    from workbench.export.figures import figure_format

    figure_format(out)
    from workbench.export.sankey_request import SankeyRequest, sankey_data

    request = SankeyRequest(
        options=_cooccurrence_options(mode, unit, distance),
        left=tuple(left),
        right=tuple(right),
        group=group,
        stages=stages,
        attribute=attribute,
        measure=measure,
        values=values,
        coders=tuple(coders),
        codes=tuple(codes),
        depth=depth,
        where=tuple(where),
    )
    request.check()
    options = request.options
    project = open_project(ctx)
    data, selection, what = sankey_data(project, request)
    from workbench.export.sankey import sankey_figure
    from workbench.export.sankey_flows import order_columns
    from workbench.export.sankey_layout import needed_height

    if order == "crossings":
        data = order_columns(data)
    height_given = ctx.get_parameter_source("height") != click.core.ParameterSource.DEFAULT
    if size:
        from workbench.export.figures import preset_style

        style = preset_style(
            size, title=title, font_family=font_family, height=height if height_given else None
        )
        from dataclasses import replace

        if not height_given and size != "slide":
            style = replace(style, height=max(style.height, needed_height(data, style)))
        if ctx.get_parameter_source("scale") != click.core.ParameterSource.DEFAULT:
            style = replace(style, scale=scale, dpi=int(round(96 * scale)))
    else:
        style = _style(title, width, height, font_size, font_family, scale)
    from workbench.export.figures import write_figure

    extra = {
        "measure": measure,
        "values": values or (measure if not attribute else "count"),
        "size": size,
        "labels": labels,
        "order": order,
    }
    record = figure_record(ctx, out, project, options, selection, extra)
    write_figure(sankey_figure(data, style, labels), out, style, record)
    _caption(out, record, what)
    click.echo(f"wrote {out}: {data.node_count} nodes, {data.link_count} links", err=True)


def figure_record(ctx, out, project, options, selection, extra):
    """How ``out`` was made, with the counts its caption reports."""
    from workbench.cli.figures import make_record
    from workbench.export.provenance import selection_counts

    counts = selection_counts(project, selection)
    counts["mode"] = options.label
    filters = []
    if selection.coders:
        filters.append("coders " + ", ".join(selection.coders))
    if selection.codes:
        filters.append("codes " + ", ".join(selection.codes))
    if selection.depth:
        filters.append(f"codes rolled up to depth {selection.depth}")
    filters += [f"{k} = {v}" for k, v in selection.where]
    counts["filters"] = "; ".join(filters)
    counts.update({k: v for k, v in extra.items() if v is not None})
    return make_record(ctx, out, project, counts)


def _caption(out, record, what):
    from workbench.export.provenance import write_caption

    write_caption(out, record, what)


@click.command("network")
@click.argument("out", type=click.Path(dir_okay=False))
@labels_option("Node labels: the code's own name, or its whole path.")
@filter_options
@require_clean_option()
@click.pass_context
def network_cmd(ctx, out, labels, mode, unit, distance, coders, codes, depth, where):
    """Co-occurrence network to OUT (.graphml or .gexf) for Gephi, Cytoscape or networkx.

    \b
    Example:
      workbench network codes.gexf --depth 1
    """
    from workbench.analysis.cooccurrence import cooccurrence
    from workbench.export.network import NETWORK_FORMATS, write_network

    if Path(out).suffix.lower() not in NETWORK_FORMATS:
        raise WorkbenchError(f"use one of {', '.join(NETWORK_FORMATS)}", source=out)
    options = _cooccurrence_options(mode, unit, distance)
    project = open_project(ctx)
    selection = _selection(coders, codes, depth, where)
    result = cooccurrence(project, options, selection)
    record = figure_record(ctx, out, project, options, selection, {"labels": labels})
    write_network(result, out, labels, record)
    _caption(out, record, "Co-occurrence network of codes")
    click.echo(f"wrote {out}: {len(result.codes)} nodes, {len(result.pairs)} edges", err=True)
