"""``workbench codebook``: load, export, show and edit the code tree from the command line.

Each command is a thin call into ``workbench.ops.codebook`` or ``workbench.ops.codes``; errors are
``WorkbenchError``s that the entry point prints as one line.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import emit, format_option, open_project
from workbench.i18n import _
from workbench.store.errors import CodebookError


@click.group("codebook")
def codebook_cmd() -> None:
    """Show, load, export and edit the codebook. Codes are addressed as Group/Subcode."""


@codebook_cmd.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def load_cmd(ctx: click.Context, file: str) -> None:
    """Add and update codes from FILE (.yaml, or REFI-QDA .qdc). Never deletes a code."""
    from workbench.ops.codebook import LoadReport, load_codebook, load_parsed, read_codebook

    if file.lower().endswith(".qdc"):
        report = load_codebook(open_project(ctx, create=True), file)
    else:
        book = read_codebook(file)  # a broken file fails before the project is even opened
        report = load_parsed(open_project(ctx, create=True), book)
    if not isinstance(report, LoadReport):
        click.echo(f"loaded {file}")
        return
    click.echo(report.summary())
    for path in report.added:
        click.echo(f"  added      {path}")
    for path, fields in report.updated.items():
        click.echo(f"  updated    {path} ({', '.join(fields)})")
    for old, new in report.moved:
        click.echo(f"  moved      {old} -> {new}")
    for path in report.not_in_file:
        click.echo(f"  not in file (kept) {path}")


@codebook_cmd.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", "-f", is_flag=True, help="Overwrite FILE if it exists.")
@click.pass_context
def export_cmd(ctx: click.Context, file: str, force: bool) -> None:
    """Write the codebook to FILE (.yaml, or REFI-QDA .qdc)."""
    from workbench.ops.codebook import export_codebook

    if Path(file).exists() and not force:
        raise CodebookError("exists already; use --force to overwrite it", source=file)
    project = open_project(ctx)
    n = export_codebook(project, file)
    click.echo(f"wrote {n} codes to {file}")


@codebook_cmd.command("show")
@format_option()
@click.pass_context
def show_cmd(ctx: click.Context, fmt: str) -> None:
    """The code tree with the number of codings of each code.

    In table form each line shows a code's own codings and, for codes with subcodes, the
    total including them. CSV and JSON give one row per code (path, description, count ...).
    """
    from workbench.ops.codebook import code_rows

    project = open_project(ctx)
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
        console.print("no codes yet; load a codebook with 'workbench codebook load FILE'")
        return
    tree = Tree(f"[bold]codebook[/] [dim]({escape(name)})[/]")
    branches: dict[str, Tree] = {}
    has_children = {r["parent"] for r in rows if r["parent"]}
    for row in rows:
        swatch = f"[{row['colour']}]■[/] " if row["colour"] else "  "
        count = f"[cyan]{row['count']}[/]"
        if row["path"] in has_children:
            count += f" [dim]· {row['total']} with subcodes[/]"
        label = f"{swatch}{escape(row['name'])}  {count}"
        parent = branches[row["parent"]] if row["parent"] else tree
        branches[row["path"]] = parent.add(label)
    console.print(tree)


@codebook_cmd.command("add")
@click.argument("path")
@click.option("--description", default=None, help="What the code means.")
@click.option("--inclusion", default=None, help="When to apply it.")
@click.option("--exclusion", default=None, help="When not to apply it.")
@click.option("--colour", "--color", "colour", default=None, help="Colour as #RRGGBB.")
@click.pass_context
def add_cmd(ctx, path: str, description, inclusion, exclusion, colour) -> None:
    """Add the code PATH (Group/Subcode), creating missing parent codes."""
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
    click.echo(f"added {code.path}")


@codebook_cmd.command("rename")
@click.argument("path")
@click.argument("new_name")
@click.pass_context
def rename_cmd(ctx, path: str, new_name: str) -> None:
    """Rename the code PATH to NEW_NAME (its place in the tree stays)."""
    from workbench.ops.codes import rename_code

    project = open_project(ctx)
    old = project.code(path).path
    code = rename_code(project, path, new_name)
    click.echo(f"renamed {old} to {code.path}")


@codebook_cmd.command("move")
@click.argument("path")
@click.option("--to", "parent", default=None, help="The new parent code's path.")
@click.option("--top", is_flag=True, help="Make it a top-level code (a group).")
@click.pass_context
def move_cmd(ctx, path: str, parent: str | None, top: bool) -> None:
    """Move the code PATH, with its subcodes, under --to PARENT or to the --top level."""
    from workbench.ops.codes import move_code

    if (parent is None) == (not top):
        raise CodebookError("give exactly one of --to PARENT or --top")
    project = open_project(ctx)
    old = project.code(path).path
    code = move_code(project, path, None if top else parent)
    click.echo(f"moved {old} to {code.path}")


@codebook_cmd.command("merge")
@click.argument("source")
@click.argument("target")
@click.pass_context
def merge_cmd(ctx, source: str, target: str) -> None:
    """Merge SOURCE into TARGET: its codings and subcodes move to TARGET, SOURCE goes."""
    from workbench.ops.codes import code_impact, merge_codes

    project = open_project(ctx)
    src, dst = project.code(source).path, project.code(target).path
    impact = code_impact(project, source, "code.merge")
    n = merge_codes(project, source, target)
    click.echo(f"merged {src} into {dst}: {n} coding(s) re-pointed")
    click.echo(_("moved with it: {impact}").format(impact=impact.describe()))


@codebook_cmd.command("delete")
@click.argument("path")
@click.option("--force", is_flag=True, help="Delete even if coded: its codings go with it.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def delete_cmd(ctx, path: str, force: bool, yes: bool) -> None:
    """Delete the code PATH and its subcodes.

    Refused while any of them has codings, unless --force. At a terminal it asks first
    (skip with --yes); in scripts it needs --yes or --force. Undo with 'workbench undo'.
    """
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
        what = f"{code.path}"
        if impact.subcodes:
            what += f" and its {impact.subcodes} subcode(s)"
        if n_codings or impact.total_memos:
            what += _(" with {impact}").format(impact=impact.describe())
        if sys.stdin.isatty():
            click.confirm(f"Delete {what}?", abort=True)
        elif not force:
            raise CodebookError(f"not deleting {what} without confirmation; add --yes")
    deleted = delete_code(project, path, force=force)
    extra = f" and {deleted} coding(s)" if deleted else ""
    click.echo(f"deleted {code.path}{extra}")


@codebook_cmd.command("colour")
@click.argument("path")
@click.argument("colour")
@click.pass_context
def colour_cmd(ctx, path: str, colour: str) -> None:
    """Set the colour of PATH to COLOUR (#RRGGBB; 'none' clears it)."""
    from workbench.ops.codes import update_code

    project = open_project(ctx)
    value = None if colour.lower() == "none" else _colour(colour)
    code = update_code(project, path, colour=value)
    click.echo(f"{code.path}: colour {code.colour or 'none'}")


@codebook_cmd.command("describe")
@click.argument("path")
@click.option("--description", default=None, help="What the code means.")
@click.option("--inclusion", default=None, help="When to apply it.")
@click.option("--exclusion", default=None, help="When not to apply it.")
@click.option(
    "--example",
    "examples",
    multiple=True,
    help="An example quotation (repeat; replaces the existing examples).",
)
@click.pass_context
def describe_cmd(ctx, path: str, description, inclusion, exclusion, examples) -> None:
    """Set the description, inclusion and exclusion criteria or examples of PATH.

    Only the options given change; an empty string clears a field.
    """
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
            "give at least one of --description, --inclusion, --exclusion, --example"
        )
    project = open_project(ctx)
    code = update_code(project, path, **fields)
    click.echo(f"{code.path}: updated {', '.join(sorted(fields))}")


def _colour(value: str | None) -> str | None:
    """Accept ``#RRGGBB`` and, since ``#`` is awkward in shells, plain ``RRGGBB``."""
    if value is None:
        return None
    value = value.strip()
    if len(value) == 6 and not value.startswith("#"):
        value = "#" + value
    from workbench.ops.codes import check_colour

    return check_colour(value)
