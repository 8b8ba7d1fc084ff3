"""Code suggestions from the command line: train, run, evaluate, list, accept, reject, rules."""

from __future__ import annotations

import json
import sys

import click

from workbench.analysis.units import SUGGEST_UNITS as UNITS
from workbench.cli.common import emit, format_option, open_project, where_option
from workbench.i18n import N_, _


def _bar(description: str):
    """A rich progress bar on stderr, and the ``(done, total)`` callback that drives it."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )
    task = bar.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


@click.group(
    "suggest",
    help=N_(
        "Code suggestions, offline: keyword and speaker rules and a model trained on your "
        "codings.\n"
        "\nTypical loop: workbench suggest train; workbench suggest run; workbench suggest list"
        "; workbench suggest accept ID / reject ID. Measure first with workbench suggest "
        "evaluate."
    ),
)
def suggest_cmd() -> None:
    pass


@suggest_cmd.command(
    "train",
    help=N_("Train the classifier on the project's codings and save it beside the project."),
)
@click.option(
    "--unit",
    type=click.Choice(UNITS),
    default="sentence",
    show_default=True,
    help=N_("Learn from sentences or whole speaker turns."),
)
@click.option(
    "--coder",
    "coders",
    multiple=True,
    help=N_("Learn from this coder's codings only (repeatable; default every coder)."),
)
@click.option(
    "--model",
    "kind",
    type=click.Choice(["new", "old"]),
    default="new",
    show_default=True,
    help=N_("new: TF-IDF and logistic regression; old: spaCy textcat (for comparison)."),
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help=N_("Epochs of the old model (the new one needs none)."),
)
@click.option(
    "--embeddings",
    type=click.Choice(["wordllama"]),
    default=None,
    help=N_("Add static word embeddings (optional package wordllama; slower scoring)."),
)
@click.pass_context
def train_cmd(ctx, unit, coders, kind, epochs, embeddings) -> None:
    project = open_project(ctx)
    if kind == "old":
        from workbench.suggest.learned import train

        bar, update = _bar("training")
        with bar:
            result = train(
                project, unit=unit, coders=list(coders) or None, epochs=epochs, progress=update
            )
        click.echo(
            _(
                "trained on {units} {unit}s ({codings} codings, {codes} codes, {epochs} epochs); "
                "saved to {folder}"
            ).format(
                units=result.units,
                unit=unit,
                codings=result.codings,
                codes=result.codes,
                epochs=result.epochs,
                folder=result.folder,
            )
        )
        return
    from workbench.suggest.trained import train

    bar, update = _bar("codes")
    with bar:
        result = train(
            project, unit=unit, coders=list(coders) or None, embeddings=embeddings, progress=update
        )
    click.echo(
        _(
            "trained on {units} {unit}s ({codings} codings, {codes} codes); saved to {folder}"
        ).format(
            units=result.units,
            unit=unit,
            codings=result.codings,
            codes=result.codes,
            folder=result.folder,
        )
    )


suggester_option = click.option(
    "--suggester",
    type=click.Choice(["rules", "learned", "both"]),
    default="both",
    show_default=True,
    help=N_("Keyword and speaker rules, the trained model, or both."),
)


@suggest_cmd.command(
    "run", help=N_("Score documents and store open suggestions; print a summary per code.")
)
@click.option("--doc", "docs", multiple=True, help=N_("Only this document (repeatable)."))
@click.option("--code", "code", default=None, help=N_("Only this code (path)."))
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help=N_(
        "Lowest calibrated score to store (a rule's precision on your coding, the "
        "model's probability; the model also keeps to each code's threshold)."
    ),
)
@suggester_option
@format_option()
@click.pass_context
def run_cmd(ctx, docs, code, min_score, suggester, fmt) -> None:
    from workbench.suggest.run import run_suggestions

    project = open_project(ctx)
    summary = run_suggestions(
        project, documents=list(docs) or None, code=code, min_score=min_score, suggester=suggester
    )
    rows = [{"code": path, "open": n} for path, n in sorted(summary.by_code.items())]
    totals = {
        "documents": summary.documents,
        "added": summary.added,
        "kept": summary.kept,
        "removed": summary.removed,
        "skipped_coded": summary.skipped_coded,
        "skipped_decided": summary.skipped_decided,
        "by_suggester": dict(summary.by_suggester),
        "notes": summary.notes,
    }
    if fmt == "json":
        emit(rows, fmt, json_value={**totals, "codes": rows})
        return
    emit(rows, fmt, columns=["code", "open"], title=_("Open suggestions from this run"))
    if fmt == "table":
        click.echo(
            _(
                "{documents} document(s): {added} new, {kept} kept, {removed} dropped; skipped "
                "{skipped_coded} already coded and {skipped_decided} decided before"
            ).format(
                documents=summary.documents,
                added=summary.added,
                kept=summary.kept,
                removed=summary.removed,
                skipped_coded=summary.skipped_coded,
                skipped_decided=summary.skipped_decided,
            )
        )
        for note in summary.notes:
            click.echo(_("note: {note}").format(note=note))


@suggest_cmd.command(
    "as-coder",
    help=N_(
        "Write the model's suggestions as the codings of coder NAME, marked as a model.\n"
        "\nNAME's earlier codings are replaced (one undoable action); its codings never train "
        "the model; compare it with 'workbench agree --coders NAME,maria' or leave it out with "
        "--exclude-models."
    ),
)
@click.argument("name", default="model")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help=N_("Lowest calibrated score written as a coding."),
)
@suggester_option
@where_option
@format_option()
@click.pass_context
def as_coder_cmd(ctx, name, min_score, suggester, where, fmt) -> None:
    from workbench.suggest.as_coder import write_model_coder

    project = open_project(ctx)
    summary = write_model_coder(
        project, name, min_score=min_score, where=where, suggester=suggester
    )
    rows = [{"code": path, "codings": n} for path, n in sorted(summary.by_code.items())]
    if fmt == "json":
        value = {
            "coder": summary.coder,
            "documents": summary.documents,
            "written": summary.written,
            "removed": summary.removed,
            "source": summary.source,
            "codes": rows,
        }
        emit(rows, fmt, json_value=value)
        return
    emit(rows, fmt, columns=["code", "codings"], title=_("Codings written for the model coder"))
    if fmt == "table":
        click.echo(
            _(
                "{coder}: {written} coding(s) written in {documents} document(s), "
                "{removed} earlier one(s) removed; undo with 'workbench undo'"
            ).format(
                coder=summary.coder,
                written=summary.written,
                documents=summary.documents,
                removed=summary.removed,
            )
        )


@suggest_cmd.command("list", help=N_("List suggestions with their score, reason and text."))
@click.option("--doc", "document", default=None, help=N_("Only this document."))
@click.option("--code", "code", default=None, help=N_("Only this code (path)."))
@click.option(
    "--order",
    type=click.Choice(["position", "uncertainty", "score"]),
    default="position",
    show_default=True,
    help=N_("Text order, least certain first, or highest score first."),
)
@click.option(
    "--status",
    type=click.Choice(["open", "accepted", "rejected", "all"]),
    default="open",
    show_default=True,
    help=N_("Which suggestions to list."),
)
@format_option()
@click.pass_context
def list_cmd(ctx, document, code, order, status, fmt) -> None:
    from workbench.suggest.review import list_suggestions, suggestion_rows

    project = open_project(ctx)
    items = list_suggestions(project, document, order=order, status=status, code=code)
    rows = suggestion_rows(project, items)
    if fmt == "table":
        for row in rows:
            if len(row["text"]) > 80:
                row["text"] = row["text"][:77] + "..."
    columns = ["id", "document", "start", "end", "code", "score", "reason", "text"]
    if status != "open":
        columns.insert(6, "status")
    emit(
        rows,
        fmt,
        columns=columns if fmt == "table" else None,
        title=_("{n_rows} {status} suggestion(s)").format(n_rows=len(rows), status=status),
    )


@suggest_cmd.command(
    "accept",
    help=N_(
        "Accept suggestions: each becomes a coding (source suggestion:ID); 'workbench undo' undoes."
    ),
)
@click.argument("suggestion_ids", type=int, nargs=-1, required=True)
@click.option("--coder", default=None, help=N_("Who accepts (default: the project's coder)."))
@click.pass_context
def accept_cmd(ctx, suggestion_ids, coder) -> None:
    from workbench.suggest.review import accept

    project = open_project(ctx)
    for sid in suggestion_ids:
        coding_id = accept(project, sid, coder)
        click.echo(
            _("accepted suggestion {sid}: coding {coding_id}").format(sid=sid, coding_id=coding_id)
        )


@suggest_cmd.command(
    "reject", help=N_("Reject suggestions: the same span is never suggested again for that code.")
)
@click.argument("suggestion_ids", type=int, nargs=-1, required=True)
@click.option("--coder", default=None, help=N_("Who rejects (default: the project's coder)."))
@click.pass_context
def reject_cmd(ctx, suggestion_ids, coder) -> None:
    from workbench.suggest.review import reject

    project = open_project(ctx)
    for sid in suggestion_ids:
        reject(project, sid, coder)
        click.echo(_("rejected suggestion {sid}").format(sid=sid))


@suggest_cmd.command(
    "evaluate",
    help=N_(
        "Cross-validate by document: precision, recall, F1 and average precision of the "
        "model, the old model, the rules, both, and the suggest-everything floor."
    ),
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help=N_("Groups of documents; each is held out once."),
)
@click.option(
    "--unit",
    type=click.Choice(UNITS),
    default="sentence",
    show_default=True,
    help=N_("Evaluate on sentences or whole speaker turns."),
)
@click.option(
    "--coder",
    "coders",
    multiple=True,
    help=N_("Use this coder's codings only (repeatable; default every coder)."),
)
@click.option(
    "--group",
    type=click.Choice(["document", "case"]),
    default="document",
    show_default=True,
    help=N_("Keep each document (or each case) in one fold."),
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help=N_("Epochs of the old model."),
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help=N_(
        "Fixed probability cut for the models (default: each code's tuned threshold; 0.5 "
        "for the old model)."
    ),
)
@click.option("--no-old", is_flag=True, help=N_("Skip the old spaCy model (faster)."))
@click.option(
    "--embeddings",
    type=click.Choice(["wordllama"]),
    default=None,
    help=N_("Evaluate the model with static word embeddings added."),
)
@where_option
@format_option()
@click.pass_context
def evaluate_cmd(
    ctx, folds, unit, coders, group, epochs, threshold, no_old, embeddings, where, fmt
) -> None:
    from workbench.analysis.filters import Selection, check_selection
    from workbench.suggest.evaluate import evaluate

    project = open_project(ctx)
    check_selection(project, Selection.build(coders=coders, where=where))  # before the bar
    bar, update = _bar("folds")
    with bar:
        result = evaluate(
            project,
            folds=folds,
            unit=unit,
            coders=list(coders) or None,
            epochs=epochs,
            threshold=threshold,
            group=group,
            old=not no_old,
            embeddings=embeddings,
            progress=update,
            where=where,
        )
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    models = result["models"]
    learned = {r["code"]: r for r in models["learned"]["codes"]}
    rows = []
    for r in models["rules"]["codes"]:
        m = learned[r["code"]]
        rows.append(
            {
                "code": r["code"],
                "n": r["support"],
                "P": f"{m['precision']:.2f}",
                "R": f"{m['recall']:.2f}",
                "F1": f"{m['f1']:.2f}",
                "AP": f"{m['ap']:.2f}",
                "rules F1": f"{r['f1']:.2f}",
                "rules AP": f"{r['ap']:.2f}",
            }
        )
    emit(
        rows,
        fmt,
        title=_(
            "Held-out {unit}s, {folds}-fold cross-validation by {group} (P, R, F1, AP: the model)"
        ).format(unit=unit, folds=folds, group=group),
    )
    if fmt == "table":
        n = models["learned"]["macro_codes"]
        click.echo(
            _(
                "macro F1 and MAP over the {n} code(s) with at least {min_macro_support} "
                "positive {unit}s"
            ).format(n=n, min_macro_support=result["min_macro_support"], unit=unit)
        )
        for name, m in models.items():
            click.echo(
                _(
                    "{name:8} micro F1 {micro_f1:.3f}  macro F1 {macro_f1:.3f}  MAP {map:.3f}"
                ).format(name=name, micro_f1=m["micro_f1"], macro_f1=m["macro_f1"], map=m["map"])
            )


@suggest_cmd.command(
    "similar",
    help=N_(
        "More like this: the uncoded passages most like a code (--code PATH) or like a "
        "passage (--doc D --start N --end M), by the model's features, best first."
    ),
)
@click.option("--code", "code", default=None, help=N_("Rank passages like this code's codings."))
@click.option(
    "--doc", "document", default=None, help=N_("Rank passages like one in this document.")
)
@click.option("--start", type=int, default=None, help=N_("Start of the passage (with --doc)."))
@click.option("--end", type=int, default=None, help=N_("End of the passage (with --doc)."))
@click.option(
    "--unit",
    type=click.Choice(UNITS),
    default="sentence",
    show_default=True,
    help=N_("Rank sentences or whole speaker turns."),
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help=N_("How many passages to list."),
)
@format_option()
@click.pass_context
def similar_cmd(ctx, code, document, start, end, unit, limit, fmt) -> None:
    from workbench.suggest.similar import similar_units

    if (code is None) == (document is None):
        raise click.UsageError(_("give --code PATH, or --doc D with --start and --end"))
    if document is not None and (start is None or end is None):
        raise click.UsageError(_("--doc needs --start and --end"))
    project = open_project(ctx)
    found = similar_units(
        project, code=code, document=document, start=start, end=end, unit=unit, limit=limit
    )
    rows = [
        {
            "rank": n,
            "document": s.document,
            "start": s.start,
            "end": s.end,
            "score": s.score,
            "text": s.text if fmt != "table" or len(s.text) <= 80 else s.text[:77] + "...",
        }
        for n, s in enumerate(found, 1)
    ]
    emit(
        rows,
        fmt,
        columns=["rank", "document", "start", "end", "score", "text"],
        title=_("{n} uncoded {unit}(s) most like {target}").format(
            n=len(rows), unit=unit, target=code if code else f"{document} [{start}, {end})"
        ),
    )


@suggest_cmd.command(
    "pipeline",
    help=N_(
        "Use an installed spaCy pipeline (package name or saved folder) for documents in its "
        "language; without NAME, show which pipeline each language uses."
    ),
)
@click.argument("name", required=False)
@click.option(
    "--language",
    default=None,
    help=N_(
        "Language the pipeline is for (default: the pipeline's own; with --clear, only "
        "this language)."
    ),
)
@click.option(
    "--clear",
    is_flag=True,
    help=N_("Forget the named pipeline (every language unless --language)."),
)
@format_option()
@click.pass_context
def pipeline_cmd(ctx, name, language, clear, fmt) -> None:
    from workbench.suggest import pipelines

    if name and clear:
        raise click.UsageError(_("give a NAME or --clear, not both"))
    project = open_project(ctx)
    if name:
        key, value = pipelines.set_named_pipeline(project, name, language)
        click.echo(f"{key} = {value}")
    elif clear:
        removed = pipelines.clear_named_pipeline(project, language)
        click.echo(
            _("removed {items}").format(items=", ".join(removed))
            if removed
            else _("no named pipeline to remove")
        )
    else:
        emit(
            pipelines.describe_pipelines(project),
            fmt,
            columns=["language", "setting", "pipeline"],
            title=_("Language pipelines"),
        )


# the speaker-rule commands live beside (a module of their own: managing rules, not suggesting)
from workbench.cli.suggest_rules import rules_cmd  # noqa: E402

suggest_cmd.add_command(rules_cmd)
