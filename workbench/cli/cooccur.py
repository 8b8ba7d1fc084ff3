"""``workbench cooccur``, ``sankey`` and ``network``: co-occurrence tables and figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbench.cli.common import emit, open_project, render
from workbench.cli.figure_options import (
    figure_record,
    figure_style,
    filter_options,
    labels_option,
    nothing_to_draw,
    size_option,
    style_options,
    write_caption,
)
from workbench.cli.localise import output_language_options
from workbench.files import write_atomic
from workbench.i18n import N_, _, speaking
from workbench.store.errors import WorkbenchError


def _cooccurrence_options(mode, unit, distance):
    from workbench.analysis.cooccurrence import Options

    return Options.choose(mode, unit, distance)


def _selection(coders, codes, depth, where):
    from workbench.analysis.filters import Selection

    return Selection.build(coders=coders, codes=codes, depth=depth, where=where)


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


@click.command(
    "cooccur",
    help=N_(
        "Code co-occurrence: counts, c-coefficients and conditional shares per pair of "
        "codes.\n"
        "\n\x08\nExamples:\n  workbench cooccur\n  workbench cooccur --depth 1 --measure c --layout m"
        "atrix\n"
        "  workbench cooccur --mode unit --unit turn --where region=Piura --format json\n"
        "  workbench cooccur --format xlsx --out cooccurrence.xlsx --heatmap heat.svg"
    ),
)
@filter_options
@click.option(
    "--measure",
    type=click.Choice(["count", "c", "conditional"]),
    default="count",
    show_default=True,
    help=N_("Sort pairs by / fill the matrix and heat map with."),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    show_default=True,
    help=N_("Output format (xlsx needs --out)."),
)
@click.option(
    "--layout",
    type=click.Choice(["pairs", "matrix"]),
    default="pairs",
    show_default=True,
    help=N_("table/csv: one row per pair, or a code-by-code matrix."),
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("Write to this file instead of the screen."),
)
@click.option(
    "--heatmap",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("Also draw the matrix as a heat map (.html, .svg, .pdf or .png)."),
)
@labels_option(N_("Heat map labels: the code's own name, or its path."))
@size_option(N_("Heat map for print: 85 mm or 175 mm wide at 300 dpi, or a slide."))
@style_options
@output_language_options
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
    lang,
    decimal,
):
    # tables, the heat map, its caption and the messages in the output's language
    ctx.with_resource(speaking(lang, decimal=decimal))
    from workbench.analysis.cooccurrence import cooccurrence

    options = _cooccurrence_options(mode, unit, distance)
    selection = _selection(coders, codes, depth, where)
    if fmt == "xlsx" and not out:
        raise WorkbenchError(_("--format xlsx needs --out FILE.xlsx"))
    project = open_project(ctx)
    result = cooccurrence(project, options, selection)
    if heatmap:
        from workbench.export.figures import figure_format, write_figure
        from workbench.export.heatmap import heatmap_figure

        figure_format(heatmap)
        if len(result.codes) < 2:
            nothing_to_draw(_("fewer than two codes with codings in the selection"))
        style = figure_style(
            ctx, size, title, width, height, font_size, font_family, scale, square=True
        )
        fig = heatmap_figure(result, measure, style, labels)
        what = _("Heat map of code co-occurrence")
        record = figure_record(
            ctx,
            heatmap,
            project,
            options,
            selection,
            {
                "measure": measure,
                "labels": labels,
                "size": size,
                "title": title or what,
                "drawn": fig.layout.meta["heatmap"]["drawn"],
            },
        )
        write_figure(fig, heatmap, style, record)
        write_caption(heatmap, record, what)
        click.echo(_("wrote {heatmap}").format(heatmap=heatmap), err=True)
    if fmt == "xlsx":
        from workbench.export.figures import write_heatmap_xlsx

        write_heatmap_xlsx(
            result,
            out,
            measure,
            figure_record(ctx, out, project, options, selection, {"measure": measure}),
        )
        click.echo(_("wrote {out}").format(out=out), err=True)
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
            title=_("co-occurrence ({mode}); {n_codes} codes").format(
                mode=result.mode, n_codes=len(result.codes)
            ),
        )
        return
    text = render(
        rows,
        fmt,
        columns=columns,
        json_value=result.to_json(),
        title=_("co-occurrence ({mode})").format(mode=result.mode),
        width=max(100, 14 * len(columns)),
    )
    write_atomic(out, text.encode("utf-8"))
    click.echo(_("wrote {out}").format(out=out), err=True)


@click.command(
    "network",
    help=N_(
        "Co-occurrence network to OUT (.graphml or .gexf) for Gephi, Cytoscape or networkx.\n"
        "\n\x08\nExample:\n  workbench network codes.gexf --depth 1"
    ),
)
@click.argument("out", type=click.Path(dir_okay=False))
@labels_option(N_("Node labels: the code's own name, or its whole path."))
@filter_options
@click.pass_context
def network_cmd(ctx, out, labels, mode, unit, distance, coders, codes, depth, where):
    from workbench.analysis.cooccurrence import cooccurrence
    from workbench.export.network import NETWORK_FORMATS, write_network

    if Path(out).suffix.lower() not in NETWORK_FORMATS:
        raise WorkbenchError(
            _("use one of {items}").format(items=", ".join(NETWORK_FORMATS)), source=out
        )
    options = _cooccurrence_options(mode, unit, distance)
    project = open_project(ctx)
    selection = _selection(coders, codes, depth, where)
    result = cooccurrence(project, options, selection)
    if not result.codes:
        nothing_to_draw(_("no codings in the selection"))
    what = _("Co-occurrence network of codes")
    drawn = {
        "kind": "network",
        "nodes": len(result.codes),
        "edges": len(result.pairs),
        "codings": sum(result.frequencies.values()),
        "noun": "units" if result.mode.startswith("unit") else "codings",
    }
    record = figure_record(
        ctx, out, project, options, selection, {"labels": labels, "drawn": drawn, "title": what}
    )
    write_network(result, out, labels, record)
    write_caption(out, record, what)
    click.echo(
        _("wrote {out}: {n_codes} nodes, {n_pairs} edges").format(
            out=out, n_codes=len(result.codes), n_pairs=len(result.pairs)
        ),
        err=True,
    )
