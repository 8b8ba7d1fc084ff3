"""``workbench figures rerun``: make every figure and table of a folder again; and the
helper the exporting commands use to say how a file was made."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click

from workbench.i18n import N_, _, ngettext
from workbench.store.errors import WorkbenchError

PROJECT_OPTIONS = ("--project", "-p")


def command_args(argv: list[str]) -> list[str]:
    """The arguments after the group options (``--project X``), i.e. the command itself."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in PROJECT_OPTIONS:
            i += 2
        elif arg.startswith("--project="):
            i += 1
        else:
            break
    return argv[i:]


def make_record(ctx: click.Context, output: str, project: Any, counts: dict[str, Any]):
    """The provenance record of ``output``, written by the command running in ``ctx``."""
    from workbench.export.provenance import Record, fingerprint, now_text

    root = ctx.find_root()
    argv = root.meta.get("workbench.argv") or [ctx.info_name or "", output]
    project_path = root.obj["project_path"] if root.obj else "workbench.db"
    return Record(
        command=shlex.join(["workbench", *argv]),
        args=command_args(argv),
        output=output,
        project=str(project_path),
        fingerprint=fingerprint(project),
        created=now_text(),
        counts=counts,
    )


@click.group(name="figures", help=N_("Figures and tables made for a paper, kept up to date."))
def figures_cmd() -> None:
    pass


@figures_cmd.command(
    name="rerun",
    help=N_(
        "Make every figure and table in FOLDER again with the command recorded inside it.\n"
        "\nThe project is the one given with --project (or WORKBENCH_PROJECT), else the one eac"
        "h file records. Files without a record are left alone; a command that wrote several "
        "files runs once.\n\n\x08\nExample:\n  workbench figures rerun docs/figures"
    ),
)
@click.argument("folder", type=click.Path(file_okay=False), default=".")
@click.option("--dry-run", is_flag=True, help=N_("List the commands without running them."))
@click.pass_context
def rerun_cmd(ctx: click.Context, folder: str, dry_run: bool) -> None:
    from workbench.cli import cli
    from workbench.export.provenance import RECORD_FORMATS, read_record

    root = ctx.find_root()
    given = root.get_parameter_source("project_path") not in (
        click.core.ParameterSource.DEFAULT,
        None,
    )
    base = Path(folder)
    if not base.is_dir():
        raise WorkbenchError(_("no such folder"), source=folder)
    seen: set[tuple[str, ...]] = set()
    ran = 0
    for path in sorted(base.iterdir()):
        if path.suffix.lower() not in RECORD_FORMATS or path.name.endswith(".caption.md"):
            continue
        if path.name.startswith("."):
            continue
        record = read_record(path)
        if record is None:
            continue
        if record.output not in record.args:
            raise WorkbenchError(
                _("the record does not name its output; make it again by hand"), source=str(path)
            )
        args = [
            str(path) if a == record.output else _sibling(base, a, record.args) for a in record.args
        ]
        project = root.obj["project_path"] if given else record.project
        key = (project, *args)
        if key in seen:
            continue
        seen.add(key)
        line = shlex.join(["workbench", "--project", project, *args])
        if dry_run:
            click.echo(line)
            continue
        click.echo(_("rerun {name}: {line}").format(name=path.name, line=line), err=True)
        try:
            cli.main(
                args=["--project", project, *args], standalone_mode=False, prog_name="workbench"
            )
        except WorkbenchError as exc:
            raise WorkbenchError(f"{exc}", source=str(path)) from exc
        ran += 1
    if not dry_run:
        click.echo(
            ngettext("{ran} command run in {folder}", "{ran} commands run in {folder}", ran).format(
                ran=ran, folder=folder
            )
        )


def _sibling(folder: Path, arg: str, args: list[str]) -> str:
    """``arg`` rewritten into ``folder`` when it names another file the same command wrote
    there (``cooccur --out table.xlsx --heatmap heat.svg``): both move together."""
    from workbench.export.provenance import RECORD_FORMATS, read_record

    name = Path(arg).name
    candidate = folder / name
    if not name.lower().endswith(RECORD_FORMATS) or not candidate.is_file():
        return arg
    try:
        other = read_record(candidate)
    except WorkbenchError:
        return arg
    return str(candidate) if other is not None and other.args == args else arg
