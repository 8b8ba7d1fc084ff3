"""Comparing coders from the command line: agreement, disagreements, merging coders' files."""

from __future__ import annotations

import json

import click

from workbench.analysis.units import AGREEMENT_COMPARISONS as UNITS
from workbench.cli.common import (
    emit,
    exclude_models_option,
    format_option,
    open_project,
    report_format_option,
    where_option,
)
from workbench.cli.localise import output_language_options
from workbench.i18n import N_, _, speaking


def _comparison_options(fn):
    fn = click.option(
        "--coders",
        "coders",
        multiple=True,
        help=N_("Coders to compare, A,B,... (default: every coder who marked documents done)."),
    )(fn)
    fn = click.option(
        "--unit",
        type=click.Choice(UNITS),
        default="char",
        show_default=True,
        help=N_(
            "Unit of analysis: characters, sentences, turns, documents; coded segments "
            "matched by overlap; code presence or frequency per document; unitizing: the "
            "passages each coder chose, on the document's continuum (Krippendorff's uα)."
        ),
    )(fn)
    fn = click.option(
        "--overlap",
        type=float,
        default=None,
        metavar="PERCENT",
        help=N_(
            "With --unit segment: minimum overlap, in percent of the longer segment, for two "
            "segments to match [default: 90]."
        ),
    )(fn)
    fn = click.option(
        "--codes",
        "codes",
        multiple=True,
        help=N_("Only this code and its subcodes (path; repeat or comma-separate)."),
    )(fn)
    fn = click.option(
        "--depth",
        type=click.IntRange(min=1),
        default=None,
        help=N_("Roll codes up to their ancestor at this depth (1 = groups)."),
    )(fn)
    fn = click.option(
        "--docs",
        "docs",
        multiple=True,
        help=N_(
            "Compare these documents (names, comma-separated) instead of the ones every "
            "coder marked done."
        ),
    )(fn)
    fn = where_option(fn)
    return fn


