"""Coding from the command line: apply and remove codes, list codings, memos, done marks, undo."""

from __future__ import annotations

import sys

import click

from workbench.cli.common import (
    emit,
    emit_stream,
    format_option,
    open_project,
    stream_table,
    where_option,
)
from workbench.i18n import N_, _

#: what a memo is on, as the listing and the message say it (the JSON keeps the English word)
MEMO_TARGETS = {
    "project": N_("project"),
    "document": N_("document"),
    "code": N_("code"),
    "coding": N_("coding"),
}


def _coder_option():
    return click.option(
        "--coder",
        default=None,
        help=N_("Coder name (default: $WORKBENCH_CODER or the project's coder)."),
    )


@click.group("code", help=N_("Apply or remove a code on a span of a document."))
def code_cmd() -> None:
    pass


@code_cmd.command("apply", help=N_("Code the span [START, END) of DOC with CODE."))
@click.option("--doc", "doc", required=True, help=N_("Document name."))
@click.option("--code", "code_path", required=True, help=N_("Code path, e.g. Group/Subcode."))
@click.option("--start", type=int, required=True, help=N_("First character (code point offset)."))
@click.option("--end", type=int, required=True, help=N_("End offset (exclusive)."))
@click.option("--memo", default=None, help=N_("A memo attached to the new coding."))
@_coder_option()
@click.pass_context
def code_apply(
    ctx, doc: str, code_path: str, start: int, end: int, memo: str | None, coder: str | None
) -> None:
    from workbench.ops.coding import apply_code
    from workbench.ops.retrieval import excerpt

    project = open_project(ctx)
    coder = coder or project.default_coder()
    coding_id = apply_code(project, doc, code_path, start, end, coder=coder, memo=memo)
    text = project.text(project.document(doc).id)[start:end]
    click.echo(
        _("coding {coding_id}: {code_path} on {doc} [{start}, {end}) by {coder}: {excerpt}").format(
            coding_id=coding_id,
            code_path=code_path,
            doc=doc,
            start=start,
            end=end,
            coder=coder,
            excerpt=excerpt(text),
        )
    )


@code_cmd.command(
    "remove",
    help=N_("Remove a coding by --id, or this coder's codings of CODE inside [START, END) of DOC."),
)
@click.option(
    "--id", "coding_id", type=int, default=None, help=N_("Remove the coding with this id.")
)
@click.option("--doc", "doc", default=None, help=N_("Document name."))
@click.option("--code", "code_path", default=None, help=N_("Code path."))
@click.option("--start", type=int, default=None, help=N_("First character of the stretch."))
@click.option("--end", type=int, default=None, help=N_("End of the stretch (exclusive)."))
@_coder_option()
@click.pass_context
def code_remove(ctx, coding_id, doc, code_path, start, end, coder) -> None:
    from workbench.ops.coding import remove_coding, remove_codings
    from workbench.store.errors import WorkbenchError

    project = open_project(ctx)
    if coding_id is not None:
        remove_coding(project, coding_id)
        click.echo(_("removed coding {coding_id}").format(coding_id=coding_id))
        return
    if None in (doc, code_path, start, end):
        raise WorkbenchError(_("give --id, or all of --doc, --code, --start and --end"))
    n = remove_codings(project, doc, code_path, start, end, coder=coder)
    click.echo(_("removed {n} coding(s)").format(n=n))


