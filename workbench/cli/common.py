"""Helpers shared by the command modules: opening the project and printing results."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from workbench.project import Project

FORMATS = ("table", "csv", "json")


def format_option(*extra: str, default: str = "table"):
    return click.option(
        "--format", "fmt", type=click.Choice([*FORMATS, *extra]), default=default,
        show_default=True, help="Output format.",
    )


WHERE_HELP = ("Only documents whose case has this attribute value, or document=NAME; repeat "
              "a key for alternatives (see docs/selection.md).")


def where_option(fn):
    """The one ``--where KEY=VALUE`` option; every command parses it with
    ``analysis.filters.parse_where``, so it means the same thing everywhere."""
    return click.option("--where", "where", multiple=True, metavar="KEY=VALUE",
                        help=WHERE_HELP)(fn)


def open_project(ctx: click.Context, *, create: bool = False) -> Project:
    """Open the project named by ``--project``; it is closed when the command ends."""
    root = ctx.find_root()
    path = root.obj["project_path"] if root.obj else "workbench.db"
    project = Project.open(path, create=create)
    ctx.call_on_close(project.close)
    return project


def emit(rows: Sequence[dict[str, Any]], fmt: str, *, columns: Sequence[str] | None = None,
         title: str | None = None, json_value: Any = None) -> None:
    """Print ``rows`` as a rich table, CSV or JSON (``json_value`` overrides the JSON shape)."""
    if fmt == "table":
        from rich.console import Console

        Console(file=sys.stdout).print(_table(rows, columns, title))
    else:
        click.echo(render(rows, fmt, columns=columns, json_value=json_value), nl=False)


def render(rows: Sequence[dict[str, Any]], fmt: str, *, columns: Sequence[str] | None = None,
           title: str | None = None, json_value: Any = None, width: int | None = None) -> str:
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
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    return table
