"""``workbench demo`` and ``workbench stats``."""

from __future__ import annotations

import sys

import click

from workbench.cli.common import emit, format_option, open_project
from workbench.i18n import DEFAULT, N_, _, language


@click.command(
    "demo",
    help=N_(
        "Build the demo workspace in FOLDER (default ./workbench-demo) and open the app. "
        "With --lang es the app speaks Spanish and lists the Spanish interviews first."
    ),
)
@click.argument("folder", default="workbench-demo", type=click.Path(file_okay=False))
@click.option("--reset", is_flag=True, help=N_("Rebuild the demo project from scratch."))
@click.option("--no-open", is_flag=True, help=N_("Only build it and print a summary."))
def demo_cmd(folder: str, reset: bool, no_open: bool) -> None:
    from workbench.ops.demo import build_demo

    spoken = language()
    summary = build_demo(folder, reset=reset, first_language=None if spoken == DEFAULT else spoken)
    rows = [
        (_("project:"), str(summary.project)),
        (_("documents:"), str(summary.documents)),
        (_("codes:"), str(summary.codes)),
    ]
    click.echo(_("demo workspace: {folder}").format(folder=summary.folder))
    width = max(len(label) for label, _value in rows) + 1
    for label, value in rows:
        click.echo(f"  {label.ljust(width)}{value}")
    for coder, n in summary.codings.items():
        click.echo("  " + _("codings by {coder}: {n}").format(coder=coder, n=n))
    click.echo(
        "  "
        + _("try: {command}").format(
            command=f"workbench --project {summary.project} agree --unit sentence"
        )
    )
    if no_open or not sys.stdin.isatty() or not sys.stdout.isatty():
        return
    from workbench.tui import run_app

    run_app(str(summary.project))


@click.command("stats", help=N_("Documents, cases, codes, memos and codings per coder."))
@format_option()
@click.pass_context
def stats_cmd(ctx, fmt: str) -> None:
    from workbench.ops.stats import project_stats

    stats = project_stats(open_project(ctx))
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
    click.echo(
        _("documents: {documents} ({characters} characters)").format(
            documents=stats["documents"], characters=f"{stats['characters']:,}"
        )
    )
    click.echo(
        _("cases: {cases}   codes: {codes}   codings: {codings}   memos: {memos}").format(
            cases=stats["cases"],
            codes=stats["codes"],
            codings=stats["codings"],
            memos=stats["memos"],
        )
    )
    if stats["coders"]:
        emit(
            stats["coders"],
            "table",
            columns=["coder", "codings", "documents_coded", "documents_done"],
            title=_("coders"),
        )
