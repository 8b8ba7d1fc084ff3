"""``workbench check``, ``backup`` and ``restore``."""

from __future__ import annotations

import sys

import click

from workbench.cli.common import open_project


@click.command("check")
@click.pass_context
def check_cmd(ctx) -> None:
    """Check the project file: SQLite integrity plus offsets, code tree and text hashes."""
    from workbench.ops.check import check_project

    report = check_project(open_project(ctx))
    if report.ok:
        counts = ", ".join(f"{n} {what}" for what, n in report.checked.items())
        click.echo(f"ok: {counts}")
        return
    for problem in report.problems:
        click.echo(problem, err=True)
    click.echo(f"{len(report.problems)} problem(s) found", err=True)
    sys.exit(1)


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def backup_cmd(ctx, destination: str, force: bool) -> None:
    """Write a consistent copy of the project to DESTINATION (safe while the app is open)."""
    from workbench.ops.backup import backup_project

    path = backup_project(open_project(ctx), destination, overwrite=force)
    click.echo(f"backed up to {path}")


@click.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False))
@click.pass_context
def restore_cmd(ctx, backup: str) -> None:
    """Replace the project with BACKUP (checked first; the current project is kept aside)."""
    from workbench.ops.backup import restore_project

    obj = ctx.find_root().obj
    saved = restore_project(obj["project_path"], backup, user=obj.get("user"))
    click.echo(f"restored from {backup}; the previous project is saved as {saved}")
