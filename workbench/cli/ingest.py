"""``workbench import``, ``workbench documents`` and ``workbench cases``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import emit, format_option, open_project
from workbench.i18n import N_
from workbench.ops.documents import LANGUAGES


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--case", "case", metavar="NAME", help="Put the documents in this case.")
@click.option(
    "--name",
    "name",
    metavar="NAME",
    help="Document name (one file only; default: the file name without extension).",
)
@click.option("--force", is_flag=True, help="Import text that is already in the project.")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    help="Language for sentence splitting (set while the project has no documents).",
)
@click.option(
    "--link-media",
    "link_media",
    is_flag=True,
    help=N_("Link the recording of the same name beside each transcript (DRS01.m4a)."),
)
@click.option(
    "--dry-run",
    "dry_run",
    is_flag=True,
    help="Show the speakers found and the first turn of each; write nothing.",
)
@click.pass_context
def import_cmd(
    ctx: click.Context,
    files: tuple[str, ...],
    case: str | None,
    name: str | None,
    force: bool,
    language: str | None,
    link_media: bool,
    dry_run: bool,
) -> None:
    """Import transcripts (.txt, .md, .docx, .odt, .vtt, .srt) as documents.

    Every file is checked before anything is stored: if one file is broken, nothing is
    imported and the project is left as it was. With --dry-run, the files are only read and
    the turn detection is shown (speakers, and the first turn of each), so a wrong guess is
    seen before importing; no project is opened or created.
    """
    from workbench.ingest.summary import document_rows
    from workbench.store.errors import WorkbenchError

    if name is not None and len(files) != 1:
        raise WorkbenchError("--name needs exactly one file")
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
                project, files, case=case, force=force, language=language, link_media=link_media
            )
        else:
            documents = _import(
                project,
                files,
                case=case,
                name=name,
                force=force,
                language=language,
                link_media=link_media,
            )
    except WorkbenchError:
        if not existed:  # a failed first import leaves no empty project behind
            project.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    for row in document_rows(project, [d.name for d in documents]):
        click.echo(
            f"{row['name']}: {row['characters']} characters, {row['turns']} turns, "
            f"{row['speakers']} speakers, {row['sentences']} sentences"
            + (f" (case {row['case']})" if row["case"] else "")
        )


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


@click.command("documents")
@format_option()
@click.pass_context
def documents_cmd(ctx: click.Context, fmt: str) -> None:
    """List the documents: name, case, characters, turns, speakers and sentences."""
    from workbench.ingest.summary import COLUMNS, document_rows

    project = open_project(ctx)
    emit(document_rows(project), fmt, columns=COLUMNS, title="Documents")


@click.group("cases")
def cases_cmd() -> None:
    """Cases (participants) and their attributes."""


@cases_cmd.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def cases_import_cmd(ctx: click.Context, file: str) -> None:
    """Import case attributes from a CSV with a 'participant' (or 'case') column.

    Each other column becomes an attribute whose type (integer, float, boolean, date, text)
    is inferred from its values. Documents named like a participant join that case.
    """
    from workbench.ops.cases import import_cases_csv, read_cases_csv

    read_cases_csv(file)  # validate before the project file is created or touched
    project = open_project(ctx, create=True)
    result = import_cases_csv(project, file)
    types = ", ".join(f"{name} ({typ})" for name, typ in result.attributes.items())
    click.echo(f"{result.created} cases created, {result.updated} updated; attributes: {types}")
    if result.linked:
        click.echo(f"linked documents: {', '.join(result.linked)}")


@cases_cmd.command("list")
@format_option()
@click.pass_context
def cases_list_cmd(ctx: click.Context, fmt: str) -> None:
    """List the cases with their attributes."""
    project = open_project(ctx)
    cases = project.cases()
    names = [r[0] for r in project.conn.execute("SELECT name FROM attributes ORDER BY id")]
    rows = [{"participant": c.name, **{n: c.attributes.get(n) for n in names}} for c in cases]
    emit(rows, fmt, columns=["participant", *names], title="Cases")