@click.command(
    "agree",
    help=N_(
        "Inter-coder agreement per code and overall: percent, Cohen's kappa, Krippendorff's "
        "alpha.\n"
        "\nOnly documents every compared coder marked done count (see 'workbench done'), unless"
        " named with --docs. Example: workbench agree --coders maria,james --unit sentence "
        "--format markdown"
    ),
)
@_comparison_options
@click.option(
    "--group",
    "group",
    default=None,
    metavar="PATH",
    help=N_("Also compare the subcodes of PATH as the values of one variable per unit."),
)
@click.option(
    "--missing",
    type=click.Choice(["none", "uncoded"]),
    default="none",
    show_default=True,
    help=N_(
        "With --group: a unit a coder gave no value is the value 'none', or missing for "
        "that coder ('uncoded')."
    ),
)
@click.option(
    "--level",
    type=click.Choice(["nominal", "ordinal", "interval", "ratio"]),
    default="nominal",
    show_default=True,
    help=N_(
        "With --group: level of measurement; beyond nominal it uses the codes' numeric 'value:'."
    ),
)
@click.option(
    "--bootstrap",
    "draws",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help=N_(
        "Add a 95 % interval for every alpha and P(alpha < 0.667 / 0.800) from N "
        "bootstrap resamples (Hayes & Krippendorff 2007)."
    ),
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help=N_("Seed for --bootstrap and gamma's sampling (reproducible)."),
)
@click.option(
    "--grain",
    type=click.Choice(["char", "word"]),
    default="char",
    show_default=True,
    help=N_("With --unit unitizing: the continuum is the document's characters or its words."),
)
@click.option(
    "--statistic",
    "statistics",
    type=click.Choice(["gamma", "ac1"]),
    multiple=True,
    help=N_(
        "Also compute Gwet's AC1 (AC2 with --group and a level) or Mathet's gamma "
        "(needs the 'gamma' extra); repeat for both."
    ),
)
@click.option("--gamma-alpha", type=float, default=None, help=N_("Gamma: weight of positions [1]."))
@click.option("--gamma-beta", type=float, default=None, help=N_("Gamma: weight of codes [1]."))
@click.option(
    "--gamma-delta-empty",
    type=float,
    default=None,
    help=N_("Gamma: cost of an unmatched passage [1]."),
)
@click.option(
    "--gamma-samples",
    type=click.IntRange(min=2),
    default=None,
    help=N_("Gamma: random continua for the expected disorder [30]."),
)
@click.option(
    "--gamma-sampler",
    type=click.Choice(["statistical", "shuffle"]),
    default=None,
    help=N_("Gamma: how random continua are drawn [statistical]."),
)
@click.option("--gamma-fast", is_flag=True, help=N_("Gamma: the faster approximate algorithm."))
@exclude_models_option
@format_option("markdown")
@output_language_options
@click.pass_context
def agree_cmd(
    ctx,
    coders,
    unit,
    overlap,
    codes,
    depth,
    docs,
    group,
    missing,
    level,
    draws,
    seed,
    grain,
    statistics,
    gamma_alpha,
    gamma_beta,
    gamma_delta_empty,
    gamma_samples,
    gamma_sampler,
    gamma_fast,
    exclude_models,
    where,
    fmt,
    lang,
    decimal,
) -> None:
    from workbench.analysis.agreement import agreement, split_list

    project = open_project(ctx, snapshot=True)
    result = agreement(
        project,
        coders=split_list(coders),
        exclude_models=exclude_models,
        unit=unit,
        codes=split_list(codes),
        depth=depth,
        docs=split_list(docs),
        group=group,
        level=level,
        missing=missing,
        overlap=overlap,
        bootstrap=draws,
        seed=seed,
        where=where,
        grain=grain,
        statistics=statistics,
        gamma_options={
            "alpha": gamma_alpha,
            "beta": gamma_beta,
            "delta_empty": gamma_delta_empty,
            "samples": gamma_samples,
            "sampler": gamma_sampler,
            "fast": gamma_fast or None,
        },
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    with speaking(lang, decimal=decimal):
        _print_agreement(result, unit, fmt)


def _print_agreement(result, unit: str, fmt: str) -> None:
    """The agreement table (or Markdown with its methods paragraph) in the report's language."""
    if fmt == "markdown":
        click.echo(result.to_markdown(), nl=False)
        return
    emit(
        result.rows(),
        fmt,
        columns=result.columns(),
        title=_("Agreement ({unit} units): {items}").format(
            unit=unit, items=", ".join(result.coders)
        ),
    )
    if fmt == "table":
        click.echo(result.footnote())
        for line in result.statistic_lines():
            click.echo(line)
    if result.variable is not None:
        click.echo(result.variable_line(), err=fmt == "csv")
        for c in result.variable["conflicts"]:
            click.echo(
                _("  two values: {document} [{start}, {end}) by {coder}: {items}").format(
                    document=c["document"],
                    start=c["start"],
                    end=c["end"],
                    coder=c["coder"],
                    items=", ".join(c["codes"]),
                ),
                err=fmt == "csv",
            )


@click.command(
    "disagreements",
    help=N_(
        "List where coders disagree: document, unit (start-end), code, who applied it, text.\n"
        "\nWith --unit segment: every coded segment the other coder did not match (--overlap)."
    ),
)
@_comparison_options
@click.option("--doc", "document", default=None, help=N_("Only this document."))
@exclude_models_option
@format_option()
@click.pass_context
def disagreements_cmd(
    ctx, coders, unit, overlap, codes, depth, docs, where, document, exclude_models, fmt
) -> None:
    from workbench.analysis.agreement import split_list
    from workbench.ops.reconcile import disagreements, summary_rows

    project = open_project(ctx, snapshot=True)
    items = disagreements(
        project,
        coders=split_list(coders),
        exclude_models=exclude_models,
        unit=unit,
        codes=split_list(codes),
        depth=depth,
        docs=split_list(docs),
        document=document,
        overlap=overlap,
        where=where,
    )
    rows = summary_rows(items)
    columns = ["document", "unit", "code", "applied_by", "not_by", "spans", "text"]
    if fmt == "json":
        value = [
            {
                **row,
                "start": item.start,
                "end": item.end,
                "unit_kind": item.unit,
                "codings": [
                    {"id": c.id, "coder": c.coder, "code": c.code, "start": c.start, "end": c.end}
                    for c in item.codings
                ],
            }
            for row, item in zip(rows, items, strict=True)
        ]
        emit(rows, fmt, json_value=value)
        return
    emit(
        rows,
        fmt,
        columns=columns,
        title=_("{n_rows} disagreement(s), {unit} units").format(n_rows=len(rows), unit=unit),
    )


@click.command(
    "merge",
    help=N_(
        "Bring OTHER.db's documents, codes, codings, memos and done marks into this project.\n"
        "\nDocuments match by text, codes by GUID then path, coders by name; identical codings "
        "are not duplicated and conflicts are reported. Run with --dry-run first."
    ),
)
@click.argument("other", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help=N_("Show what would be merged; change nothing."))
@report_format_option()
@click.pass_context
def merge_cmd(ctx, other: str, dry_run: bool, fmt: str) -> None:
    from workbench.ops.merge import merge

    project = open_project(ctx)
    report = merge(project, other, dry_run=dry_run)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    for line in report.lines():
        click.echo(line)
