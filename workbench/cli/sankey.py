"""``workbench sankey``: Sankey diagrams of co-occurring codes, attributes and stages."""

from __future__ import annotations

import click

from workbench.cli.common import open_project
from workbench.cli.cooccur import _cooccurrence_options
from workbench.cli.figure_options import (
    figure_record,
    figure_style,
    filter_options,
    labels_option,
    size_option,
    style_options,
    write_caption,
)
from workbench.cli.localise import output_language_options
from workbench.i18n import N_, _, speaking


@click.command(
    "sankey",
    help=N_(
        "Sankey diagram to OUT (.html offline, .svg, .pdf, .png).\n"
        "\n\x08\nExamples:\n  workbench sankey figure.html --left Decentralization --right Effective"
        "ness\n"
        '  workbench sankey figure.svg --depth 1 --title "Code groups" --font-size 14\n'
        "  workbench sankey participation.pdf --group Participation --size single\n"
        "  workbench sankey participation-all.pdf --aspect Participation --size double\n"
        "  workbench sankey flows.png --stages region,Decentralization,Effectiveness --size "
        "double\n  workbench sankey regions.pdf --attribute region --right Decentralization"
    ),
)
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--left",
    multiple=True,
    metavar="PATH",
    help=N_("Codes (with subcodes) on the left, the table rows (repeatable). Default all."),
)
@click.option(
    "--right",
    multiple=True,
    metavar="PATH",
    help=N_("Codes (with subcodes) on the right, the columns (repeatable). Default all."),
)
@click.option(
    "--group",
    "group",
    default=None,
    metavar="PATH",
    help=N_("The subcodes of this group with each other (one figure per aspect)."),
)
@click.option(
    "--aspect",
    "aspect",
    default=None,
    metavar="PATH",
    help=N_(
        "The subcodes of this group (left) with every code outside it they meet (right): "
        "one aspect against all other codes."
    ),
)
@click.option(
    "--stages",
    default=None,
    metavar="A,B,C",
    help=N_(
        "Flows over three or more columns: a case attribute (optional, first), then code "
        "groups, e.g. region,Decentralization,Effectiveness."
    ),
)
@click.option(
    "--attribute",
    default=None,
    help=N_("Draw this case attribute's values on the left, flowing into codes."),
)
@click.option(
    "--measure",
    type=click.Choice(["count", "c"]),
    default="count",
    show_default=True,
    help=N_("Link width."),
)
@click.option(
    "--values",
    "values",
    type=click.Choice(["count", "c", "conditional", "none"]),
    default=None,
    help=N_("Number printed on each link (default: the --measure)."),
)
@labels_option(N_("Node labels: the code's own name, or its whole path."))
@click.option(
    "--order",
    type=click.Choice(["crossings", "codebook"]),
    default="crossings",
    show_default=True,
    help=N_("Codebook order, then fewer crossings (barycentric); or codebook order only."),
)
@size_option(
    N_(
        "Journal presets: 85 mm or 175 mm wide at 300 dpi with print fonts, or a "
        "1280x720 slide. Overrides --width and --font-size (--scale still sets "
        "the PNG resolution when given: 96 dpi per 1)."
    )
)
@filter_options
@style_options
@output_language_options
@click.pass_context
def sankey_cmd(
    ctx,
    out,
    left,
    right,
    group,
    aspect,
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
    lang,
    decimal,
):
    from workbench.export.figures import figure_format

    # the figure, its caption and what the command says, in the figure's language
    ctx.with_resource(speaking(lang, decimal=decimal))
    figure_format(out)
    from workbench.export.sankey_request import SankeyRequest, sankey_data

    request = SankeyRequest(
        options=_cooccurrence_options(mode, unit, distance),
        left=tuple(left),
        right=tuple(right),
        group=group,
        aspect=aspect,
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
    from workbench.export.figures import write_figure
    from workbench.export.sankey import sankey_figure
    from workbench.export.sankey_flows import drawn_counts, order_columns

    if order == "crossings":
        data = order_columns(data)
    style = figure_style(ctx, size, title, width, height, font_size, font_family, scale)
    fig = sankey_figure(data, style, labels)
    extra = {
        "measure": measure,
        "values": values or (measure if not attribute else "count"),
        "size": size,
        "labels": labels,
        "order": order,
        "title": title or what,
        "drawn": drawn_counts(data),
    }
    record = figure_record(ctx, out, project, options, selection, extra)
    write_figure(fig, out, style, record)
    write_caption(out, record, what)
    drawn_height = round(fig.layout.height)
    if drawn_height > style.height:
        click.echo(
            _("the figure grew to {h} px high so that every label and value fits").format(
                h=drawn_height
            ),
            err=True,
        )
    if data.unlinked:
        click.echo(
            _("not co-occurring (listed in the caption): {codes}").format(
                codes=", ".join(f"{c} ({n})" for c, n in data.unlinked)
            ),
            err=True,
        )
    click.echo(
        _("wrote {out}: {node_count} nodes, {link_count} links").format(
            out=out, node_count=data.node_count, link_count=data.link_count
        ),
        err=True,
    )
