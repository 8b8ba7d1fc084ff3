"""Coding from the command line: apply and remove codes, list codings, memos, done marks, undo."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click

from workbench.cli.common import emit, emit_stream, format_option, open_project, stream_table
from workbench.i18n import N_, _


def _coder_option():
    return click.option(
        "--coder",
        default=None,
        help="Coder name (default: $WORKBENCH_CODER or the project's coder).",
    )


@click.group("code")
def code_cmd() -> None:
    """Apply or remove a code on a span of a document."""


@code_cmd.command("apply")
@click.option("--doc", "doc", required=True, help="Document name.")
@click.option("--code", "code_path", required=True, help="Code path, e.g. Group/Subcode.")
@click.option("--start", type=int, required=True, help="First character (code point offset).")
@click.option("--end", type=int, required=True, help="End offset (exclusive).")
@click.option("--memo", default=None, help="A memo attached to the new coding.")
@_coder_option()
@click.pass_context
def code_apply(
    ctx, doc: str, code_path: str, start: int, end: int, memo: str | None, coder: str | None
) -> None:
    """Code the span [START, END) of DOC with CODE."""
    from workbench.ops.coding import apply_code

    project = open_project(ctx)
    coder = coder or project.default_coder()
    coding_id = apply_code(project, doc, code_path, start, end, coder=coder, memo=memo)
    text = project.text(project.document(doc).id)[start:end]
    click.echo(
        f"coding {coding_id}: {code_path} on {doc} [{start}, {end}) by {coder}: {_excerpt(text)}"
    )


@code_cmd.command("remove")
@click.option("--id", "coding_id", type=int, default=None, help="Remove the coding with this id.")
@click.option("--doc", "doc", default=None, help="Document name.")
@click.option("--code", "code_path", default=None, help="Code path.")
@click.option("--start", type=int, default=None, help="First character of the stretch.")
@click.option("--end", type=int, default=None, help="End of the stretch (exclusive).")
@_coder_option()
@click.pass_context
def code_remove(ctx, coding_id, doc, code_path, start, end, coder) -> None:
    """Remove a coding by --id, or this coder's codings of CODE inside [START, END) of DOC."""
    from workbench.ops.coding import remove_coding, remove_codings
    from workbench.store.errors import WorkbenchError

    project = open_project(ctx)
    if coding_id is not None:
        remove_coding(project, coding_id)
        click.echo(f"removed coding {coding_id}")
        return
    if None in (doc, code_path, start, end):
        raise WorkbenchError("give --id, or all of --doc, --code, --start and --end")
    n = remove_codings(project, doc, code_path, start, end, coder=coder)
    click.echo(f"removed {n} coding(s)")


def _excerpt(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def coding_rows(
    project,
    *,
    doc: str | None = None,
    code: str | None = None,
    coder: str | None = None,
    full_text: bool = False,
) -> list[dict]:
    """Rows of (document, code path, coder, start, end, text) for listings and exports."""
    return list(iter_coding_rows(project, doc=doc, code=code, coder=coder, full_text=full_text))


def iter_coding_rows(
    project,
    *,
    doc: str | None = None,
    code: str | None = None,
    coder: str | None = None,
    full_text: bool = False,
) -> Iterator[dict]:
    """``coding_rows`` one at a time: a listing of 200k codings never holds them all."""
    from workbench.ops.permissions import require, visible_coders

    paths = {c.id: c.path for c in project.codes()}
    coders = {c.id: c.name for c in project.coders()}
    docs = {d.id: d.name for d in project.documents()}
    seen = visible_coders(project)
    if coder and seen is not None and coder.strip() not in seen:
        require(project, "work.read", owner=coder.strip())
    if seen is not None and not coder:
        coder = next(iter(seen))
    codings = project.iter_codings(
        document_id=project.document(doc).id if doc else None,
        coder_id=project.coder_id(coder, create=False) if coder else None,
        code_id=project.code(code).id if code else None,
    )
    for c in codings:
        text = project.text(c.document_id)[c.start : c.end]
        yield {
            "id": c.id,
            "document": docs[c.document_id],
            "code": paths[c.code_id],
            "coder": coders[c.coder_id],
            "start": c.start,
            "end": c.end,
            "text": text if full_text else _excerpt(text),
        }


@click.group("codings", invoke_without_command=True)
@click.option("--doc", default=None, help="Only this document.")
@click.option("--code", "code_path", default=None, help="Only this code (exact path).")
@_coder_option()
@format_option()
@click.pass_context
def codings_cmd(ctx, doc, code_path, coder, fmt) -> None:
    """List codings: document, code path, coder, start, end, text."""
    if ctx.invoked_subcommand is not None:
        return
    project = open_project(ctx)
    rows = iter_coding_rows(project, doc=doc, code=code_path, coder=coder, full_text=fmt != "table")
    # under blind coding a signed-in coder lists their own codings (ops.permissions)
    columns = ["document", "code", "coder", "start", "end", "text"]
    if fmt == "table":
        widths = {
            "document": max((len(d.name) for d in project.documents()), default=8),
            "code": max((len(c.path) for c in project.codes()), default=4),
            "coder": max((len(c.name) for c in project.coders()), default=5),
            "start": 7,
            "end": 7,
        }
        lines = stream_table(rows, columns, widths, total_label="codings")
        if sys.stdout.isatty():
            click.echo_via_pager(lines)
        else:
            for line in lines:
                click.echo(line, nl=False)
        return
    emit_stream(rows, fmt, columns=columns)


@codings_cmd.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def codings_import(ctx, csv_file: str) -> None:
    """Import codings from a CSV with columns document,code,coder,start,end,text (all or nothing)."""
    from workbench.ops.codings_io import UNDO_LIMIT, import_codings_csv

    project = open_project(ctx)
    n = import_codings_csv(project, csv_file)
    click.echo(f"imported {n} coding(s) from {csv_file}")
    if n > UNDO_LIMIT:
        click.echo(
            f"(more than {UNDO_LIMIT:,} rows: this import cannot be undone; "
            "'workbench backup' before large imports)"
        )


@click.group("memo")
def memo_cmd() -> None:
    """Memos on the project, documents, codes and codings."""


@memo_cmd.command("add")
@click.argument("text")
@click.option("--doc", default=None, help="Attach to this document.")
@click.option("--code", "code_path", default=None, help="Attach to this code.")
@click.option("--coding", "coding_id", type=int, default=None, help="Attach to this coding id.")
@click.option("--title", default=None, help="A short title shown in memo listings.")
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
    """Write a memo (on the project when no target is given; a reply goes where the memo it
    answers is)."""
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
                memo=memo_id, target=answered[0], answered=reply_to
            )
        )
        return
    targets = [t for t in (doc, code_path, coding_id) if t is not None]
    if len(targets) > 1:
        raise WorkbenchError("a memo attaches to one target: give one of --doc, --code, --coding")
    if doc is not None:
        target = ("document", project.document(doc).id)
    elif code_path is not None:
        target = ("code", project.code(code_path).id)
    elif coding_id is not None:
        target = ("coding", coding_id)  # add_memo checks that it exists
    else:
        target = ("project", None)
    memo_id = add_memo(project, *target, text, coder=coder or project.default_coder(), title=title)
    click.echo(f"memo {memo_id} on {target[0]}")


