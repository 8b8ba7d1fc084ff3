"""``workbench import``, ``workbench documents`` and ``workbench cases``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import emit, format_option, open_project
from workbench.i18n import N_, _
from workbench.ops.documents import LANGUAGES


@click.command(
    "import",
    help=N_(
        "Import transcripts (.txt, .md, .docx, .odt, .vtt, .srt) as documents.\n"
        "\nEvery file is checked before anything is stored: if one file is broken, nothing is i"
        "mported and the project is left as it was. With --dry-run, the files are only read "
        "and the turn detection is shown (speakers, and the first turn of each), so a wrong "
        "guess is seen before importing; no project is opened or created."
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--case", "case", metavar="NAME", help=N_("Put the documents in this case."))
@click.option(
    "--name",
    "name",
    metavar="NAME",
    help=N_("Document name (one file only; default: the file name without extension)."),
)
@click.option("--force", is_flag=True, help=N_("Import text that is already in the project."))
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    help=N_("Language for sentence splitting (set while the project has no documents)."),
)
@click.option(
    "--dry-run",
    "dry_run",
    is_flag=True,
    help=N_("Show the speakers found and the first turn of each; write nothing."),
)
@click.pass_context
def import_cmd(
    ctx: click.Context,
    files: tuple[str, ...],
    case: str | None,
    name: str | None,
    force: bool,
    language: str | None,
    dry_run: bool,
) -> None:
    from workbench.ingest.summary import document_rows
    from workbench.store.errors import WorkbenchError

    if name is not None and len(files) != 1:
        raise WorkbenchError(_("--name needs exactly one file"))
    if dry_run:
        from workbench.ingest import document_name, read_transcript
        from workbench.ingest.preview import turn_report

        for file in files:
            report = turn_report(name or document_name(file), read_transcript(file))
            for line in report.lines():
                click.echo(line)
        return
    path = Path(ctx.find_root().obj["project_path"])
    existed = path.exists()
    project = open_project(ctx, create=True)
    try:
        if len(files) > 1:
            documents = _import_with_progress(
                project, files, case=case, force=force, language=language
            )
        else:
            documents = _import(
                project, files, case=case, name=name, force=force, language=language
            )
    except WorkbenchError:
        if not existed:  # a failed first import leaves no empty project behind
            project.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    for row in document_rows(project, [d.name for d in documents]):
        line = _(
            "{name}: {characters} characters, {turns} turns, {speakers} speakers, "
            "{sentences} sentences"
        ).format(**row)
        if row["case"]:
            line += " " + _("(case {case})").format(case=row["case"])
        click.echo(line)


def _import(project, files, *, language, progress=None, **options):
    from workbench.ingest import import_files

    return import_files(project, files, progress=progress, language=language, **options)


def _import_with_progress(project, files, **options):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = _stderr_console()
    if not console.is_terminal:  # no bar in pipes and logs: stderr stays for errors
        return _import(project, files, **options)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        transient=True,
        console=console,
    ) as bar:
        tasks = {
            "read": bar.add_task("reading", total=len(files)),
            "store": bar.add_task("storing", total=len(files)),
        }

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(tasks[stage], completed=done)

        return _import(project, files, progress=progress, **options)


def _stderr_console():
    from rich.console import Console

    return Console(file=sys.stderr)


@click.command(
    "documents",
    help=N_("List the documents: name, case, characters, turns, speakers and sentences."),
)
@format_option()
@click.pass_context
def documents_cmd(ctx: click.Context, fmt: str) -> None:
    from workbench.ingest.summary import COLUMNS, document_rows

    project = open_project(ctx)
    emit(document_rows(project), fmt, columns=COLUMNS, title=_("Documents"))


@click.group("cases", help=N_("Cases (participants) and their attributes."))
def cases_cmd() -> None:
    pass


@cases_cmd.command(
    "import",
    help=N_(
        "Import case attributes from a CSV with a 'participant' (or 'case') column.\n"
        "\nEach other column becomes an attribute whose type (integer, float, boolean, date, te"
        "xt) is inferred from its values. Documents named like a participant join that case."
    ),
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def cases_import_cmd(ctx: click.Context, file: str) -> None:
    from workbench.ops.cases import import_cases_csv, read_cases_csv

    read_cases_csv(file)  # validate before the project file is created or touched
    project = open_project(ctx, create=True)
    result = import_cases_csv(project, file)
    types = ", ".join(f"{name} ({typ})" for name, typ in result.attributes.items())
    click.echo(
        _("{created} cases created, {updated} updated; attributes: {types}").format(
            created=result.created, updated=result.updated, types=types
        )
    )
    if result.linked:
        click.echo(_("linked documents: {items}").format(items=", ".join(result.linked)))


@cases_cmd.command("list", help=N_("List the cases with their attributes."))
@format_option()
@click.pass_context
def cases_list_cmd(ctx: click.Context, fmt: str) -> None:
    project = open_project(ctx)
    cases = project.cases()
    names = [r[0] for r in project.conn.execute("SELECT name FROM attributes ORDER BY id")]
    rows = [{"participant": c.name, **{n: c.attributes.get(n) for n in names}} for c in cases]
    emit(rows, fmt, columns=["participant", *names], title=_("Cases"))
