"""What every figure command shares: its options (selection, labels, size, style), the style
they make, the record each file carries and the caption written beside it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import click

from workbench.analysis.units import SPAN_UNITS
from workbench.cli.common import where_option
from workbench.i18n import N_, _

#: the default text size of a figure without --size, in points (12 px)
DEFAULT_FONT_PT = 9.0


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
            help=N_(
                "How codes meet: overlapping codings (default), a shared unit, or codings at "
                "most --distance characters apart."
            ),
        ),
        click.option(
            "--unit",
            type=click.Choice(SPAN_UNITS),
            default="sentence",
            show_default=True,
            help=N_("The unit for --mode unit."),
        ),
        click.option(
            "--distance",
            type=click.IntRange(min=0),
            default=None,
            help=N_("Largest gap in characters (--mode proximity; implies it)."),
        ),
        click.option(
            "--coder",
            "coders",
            multiple=True,
            help=N_("Only this coder's codings (repeatable). Default: sum over coders."),
        ),
        click.option(
            "--codes",
            "codes",
            multiple=True,
            metavar="PATH",
            help=N_("Only this code and its subcodes (repeatable)."),
        ),
        click.option(
            "--depth",
            type=click.IntRange(min=1),
            default=None,
            help=N_("Roll codes up to their ancestor at this depth (1 = groups)."),
        ),
        where_option,
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def style_options(fn):
    """Title, size, font and scale for figures fit for a journal."""
    options = [
        click.option("--title", default=None, help=N_("Figure title.")),
        click.option("--width", type=int, default=1000, show_default=True, help=N_("Pixels.")),
        click.option(
            "--height",
            type=int,
            default=700,
            show_default=True,
            help=N_("Pixels; the figure grows past it when its text needs room, unless given."),
        ),
        click.option(
            "--font-size",
            type=click.FloatRange(min=3),
            default=DEFAULT_FONT_PT,
            show_default=True,
            help=N_("Text size in points (1 pt = 4/3 px)."),
        ),
        click.option(
            "--font-family",
            default=None,
            help=N_("CSS font list for every label (default: DejaVu Sans, then Arial)."),
        ),
        click.option(
            "--scale",
            type=float,
            default=1.0,
            show_default=True,
            help=N_("PNG pixels per layout pixel (3 gives ~300 dpi at print size)."),
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def given(ctx: click.Context, name: str) -> bool:
    """True when the user typed option ``name`` (not its default)."""
    return ctx.get_parameter_source(name) not in (click.core.ParameterSource.DEFAULT, None)


#: a figure without --size or --height may grow to this many times its height
GROW_FACTOR = 4


def figure_style(
    ctx: click.Context,
    size: str | None,
    title: str | None,
    width: int,
    height: int,
    font_size: float,
    font_family: str | None,
    scale: float,
    *,
    square: bool = False,
):
    """The style the options describe. A print ``size`` sets width, font and resolution; a
    height the user did not give may grow with the figure's text. ``square`` makes the
    default print height the width (a heat map)."""
    from workbench.export.figures import FigureStyle, points, preset_style
    from workbench.export.fontmetrics import FONT_FAMILY

    family = font_family or FONT_FAMILY
    height_given = given(ctx, "height")
    if size:
        style = preset_style(
            size, title=title, font_family=family, height=height if height_given else None
        )
        if square and not height_given and size != "slide":
            style = replace(style, height=style.width)
        if given(ctx, "font_size"):
            style = replace(style, font_size=points(font_size))
        if given(ctx, "scale"):
            style = replace(style, scale=scale, dpi=int(round(96 * scale)))
        return style
    return FigureStyle(
        title=title,
        width=width,
        height=height,
        font_size=points(font_size),
        font_family=family,
        scale=scale,
        max_height=None if height_given else height * GROW_FACTOR,
    )


def figure_record(ctx, out, project, options, selection, extra):
    """How ``out`` was made, with the counts its caption reports."""
    from workbench.cli.figures import make_record
    from workbench.export.provenance import selection_counts

    counts = selection_counts(project, selection)
    if options is not None:
        counts["mode"] = options.label
    filters = []
    if selection.coders:
        filters.append("coders " + ", ".join(selection.coders))
    if selection.codes:
        filters.append("codes " + ", ".join(selection.codes))
    if selection.depth:
        filters.append(_("codes rolled up to depth {depth}").format(depth=selection.depth))
    filters += [f"{k} = {v}" for k, v in selection.where]
    counts["filters"] = "; ".join(filters)
    counts.update({k: v for k, v in extra.items() if v is not None})
    return make_record(ctx, out, project, counts)


def write_caption(out: str, record: Any, what: str) -> None:
    """The caption sidecar of ``out``; says so when a hand-edited caption was kept."""
    from workbench.export.provenance import write_caption as write

    written = write(out, record, what)
    if written.kept is not None:
        click.echo(
            _("kept the edited caption {kept}; the new draft is {new}").format(
                kept=written.kept, new=written.path
            ),
            err=True,
        )


def nothing_to_draw(what: str) -> None:
    """Exit 1 with one line: a figure with nothing in it is never written."""
    from workbench.store.errors import WorkbenchError

    raise WorkbenchError(_("nothing to draw: {what}").format(what=what))
