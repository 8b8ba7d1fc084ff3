"""The command line: a thin face over the core.

Commands live one group per module under ``workbench/cli/`` and are imported only when invoked,
so ``workbench --help`` stays fast. ``COMMANDS`` maps each command name to ``module:attribute``.
"""

from __future__ import annotations

import importlib
import sys

import click

from workbench import __version__
from workbench.cli.localise import (
    LANG_HELP,
    interface_language,
    localise,
    route_click_messages,
)
from workbench.i18n import N_, _, set_language

route_click_messages()

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module, short help shown by --help without importing the module)
    "import": (
        "workbench.cli.ingest:import_cmd",
        N_("Import transcripts (txt, md, docx, odt, vtt, srt)."),
    ),
    "documents": ("workbench.cli.ingest:documents_cmd", N_("List the documents of the project.")),
    "cases": ("workbench.cli.ingest:cases_cmd", N_("Cases and their attributes.")),
    "codebook": (
        "workbench.cli.codebook:codebook_cmd",
        N_("Show, load, export and edit the codebook."),
    ),
    "code": ("workbench.cli.coding:code_cmd", N_("Apply or remove codes on spans of text.")),
    "text": (
        "workbench.cli.text:text_cmd",
        N_("Correct a transcript's text; codings follow."),
    ),
    "pseudonymise": (
        "workbench.cli.pseudonymise:pseudonymise_cmd",
        N_("Find identifiers; release a pseudonymised copy."),
    ),
    "codings": ("workbench.cli.coding:codings_cmd", N_("List codings; import them from CSV.")),
    "memo": ("workbench.cli.coding:memo_cmd", N_("Write and list memos.")),
    "done": ("workbench.cli.coding:done_cmd", N_("Mark a document done for a coder.")),
    "undo": ("workbench.cli.coding:undo_cmd", N_("Undo the last action.")),
    "redo": ("workbench.cli.coding:redo_cmd", N_("Redo the last undone action.")),
    "stats": ("workbench.cli.demo:stats_cmd", N_("Documents, codes and codings per coder.")),
    "demo": ("workbench.cli.demo:demo_cmd", N_("Build the demo workspace and open it.")),
    "tui": ("workbench.cli.tui:tui_cmd", N_("Open the coding app.")),
    "serve": ("workbench.cli.tui:serve_cmd", N_("Serve the coding app in a browser.")),
    "users": ("workbench.cli.users:users_cmd", N_("Users who may sign in to 'workbench serve'.")),
    "cooccur": ("workbench.cli.cooccur:cooccur_cmd", N_("Code co-occurrence table.")),
    "sankey": ("workbench.cli.sankey:sankey_cmd", N_("Sankey diagram of co-occurring codes.")),
    "network": ("workbench.cli.cooccur:network_cmd", N_("Co-occurrence network (graphml, gexf).")),
    "agree": ("workbench.cli.agree:agree_cmd", N_("Inter-coder agreement per code.")),
    "disagreements": (
        "workbench.cli.agree:disagreements_cmd",
        N_("List disagreements between coders."),
    ),
    "merge": (
        "workbench.cli.agree:merge_cmd",
        N_("Merge another coder's project file into this one."),
    ),
    "suggest": ("workbench.cli.suggest:suggest_cmd", N_("Code suggestions: train, run, evaluate.")),
    "export": (
        "workbench.cli.export:export_cmd",
        N_("Export qdpx, quotations, matrices, codings."),
    ),
    "import-qdpx": (
        "workbench.cli.export:import_qdpx_cmd",
        N_("Import a REFI-QDA project (.qdpx)."),
    ),
    "figures": (
        "workbench.cli.figures:figures_cmd",
        N_("Figures and tables of a folder: rerun them."),
    ),
    "report": (
        "workbench.cli.report:report_cmd",
        N_("Methods tables: codebook, code frequencies."),
    ),
    "media": (
        "workbench.cli.media:media_cmd",
        N_("Recordings linked to documents: link, list, relink, sync."),
    ),
    "check": ("workbench.cli.reliability:check_cmd", N_("Check the project file for damage.")),
    "backup": ("workbench.cli.reliability:backup_cmd", N_("Back up the project while it is open.")),
    "restore": ("workbench.cli.reliability:restore_cmd", N_("Restore the project from a backup.")),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # the command line as typed, for the provenance record of exported files
        ctx.meta.setdefault("workbench.argv", list(args))
        # the language of messages is known before anything is parsed or shown
        set_language(interface_language(self, ctx, args))
        localise(self)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BaseException:
            from workbench.cli.common import forget_new_project

            forget_new_project(ctx)
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target[0].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return _unavailable(name)
            raise
        return localise(getattr(module, attr))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _(COMMANDS[name][1])) for name in sorted(COMMANDS)]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)


def _unavailable(name: str) -> click.Command:
    @click.command(name=name)
    def missing() -> None:
        raise click.ClickException(_("'{name}' is not available in this version").format(name=name))

    return missing


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_("{prog}, version {version}").format(prog="workbench", version=__version__))
        ctx.exit()


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    help=N_("Code qualitative interviews: import, code, compare coders, analyse, export."),
)
@click.option(
    "--project",
    "-p",
    "project_path",
    envvar="WORKBENCH_PROJECT",
    type=click.Path(dir_okay=False),
    default="workbench.db",
    show_default=True,
    help=N_("The project file (env WORKBENCH_PROJECT)."),
)
@click.option(
    "--read-only",
    "read_only",
    is_flag=True,
    envvar="WORKBENCH_READ_ONLY",
    help=N_("Open the project for reading only: analyses and exports work, writes are refused."),
)
@click.option("--lang", metavar="CODE", expose_value=False, help=LANG_HELP)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help=N_("Show the version and exit."),
)
@click.option(
    "--user",
    "user",
    envvar="WORKBENCH_USER",
    default=None,
    metavar="NAME",
    help=N_(
        "Act as this user of the project (env WORKBENCH_USER): every command then gets "
        "the answer that user's role gets in the app (see docs/serve.md)."
    ),
)
@click.pass_context
def cli(ctx: click.Context, project_path: str, read_only: bool, user: str | None) -> None:
    """The root of every command: the project file, how it is opened and who acts."""
    ctx.obj = {"project_path": project_path, "read_only": read_only, "user": user}
    if ctx.invoked_subcommand is None:
        ctx.invoke(cli.get_command(ctx, "tui"))


def main() -> None:
    """Entry point: user errors become one line on stderr and exit status 1."""
    from workbench.store.errors import WorkbenchError

    try:
        cli.main(standalone_mode=False, prog_name="workbench")
    except WorkbenchError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo(_("aborted"), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
