"""Held-out evaluation: grouped K-fold cross-validation by document, learned model vs rules.

Documents are dealt into K folds in name order (document i goes to fold i mod K), so all units
of a document sit in the same fold and the model never sees the interview it is tested on. For
each fold the classifier is trained on the other folds (same recipe as ``suggest train``) and
scores the held-out units; a unit is predicted positive for a code when the probability reaches
the threshold (0.5, fixed, not tuned). The keyword rules (the baseline) predict a unit positive
when one of their suggestions for that code intersects it.

Only documents marked done by one of the chosen coders are tested (there, an uncoded unit is a
true negative); when no document is marked done, every document with codings is tested. The
codes evaluated are those coded somewhere in the project. Per code, over all folds:
precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean (0 when undefined);
support = number of positive held-out units. Macro F1 averages F1 over codes with support > 0;
micro F1 pools TP, FP and FN of all codes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.analysis.filters import Selection, selected_documents
from workbench.analysis.units import touched
from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.suggest.learned import DEFAULT_EPOCHS, DEFAULT_THRESHOLD, fit, score
from workbench.suggest.rules import RuleSuggester
from workbench.suggest.units import (
    LabelledUnit,
    cats_for,
    check_unit,
    coder_ids,
    labelled_units,
)


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


def prf(c: Counts) -> tuple[float, float, float]:
    precision = c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0
    recall = c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class ModelScores:
    counts: dict[int, Counts] = field(default_factory=dict)

    def report(self, paths: dict[int, str], support: dict[int, int]) -> dict[str, Any]:
        rows, f1s, pooled = [], [], Counts()
        for code_id in sorted(self.counts, key=lambda c: paths[c]):
            c = self.counts[code_id]
            p, r, f = prf(c)
            rows.append({"code": paths[code_id], "support": support.get(code_id, 0),
                         "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)})
            if support.get(code_id, 0):
                f1s.append(f)
            pooled.tp, pooled.fp, pooled.fn = pooled.tp + c.tp, pooled.fp + c.fp, pooled.fn + c.fn
        return {"codes": rows, "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
                "micro_f1": round(prf(pooled)[2], 4)}


def folds_of(doc_ids: Sequence[int], names: dict[int, str], k: int) -> list[list[int]]:
    ordered = sorted(doc_ids, key=lambda d: names[d])
    return [[d for i, d in enumerate(ordered) if i % k == f] for f in range(k)]


def evaluate(project: Project, *, folds: int = 5, unit: str = "sentence",
             coders: Sequence[str] | None = None, epochs: int = DEFAULT_EPOCHS,
             threshold: float = DEFAULT_THRESHOLD,
             progress: Callable[[int, int], None] | None = None,
             where: Sequence[str | tuple[str, str]] = ()) -> dict[str, Any]:
    """Cross-validate the learned suggester and the keyword rules; the issue's JSON shape.

    ``where`` keeps only the documents it selects (``docs/selection.md``), for training and
    testing alike.
    """
    check_unit(unit)
    coder_ids(project, coders)  # unknown names fail before any work
    selection = Selection.build(where=where)
    documents = list(selected_documents(project, selection)) \
        if selection.filters_documents else None
    units = labelled_units(project, unit, coders=coders, documents=documents)
    labels = sorted({c for u in units for c in u.positive})
    if not labels:
        raise WorkbenchError("nothing to evaluate: the project has no codings",
                             source=str(project.path))
    by_doc: dict[int, list[LabelledUnit]] = {}
    for u in units:
        by_doc.setdefault(u.document_id, []).append(u)
    tested = [d for d, us in by_doc.items() if us and us[0].complete]
    if not tested:
        tested = [d for d, us in by_doc.items() if any(u.positive for u in us)]
        for d in tested:
            for u in by_doc[d]:
                u.complete = True
    if folds < 2:
        raise WorkbenchError("--folds must be at least 2")
    if folds > len(tested):
        raise WorkbenchError(f"--folds {folds} is more than the {len(tested)} documents that "
                             "can be tested (marked done)", source=str(project.path))
    names = {d.id: d.name for d in project.documents()}
    paths = {c.id: c.path for c in project.codes()}
    codes = [project.code_by_id(c) for c in labels]
    rules = RuleSuggester(project, codes)
    learned, baseline = ModelScores(), ModelScores()
    for c in labels:
        learned.counts[c], baseline.counts[c] = Counts(), Counts()
    support: dict[int, int] = {c: 0 for c in labels}
    fold_docs = folds_of(tested, names, folds)
    for f, held_out in enumerate(fold_docs):
        held = set(held_out)
        train = [u for d, us in by_doc.items() if d not in held for u in us]
        fold_labels = sorted({c for u in train for c in u.positive})
        pairs = [(u, cats_for(u, fold_labels)) for u in train]
        pairs = [(u, c) for u, c in pairs if c]
        test = [u for d in held_out for u in by_doc[d]]
        probs = None
        if fold_labels and pairs:
            nlp = fit([u.text for u, _ in pairs], [c for _, c in pairs],
                      [str(c) for c in fold_labels], epochs=epochs)
            probs = score(nlp, [u.text for u in test])
        column = {c: j for j, c in enumerate(fold_labels)}
        fired = _rule_hits(rules, held_out, by_doc)
        for i, u in enumerate(test):
            for c in labels:
                actual = c in u.positive
                support[c] += actual
                j = column.get(c)
                predicted = probs is not None and j is not None and probs[i, j] >= threshold
                learned.counts[c].add(bool(predicted), actual)
                baseline.counts[c].add((u.document_id, u.start, c) in fired, actual)
        if progress:
            progress(f + 1, folds)
    return {"unit": unit, "folds": folds,
            "models": {"learned": learned.report(paths, support),
                       "rules": baseline.report(paths, support)}}


def _rule_hits(rules: RuleSuggester, doc_ids: Sequence[int],
               by_doc: dict[int, list[LabelledUnit]]) -> set[tuple[int, int, int]]:
    """(document, unit start, code) for every held-out unit a rule suggestion intersects."""
    hits: set[tuple[int, int, int]] = set()
    for d in doc_ids:
        starts = [u.start for u in by_doc[d]]
        ends = [u.end for u in by_doc[d]]
        for cand in rules.candidates(d):
            for i in touched(starts, ends, cand.start, cand.end):
                hits.add((d, starts[i], cand.code_id))
    return hits
