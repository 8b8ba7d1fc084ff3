"""``workbench text replace``: correct a transcript after coding; every coding follows."""

from __future__ import annotations

import json

import click

from workbench.cli.common import open_project, report_format_option
from workbench.i18n import N_, _


@click.group(
    name="text", help=N_("Correct a transcript's text; codings, units and memos follow the edit.")
)
def text_cmd() -> None:
    pass


@text_cmd.command(
    name="replace",
    help=N_(
        'Replace a span (--start/--end) or a text (--find) of DOC, keeping every coding.\n\nA coding containing the edit grows or shrinks with it; a coding whose text was all\nreplaced is kept at the edit point and listed. One undo takes the whole edit back.\n\n\x08\nExamples:\n  workbench text replace DRS01 --start 120 --end 128 --with "Huancavelica"\n  workbench text replace DRS01 --find "Ernesto" --with "[Participant 01]" --all --whole-word'
    ),
)
@click.argument("doc")
@click.option("--start", type=int, default=None, help=N_("Start of the span to replace."))
@click.option("--end", type=int, default=None, help=N_("End of the span to replace."))
@click.option("--find", "old", default=None, help=N_("Replace this text instead of a span."))
@click.option(
    "--with", "replacement", required=True, help=N_("The new text (may be empty to delete).")
)
@click.option("--all", "every", is_flag=True, help=N_("With --find: every occurrence."))
@click.option("--whole-word", is_flag=True, help=N_("With --find: only where OLD is a whole word."))
@click.option("--why", default=None, help=N_("Reason recorded in the action log."))
@click.option("--coder", default=None, help=N_("Who makes the edit (the action log)."))
@report_format_option()
@click.pass_context
def replace_cmd(
    ctx: click.Context,
    doc: str,
    start: int | None,
    end: int | None,
    old: str | None,
    replacement: str,
    every: bool,
    whole_word: bool,
    why: str | None,
    coder: str | None,
    fmt: str,
) -> None:
    from workbench.ops.reanchor import Edit
    from workbench.ops.textedit import edit_text, find_edits
    from workbench.store.errors import WorkbenchError

    by_span = start is not None or end is not None
    if by_span == (old is not None):
        raise WorkbenchError(_("give either --start and --end, or --find"))
    if by_span and (start is None or end is None):
        raise WorkbenchError(_("--start and --end go together"))
    if (every or whole_word) and old is None:
        raise WorkbenchError(_("--all and --whole-word go with --find"))
    project = open_project(ctx)
    document = project.document(doc)
    if old is not None:
        edits = find_edits(
            project.text(document.id),
            old,
            replacement,
            every=every,
            whole_word=whole_word,
            source=document.name,
        )
    else:
        assert start is not None and end is not None
        edits = [Edit(start, end, replacement)]
    result = edit_text(project, document.id, edits, why=why, coder=coder, expect=document.sha256)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        for line in result.lines():
            click.echo(line)
