"""``workbench codebook``: load, export, show and edit the code tree from the command line.

Each command is a thin call into ``workbench.ops.codebook`` or ``workbench.ops.codes``; errors are
``WorkbenchError``s that the entry point prints as one line.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import emit, format_option, open_project, require_clean_option
from workbench.i18n import N_, _
from workbench.store.errors import CodebookError


@click.group(
    "codebook",
    help=N_("Show, load, export and edit the codebook. Codes are addressed as Group/Subcode."),
)
def codebook_cmd() -> None:
    pass


@codebook_cmd.command(
    "load",
    help=N_("Add and update codes from FILE (.yaml, or REFI-QDA .qdc). Never deletes a code."),
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def load_cmd(ctx: click.Context, file: str) -> None:
    from workbench.interop.codebook_files import is_qdc, load_codebook_file
    from workbench.ops.codebook import LoadReport, load_parsed, read_codebook

    if is_qdc(file):
        report = load_codebook_file(open_project(ctx, create=True), file)
    else:
        book = read_codebook(file)  # a broken file fails before the project is even opened
        report = load_parsed(open_project(ctx, create=True), book)
    if not isinstance(report, LoadReport):
        click.echo(_("loaded {file}").format(file=file))
        return
    click.echo(report.summary())
    for path in report.added:
        click.echo(_("  added      {path}").format(path=path))
    for path, fields in report.updated.items():
        click.echo(_("  updated    {path} ({items})").format(path=path, items=", ".join(fields)))
    for old, new in report.moved:
        click.echo(_("  moved      {old} -> {new}").format(old=old, new=new))
    for path in report.not_in_file:
        click.echo(_("  not in file (kept) {path}").format(path=path))


@codebook_cmd.command("export", help=N_("Write the codebook to FILE (.yaml, or REFI-QDA .qdc)."))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", "-f", is_flag=True, help=N_("Overwrite FILE if it exists."))
@require_clean_option("file")
@click.pass_context
def export_cmd(ctx: click.Context, file: str, force: bool) -> None:
    from workbench.interop.codebook_files import export_codebook_file

    if Path(file).exists() and not force:
        raise CodebookError(_("exists already; use --force to overwrite it"), source=file)
    project = open_project(ctx, snapshot=True)
    n = export_codebook_file(project, file)
    click.echo(_("wrote {n} codes to {file}").format(n=n, file=file))


@codebook_cmd.command(
    "show",
    help=N_(
        "The code tree with the number of codings of each code.\n"
        "\nIn table form each line shows a code's own codings and, for codes with subcodes, the"
        " total including them. CSV and JSON give one row per code (path, description, count "
        "...)."
    ),
)
@format_option()
@click.pass_context
def show_cmd(ctx: click.Context, fmt: str) -> None:
    from workbench.ops.codebook import code_rows

    project = open_project(ctx, snapshot=True)
    rows = code_rows(project)
    if fmt == "json":
        emit(rows, fmt)
    elif fmt == "csv":
        emit(
            rows, fmt, columns=["path", "description", "count", "total", "colour", "guid", "depth"]
        )
    else:
        _print_tree(rows, name=Path(str(project.path)).name)


def _print_tree(rows: list[dict], *, name: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    console = Console(file=sys.stdout)
    if not rows:
        console.print(_("no codes yet; load a codebook with 'workbench codebook load FILE'"))
        return
    tree = Tree(f"[bold]{escape(_('codebook'))}[/] [dim]({escape(name)})[/]")
    branches: dict[str, Tree] = {}
    has_children = {r["parent"] for r in rows if r["parent"]}
    for row in rows:
        swatch = f"[{row['colour']}]■[/] " if row["colour"] else "  "
        count = f"[cyan]{row['count']}[/]"
        if row["path"] in has_children:
            with_subcodes = _("{n} with subcodes").format(n=row["total"])
            count += f" [dim]· {escape(with_subcodes)}[/]"
        label = f"{swatch}{escape(row['name'])}  {count}"
        parent = branches[row["parent"]] if row["parent"] else tree
        branches[row["path"]] = parent.add(label)
    console.print(tree)


@codebook_cmd.command(
    "add", help=N_("Add the code PATH (Group/Subcode), creating missing parent codes.")
)
@click.argument("path")
@click.option("--description", default=None, help=N_("What the code means."))
@click.option("--inclusion", default=None, help=N_("When to apply it."))
@click.option("--exclusion", default=None, help=N_("When not to apply it."))
@click.option("--colour", "--color", "colour", default=None, help=N_("Colour as #RRGGBB."))
@click.pass_context
def add_cmd(ctx, path: str, description, inclusion, exclusion, colour) -> None:
    from workbench.ops.codes import add_code

    project = open_project(ctx, create=True)
    fields = {
        k: v
        for k, v in (
            ("description", description),
            ("inclusion", inclusion),
            ("exclusion", exclusion),
            ("colour", _colour(colour)),
        )
        if v is not None
    }
    code = add_code(project, path, **fields)
    click.echo(_("added {path}").format(path=code.path))


@codebook_cmd.command(
    "rename", help=N_("Rename the code PATH to NEW_NAME (its place in the tree stays).")
)
@click.argument("path")
@click.argument("new_name")
@click.pass_context
def rename_cmd(ctx, path: str, new_name: str) -> None:
    from workbench.ops.codes import rename_code

    project = open_project(ctx)
    old = project.code(path).path
    code = rename_code(project, path, new_name)
    click.echo(_("renamed {old} to {path}").format(old=old, path=code.path))


@codebook_cmd.command(
    "move",
    help=N_("Move the code PATH, with its subcodes, under --to PARENT or to the --top level."),
)
@click.argument("path")
@click.option("--to", "parent", default=None, help=N_("The new parent code's path."))
@click.option("--top", is_flag=True, help=N_("Make it a top-level code (a group)."))
@click.pass_context
def move_cmd(ctx, path: str, parent: str | None, top: bool) -> None:
    from workbench.ops.codes import move_code

    if (parent is None) == (not top):
        raise CodebookError(_("give exactly one of --to PARENT or --top"))
    project = open_project(ctx)
    old = project.code(path).path
    code = move_code(project, path, None if top else parent)
    click.echo(_("moved {old} to {path}").format(old=old, path=code.path))


@codebook_cmd.command(
    "merge",
    help=N_("Merge SOURCE into TARGET: its codings and subcodes move to TARGET, SOURCE goes."),
)
@click.argument("source")
@click.argument("target")
@click.pass_context
def merge_cmd(ctx, source: str, target: str) -> None:
    from workbench.ops.codes import code_impact, merge_codes

    project = open_project(ctx)
    src, dst = project.code(source).path, project.code(target).path
    impact = code_impact(project, source, "code.merge")
    n = merge_codes(project, source, target)
    click.echo(_("merged {src} into {dst}: {n} coding(s) re-pointed").format(src=src, dst=dst, n=n))
    click.echo(_("moved with it: {impact}").format(impact=impact.describe()))


@codebook_cmd.command(
    "delete",
    help=N_(
        "Delete the code PATH and its subcodes.\n"
        "\nRefused while any of them has codings, unless --force. At a terminal it asks first ("
        "skip with --yes); in scripts it needs --yes or --force. Undo with 'workbench undo'."
    ),
)
@click.argument("path")
@click.option("--force", is_flag=True, help=N_("Delete even if coded: its codings go with it."))
@click.option("--yes", "-y", is_flag=True, help=N_("Do not ask for confirmation."))
@click.pass_context
def delete_cmd(ctx, path: str, force: bool, yes: bool) -> None:
    from workbench.ops.codes import code_impact, delete_code

    project = open_project(ctx)
    code = project.code(path)
    impact = code_impact(project, path, "code.delete")  # every coder's, blind or not
    n_codings = impact.total_codings
    if n_codings and not force:
        raise CodebookError(
            _("{path} has {impact}; merge it into another code, or delete with --force").format(
                path=code.path, impact=impact.describe()
            )
        )
    if not yes:
        what = code.path
        if impact.subcodes:
            what = _("{path} and its {n} subcode(s)").format(path=what, n=impact.subcodes)
        if n_codings or impact.total_memos:
            what = _("{what} with {impact}").format(what=what, impact=impact.describe())
        if sys.stdin.isatty():
            click.confirm(_("Delete {what}?").format(what=what), abort=True)
        elif not force:
            raise CodebookError(
                _("not deleting {what} without confirmation; add --yes").format(what=what)
            )
    deleted = delete_code(project, path, force=force)
    if deleted:
        click.echo(_("deleted {path} and {n} coding(s)").format(path=code.path, n=deleted))
    else:
        click.echo(_("deleted {path}").format(path=code.path))


@codebook_cmd.command(
    "colour", help=N_("Set the colour of PATH to COLOUR (#RRGGBB; 'none' clears it).")
)
@click.argument("path")
@click.argument("colour")
@click.pass_context
def colour_cmd(ctx, path: str, colour: str) -> None:
    from workbench.ops.codes import update_code

    project = open_project(ctx)
    value = None if colour.lower() == "none" else _colour(colour)
    code = update_code(project, path, colour=value)
    click.echo(_("{path}: colour {value}").format(path=code.path, value=code.colour or "none"))


@codebook_cmd.command(
    "describe",
    help=N_(
        "Set the description, inclusion and exclusion criteria or examples of PATH.\n"
        "\nOnly the options given change; an empty string clears a field."
    ),
)
@click.argument("path")
@click.option("--description", default=None, help=N_("What the code means."))
@click.option("--inclusion", default=None, help=N_("When to apply it."))
@click.option("--exclusion", default=None, help=N_("When not to apply it."))
@click.option(
    "--example",
    "examples",
    multiple=True,
    help=N_("An example quotation (repeat; replaces the existing examples)."),
)
@click.pass_context
def describe_cmd(ctx, path: str, description, inclusion, exclusion, examples) -> None:
    from workbench.ops.codes import update_code

    fields = {
        k: (v or None)
        for k, v in (
            ("description", description),
            ("inclusion", inclusion),
            ("exclusion", exclusion),
        )
        if v is not None
    }
    if examples:
        fields["examples"] = [e for e in examples if e.strip()]
    if not fields:
        raise CodebookError(
            _("give at least one of --description, --inclusion, --exclusion, --example")
        )
    project = open_project(ctx)
    code = update_code(project, path, **fields)
    click.echo(_("{path}: updated {items}").format(path=code.path, items=", ".join(sorted(fields))))


def _colour(value: str | None) -> str | None:
    """Accept ``#RRGGBB`` and, since ``#`` is awkward in shells, plain ``RRGGBB``."""
    if value is None:
        return None
    value = value.strip()
    if len(value) == 6 and not value.startswith("#"):
        value = "#" + value
    from workbench.ops.codes import check_colour

    return check_colour(value)
