"""``workbench check``, ``backup`` and ``restore``."""

from __future__ import annotations

import sys

import click

from workbench.cli.common import open_project
from workbench.i18n import N_, _


@click.command(
    "check",
    help=N_("Check the project file: SQLite integrity plus offsets, code tree and text hashes."),
)
@click.pass_context
def check_cmd(ctx) -> None:
    from workbench.ops.check import check_project

    report = check_project(open_project(ctx, snapshot=True))
    if report.ok:
        counts = ", ".join(f"{n} {_(what)}" for what, n in report.checked.items())
        click.echo(_("ok: {counts}").format(counts=counts))
        return
    for problem in report.problems:
        click.echo(problem, err=True)
    click.echo(_("{n_problems} problem(s) found").format(n_problems=len(report.problems)), err=True)
    sys.exit(1)


@click.command(
    "backup",
    help=N_("Write a consistent copy of the project to DESTINATION (safe while the app is open)."),
)
@click.argument("destination", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help=N_("Overwrite an existing file."))
@click.pass_context
def backup_cmd(ctx, destination: str, force: bool) -> None:
    from workbench.ops.backup import backup_project

    path = backup_project(open_project(ctx), destination, overwrite=force)
    click.echo(_("backed up to {path}").format(path=path))


@click.command(
    "restore",
    help=N_("Replace the project with BACKUP (checked first; the current project is kept aside)."),
)
@click.argument("backup", type=click.Path(dir_okay=False))
@click.pass_context
def restore_cmd(ctx, backup: str) -> None:
    from workbench.ops.backup import restore_project

    obj = ctx.find_root().obj
    saved = restore_project(obj["project_path"], backup, user=obj.get("user"))
    click.echo(
        _("restored from {backup}; the previous project is saved as {saved}").format(
            backup=backup, saved=saved
        )
    )
