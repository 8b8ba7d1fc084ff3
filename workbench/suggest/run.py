"""Running the suggesters over documents and storing what they propose as open suggestions.

A run replaces the open suggestions in its scope (documents x codes x suggesters): a span
proposed again keeps its row (score and reason refreshed), a span no longer proposed is dropped,
a new one is added. Spans that any coder already coded with that code (any overlap) are not
proposed, and accepted or rejected suggestions are never reopened. When rules and the model
propose the same span for the same code, one suggestion carries both reasons and the model's
score. The run is one (non-undoable, bulk) action.

Scores are calibrated: a rule suggestion scores its rule's precision on the project's own
coding (``rules.rule_precision``, saved with the model at training, else counted now), a model
suggestion its calibrated probability. ``min_score`` drops whatever scores below it; the model
also proposes only units at or above each code's own threshold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.i18n import _
from workbench.permissions import require
from workbench.store.connection import now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.suggest.candidates import Candidate
from workbench.suggest.owner import owner_id, suggestion_owner
from workbench.suggest.rules import RuleSuggester, rule_precision

SUGGESTERS = ("rules", "learned", "both")


@dataclass
class RunSummary:
    documents: int = 0
    added: int = 0
    kept: int = 0
    removed: int = 0
    skipped_coded: int = 0
    skipped_decided: int = 0
    by_code: Counter[str] = field(default_factory=Counter)
    by_suggester: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    model: dict[str, Any] | None = None


def _merge(cands: list[Candidate]) -> dict[tuple[int, int, int, int], Candidate]:
    merged: dict[tuple[int, int, int, int], Candidate] = {}
    for c in cands:
        key = (c.document_id, c.code_id, c.start, c.end)
        old = merged.get(key)
        if old is None:
            merged[key] = c
            continue
        kinds = sorted({*old.suggester.split("+"), *c.suggester.split("+")})
        learned = [x for x in (old, c) if x.suggester != "rules"]
        reasons = "; ".join(dict.fromkeys([old.reason, c.reason]))
        merged[key] = Candidate(
            c.document_id,
            c.code_id,
            c.start,
            c.end,
            learned[0].score if learned else max(old.score, c.score),
            "+".join(kinds),
            reasons,
        )
    return merged


def load_learned(project: Project) -> Any:
    """The trained classifier, else the previous spaCy model when only that one was trained
    (both the acting coder's own under blind coding, ``suggest.owner``)."""
    from workbench.suggest import learned, trained

    model = trained.load_model(project)
    return model if model is not None else learned.load_model(project)


def learned_status(project: Project, model: Any) -> dict[str, Any] | None:
    from workbench.suggest import learned, trained

    if isinstance(model, trained.TrainedModel):
        return trained.model_status(project)
    return learned.model_status(project)


def saved_rule_precision(model: Any) -> dict[tuple[int, str], tuple[float, int]] | None:
    """The rules' precision as counted when the model was trained (None: not saved)."""
    rows = getattr(model, "meta", {}).get("rule_precision") if model is not None else None
    if rows is None:
        return None
    return {(int(c), str(r)): (float(p), int(n)) for c, r, p, n in rows}


def check_suggester(suggester: str, min_score: float) -> None:
    """The one-line errors for a ``--suggester`` or ``--min-score`` out of range (suggesting
    and writing the model as a coder take the same two)."""
    if suggester not in SUGGESTERS:
        raise WorkbenchError(
            _("unknown suggester {suggester!r}; use {items}").format(
                suggester=suggester, items=", ".join(SUGGESTERS)
            )
        )
    if not 0.0 <= min_score <= 1.0:
        raise WorkbenchError(_("--min-score must be between 0 and 1"))


def run_suggestions(
    project: Project,
    *,
    documents: Sequence[str | int] | None = None,
    code: str | None = None,
    min_score: float = 0.0,
    suggester: str = "both",
) -> RunSummary:
    """Score ``documents`` (default all) for ``code`` (default all codes) and store the result.

    Under blind coding a coder's run is their own (``suggest.owner``): their model, their
    codings' precision for the rules, their codings left out, stored for them alone.
    """
    require(project, "suggest.run")
    owner = suggestion_owner(project)
    check_suggester(suggester, min_score)
    docs = [project.document(d) for d in documents] if documents else project.documents()
    all_codes = project.codes()
    codes = all_codes
    if code is not None:
        wanted = project.code(code)
        codes = [c for c in all_codes if c.id == wanted.id]
    code_ids = {c.id for c in codes}
    summary = RunSummary(documents=len(docs))
    cands: list[Candidate] = []
    run_kinds = {"rules", "learned"} if suggester == "both" else {suggester}
    model = load_learned(project) if "learned" in run_kinds else None
    if "rules" in run_kinds:
        rules = RuleSuggester(project, codes)
        precision = saved_rule_precision(model)
        if precision is None:
            precision = rule_precision(
                project, rules=RuleSuggester(project), coders=[owner] if owner else None
            )
        for doc in docs:
            cands.extend(
                c
                for c in rules.candidates(doc.id, precision)
                if c.code_id in code_ids and c.score >= min_score
            )
    if "learned" in run_kinds:
        if model is None:
            if suggester == "learned":
                raise WorkbenchError(
                    _("no trained model yet; run 'workbench suggest train' first"),
                    source=str(project.path),
                )
            summary.notes.append(_("no trained model: rules only (run 'workbench suggest train')"))
            run_kinds.discard("learned")
        else:
            summary.model = learned_status(project, model)
            if summary.model and summary.model["stale"]:
                summary.notes.append(
                    _(
                        "the codings changed since the model was trained; 'workbench suggest train' "
                        "would bring it up to date"
                    )
                )
            for doc in docs:
                cands.extend(
                    model.candidates(project, doc.id, min_score=min_score, code_ids=code_ids)
                )
    merged = _merge(cands)
    _store(project, docs, code_ids, run_kinds, merged, summary, owner_id(project, owner))
    return summary


def _store(
    project: Project,
    docs: Sequence[Any],
    code_ids: set[int],
    run_kinds: set[str],
    merged: dict[tuple[int, int, int, int], Candidate],
    summary: RunSummary,
    owner: int | None = None,
) -> None:
    paths = {c.id: c.path for c in project.codes()}
    doc_ids = {d.id for d in docs}
    coded: dict[tuple[int, int], list[tuple[int, int]]] = {}
    existing: dict[tuple[int, int, int, int], tuple[int, str, str]] = {}
    for doc_id in doc_ids:
        for cd in project.codings(document_id=doc_id):
            if owner is None or cd.coder_id == owner:
                coded.setdefault((doc_id, cd.code_id), []).append((cd.start, cd.end))
        for sid, code_id, start, end, status, kind in project.conn.execute(
            'SELECT id, code_id, start, "end", status, suggester FROM suggestions '
            "WHERE document_id = ? AND for_coder_id IS ?",
            (doc_id, owner),
        ):
            existing[(doc_id, code_id, start, end)] = (sid, status, kind)
    inserts, updates, keep = [], [], set()
    stamp = now()
    for key, c in merged.items():
        if any(s < c.end and c.start < e for s, e in coded.get((key[0], key[1]), ())):
            summary.skipped_coded += 1
            continue
        old = existing.get(key)
        if old is not None and old[1] != "open":
            summary.skipped_decided += 1
            continue
        summary.by_code[paths.get(c.code_id, "?")] += 1
        summary.by_suggester[c.suggester] += 1
        if old is not None:
            keep.add(old[0])
            updates.append((c.score, c.suggester, c.reason, old[0]))
        else:
            inserts.append(
                (c.document_id, c.code_id, c.start, c.end, c.score, c.suggester, c.reason, stamp)
            )
    stale = [
        (sid,)
        for (doc_id, code_id, _s, _e), (sid, status, kind) in existing.items()
        if status == "open"
        and sid not in keep
        and code_id in code_ids
        and set(kind.split("+")) & run_kinds
    ]
    summary.added, summary.kept, summary.removed = len(inserts), len(updates), len(stale)
    # Machine output, not the user's data: kept out of the undo history, so that re-running
    # suggestions never stands between the user and undoing their own coding.
    with project.transaction():
        project.conn.executemany("DELETE FROM suggestions WHERE id = ?", stale)
        project.conn.executemany(
            "UPDATE suggestions SET score = ?, suggester = ?, reason = ? WHERE id = ?", updates
        )
        project.conn.executemany(
            'INSERT INTO suggestions (document_id, code_id, start, "end", score, suggester, '
            "reason, status, created_at, for_coder_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
            [(*row, owner) for row in inserts],
        )


#: decisions (accept or reject) after which the app retrains the model in the background
RETRAIN_EVERY = 5


@dataclass
class Retrained:
    units: int
    codes: int
    summary: RunSummary


def retrain_and_run(project: Project) -> Retrained:
    """The active-learning step: retrain the classifier on every coding and decision so far
    (accepted suggestions are codings, rejected ones known negatives), then rescore every
    document so the review queue reflects what the model learned. Same unit and coders as
    the last training, when there was one (embeddings too)."""
    from workbench.suggest import trained

    meta = trained.read_meta(project) or {}
    result = trained.train(
        project,
        unit=meta.get("unit", "sentence"),
        coders=meta.get("coders"),
        embeddings=meta.get("embeddings"),
    )
    return Retrained(result.units, result.codes, run_suggestions(project))
