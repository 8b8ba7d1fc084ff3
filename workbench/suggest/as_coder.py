"""The suggestion model as one more coder (``workbench suggest as-coder NAME``).

Teams judge a model the way they judge a new colleague: by putting its coding beside theirs in
the agreement table, the disagreement list and the reconciliation walk. This writes what the
suggesters propose as the codings of a coder marked as a model:

- the coder row records where its codings came from (``coders.model``, JSON: suggester, the
  model's training time and codings hash, the minimum score, the document filter, when);
- every earlier coding of that coder is removed and the new ones written in the same action,
  so nothing stale is left and one undo brings the previous state back;
- the documents written are marked done for it, so ``agree`` compares them as for any coder;
- its codings never teach the model (``workbench.suggest.units.coder_ids`` leaves model
  coders out) and ``--exclude-models`` leaves it out of comparisons and figures.

A person's name is refused: a model never writes over a person's coding.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.analysis import filters
from workbench.i18n import _
from workbench.store.connection import new_guid, now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


@dataclass
class ModelCoderSummary:
    coder: str
    documents: int
    written: int
    removed: int
    by_code: dict[str, int] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)


def model_coder_names(project: Project) -> set[str]:
    """Names of the coders that are the model."""
    return {c.name for c in project.coders() if c.is_model}


def _check_name(project: Project, name: str) -> None:
    name = name.strip()
    if not name:
        raise WorkbenchError(_("a model coder needs a name"))
    for coder in project.coders():
        if coder.name == name and not coder.is_model:
            used = project.conn.execute(
                "SELECT 1 FROM codings WHERE coder_id = ? LIMIT 1", (coder.id,)
            ).fetchone()
            if used:
                raise WorkbenchError(
                    _(
                        "{name!r} is a person who has coded; the model writes only as a coder "
                        "of its own (choose another name, e.g. 'model')"
                    ).format(name=name)
                )


def _candidates(
    project: Project, doc_ids: Sequence[int], min_score: float, suggester: str
) -> tuple[list[Any], dict[str, Any]]:
    from workbench.suggest.rules import RuleSuggester, rule_precision
    from workbench.suggest.run import _merge, learned_status, load_learned, saved_rule_precision

    cands: list[Any] = []
    status: dict[str, Any] = {"suggester": suggester}
    model = load_learned(project) if suggester in ("learned", "both") else None
    if suggester == "learned" and model is None:
        raise WorkbenchError(
            _("no trained model yet; run 'workbench suggest train' first"),
            source=str(project.path),
        )
    if model is not None:
        meta = learned_status(project, model) or {}
        status["model"] = {k: meta.get(k) for k in ("trained_at", "unit", "codings_sha256")}
        for doc_id in doc_ids:
            cands.extend(model.candidates(project, doc_id, min_score=min_score))
    if suggester in ("rules", "both"):
        rules = RuleSuggester(project)
        precision = saved_rule_precision(model) or rule_precision(project, rules=rules)
        for doc_id in doc_ids:
            cands.extend(c for c in rules.candidates(doc_id, precision) if c.score >= min_score)
    return list(_merge(cands).values()), status


def write_model_coder(
    project: Project,
    name: str = "model",
    *,
    min_score: float = 0.0,
    where: Sequence[str | tuple[str, str]] = (),
    suggester: str = "both",
) -> ModelCoderSummary:
    """Replace coder ``name``'s codings by what the suggesters propose; one undoable action.

    Writing as the model is coding as someone other than oneself: the lead's (or the person
    at the keyboard's) alone, asked first (``workbench.permissions``)."""
    from workbench.permissions import require
    from workbench.suggest.run import check_suggester

    check_suggester(suggester, min_score)
    name = name.strip()
    require(project, "coding.apply", owner=name)
    _check_name(project, name)
    scope = filters.Selection.build(where=where)
    docs = project.documents()
    if scope.filters_documents:
        keep = filters.selected_documents(project, scope)
        docs = [d for d in docs if d.id in keep]
    cands, status = _candidates(project, [d.id for d in docs], min_score, suggester)
    source = {
        "source": "suggestions",
        **status,
        "min_score": min_score,
        "where": [w if isinstance(w, str) else f"{w[0]}={w[1]}" for w in where],
        "written_at": now(),
    }
    coder_id = project.coder_id(name)
    paths = {c.id: c.path for c in project.codes()}
    old = [
        r[0] for r in project.conn.execute("SELECT id FROM codings WHERE coder_id = ?", (coder_id,))
    ]
    summary = ModelCoderSummary(name, len(docs), len(cands), len(old), source=source)
    with project.action(
        "model-coder", _("write the model's coding as {name}").format(name=name), coder=name
    ) as act:
        for coding_id in old:
            for memo in project.memos("coding", coding_id):
                act.delete("memos", memo.id)
            act.delete("codings", coding_id)
        act.update("coders", coder_id, model=json.dumps(source, sort_keys=True))
        stamp = now()
        for c in sorted(cands, key=lambda c: (c.document_id, c.start, c.end, c.code_id)):
            act.insert(
                "codings",
                {
                    "guid": new_guid(),
                    "document_id": c.document_id,
                    "code_id": c.code_id,
                    "coder_id": coder_id,
                    "start": c.start,
                    "end": c.end,
                    "source": "model",
                    "created_at": stamp,
                },
            )
            path = paths.get(c.code_id, "?")
            summary.by_code[path] = summary.by_code.get(path, 0) + 1
    with project.transaction():
        project.conn.executemany(
            "INSERT INTO document_status (document_id, coder_id, done, updated_at) "
            "VALUES (?, ?, 1, ?) ON CONFLICT(document_id, coder_id) DO UPDATE SET "
            "done = 1, updated_at = excluded.updated_at",
            [(d.id, coder_id, stamp) for d in docs],
        )
    return summary


__all__ = ["ModelCoderSummary", "model_coder_names", "write_model_coder"]