@click.group(
    "codings",
    invoke_without_command=True,
    help=N_("List codings: document, code path, coder, start, end, text."),
)
@click.option("--doc", default=None, help=N_("Only this document."))
@click.option("--code", "code_path", default=None, help=N_("Only this code (exact path)."))
@_coder_option()
@where_option
@format_option()
@click.pass_context
def codings_cmd(ctx, doc, code_path, coder, where, fmt) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from workbench.ops.retrieval import LISTING_COLUMNS, iter_listing

    project = open_project(ctx, snapshot=True)
    rows = iter_listing(
        project, doc=doc, code=code_path, coder=coder, where=where, full_text=fmt != "table"
    )
    columns = list(LISTING_COLUMNS)
    if fmt == "table":
        widths = {
            "document": max((len(d.name) for d in project.documents()), default=8),
            "code": max((len(c.path) for c in project.codes()), default=4),
            "coder": max((len(c.name) for c in project.coders()), default=5),
            "start": 7,
            "end": 7,
        }
        lines = stream_table(rows, columns, widths, total_label=_("codings"))
        if sys.stdout.isatty():
            click.echo_via_pager(lines)
        else:
            for line in lines:
                click.echo(line, nl=False)
        return
    emit_stream(rows, fmt, columns=columns)


@codings_cmd.command(
    "import",
    help=N_(
        "Import codings from a CSV with columns document,code,coder,start,end,text (all or "
        "nothing)."
    ),
)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def codings_import(ctx, csv_file: str) -> None:
    from workbench.ops.codings_io import UNDO_LIMIT, import_codings_csv
    from workbench.ops.duplicates import folded_message

    project = open_project(ctx)
    result = import_codings_csv(project, csv_file)
    click.echo(
        _("imported {n} coding(s) from {csv_file}").format(n=result.added, csv_file=csv_file)
    )
    if result.folded:
        click.echo(folded_message(result.folded))
    if result.added + result.folded > UNDO_LIMIT:
        click.echo(
            _(
                "(more than {UNDO_LIMIT:,} rows: this import cannot be undone; 'workbench "
                "backup' before large imports)"
            ).format(UNDO_LIMIT=UNDO_LIMIT)
        )


@click.group("memo", help=N_("Memos on the project, documents, codes and codings."))
def memo_cmd() -> None:
    pass


@memo_cmd.command(
    "add",
    help=N_(
        "Write a memo (on the project when no target is given; a reply goes where the memo "
        "it answers is)."
    ),
)
@click.argument("text")
@click.option("--doc", default=None, help=N_("Attach to this document."))
@click.option("--code", "code_path", default=None, help=N_("Attach to this code."))
@click.option("--coding", "coding_id", type=int, default=None, help=N_("Attach to this coding id."))
@click.option("--title", default=None, help=N_("A short title shown in memo listings."))
@click.option(
    "--reply-to",
    "reply_to",
    type=int,
    default=None,
    help=N_("Answer the memo with this id (a memo is its author's: others reply to it)."),
)
@_coder_option()
@click.pass_context
def memo_add(ctx, text, doc, code_path, coding_id, title, reply_to, coder) -> None:
    from workbench.ops.coding import add_memo, memo_target
    from workbench.store.errors import WorkbenchError

    project = open_project(ctx)
    if reply_to is not None:
        answered = memo_target(project, reply_to)
        memo_id = add_memo(
            project, answered[0], answered[1], text, coder=coder, title=title, reply_to=reply_to
        )
        click.echo(
            _("memo {memo} on {target}, replying to memo {answered}").format(
                memo=memo_id, target=_(MEMO_TARGETS[answered[0]]), answered=reply_to
            )
        )
        return
    targets = [t for t in (doc, code_path, coding_id) if t is not None]
    if len(targets) > 1:
        raise WorkbenchError(
            _("a memo attaches to one target: give one of --doc, --code, --coding")
        )
    if doc is not None:
        target = ("document", project.document(doc).id)
    elif code_path is not None:
        target = ("code", project.code(code_path).id)
    elif coding_id is not None:
        target = ("coding", coding_id)  # add_memo checks that it exists
    else:
        target = ("project", None)
    memo_id = add_memo(project, *target, text, coder=coder or project.default_coder(), title=title)
    click.echo(
        _("memo {memo_id} on {target}").format(memo_id=memo_id, target=_(MEMO_TARGETS[target[0]]))
    )


