"""Helpers shared by the command modules: opening the project and printing results."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from workbench.cells import neutral_record
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
    # media list, media time
    N_("size"),
    N_("duration"),
    N_("offset"),
    N_("position"),
    N_("time"),
    N_("clock"),
    N_("source"),
)


def format_option(*extra: str, default: str = "table"):
    """``--format`` (and ``--raw``, which only CSV output heeds)."""
    choice = click.option(
        "--format",
        "fmt",
        type=click.Choice([*FORMATS, *extra]),
        default=default,
        show_default=True,
        help=N_("Output format."),
    )
    return lambda fn: choice(raw_option(fn))


def report_format_option():
    """``--format text|json`` of the commands that report what they did (merge, text edits)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=N_("Output format."),
    )


RAW = "workbench.raw"
RAW_HELP = N_(
    "Write CSV cells exactly as stored, even text a spreadsheet would run as a formula "
    "(by default such cells get a leading apostrophe; see docs/reliability.md)."
)


def _remember_raw(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta[RAW] = bool(value) or ctx.meta.get(RAW, False)
    return value


def raw_option(fn):
    """``--raw``: CSV cells untouched (the one flag every CSV and XLSX writing command takes)."""
    return click.option(
        "--raw",
        is_flag=True,
        expose_value=False,
        callback=_remember_raw,
        help=RAW_HELP,
    )(fn)


def raw_output() -> bool:
    """Whether the running command was given ``--raw``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get(RAW))


WHERE_HELP = N_(
    "Only documents whose case has this attribute value, or document=NAME; repeat "
    "a key for alternatives (see docs/selection.md)."
)


def where_option(fn):
    """The one ``--where KEY=VALUE`` option; every command parses it with
    ``analysis.filters.parse_where``, so it means the same thing everywhere."""
    return click.option("--where", "where", multiple=True, metavar="KEY=VALUE", help=WHERE_HELP)(fn)


#: the help of every command's ``--exclude-models`` (comparisons and figures)
EXCLUDE_MODELS_HELP = N_("Leave out coders that are the suggestion model ('suggest as-coder').")


def exclude_models_option(fn):
    """``--exclude-models``: leave coders marked as the suggestion model out of a comparison."""
    return click.option("--exclude-models", is_flag=True, help=EXCLUDE_MODELS_HELP)(fn)


def open_project(ctx: click.Context, *, create: bool = False, snapshot: bool = False) -> Project:
    """Open the project named by ``--project``; it is closed when the command ends.

    ``snapshot``: the command only reads, and reads one state of the project from start to
    end (``Project.reading``), however many statements it takes and whoever writes meanwhile.

    A command is a batch job: it may wait minutes for another program's write lock
    (``BATCH_MAX_WAIT``), and says on stderr that it is waiting rather than look hung.
    """
    root = ctx.find_root()
    obj = root.obj or {}
    path = obj.get("project_path") or "workbench.db"
    is_new = create and not Path(path).exists()
    project = Project.open(
        path,
        create=create,
        read_only=bool(obj.get("read_only")),
        busy_timeout=BATCH_TRY,
        max_wait=BATCH_MAX_WAIT,
    )
    project.on_busy = _say_waiting()
    ctx.call_on_close(project.close)
    if snapshot:
        ctx.with_resource(project.reading())  # ends before the project is closed
    if is_new:  # a command that fails leaves no new project behind (see forget_new_project)
        ctx.meta[NEW_PROJECT] = project
    act_as(project, obj.get("user"))
    return project


NEW_PROJECT = "workbench.new_project"


def forget_new_project(ctx: click.Context) -> None:
    """Remove the project file this command created, after the command failed.

    A refused import into a project that did not exist (``import``, ``codebook load``,
    ``import-qdpx``, ``cases import`` ...) must not leave an empty project behind. The project
    is closed first; only SQLite ever had the file open, so removing it is safe.
    """
    project = ctx.meta.pop(NEW_PROJECT, None)
    if project is None:
        return
    project.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{project.path}{suffix}").unlink(missing_ok=True)


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
        raw = raw_output()
        for count, row in enumerate(rows, 1):
            writer.writerow(neutral_record(row, raw=raw))
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
        writer.writerows(neutral_record(row, raw=raw_output()) for row in rows)
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


def require_clean_option(*out_params: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--require-clean KEY`` for a command that writes the files named by ``out_params``
    (default ``out``; the cooccurrence table also names ``heatmap``).

    Before the command runs, the project is checked against the key (``pseudonymise
    check``), with the outputs' names; after it, every written file (and the caption beside
    it) is read back, and all are removed if any entry of the key is found in one. Either
    way the command fails with one line and nothing identifying is left behind.
    """
    import functools

    from workbench.i18n import N_

    names = out_params or ("out",)

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @click.option(
            "--require-clean",
            "require_clean",
            type=click.Path(dir_okay=False, exists=True),
            default=None,
            metavar="KEY",
            help=N_(
                "Refuse unless the project and the written file hold no entry of this "
                "pseudonym key (see 'pseudonymise check')."
            ),
        )
        @functools.wraps(fn)
        def wrapper(*args: Any, require_clean: str | None = None, **kwargs: Any) -> Any:
            if require_clean is None:
                return fn(*args, **kwargs)
            from pathlib import Path

            from workbench.export.provenance import caption_path
            from workbench.pseudonymise.check import require_clean as check
            from workbench.pseudonymise.check import written_clean

            outs = [Path(kwargs[n]) for n in names if kwargs.get(n)]
            check(open_project(click.get_current_context()), require_clean, outs)
            result = fn(*args, **kwargs)
            if outs:
                written_clean(require_clean, [f for out in outs for f in (out, caption_path(out))])
            return result

        return wrapper

    return decorate