@memo_cmd.command("list")
@format_option()
@click.pass_context
def memo_list(ctx, fmt) -> None:
    """List every memo with what it is attached to (under blind coding a coder's own)."""
    from workbench.ops.coding import visible_memos

    project = open_project(ctx)
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


@memo_cmd.command("edit")
@click.argument("memo_id", type=int)
@click.argument("text")
@click.pass_context
def memo_edit(ctx, memo_id: int, text: str) -> None:
    """Replace the text of memo MEMO_ID (your own: answer another's with --reply-to)."""
    from workbench.ops.coding import edit_memo

    edit_memo(open_project(ctx), memo_id, text)
    click.echo(_("memo {memo} saved").format(memo=memo_id))


@memo_cmd.command("delete")
@click.argument("memo_id", type=int)
@click.pass_context
def memo_delete(ctx, memo_id: int) -> None:
    """Delete memo MEMO_ID (your own; the lead may delete anyone's)."""
    from workbench.ops.coding import delete_memo

    delete_memo(open_project(ctx), memo_id)
    click.echo(_("memo {memo} deleted").format(memo=memo_id))


@click.command("done")
@click.argument("doc")
@_coder_option()
@click.option("--undo", "not_done", is_flag=True, help="Clear the done mark instead.")
@click.pass_context
def done_cmd(ctx, doc: str, coder: str | None, not_done: bool) -> None:
    """Mark DOC as done (fully coded) for a coder; agreement counts only done documents."""
    from workbench.ops.coding import mark_done

    project = open_project(ctx)
    coder = coder or project.default_coder()
    mark_done(project, doc, coder, done=not not_done)
    click.echo(f"{doc}: {'not ' if not_done else ''}done for {coder}")


def _undo_coder(coder: str | None) -> str | None:
    """``--coder``, else $WORKBENCH_CODER; None (anyone's newest action) when neither is set."""
    import os

    return coder or os.environ.get("WORKBENCH_CODER") or None


@click.command("undo")
@_coder_option()
@click.pass_context
def undo_cmd(ctx, coder: str | None) -> None:
    """Undo the coder's last action (also one done in the app); without a coder, the newest.

    Under --user, your own actions; the lead may also name another coder, and undoes the
    newest deletion or merge of a code whoever did it."""
    from workbench.ops import history

    project = open_project(ctx)
    coder = _undo_coder(coder)
    what = history.undo(project, coder)
    if what:
        click.echo(f"undone: {what}")
    elif barrier := history.undo_barrier(project, coder):
        click.echo(
            f"cannot undo '{barrier}': imports and merges are not undoable "
            "(restore a backup instead)"
        )
    else:
        click.echo("nothing to undo" + (f" for {coder}" if coder else ""))


@click.command("redo")
@_coder_option()
@click.pass_context
def redo_cmd(ctx, coder: str | None) -> None:
    """Redo the action the coder undid last; without a coder, the one undone last."""
    from workbench.ops import history

    project = open_project(ctx)
    coder = _undo_coder(coder)
    what = history.redo(project, coder)
    click.echo(
        f"redone: {what}" if what else "nothing to redo" + (f" for {coder}" if coder else "")
    )
