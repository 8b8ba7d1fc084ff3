"""``workbench tui`` opens the coding app; ``workbench serve`` puts it in a browser."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.i18n import N_, _


def _project_path(ctx: click.Context, project: str | None) -> str:
    root = ctx.find_root()
    path = project or (root.obj or {}).get("project_path") or "workbench.db"
    return str(Path(path))


@click.command(
    "tui",
    help=N_(
        "Open the coding app on the project.\n"
        "\nKeys can be remapped in ~/.config/workbench/keys.toml (or the file named by WORKBENC"
        "H_KEYS), one 'action-id = \"keys\"' per line; F1 lists the action ids."
    ),
)
@click.option(
    "--project",
    "-p",
    "project",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("The project file (default: the global --project)."),
)
@click.option(
    "--coder",
    default=None,
    help=N_("Code as this coder (default: WORKBENCH_CODER, the last coder used, or 'default')."),
)
@click.pass_context
def tui_cmd(ctx: click.Context, project: str | None, coder: str | None) -> None:
    from workbench.cli.common import act_as
    from workbench.store.project import Project
    from workbench.tui import run_app

    path = _project_path(ctx, project)
    obj = ctx.find_root().obj or {}
    read_only = bool(obj.get("read_only"))
    # a clear error before the screen is taken over
    with Project.open(path, create=False, read_only=read_only) as opened:
        act_as(opened, obj.get("user"))
        user = opened.user
    run_app(path, coder=coder, read_only=read_only, user=user)


@click.command(
    "serve",
    help=N_(
        "Serve the coding app to a team's web browsers, one app per browser tab.\n"
        "\nWhen the project has users (see 'workbench users'), everyone signs in first and code"
        "s as themselves. Without users the server only listens on this machine and everyone "
        "codes as --coder. See docs/serve.md."
    ),
)
@click.option(
    "--project",
    "-p",
    "project",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("The project file (default: the global --project)."),
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=N_(
        "Interface to listen on. Beyond 127.0.0.1 the project needs users ('workbench users add')."
    ),
)
@click.option(
    "--port", default=8000, show_default=True, type=int, help=N_("TCP port to listen on.")
)
@click.option(
    "--coder",
    default=None,
    help=N_(
        "Without users: code as this coder. With users each person signs in and codes as "
        "themselves."
    ),
)
@click.option(
    "--blind",
    is_flag=True,
    help=N_(
        "Blind coding: coders see only their own codings and progress until the project "
        "lead lifts it."
    ),
)
@click.option(
    "--certfile",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("Serve HTTPS with this certificate (PEM, chain first)."),
)
@click.option(
    "--keyfile",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("The certificate's private key (PEM), if not in --certfile."),
)
@click.option(
    "--read-only",
    "read_only",
    is_flag=True,
    help=N_(
        "Sessions open the project for reading only: every write is refused "
        "(also with the global --read-only)."
    ),
)
@click.option(
    "--idle",
    type=click.FloatRange(min=1),
    default=30,
    show_default=True,
    help=N_("Minutes without a key pressed after which a session ends."),
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME[:PORT]",
    help=N_(
        "Also answer requests for this host name (a reverse proxy's public name); every "
        "other Host is refused (DNS rebinding). Repeat for several."
    ),
)
@click.pass_context
def serve_cmd(
    ctx: click.Context,
    project: str | None,
    host: str,
    port: int,
    coder: str | None,
    blind: bool,
    certfile: str | None,
    keyfile: str | None,
    read_only: bool,
    idle: float,
    allow_hosts: tuple[str, ...],
) -> None:
    from workbench.cli.common import act_as
    from workbench.ops.users import has_users, set_blind_coding
    from workbench.store.errors import WorkbenchError
    from workbench.store.project import Project
    from workbench.tui.server import TeamServer, ssl_context
    from workbench.tui.signin import is_loopback

    path = Path(_project_path(ctx, project)).resolve()
    obj = ctx.find_root().obj or {}
    read_only = read_only or bool(obj.get("read_only"))
    if not 0 <= port <= 65535:
        raise WorkbenchError(_("--port must be between 0 and 65535, not {port}").format(port=port))
    with Project.open(path, create=False, read_only=read_only) as opened:
        act_as(opened, obj.get("user"))
        sign_in = has_users(opened)
        if not sign_in and not is_loopback(host):
            raise WorkbenchError(
                _(
                    "refusing to listen on {host} without users: add one with 'workbench users add "
                    "NAME' (or keep --host 127.0.0.1)"
                ).format(host=host)
            )
        if blind:
            if not sign_in:
                raise WorkbenchError(_("--blind needs users: add them with 'workbench users add'"))
            if read_only:
                raise WorkbenchError(
                    _("--blind writes the team's setting; it cannot be set with --read-only")
                )
            set_blind_coding(opened, True)
    context = ssl_context(certfile, keyfile)
    TeamServer(
        path,
        host=host,
        port=port,
        open_coder=coder,
        sign_in=sign_in,
        ssl_context=context,
        read_only=read_only,
        idle_minutes=idle,
        allow_hosts=allow_hosts,
    ).serve()
