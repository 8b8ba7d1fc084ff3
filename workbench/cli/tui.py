"""``workbench tui`` opens the coding app; ``workbench serve`` puts it in a browser."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click


def _project_path(ctx: click.Context, project: str | None) -> str:
    root = ctx.find_root()
    path = project or (root.obj or {}).get("project_path") or "workbench.db"
    return str(Path(path))


@click.command("tui")
@click.option("--project", "-p", "project", type=click.Path(dir_okay=False), default=None,
              help="The project file (default: the global --project).")
@click.option("--coder", default=None, help="Code as this coder (default: WORKBENCH_CODER, "
              "the last coder used, or 'default').")
@click.pass_context
def tui_cmd(ctx: click.Context, project: str | None, coder: str | None) -> None:
    """Open the coding app on the project.

    Keys can be remapped in ~/.config/workbench/keys.toml (or the file named by
    WORKBENCH_KEYS), one 'action-id = "keys"' per line; F1 lists the action ids.
    """
    from workbench.project import Project
    from workbench.tui import run_app

    path = _project_path(ctx, project)
    read_only = bool((ctx.find_root().obj or {}).get("read_only"))
    # a clear error before the screen is taken over
    Project.open(path, create=False, read_only=read_only).close()
    run_app(path, coder=coder, read_only=read_only)


@click.command("serve")
@click.option("--project", "-p", "project", type=click.Path(dir_okay=False), default=None,
              help="The project file (default: the global --project).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (keep 127.0.0.1 unless the network is trusted).")
@click.option("--port", default=8000, show_default=True, type=int,
              help="TCP port to listen on.")
@click.option("--coder", default=None, help="Code as this coder.")
@click.pass_context
def serve_cmd(ctx: click.Context, project: str | None, host: str, port: int,
              coder: str | None) -> None:
    """Serve the coding app in a web browser (textual-serve), one app per browser tab."""
    from textual_serve.server import Server

    from workbench.project import Project

    path = Path(_project_path(ctx, project)).resolve()
    Project.open(path, create=False).close()
    command = [sys.executable, "-m", "workbench", "tui", "--project", str(path)]
    if coder:
        command += ["--coder", coder]
    click.echo(f"serving {path.name} on http://{host}:{port} (ctrl+c stops)")
    Server(shlex.join(command), host=host, port=port, title="workbench").serve()
