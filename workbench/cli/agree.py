"""Comparing coders from the command line: agreement, disagreements, merging coders' files."""

from __future__ import annotations

import json

import click

from workbench.analysis.units import AGREEMENT_COMPARISONS as UNITS
from workbench.cli.common import emit, format_option, open_project, where_option
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
            "matched by overlap; code presence or frequency per document."
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
@click.option("--seed", type=int, default=None, help=N_("Seed for --bootstrap (reproducible)."))
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
    where,
    fmt,
    lang,
    decimal,
) -> None:
    from workbench.analysis.agreement import agreement, split_list

    project = open_project(ctx)
    result = agreement(
        project,
        coders=split_list(coders),
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
@format_option()
@click.pass_context
def disagreements_cmd(ctx, coders, unit, overlap, codes, depth, docs, where, document, fmt) -> None:
    from workbench.analysis.agreement import split_list
    from workbench.ops.reconcile import disagreements, summary_rows

    project = open_project(ctx)
    items = disagreements(
        project,
        coders=split_list(coders),
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=N_("Output format."),
)
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
