"""``workbench media``: recordings linked to documents, and sync points."""

from __future__ import annotations

import click

from workbench.cli.common import emit, format_option, open_project
from workbench.i18n import N_, _

MEDIA_COLUMNS = ["document", "path", "kind", "status", "size", "duration", "offset"]


def _seconds(text: str, option: str) -> float:
    from workbench.ops.media_time import parse_clock
    from workbench.store.errors import WorkbenchError

    try:
        return parse_clock(text)
    except ValueError as exc:
        raise WorkbenchError(f"{option}: {exc}") from None


@click.group(
    "media",
    help=N_(
        "Recordings linked to documents: link, list, relink, sync points.\n"
        "\nThe project stores where each recording is (relative to the project's folder), its "
        "size and checksum, never the recording itself. See docs/media.md."
    ),
)
def media_cmd() -> None:
    pass


@media_cmd.command("link", help=N_("Link a recording (mp3 m4a wav ogg flac mp4 webm) to DOCUMENT."))
@click.argument("document")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--offset",
    "offset",
    type=float,
    default=None,
    metavar="SECONDS",
    help=N_("Seconds added to the transcript's timestamps to give the recording's time."),
)
@click.pass_context
def link_cmd(ctx: click.Context, document: str, file: str, offset: float | None) -> None:
    from workbench.ops.media import link_media

    project = open_project(ctx)
    link = link_media(project, document, file, offset=offset)
    length = "" if link.duration is None else f", {link.duration:.1f} s"
    click.echo(
        _("{document}: linked {path} ({kind}{length})").format(
            document=link.document, path=link.path, kind=link.kind, length=length
        )
    )


@media_cmd.command(
    "unlink", help=N_("Forget DOCUMENT's recording (the file itself is left alone).")
)
@click.argument("document")
@click.pass_context
def unlink_cmd(ctx: click.Context, document: str) -> None:
    from workbench.ops.media import unlink_media

    link = unlink_media(open_project(ctx), document)
    click.echo(_("{document}: unlinked {path}").format(document=link.document, path=link.path))


@media_cmd.command(
    "list",
    help=N_("Linked recordings and whether each is there (ok), missing, or changed."),
)
@click.option(
    "--verify",
    is_flag=True,
    help=N_("Read every file and compare checksums (otherwise size and date decide)."),
)
@format_option()
@click.pass_context
def list_cmd(ctx: click.Context, verify: bool, fmt: str) -> None:
    from workbench.ops.media import media_status

    rows = [state.as_row() for state in media_status(open_project(ctx), verify=verify)]
    columns = MEDIA_COLUMNS + (["sha256"] if fmt != "table" else [])
    emit(rows, fmt, columns=columns, title=_("Recordings"))


@media_cmd.command(
    "relink",
    help=N_(
        "Find missing or changed recordings again by checksum under FOLDERS (default: the "
        "project's folder), and link the files found."
    ),
)
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False))
@click.pass_context
def relink_cmd(ctx: click.Context, folders: tuple[str, ...]) -> None:
    from workbench.ops.media import MISSING, media_status, relink

    project = open_project(ctx)
    moved = relink(project, list(folders) or None)
    for row in moved:
        click.echo(
            _("{document}: {old} -> {new}").format(
                document=row.document, old=row.old_path, new=row.new_path
            )
        )
    still = [s.link.document for s in media_status(project) if s.status == MISSING]
    if still:
        click.echo(_("still missing: {names}").format(names=", ".join(still)), err=True)
    elif not moved:
        click.echo(_("every recording is where the project expects it"))


@media_cmd.command(
    "sync", help=N_("Pin character CHAR of DOCUMENT to a time of its recording (a sync point).")
)
@click.argument("document")
@click.option("--at", "at", type=int, required=True, metavar="CHAR", help=N_("Character position."))
@click.option(
    "--time",
    "when",
    metavar="TIME",
    help=N_("The recording's time there: 00:12:03.4, 12:03 or seconds."),
)
@click.option("--remove", is_flag=True, help=N_("Remove the sync point at CHAR instead."))
@click.pass_context
def sync_cmd(ctx: click.Context, document: str, at: int, when: str | None, remove: bool) -> None:
    from workbench.ops.media import add_sync_point, remove_sync_point
    from workbench.ops.media_time import format_clock
    from workbench.store.errors import WorkbenchError

    project = open_project(ctx)
    if remove:
        remove_sync_point(project, document, at)
        click.echo(_("removed the sync point at {at}").format(at=at))
        return
    if when is None:
        raise WorkbenchError(_("--time is needed (or --remove)"))
    seconds = _seconds(when, "--time")
    add_sync_point(project, document, at, seconds)
    click.echo(
        _("{document}: character {at} is heard at {time}").format(
            document=document, at=at, time=format_clock(seconds, tenths=True)
        )
    )


@media_cmd.command(
    "time",
    help=N_(
        "The recording's time at positions of DOCUMENT, and how each is known (turn-start, "
        "turn-end, sync, interpolated, extrapolated)."
    ),
)
@click.argument("document")
@click.option(
    "--at",
    "positions",
    type=int,
    multiple=True,
    metavar="CHAR",
    help=N_("Character positions (repeat); default: the start of every turn."),
)
@format_option()
@click.pass_context
def time_cmd(ctx: click.Context, document: str, positions: tuple[int, ...], fmt: str) -> None:
    from workbench.ops.media_time import format_clock, timeline

    project = open_project(ctx)
    doc = project.document(document)
    line = timeline(project, doc.id)
    wanted = list(positions) or [t.start for t in project.turns(doc.id)]
    rows = []
    for position in wanted:
        point = line.point(position)
        rows.append(
            {
                "position": point.position,
                "time": round(point.time, 3),
                "clock": format_clock(point.time, tenths=True),
                "source": point.source,
            }
        )
    emit(rows, fmt, columns=["position", "time", "clock", "source"], title=doc.name)
