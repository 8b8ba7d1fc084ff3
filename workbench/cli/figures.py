"""``workbench figures rerun``: make every figure and table of a folder again; and the
helper the exporting commands use to say how a file was made."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

import click

from workbench.i18n import N_, _, ngettext
from workbench.store.errors import WorkbenchError

PROJECT_OPTIONS = ("--project", "-p")


#: the group option that says who acts (``--user``): not part of what a command makes, so
#: a record leaves it out and a rerun acts as whoever reruns it, never as a record says
USER_OPTION = "--user"
#: the group options before a command that take a value, and those that are flags
GROUP_VALUE_OPTIONS = (*PROJECT_OPTIONS, USER_OPTION, "--lang")
GROUP_FLAGS = ("--read-only",)


def command_args(argv: list[str]) -> list[str]:
    """The arguments after the group options (``--project X``, ``--user Y``), i.e. the
    command itself."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in PROJECT_OPTIONS or arg == USER_OPTION:
            i += 2
        elif arg.startswith(("--project=", USER_OPTION + "=")):
            i += 1
        else:
            break
    return argv[i:]


def without_user(args: list[str]) -> list[str]:
    """``args`` without a ``--user`` among the group options before the command (a record
    written before ``command_args`` left it out, or written by hand)."""
    kept: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == USER_OPTION:
            i += 2
        elif arg.startswith(USER_OPTION + "="):
            i += 1
        elif arg in GROUP_VALUE_OPTIONS:
            kept += args[i : i + 2]
            i += 2
        elif arg in GROUP_FLAGS or arg.startswith(tuple(o + "=" for o in GROUP_VALUE_OPTIONS)):
            kept.append(arg)
            i += 1
        else:
            break
    return kept + args[i:]


#: options whose values name codes (``--stages`` takes a comma list, its first item may be
#: an attribute)
CODE_OPTIONS = ("--left", "--right", "--group", "--aspect", "--codes", "--stages")


def deterministic() -> bool:
    """True while files must come out byte-identical for the same project: no creation
    times, fixed identifiers, no absolute paths (``figures rerun --deterministic``)."""
    return os.environ.get("WORKBENCH_DETERMINISTIC") == "1"


def code_values(args: list[str]) -> list[tuple[int, int, str]]:
    """(argument index, item index, path) of every code named in ``args``: ``--left X``,
    ``--left=X`` and each item of ``--stages A,B,C``."""
    out = []
    for i, arg in enumerate(args):
        option, eq, inline = arg.partition("=")
        if option not in CODE_OPTIONS:
            continue
        where = i if eq else i + 1
        if where >= len(args):
            continue
        value = inline if eq else args[where]
        items = value.split(",") if option == "--stages" else [value]
        out += [(where, j, item.strip()) for j, item in enumerate(items) if item.strip()]
    return out


def _code_ids(project: Any, args: list[str]) -> dict[str, str]:
    """Path -> stable id (GUID) of each code the command names, so a rename follows."""
    from workbench.store.errors import WorkbenchError as Error

    ids = {}
    for _i, _j, path in code_values(args):
        try:
            ids[path] = project.code(path).guid
        except Error:
            continue  # an attribute in --stages, or not a code
    return ids


