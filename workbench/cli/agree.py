"""Comparing coders from the command line: agreement, disagreements, merging coders' files."""

from __future__ import annotations

import json

import click

from workbench.analysis.units import AGREEMENT_UNITS as UNITS
from workbench.cli.common import emit, format_option, open_project, where_option


def _comparison_options(fn):
    fn = click.option("--coders", "coders", multiple=True,
                      help="Coders to compare, A,B,... (default: every coder who marked "
                           "documents done).")(fn)
    fn = click.option("--unit", type=click.Choice(UNITS), default="char", show_default=True,
                      help="Unit of analysis.")(fn)
    fn = click.option("--codes", "codes", multiple=True,
                      help="Only this code and its subcodes (path; repeat or comma-separate).")(fn)
    fn = click.option("--depth", type=click.IntRange(min=1), default=None,
                      help="Roll codes up to their ancestor at this depth (1 = groups).")(fn)
    fn = click.option("--docs", "docs", multiple=True,
                      help="Compare these documents (names, comma-separated) instead of the "
                           "ones every coder marked done.")(fn)
    fn = where_option(fn)
    return fn


@click.command("agree")
@_comparison_options
@format_option("markdown")
@click.pass_context
def agree_cmd(ctx, coders, unit, codes, depth, docs, where, fmt) -> None:
    """Inter-coder agreement per code and overall: percent, Cohen's kappa, Krippendorff's alpha.

    Only documents every compared coder marked done count (see 'workbench done'), unless named
    with --docs. Example: workbench agree --coders maria,james --unit sentence --format markdown
    """
    from workbench.analysis.agreement import agreement, split_list

    project = open_project(ctx)
    result = agreement(project, coders=split_list(coders), unit=unit, codes=split_list(codes),
                       depth=depth, docs=split_list(docs), where=where)
    if fmt == "markdown":
        click.echo(result.to_markdown(), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    emit(result.rows(), fmt, columns=result.columns(),
         title=f"Agreement ({unit} units): {', '.join(result.coders)}")
    if fmt == "table":
        click.echo(result.footnote())


@click.command("disagreements")
@_comparison_options
@click.option("--doc", "document", default=None, help="Only this document.")
@format_option()
@click.pass_context
def disagreements_cmd(ctx, coders, unit, codes, depth, docs, where, document, fmt) -> None:
    """List where coders disagree: document, unit (start-end), code, who applied it, text."""
    from workbench.analysis.agreement import split_list
    from workbench.reconcile import disagreements, summary_rows

    project = open_project(ctx)
    items = disagreements(project, coders=split_list(coders), unit=unit,
                          codes=split_list(codes), depth=depth, docs=split_list(docs),
                          document=document, where=where)
    rows = summary_rows(items)
    columns = ["document", "unit", "code", "applied_by", "not_by", "spans", "text"]
    if fmt == "json":
        value = [
            {**row, "start": item.start, "end": item.end, "unit_kind": item.unit,
             "codings": [{"id": c.id, "coder": c.coder, "code": c.code, "start": c.start,
                          "end": c.end} for c in item.codings]}
            for row, item in zip(rows, items, strict=True)
        ]
        emit(rows, fmt, json_value=value)
        return
    emit(rows, fmt, columns=columns, title=f"{len(rows)} disagreement(s), {unit} units")


@click.command("merge")
@click.argument("other", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would be merged; change nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.pass_context
def merge_cmd(ctx, other: str, dry_run: bool, fmt: str) -> None:
    """Bring OTHER.db's documents, codes, codings, memos and done marks into this project.

    Documents match by text, codes by GUID then path, coders by name; identical codings are not
    duplicated and conflicts are reported. Run with --dry-run first.
    """
    from workbench.merge import merge

    project = open_project(ctx)
    report = merge(project, other, dry_run=dry_run)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    for line in report.lines():
        click.echo(line)
