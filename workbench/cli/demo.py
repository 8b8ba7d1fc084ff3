"""``workbench demo`` and ``workbench stats``."""

from __future__ import annotations

import sys

import click

from workbench.cli.common import emit, format_option, open_project


@click.command("demo")
@click.argument("folder", default="workbench-demo", type=click.Path(file_okay=False))
@click.option("--reset", is_flag=True, help="Rebuild the demo project from scratch.")
@click.option("--no-open", is_flag=True, help="Only build it and print a summary.")
def demo_cmd(folder: str, reset: bool, no_open: bool) -> None:
    """Build the demo workspace in FOLDER (default ./workbench-demo) and open the app."""
    from workbench.ops.demo import build_demo

    summary = build_demo(folder, reset=reset)
    click.echo(f"demo workspace: {summary.folder}")
    click.echo(f"  project:   {summary.project}")
    click.echo(f"  documents: {summary.documents}")
    click.echo(f"  codes:     {summary.codes}")
    for coder, n in summary.codings.items():
        click.echo(f"  codings by {coder}: {n}")
    click.echo(f"  try: workbench --project {summary.project} agree --unit sentence")
    if no_open or not sys.stdin.isatty() or not sys.stdout.isatty():
        return
    from workbench.tui import run_app

    run_app(str(summary.project))


@click.command("stats")
@format_option()
@click.pass_context
def stats_cmd(ctx, fmt: str) -> None:
    """Documents, cases, codes, memos and codings per coder."""
    from workbench.ops.stats import project_stats

    stats = project_stats(open_project(ctx, snapshot=True))
    if fmt == "json":
        emit([], "json", json_value=stats)
        return
    if fmt == "csv":
        emit(
            stats["coders"],
            "csv",
            columns=["coder", "codings", "documents_coded", "documents_done"],
        )
        return
    click.echo(f"documents: {stats['documents']} ({stats['characters']:,} characters)")
    click.echo(
        f"cases: {stats['cases']}   codes: {stats['codes']}   codings: {stats['codings']}"
        f"   memos: {stats['memos']}"
    )
    if stats["coders"]:
        emit(
            stats["coders"],
            "table",
            columns=["coder", "codings", "documents_coded", "documents_done"],
            title="coders",
        )
