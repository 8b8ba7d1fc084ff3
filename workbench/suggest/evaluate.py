"""Held-out evaluation: grouped K-fold cross-validation by document (or by case).

Documents are dealt into K folds in name order (document i goes to fold i mod K; with
``group="case"`` the cases are dealt, and a case's documents go together), so all units of an
interview sit in the same fold and no suggester is tested on an interview it learned from.
For each fold, on the held-out units:

- ``learned``: the classifier (``classifier.py``) trained on the other folds; a unit is
  predicted positive when its calibrated probability reaches the code's threshold (chosen by
  inner cross-validation on the training folds, or ``threshold`` when given);
- ``old``: spaCy's bag-of-words ``textcat_multilabel`` (the previous learned suggester),
  positive at probability ``threshold`` (0.5 by default), kept for comparison;
- ``rules``: the keyword, pattern and speaker rules; positive when a rule suggestion of the
  code intersects the unit; ranked by each rule's precision on the training folds' coding;
- ``both``: positive when either ``rules`` or ``learned`` is, ranked by the higher score;
- ``floor``: every code suggested on every unit (recall 1, precision = the code's share).

Only documents marked done by one of the chosen coders are tested (there an uncoded unit is a
true negative); when none is marked done, every document with codings is tested. The codes
evaluated are those coded somewhere in the project. Per code, over all folds: support =
positive held-out units; precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic
mean (0 when undefined). Micro F1 pools TP, FP and FN over codes; macro F1 averages F1 over the
codes with at least ``MIN_MACRO_SUPPORT`` positive units. Average precision (AP, scikit-learn's
step-wise definition) is computed within each held-out fold that has a positive unit of the
code and averaged over those folds: pooling out-of-fold scores would mix the fold models'
calibrations. MAP averages AP over the same codes as macro F1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.analysis.filters import Selection, selected_documents
from workbench.analysis.units import touched
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.suggest.rules import RuleSuggester, rule_precision
from workbench.suggest.units import (
    LabelledUnit,
    cats_for,
    check_unit,
    coder_ids,
    labelled_units,
)

MIN_MACRO_SUPPORT = 5
MODELS = ("learned", "old", "rules", "both", "floor")
GROUPS = ("document", "case")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1

    def add_arrays(self, predicted: np.ndarray, actual: np.ndarray) -> None:
        self.tp += int(np.sum(predicted & actual))
        self.fp += int(np.sum(predicted & ~actual))
        self.fn += int(np.sum(~predicted & actual))


def prf(c: Counts) -> tuple[float, float, float]:
    precision = c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0
    recall = c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def average_precision(actual: np.ndarray, scores: np.ndarray) -> float | None:
    """AP of one code in one fold (None when the fold has no positive unit)."""
    if not actual.any():
        return None
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(actual, scores))


@dataclass
class ModelScores:
    counts: dict[int, Counts] = field(default_factory=dict)
    aps: dict[int, list[float]] = field(default_factory=dict)

    def add(self, code: int, predicted: np.ndarray, actual: np.ndarray, scores: np.ndarray) -> None:
        self.counts.setdefault(code, Counts()).add_arrays(predicted, actual)
        ap = average_precision(actual, scores)
        if ap is not None:
            self.aps.setdefault(code, []).append(ap)

    def report(self, paths: dict[int, str], support: dict[int, int]) -> dict[str, Any]:
        rows, f1s, aps, pooled = [], [], [], Counts()
        for code_id in sorted(self.counts, key=lambda c: paths[c]):
            c = self.counts[code_id]
            p, r, f = prf(c)
            folds = self.aps.get(code_id, [])
            ap = sum(folds) / len(folds) if folds else 0.0
            rows.append(
                {
                    "code": paths[code_id],
                    "support": support.get(code_id, 0),
                    "precision": round(p, 4),
                    "recall": round(r, 4),
                    "f1": round(f, 4),
                    "ap": round(ap, 4),
                }
            )
            if support.get(code_id, 0) >= MIN_MACRO_SUPPORT:
                f1s.append(f)
                aps.append(ap)
            pooled.tp, pooled.fp, pooled.fn = pooled.tp + c.tp, pooled.fp + c.fp, pooled.fn + c.fn
        return {
            "codes": rows,
            "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
            "micro_f1": round(prf(pooled)[2], 4),
            "map": round(sum(aps) / len(aps), 4) if aps else 0.0,
            "macro_codes": len(f1s),
        }


def folds_of(doc_ids: Sequence[int], names: dict[int, str], k: int) -> list[list[int]]:
    ordered = sorted(doc_ids, key=lambda d: names[d])
    return [[d for i, d in enumerate(ordered) if i % k == f] for f in range(k)]


def _group_folds(project: Project, tested: Sequence[int], k: int, group: str) -> list[list[int]]:
    names = {d.id: d.name for d in project.documents()}
    if group == "document":
        if k > len(tested):
            raise WorkbenchError(
                _(
                    "--folds {k} is more than the {n_tested} documents that can be tested (marked "
                    "done)"
                ).format(k=k, n_tested=len(tested)),
                source=str(project.path),
            )
        return folds_of(tested, names, k)
    cases = {d.id: d.case_id for d in project.documents()}
    missing = [names[d] for d in tested if cases.get(d) is None]
    if missing:
        raise WorkbenchError(
            _("--group case: document {value!r} belongs to no case").format(value=missing[0]),
            source=str(project.path),
        )
    case_names: dict[int | None, str] = {c.id: c.name for c in project.cases()}
    keys = sorted({cases[d] for d in tested}, key=lambda c: case_names.get(c, str(c)))
    if k > len(keys):
        raise WorkbenchError(
            _("--folds {k} is more than the {n_keys} cases that can be tested").format(
                k=k, n_keys=len(keys)
            ),
            source=str(project.path),
        )
    fold_of = {c: i % k for i, c in enumerate(keys)}
    return [
        [d for d in sorted(tested, key=lambda d: names[d]) if fold_of[cases[d]] == f]
        for f in range(k)
    ]


def evaluate(
    project: Project,
    *,
    folds: int = 5,
    unit: str = "sentence",
    coders: Sequence[str] | None = None,
    epochs: int | None = None,
    threshold: float | None = None,
    group: str = "document",
    old: bool = True,
    embeddings: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    where: Sequence[str | tuple[str, str]] = (),
) -> dict[str, Any]:
    """Cross-validate every suggester (see the module docstring); the issue's JSON shape.

    ``threshold``: a fixed probability cut for the classifiers instead of the tuned per-code
    thresholds (the old model always uses it, 0.5 when not given). ``old``: also train and
    score the previous spaCy model (slower). ``embeddings``: "wordllama" adds static
    embeddings to the classifier's features, as ``suggest train --embeddings`` does.
    """
    from workbench.suggest import learned as old_model
    from workbench.suggest.classifier import fit
    from workbench.suggest.owner import training_coders
    from workbench.suggest.trained import check_embeddings, training_set

    coders = training_coders(project, coders)  # a coder under blind coding: their own only
    check_unit(unit)
    check_embeddings(embeddings)
    if group not in GROUPS:
        raise WorkbenchError(_("unknown group {group!r}; use document or case").format(group=group))
    coder_ids(project, coders)  # unknown names fail before any work
    if folds < 2:
        raise WorkbenchError(_("--folds must be at least 2"))
    selection = Selection.build(where=where)
    documents = (
        list(selected_documents(project, selection)) if selection.filters_documents else None
    )
    units = labelled_units(project, unit, coders=coders, documents=documents)
    labels = sorted({c for u in units for c in u.positive})
    if not labels:
        raise WorkbenchError(
            _("nothing to evaluate: the project has no codings"), source=str(project.path)
        )
    by_doc: dict[int, list[LabelledUnit]] = {}
    for u in units:
        by_doc.setdefault(u.document_id, []).append(u)
    tested = [d for d, us in by_doc.items() if us and us[0].complete]
    if not tested:
        tested = [d for d, us in by_doc.items() if any(u.positive for u in us)]
        for d in tested:
            for u in by_doc[d]:
                u.complete = True
    fold_docs = _group_folds(project, tested, folds, group)
    paths = {c.id: c.path for c in project.codes()}
    rules = RuleSuggester(project, [project.code_by_id(c) for c in labels])
    cache: dict[int, list[tuple[int, int, int, list[str]]]] = {}
    fired = _rule_hits(rules, tested, by_doc, cache)
    scores = {m: ModelScores() for m in MODELS if old or m != "old"}
    support: dict[int, int] = {c: 0 for c in labels}
    epochs = epochs or old_model.DEFAULT_EPOCHS
    for f, held_out in enumerate(fold_docs):
        held = set(held_out)
        train_units = [u for d, us in by_doc.items() if d not in held for u in us]
        test = [u for d in held_out for u in by_doc[d]]
        if not test:
            continue
        train_docs = sorted({u.document_id for u in train_units})
        data = training_set(
            project, train_units, unit, sorted({c for u in train_units for c in u.positive})
        )
        clf = fit(data, embeddings=embeddings) if data.labels else None
        probs: np.ndarray = np.zeros((len(test), 0))
        cuts: np.ndarray = np.zeros(0)
        column: dict[int, int] = {}
        if clf is not None:
            probs = clf.scores(training_set(project, test, unit, []).rows)
            cuts = clf.thresholds if threshold is None else np.full(len(clf.models), threshold)
            column = {int(m.code): j for j, m in enumerate(clf.models)}
        old_probs: Any = None
        old_column: dict[int, int] = {}
        if old:
            old_probs, old_column = _old_scores(train_units, test, epochs)
        precision = rule_precision(
            project, coders=coders, documents=train_docs, rules=rules, cache=cache
        )
        for c in labels:
            actual = np.asarray([c in u.positive for u in test])
            support[c] += int(actual.sum())
            j = column.get(c)
            p = probs[:, j] if j is not None else np.zeros(len(test))
            pred = p >= cuts[j] if j is not None else np.zeros(len(test), dtype=bool)
            scores["learned"].add(c, pred, actual, p)
            if old:
                k = old_column.get(c)
                op = old_probs[:, k] if k is not None else np.zeros(len(test))
                cut = 0.5 if threshold is None else threshold
                scores["old"].add(c, (op >= cut) & (k is not None), actual, op)
            rs = np.asarray(
                [_rule_score(fired.get((u.document_id, u.start, c)), precision, c) for u in test]
            )
            scores["rules"].add(c, rs > 0, actual, rs)
            scores["both"].add(c, pred | (rs > 0), actual, np.maximum(p, rs))
            scores["floor"].add(c, np.ones(len(test), dtype=bool), actual, np.ones(len(test)))
        if progress:
            progress(f + 1, folds)
    return {
        "unit": unit,
        "folds": folds,
        "group": group,
        "embeddings": embeddings,
        "min_macro_support": MIN_MACRO_SUPPORT,
        "models": {m: s.report(paths, support) for m, s in scores.items()},
    }


def _old_scores(
    train_units: Sequence[LabelledUnit], test: Sequence[LabelledUnit], epochs: int
) -> tuple[Any, dict[int, int]]:
    from workbench.suggest import learned as old_model

    fold_labels = sorted({c for u in train_units for c in u.positive})
    pairs = [(u, cats_for(u, fold_labels)) for u in train_units]
    pairs = [(u, c) for u, c in pairs if c]
    if not fold_labels or not pairs:
        return np.zeros((len(test), 0)), {}
    nlp = old_model.fit(
        [u.text for u, _unused in pairs],
        [c for _unused, c in pairs],
        [str(c) for c in fold_labels],
        epochs=epochs,
    )
    probs = np.asarray(old_model.score(nlp, [u.text for u in test]))
    return probs, {c: j for j, c in enumerate(fold_labels)}


def _rule_score(
    reasons: list[str] | None, precision: dict[tuple[int, str], tuple[float, int]], code: int
) -> float:
    if not reasons:
        return 0.0
    return max(precision.get((code, r), (0.5, 0))[0] for r in reasons)


def _rule_hits(
    rules: RuleSuggester,
    doc_ids: Sequence[int],
    by_doc: dict[int, list[LabelledUnit]],
    cache: dict[int, list[tuple[int, int, int, list[str]]]],
) -> dict[tuple[int, int, int], list[str]]:
    """(document, unit start, code) -> reasons, for every unit a rule suggestion intersects."""
    hits: dict[tuple[int, int, int], list[str]] = {}
    for d in doc_ids:
        starts = [u.start for u in by_doc[d]]
        ends = [u.end for u in by_doc[d]]
        cache[d] = rules.fired(d)
        for start, end, code_id, reasons in cache[d]:
            for i in touched(starts, ends, start, end):
                hits.setdefault((d, starts[i], code_id), []).extend(reasons)
    return hits
