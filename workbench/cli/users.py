"""``workbench users``: who may sign in to ``workbench serve`` (kept in the project file)."""

from __future__ import annotations

import sys

import click

from workbench.cli.common import emit, format_option, open_project
from workbench.i18n import N_, _


@click.group(
    "users", help=N_("Users of the team server: each signs in as the coder of the same name.")
)
def users_cmd() -> None:
    pass


@users_cmd.command(
    "add",
    help=N_(
        "Add user NAME, who will sign in with a password (asked twice) or a token. A name "
        "is refused when it holds invisible characters, look-alike letters or two scripts, "
        "or differs from a user's name only in letter case (see docs/serve.md)."
    ),
)
@click.argument("name")
@click.option(
    "--lead",
    is_flag=True,
    help=N_("Project lead: sees everyone's work, runs agreement, reconciles, lifts blind coding."),
)
@click.option(
    "--role",
    type=click.Choice(["coder", "lead", "reviewer"]),
    default=None,
    help=N_(
        "coder (default): codes and writes memos as themselves; lead: as --lead; "
        "reviewer: reads everything and changes nothing."
    ),
)
@click.option(
    "--token",
    is_flag=True,
    help=N_("Sign in with a random token, printed once, instead of a password."),
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help=N_("Read the password from the first line of standard input (for scripts)."),
)
@click.pass_context
def users_add(
    ctx, name: str, lead: bool, role: str | None, token: bool, password_stdin: bool
) -> None:
    from workbench.ops.users import add_user, check_name
    from workbench.permissions import require

    project = open_project(ctx)
    require(project, "users.manage")
    check_name(name)  # before a password is asked
    password = None
    if lead and role not in (None, "lead"):
        raise click.UsageError(_("--lead and --role exclude each other"))
    role = role or ("lead" if lead else "coder")
    if token and password_stdin:
        raise click.UsageError(_("--token and --password-stdin exclude each other"))
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not token:
        password = click.prompt(
            _("Password for {name}").format(name=name), hide_input=True, confirmation_prompt=True
        )
    secret = add_user(project, name, password=password, token=token, role=role)
    if secret:
        click.echo(
            _("added {role} {name}; token (shown only now, keep it safe): {secret}").format(
                role=role, name=name, secret=secret
            )
        )
    else:
        click.echo(_("added {role} {name}").format(role=role, name=name))


@users_cmd.command(
    "remove",
    help=N_(
        "Remove user NAME (their codings stay, under the coder NAME). A running 'workbench "
        "serve' ends their open sessions within a second."
    ),
)
@click.argument("name")
@click.pass_context
def users_remove(ctx, name: str) -> None:
    from workbench.ops.users import remove_user

    remove_user(open_project(ctx), name)
    click.echo(_("removed user {name}").format(name=name))


@users_cmd.command(
    "list", help=N_("List users, their role and how they sign in (never a password or token).")
)
@format_option()
@click.pass_context
def users_list(ctx, fmt: str) -> None:
    from workbench.ops.users import list_users

    rows = [
        {
            "name": u.name,
            "role": u.role,
            "signs_in_with": "token" if u.token else "password",
            "created_at": u.created_at,
        }
        for u in list_users(open_project(ctx))
    ]
    emit(rows, fmt, columns=["name", "role", "signs_in_with", "created_at"])
