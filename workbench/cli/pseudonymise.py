"""``workbench pseudonymise detect|key|apply|check``: identifiers out, coding kept.

The key lives in its own file (``--key FILE``, by default ``NAME.key.csv`` beside the project
``NAME.db``), never inside the project or an export; see docs/pseudonymise.md.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workbench.cli.common import emit, open_project, where_option
from workbench.i18n import N_, _

if TYPE_CHECKING:
    from workbench.pseudonymise.key import Key


def key_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--key",
        "key_path",
        type=click.Path(dir_okay=False),
        default=None,
        help=N_("The key file, .csv or .yaml (default: NAME.key.csv beside the project)."),
    )(fn)


def _key_path(ctx: click.Context, key_path: str | None) -> Path:
    from workbench.pseudonymise.key import default_key_path
    from workbench.store.errors import WorkbenchError

    root = ctx.find_root().obj or {}
    project_path = Path(root.get("project_path") or "workbench.db")
    path = Path(key_path) if key_path else default_key_path(project_path)
    if path.exists() and project_path.exists() and path.resolve() == project_path.resolve():
        raise WorkbenchError(
            _("the key must be a file of its own, not the project"), source=str(path)
        )
    return path


def _warn_permissions(path: Path) -> None:
    from workbench.pseudonymise.key import loose_permissions

    if loose_permissions(path):
        click.echo(
            _("warning: {path} can be read by other users; run 'chmod 600 {path}'").format(
                path=path
            ),
            err=True,
        )


def _warn_common_words(key: Key) -> None:
    from workbench.pseudonymise.key import common_word_forms

    messages = {
        "es": N_(
            "warning: the key entry {form!r} is one of the commonest words of Spanish: apply "
            "replaces it wherever it is written with a capital"
        ),
        "en": N_(
            "warning: the key entry {form!r} is one of the commonest words of English: apply "
            "replaces it wherever it is written with a capital"
        ),
    }
    for form, lang in common_word_forms(key):
        click.echo(_(messages[lang]).format(form=form), err=True)


@click.group(
    name="pseudonymise",
    help=N_("Find identifiers, keep a key apart, and release a pseudonymised copy."),
)
def pseudonymise_cmd() -> None:
    pass


@pseudonymise_cmd.command(
    name="detect",
    help=N_(
        "Propose candidates: people, places, organisations, posts, contacts, numbers.\n\nEach comes with its kind, every occurrence and a little context. Nothing is written."
    ),
)
@where_option
@key_option
@click.option(
    "--all", "show_all", is_flag=True, help=N_("Also list candidates the key already covers.")
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help=N_("Output format; the CSV can be edited and read back with 'key import'."),
)
@click.pass_context
def detect_cmd(
    ctx: click.Context, where: tuple[str, ...], key_path: str | None, show_all: bool, fmt: str
) -> None:
    from workbench.analysis.filters import Selection, selected_documents
    from workbench.pseudonymise.detect import detect
    from workbench.pseudonymise.key import Key, read_key

    project = open_project(ctx)
    path = _key_path(ctx, key_path)
    key = read_key(path, missing_ok=True)
    docs = selected_documents(project, Selection.build(where=where)) if where else None
    candidates = detect(project, documents=docs, key=key)
    if not show_all:
        candidates = [c for c in candidates if c.key_entry is None]
    if fmt == "json":
        click.echo(json.dumps([c.to_json() for c in candidates], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        import csv

        proposal = Key(path, list(key.entries))
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(("original", "pseudonym", "kind", "variants", "status", "count", "context"))
        for c in candidates:
            pseudonym = proposal.next_pseudonym(c.kind)
            from workbench.pseudonymise.key import KeyEntry

            proposal.entries.append(KeyEntry(c.text, pseudonym, c.kind))
            context = c.occurrences[0].context if c.occurrences else ""
            writer.writerow(
                (c.text, pseudonym, c.kind, "|".join(c.variants), "accepted", c.count, context)
            )
        return
    rows = [
        {
            "kind": c.kind,
            "candidate": c.text,
            "count": c.count,
            "variants": ", ".join(c.variants),
            "in key": c.key_entry or "",
            "context": c.occurrences[0].context if c.occurrences else "",
        }
        for c in candidates
    ]
    emit(rows, "table", columns=["kind", "candidate", "count", "variants", "in key", "context"])


@pseudonymise_cmd.group(name="key", help=N_("Add, remove, list and import the entries of the key."))
def key_cmd() -> None:
    pass


@key_cmd.command(
    name="add",
    help=N_(
        'Add ORIGINAL to the key with its PSEUDONYM.\n\n\x08\nExample:\n  workbench pseudonymise key add "Rosa Quispe" "Participant 03" --kind person'
    ),
)
@click.argument("original")
@click.argument("pseudonym")
@click.option(
    "--kind",
    type=click.Choice(["person", "place", "organisation", "post", "contact", "number"]),
    default="person",
    show_default=True,
    help=N_("What the entry names."),
)
@click.option(
    "--variant", "variants", multiple=True, help=N_("Another spelling of it (repeatable).")
)
@key_option
@click.pass_context
def key_add_cmd(
    ctx: click.Context,
    original: str,
    pseudonym: str,
    kind: str,
    variants: tuple[str, ...],
    key_path: str | None,
) -> None:
    from workbench.pseudonymise.key import KeyEntry, read_key, write_key

    path = _key_path(ctx, key_path)
    key = read_key(path, missing_ok=True)
    key.add(KeyEntry(original, pseudonym, kind, tuple(variants)))
    write_key(key)
    click.echo(_("{path}: {n} entries").format(path=path, n=len(key.entries)))
    _warn_common_words(key)


@key_cmd.command(
    name="remove", help=N_("Remove ORIGINAL (or the entry it is a variant of) from the key.")
)
@click.argument("original")
@key_option
@click.pass_context
def key_remove_cmd(ctx: click.Context, original: str, key_path: str | None) -> None:
    from workbench.pseudonymise.key import read_key, write_key

    path = _key_path(ctx, key_path)
    key = read_key(path)
    removed = key.remove(original)
    write_key(key)
    click.echo(_("removed {original!r}").format(original=removed.original))


@key_cmd.command(name="list", help=N_("List the entries of the key."))
@key_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help=N_("Output format."),
)
@click.pass_context
def key_list_cmd(ctx: click.Context, key_path: str | None, fmt: str) -> None:
    from workbench.pseudonymise.key import read_key

    path = _key_path(ctx, key_path)
    key = read_key(path)
    _warn_permissions(path)
    rows = [
        {
            "original": e.original,
            "pseudonym": e.pseudonym,
            "kind": e.kind,
            "variants": "|".join(e.variants),
            "status": e.status,
        }
        for e in key.entries
    ]
    emit(rows, fmt, columns=["original", "pseudonym", "kind", "variants", "status"])


@key_cmd.command(
    name="import",
    help=N_(
        "Add the entries of FILE (.csv or .yaml, e.g. an edited 'detect --format csv') to the key."
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@key_option
@click.pass_context
def key_import_cmd(ctx: click.Context, file: str, key_path: str | None) -> None:
    from workbench.pseudonymise.key import merge_entries, read_key, write_key

    path = _key_path(ctx, key_path)
    incoming = read_key(file)
    key = read_key(path, missing_ok=True)
    added, replaced = merge_entries(key, incoming.entries)
    write_key(key)
    click.echo(
        _("{path}: {added} added, {replaced} replaced, {n} entries").format(
            path=path, added=added, replaced=replaced, n=len(key.entries)
        )
    )
    _warn_common_words(key)


@pseudonymise_cmd.command(
    name="apply",
    help=N_(
        "Replace every key entry, in a released copy (--out) or in the project (--in-place).\n\nCodings, memos, units and agreement carry over; the copy keeps no trace of the names.\n\n\x08\nExample:\n  workbench pseudonymise apply --key study.key.csv --out release.db --style place=generic"
    ),
)
@key_option
@click.option(
    "--out", type=click.Path(dir_okay=False), default=None, help=N_("The released copy to write.")
)
@click.option("--in-place", is_flag=True, help=N_("Replace inside the project, after a backup."))
@click.option(
    "--style",
    "styles",
    multiple=True,
    metavar="KIND=STYLE",
    help=N_(
        "label ([Participant 03]), substitute (a realistic name) or generic ([place]), per kind."
    ),
)
@click.option("--force", is_flag=True, help=N_("Overwrite an existing release file."))
@click.option("--allow-unmatched", is_flag=True, help=N_("Go on when a key entry matches nothing."))
@click.option(
    "--coder",
    default=None,
    help=N_("Who applies the key (with --in-place, who changes the project's text)."),
)
@click.pass_context
def apply_cmd(
    ctx: click.Context,
    key_path: str | None,
    out: str | None,
    in_place: bool,
    styles: tuple[str, ...],
    force: bool,
    allow_unmatched: bool,
    coder: str | None,
) -> None:
    from workbench.pseudonymise.apply import apply_key, parse_styles
    from workbench.pseudonymise.key import read_key

    path = _key_path(ctx, key_path)
    key = read_key(path)
    _warn_permissions(path)
    _warn_common_words(key)
    report = apply_key(
        open_project(ctx),
        key,
        out=out,
        in_place=in_place,
        styles=parse_styles(styles),
        overwrite=force,
        allow_unmatched=allow_unmatched,
        acting_user=coder,
    )
    for line in report.lines():
        click.echo(line)


@pseudonymise_cmd.command(
    name="check",
    help=N_(
        "List every remaining occurrence of the key; exit 1 when any is found.\n\nLooks at texts, speaker labels, case names and attributes, memos, codes, document names,\nthe action log, and the exports folder beside the project (or --exports)."
    ),
)
@key_option
@click.option(
    "--exports",
    "exports",
    multiple=True,
    type=click.Path(exists=True),
    help=N_("Also look at the names and contents of these export files or folders."),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help=N_("Output format."),
)
@click.pass_context
def check_cmd(ctx: click.Context, key_path: str | None, exports: tuple[str, ...], fmt: str) -> None:
    from workbench.pseudonymise.check import check_project
    from workbench.pseudonymise.key import read_key

    project = open_project(ctx)
    path = _key_path(ctx, key_path)
    key = read_key(path)
    folders = list(exports)
    if not folders and (project.path.parent / "exports").is_dir():
        folders.append(str(project.path.parent / "exports"))
    found = check_project(project, key, exports=folders)
    if fmt == "json":
        click.echo(json.dumps([f.to_json() for f in found], ensure_ascii=False, indent=2))
    else:
        for finding in found:
            click.echo(finding.line())
        click.echo(
            _("clean: no entry of the key is left")
            if not found
            else _("{n} occurrence(s) of the key remain").format(n=len(found))
        )
    if found:
        ctx.exit(1)