@memo_cmd.command(
    "list",
    help=N_("List every memo with what it is attached to (under blind coding a coder's own)."),
)
@format_option()
@click.pass_context
def memo_list(ctx, fmt) -> None:
    """List every memo with what it is attached to."""
    from workbench.ops.coding import visible_memos

    project = open_project(ctx, snapshot=True)
    docs = {d.id: d.name for d in project.documents()}
    paths = {c.id: c.path for c in project.codes()}
    coders = {c.id: c.name for c in project.coders()}
    rows = []
    for m in visible_memos(project):
        target = {"document": docs, "code": paths}.get(m.target_type, {}).get(
            m.target_id, m.target_id
        )
        rows.append(
            {
                "id": m.id,
                "on": m.target_type,
                "target": target,
                "coder": coders.get(m.coder_id),
                "title": m.title,
                "text": m.text,
                "reply_to": m.reply_to,
            }
        )
    emit(rows, fmt, columns=["id", "on", "target", "coder", "title", "text", "reply_to"])


@memo_cmd.command(
    "edit",
    help=N_("Replace the text of memo MEMO_ID (your own: answer another's with --reply-to)."),
)
@click.argument("memo_id", type=int)
@click.argument("text")
@click.pass_context
def memo_edit(ctx, memo_id: int, text: str) -> None:
    from workbench.ops.coding import edit_memo

    edit_memo(open_project(ctx), memo_id, text)
    click.echo(_("memo {memo} saved").format(memo=memo_id))


@memo_cmd.command(
    "delete", help=N_("Delete memo MEMO_ID (your own; the lead may delete anyone's).")
)
@click.argument("memo_id", type=int)
@click.pass_context
def memo_delete(ctx, memo_id: int) -> None:
    from workbench.ops.coding import delete_memo

    delete_memo(open_project(ctx), memo_id)
    click.echo(_("memo {memo} deleted").format(memo=memo_id))


@click.command(
    "done",
    help=N_("Mark DOC as done (fully coded) for a coder; agreement counts only done documents."),
)
@click.argument("doc")
@_coder_option()
@click.option("--undo", "not_done", is_flag=True, help=N_("Clear the done mark instead."))
@click.pass_context
def done_cmd(ctx, doc: str, coder: str | None, not_done: bool) -> None:
    from workbench.ops.coding import mark_done

    project = open_project(ctx)
    coder = coder or project.default_coder()
    mark_done(project, doc, coder, done=not not_done)
    message = _("{doc}: not done for {coder}") if not_done else _("{doc}: done for {coder}")
    click.echo(message.format(doc=doc, coder=coder))


def _undo_coder(coder: str | None) -> str | None:
    """``--coder``, else $WORKBENCH_CODER; None (anyone's newest action) when neither is set."""
    import os

    return coder or os.environ.get("WORKBENCH_CODER") or None


@click.command(
    "undo",
    help=N_(
        "Undo the coder's last action (also one done in the app); without a coder, the newest."
        " Under --user, your own actions; the lead may also name another coder, and undoes "
        "the newest deletion or merge of a code whoever did it."
    ),
)
@_coder_option()
@click.pass_context
def undo_cmd(ctx, coder: str | None) -> None:
    from workbench.ops import history

    project = open_project(ctx)
    coder = _undo_coder(coder)
    what = history.undo(project, coder)
    if what:
        click.echo(_("undone: {what}").format(what=what))
    elif refusal := history.undo_refusal(project, coder):
        click.echo(refusal)
    else:
        click.echo(
            _("nothing to undo for {coder}").format(coder=coder) if coder else _("nothing to undo")
        )


@click.command(
    "redo", help=N_("Redo the action the coder undid last; without a coder, the one undone last.")
)
@_coder_option()
@click.pass_context
def redo_cmd(ctx, coder: str | None) -> None:
    from workbench.ops import history

    project = open_project(ctx)
    coder = _undo_coder(coder)
    what = history.redo(project, coder)
    click.echo(
        _("redone: {what}").format(what=what)
        if what
        else (
            _("nothing to redo for {coder}").format(coder=coder) if coder else _("nothing to redo")
        )
    )