def _relative(path: str) -> str:
    """``path`` relative to the working folder when it lies under it (deterministic runs)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


def make_record(ctx: click.Context, output: str, project: Any, counts: dict[str, Any]):
    """The provenance record of ``output``, written by the command running in ``ctx``."""
    from workbench.export.provenance import Record, fingerprint, now_text

    root = ctx.find_root()
    argv = root.meta.get("workbench.argv") or [ctx.info_name or "", output]
    project_path = root.obj["project_path"] if root.obj else "workbench.db"
    args = command_args(argv)
    if deterministic():
        project_path = _relative(str(project_path))
        argv = [*argv[: len(argv) - len(args)], *args]
        if "--project" in argv:
            i = argv.index("--project")
            argv[i + 1] = project_path
    counts = {**counts, "codes": _code_ids(project, args)}
    return Record(
        command=shlex.join(["workbench", *argv]),
        args=args,
        output=output,
        project=str(project_path),
        fingerprint=fingerprint(project),
        created="" if deterministic() else now_text(),
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
        "files runs once. Codes are followed by their identity, so a renamed or moved code "
        "still works. Every command runs even when one fails; the end lists the failed "
        "commands and the files still stale, and the exit status is 1 if there are any.\n"
        "\n\x08\nExample:\n  workbench figures rerun docs/figures --deterministic"
    ),
)
@click.argument("folder", type=click.Path(file_okay=False), default=".")
@click.option("--dry-run", is_flag=True, help=N_("List the commands without running them."))
@click.option(
    "--deterministic",
    is_flag=True,
    help=N_(
        "No creation times, fixed identifiers, paths as recorded: a rerun with no change "
        "gives the same bytes."
    ),
)
@click.pass_context
def rerun_cmd(ctx: click.Context, folder: str, dry_run: bool, deterministic: bool) -> None:
    from workbench.export.provenance import RECORD_FORMATS, fingerprint, read_record
    from workbench.store.project import Project

    root = ctx.find_root()
    given = root.get_parameter_source("project_path") not in (
        click.core.ParameterSource.DEFAULT,
        None,
    )
    base = Path(folder)
    if not base.is_dir():
        raise WorkbenchError(_("no such folder"), source=folder)
    jobs: list[tuple[Path, str, list[str]]] = []
    seen: set[tuple[str, ...]] = set()
    failed: list[tuple[str, str]] = []
    for path in sorted(base.iterdir()):
        if path.suffix.lower() not in RECORD_FORMATS or path.name.startswith("."):
            continue
        if path.name.endswith((".caption.md", ".caption.new.md")):
            continue
        try:
            record = read_record(path)
        except WorkbenchError as exc:
            failed.append((path.name, str(exc)))
            continue
        if record is None:
            continue
        if record.output not in record.args:
            failed.append((path.name, _("the record does not name its output")))
            continue
        args = [
            str(path) if a == record.output else _sibling(base, a, record.args)
            for a in without_user(record.args)  # a record's --user is never obeyed
        ]
        project = root.obj["project_path"] if given else record.project
        try:
            args = _follow_codes(project, args, record.counts.get("codes") or {})
        except WorkbenchError as exc:
            failed.append((path.name, str(exc)))
            continue
        key = (project, *args)
        if key in seen:
            continue
        seen.add(key)
        jobs.append((path, project, args))
    if dry_run:
        for _path, project, args in jobs:
            click.echo(shlex.join(["workbench", "--project", project, *args]))
        return
    # the rerun acts as whoever reruns it (their role and blind coding), not as the record
    acting = [USER_OPTION, root.obj["user"]] if (root.obj or {}).get("user") else []
    ran = 0
    saved = os.environ.get("WORKBENCH_DETERMINISTIC")
    if deterministic:
        os.environ["WORKBENCH_DETERMINISTIC"] = "1"
    try:
        for path, project, args in jobs:
            line = shlex.join(["workbench", "--project", project, *args])
            click.echo(_("rerun {name}: {line}").format(name=path.name, line=line), err=True)
            problem = _run(["--project", project, *acting, *args])
            if problem:
                failed.append((path.name, problem))
                click.echo(_("  failed: {problem}").format(problem=problem), err=True)
            else:
                ran += 1
    finally:
        if saved is None:
            os.environ.pop("WORKBENCH_DETERMINISTIC", None)
        else:
            os.environ["WORKBENCH_DETERMINISTIC"] = saved
    stale = _stale(base, root.obj["project_path"] if given else None, fingerprint, Project)
    click.echo(
        ngettext("{n} command run in {folder}", "{n} commands run in {folder}", ran).format(
            n=ran, folder=folder
        )
    )
    for name, why in failed:
        click.echo(_("failed: {name}: {why}").format(name=name, why=why), err=True)
    for name in stale:
        click.echo(_("stale: {name}").format(name=name), err=True)
    if failed or stale:
        raise WorkbenchError(
            _("{failed} failed, {stale} stale in {folder}").format(
                failed=len(failed), stale=len(stale), folder=folder
            )
        )


def _run(argv: list[str]) -> str | None:
    """Run one recorded command in this process; its error as one line, or None."""
    from workbench.cli import cli

    try:
        cli.main(args=argv, standalone_mode=False, prog_name="workbench")
    except WorkbenchError as exc:
        return str(exc)
    except click.ClickException as exc:
        return exc.format_message()
    except click.exceptions.Exit as exc:
        return None if exc.exit_code == 0 else _("exit status {code}").format(code=exc.exit_code)
    except click.exceptions.Abort:
        return _("aborted")
    return None


def _follow_codes(project: str, args: list[str], codes: dict[str, str]) -> list[str]:
    """``args`` with each recorded code path replaced by the code's path now (found by its
    identity), so a rename or move of a code does not break the command. A code whose
    identity the project does not hold (the demo built again) keeps its path."""
    from workbench.store.project import Project

    if not codes:
        return args
    if not Path(project).exists():
        return args
    with Project.open(project, read_only=True, create=False) as p:
        now = {c.guid: c.path for c in p.codes()}
    out = list(args)
    for where, item, path in reversed(code_values(args)):
        guid = codes.get(path)
        if guid is None or guid not in now:
            # another build of the project (new identities) still finds the code by its
            # path; a code gone under both is the command's own error to report
            continue
        if now[guid] == path:
            continue
        option, eq, inline = out[where].partition("=")
        if eq and option in CODE_OPTIONS:
            items = inline.split(",") if option == "--stages" else [inline]
            items[item] = now[guid]
            out[where] = f"{option}={','.join(items)}"
        else:
            items = out[where].split(",") if out[where - 1] == "--stages" else [out[where]]
            items[item] = now[guid]
            out[where] = ",".join(items)
    return out


def _stale(base: Path, given: str | None, fingerprint: Any, project_cls: Any) -> list[str]:
    """Files of ``base`` whose record names another fingerprint than their project's now."""
    from workbench.export.provenance import RECORD_FORMATS, read_record

    current: dict[str, str | None] = {}
    out = []
    for path in sorted(base.iterdir()):
        if path.suffix.lower() not in RECORD_FORMATS or path.name.startswith("."):
            continue
        if path.name.endswith((".caption.md", ".caption.new.md")):
            continue
        try:
            record = read_record(path)
        except WorkbenchError:
            out.append(path.name)
            continue
        if record is None:
            continue
        project = given or record.project
        if project not in current:
            try:
                with project_cls.open(project, read_only=True, create=False) as p:
                    current[project] = fingerprint(p)
            except (WorkbenchError, OSError):
                current[project] = None
        if record.fingerprint != current[project]:
            out.append(path.name)
    return out


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
