"""Helpers shared by the command modules: opening the project and printing results."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import click

from workbench.i18n import N_, _
from workbench.store.connection import BATCH_MAX_WAIT
from workbench.store.project import Project

#: one try at the write lock from a command; between tries it may say that it is waiting
BATCH_TRY = 1.0

FORMATS = ("table", "csv", "json")

#: column names as a table shows them (the keys of CSV and JSON rows stay English: scripts read
#: them); marked here so that the catalogs carry them
TABLE_COLUMNS = (
    N_("applied_by"),
    N_("both"),
    N_("case"),
    N_("characters"),
    N_("code"),
    N_("coder"),
    N_("coders"),
    N_("codings"),
    N_("colour"),
    N_("count"),
    N_("created_at"),
    N_("depth"),
    N_("description"),
    N_("document"),
    N_("documents_coded"),
    N_("documents_done"),
    N_("end"),
    N_("guid"),
    N_("id"),
    N_("kind"),
    N_("language"),
    N_("name"),
    N_("not_by"),
    N_("number"),
    N_("on"),
    N_("open"),
    N_("participant"),
    N_("path"),
    N_("pipeline"),
    N_("rank"),
    N_("reason"),
    N_("role"),
    N_("rule"),
    N_("score"),
    N_("sentences"),
    N_("setting"),
    N_("signs_in_with"),
    N_("spans"),
    N_("speakers"),
    N_("start"),
    N_("status"),
    N_("target"),
    N_("text"),
    N_("title"),
    N_("total"),
    N_("turns"),
    N_("unit"),
    N_("units"),
    N_("percent"),
    N_("kappa"),
    N_("alpha"),
    N_("only_a"),
    N_("only_b"),
    N_("neither"),
    N_("all"),
    N_("some"),
    N_("none"),
    N_("equal"),
    N_("differ"),
    N_("segments_a"),
    N_("matched_a"),
    N_("segments_b"),
    N_("matched_b"),
    N_("conditional_ab"),
    N_("conditional_ba"),
    N_("capped"),
    N_("overlap_warning"),
)


def format_option(*extra: str, default: str = "table"):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice([*FORMATS, *extra]),
        default=default,
        show_default=True,
        help=N_("Output format."),
    )


WHERE_HELP = N_(
    "Only documents whose case has this attribute value, or document=NAME; repeat "
    "a key for alternatives (see docs/selection.md)."
)


def where_option(fn):
    """The one ``--where KEY=VALUE`` option; every command parses it with
    ``analysis.filters.parse_where``, so it means the same thing everywhere."""
    return click.option("--where", "where", multiple=True, metavar="KEY=VALUE", help=WHERE_HELP)(fn)


def open_project(ctx: click.Context, *, create: bool = False) -> Project:
    """Open the project named by ``--project``; it is closed when the command ends.

    A command is a batch job: it may wait minutes for another program's write lock
    (``BATCH_MAX_WAIT``), and says on stderr that it is waiting rather than look hung.
    """
    root = ctx.find_root()
    obj = root.obj or {}
    path = obj.get("project_path") or "workbench.db"
    project = Project.open(
        path,
        create=create,
        read_only=bool(obj.get("read_only")),
        busy_timeout=BATCH_TRY,
        max_wait=BATCH_MAX_WAIT,
    )
    project.on_busy = _say_waiting()
    ctx.call_on_close(project.close)
    act_as(project, obj.get("user"))
    return project


def act_as(project: Project, name: str | None) -> None:
    """Make ``name`` (``--user``) the acting user of ``project``: a user of it, or an error."""
    if not name:
        return
    from workbench.i18n import _
    from workbench.ops.users import normalise_name, user
    from workbench.store.errors import WorkbenchError

    found = user(project, name)
    if found is None:
        raise WorkbenchError(
            _("--user: no user named {name!r} in this project").format(name=name),
            source=str(project.path),
        )
    project.user = normalise_name(name)


def _say_waiting():
    """An ``on_busy`` hook that tells the user why nothing happens: once the wait passes five
    seconds (shorter waits under ordinary contention are not worth a line), then every ten."""
    said = [-5.0]

    def on_busy(waited: float) -> None:
        if waited >= 5 and waited - said[0] >= 10:
            said[0] = waited
            click.echo(
                _(
                    "waiting for the project: another program is writing ({waited:.0f} s; giving up "
                    "after {BATCH_MAX_WAIT:.0f} s)"
                ).format(waited=waited, BATCH_MAX_WAIT=BATCH_MAX_WAIT),
                err=True,
            )

    return on_busy


def emit_stream(rows: Iterable[dict[str, Any]], fmt: str, *, columns: Sequence[str]) -> int:
    """``emit`` for CSV and JSON one row at a time (same output); returns the row count."""
    count = 0
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for count, row in enumerate(rows, 1):
            writer.writerow(row)
            if count % 1000 == 0:
                click.echo(buf.getvalue(), nl=False)
                buf.seek(0)
                buf.truncate()
        click.echo(buf.getvalue(), nl=False)
        return count
    # the same text as json.dumps(list(rows), indent=2), written as it comes
    for count, row in enumerate(rows, 1):
        body = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        click.echo(("[\n  " if count == 1 else ",\n  ") + body, nl=False)
    click.echo("\n]" if count else "[]")
    return count


def stream_table(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    widths: dict[str, int],
    *,
    total_label: str,
) -> Iterator[str]:
    """A plain aligned table, one line per row as rows arrive, and the total at the end.

    rich lays out a whole table before printing its first line (112 s and 1.6 GB for 200k
    codings); here the widths are known up front (the longest name of each kind, capped),
    the last column takes what is left of the terminal, and overlong values are cut with an
    ellipsis.
    """
    import shutil

    term = shutil.get_terminal_size((120, 24)).columns
    headers = {c: _(c) for c in columns}
    fixed = {c: min(max(widths.get(c, len(c)), len(headers[c])), 40) for c in columns[:-1]}
    last = columns[-1]
    fixed[last] = max(20, term - sum(fixed.values()) - 2 * (len(columns) - 1))

    def line(values: dict[str, Any]) -> str:
        cells = []
        for c in columns:
            text = "" if values.get(c) is None else str(values[c])
            if len(text) > fixed[c]:
                text = text[: fixed[c] - 1] + "…"
            cells.append(text if c == last else text.ljust(fixed[c]))
        return "  ".join(cells).rstrip() + "\n"

    yield line(headers)
    yield "  ".join("-" * fixed[c] for c in columns) + "\n"
    count = 0
    for row in rows:
        count += 1
        yield line(row)
    yield f"{count} {total_label}\n"


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    json_value: Any = None,
) -> None:
    """Print ``rows`` as a rich table, CSV or JSON (``json_value`` overrides the JSON shape)."""
    if fmt == "table":
        from rich.console import Console

        Console(file=sys.stdout).print(_table(rows, columns, title))
    else:
        click.echo(render(rows, fmt, columns=columns, json_value=json_value), nl=False)


def render(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    json_value: Any = None,
    width: int | None = None,
) -> str:
    """``rows`` as the text ``emit`` prints (a table ``width`` characters wide, without
    colour), for commands that write their output to a file: the one renderer."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        value = json_value if json_value is not None else list(rows)
        return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
    from rich.console import Console

    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None).print(_table(rows, columns, title))
    return buf.getvalue()


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None, title: str | None):
    from rich.table import Table

    columns = list(columns or (rows[0].keys() if rows else []))
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(_(col), overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    return table
