"""Helpers shared by the command modules: opening the project and printing results."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from workbench.project import BATCH_MAX_WAIT, Project

FORMATS = ("table", "csv", "json")


def format_option(*extra: str, default: str = "table"):
    return click.option(
        "--format", "fmt", type=click.Choice([*FORMATS, *extra]), default=default,
        show_default=True, help="Output format.",
    )


def open_project(ctx: click.Context, *, create: bool = False) -> Project:
    """Open the project named by ``--project``; it is closed when the command ends.

    A command is a batch job: it may wait minutes for another program's write lock
    (``BATCH_MAX_WAIT``), and says on stderr that it is waiting rather than look hung.
    """
    root = ctx.find_root()
    obj = root.obj or {}
    path = obj.get("project_path") or "workbench.db"
    project = Project.open(path, create=create, read_only=bool(obj.get("read_only")),
                           max_wait=BATCH_MAX_WAIT)
    project.on_busy = _say_waiting()
    ctx.call_on_close(project.close)
    return project


def _say_waiting():
    """An ``on_busy`` hook that tells the user, about every ten seconds, why nothing happens."""
    said = [-10.0]

    def on_busy(waited: float) -> None:
        if waited - said[0] >= 10:
            said[0] = waited
            click.echo(f"waiting for the project: another program is writing ({waited:.0f} s; "
                       f"giving up after {BATCH_MAX_WAIT:.0f} s)", err=True)

    return on_busy


def emit(rows: Sequence[dict[str, Any]], fmt: str, *, columns: Sequence[str] | None = None,
         title: str | None = None, json_value: Any = None) -> None:
    """Print ``rows`` as a rich table, CSV or JSON (``json_value`` overrides the JSON shape)."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        value = json_value if json_value is not None else list(rows)
        click.echo(json.dumps(value, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        Console(file=sys.stdout).print(table)
