"""``suggest evaluate``: training and held-out documents never meet, in any fold, for any
suggester, and a code coded in a single document is learned only when that document is in
training. Checked by watching what each suggester is handed, not by the scores it reaches."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.suggest_helpers import add_coded_document, coded_corpus
from workbench.store.project import Project
from workbench.suggest import evaluate as ev
from workbench.suggest import trained

ONLY_ONCE = "Health/Vaccines"


@pytest.fixture
def study() -> Project:
    p = Project.memory()
    coded_corpus(p, n_docs=6, seed=11)
    from workbench.ops.codes import add_code

    add_code(p, ONLY_ONCE)
    vaccines = p.code(ONLY_ONCE).id
    spending = p.code("Finance/Spending").id
    add_coded_document(
        p,
        "doc99",
        [
            ("Vaccines for the district arrived in June.", vaccines),
            ("The funds for the valley were frozen until March.", spending),
            ("We talked about the weather in October.", None),
        ],
        "ana",
    )
    return p


def test_training_and_held_out_documents_never_meet(study, monkeypatch):
    seen: list[dict[str, Any]] = []
    real_training_set = trained.training_set

    def watch_training_set(project, units, unit, codes=None):
        docs = {u.document_id for u in units}
        if codes == []:  # the held-out units, scored by the fold's model
            seen[-1]["held"] = docs
        else:
            seen.append({"train": docs, "codes": set(codes or [])})
        return real_training_set(project, units, unit, codes)

    real_precision = ev.rule_precision

    def watch_precision(project, *, documents=None, **kw):
        seen[-1]["rules"] = set(documents)
        return real_precision(project, documents=documents, **kw)

    def watch_old(train_units, test, epochs):
        seen[-1]["old"] = ({u.document_id for u in train_units}, {u.document_id for u in test})
        return np.zeros((len(test), 0)), {}

    monkeypatch.setattr(trained, "training_set", watch_training_set)
    monkeypatch.setattr(ev, "rule_precision", watch_precision)
    monkeypatch.setattr(ev, "_old_scores", watch_old)
    report = ev.evaluate(study, folds=3, old=True)
    tested = {d.id for d in study.documents()}
    assert len(seen) == 3
    held_out = [fold["held"] for fold in seen]
    for fold in seen:
        assert fold["train"] and fold["held"]
        assert not fold["train"] & fold["held"]  # never meet
        assert fold["train"] | fold["held"] == tested  # and nothing is left out
        assert fold["rules"] == fold["train"]  # rule precision learnt on training only
        assert fold["old"] == (fold["train"], fold["held"])
    assert sorted(d for h in held_out for d in h) == sorted(tested)  # each held out once
    # the code seen in one document: its label is learnt only when that document trains
    vaccines, doc99 = study.code(ONLY_ONCE).id, study.document("doc99").id
    for fold in seen:
        assert (vaccines in fold["codes"]) == (doc99 in fold["train"])
    rows = {r["code"]: r for r in report["models"]["learned"]["codes"]}
    assert rows[ONLY_ONCE]["support"] == 1  # its one coded sentence, held out once


def test_folds_deal_documents_by_name_and_cases_together(study):
    names = {d.id: d.name for d in study.documents()}
    folds = ev.folds_of(list(names), names, 3)
    ordered = sorted(names, key=names.get)
    assert folds == [ordered[0::3], ordered[1::3], ordered[2::3]]
    # with --group case, documents of one case land in one fold
    doc = study.document("doc01")
    study.conn.execute(
        "UPDATE documents SET case_id = (SELECT case_id FROM documents WHERE name = 'doc00') "
        "WHERE id = ?",
        (doc.id,),
    )
    case_folds = ev._group_folds(study, list(names), 3, "case")
    together = [f for f in case_folds if study.document("doc00").id in f]
    assert doc.id in together[0]
