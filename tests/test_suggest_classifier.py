"""The TF-IDF classifier: thresholds, calibration, metrics by hand, and held-out quality
against the old spaCy model, the rules and the suggest-everything floor."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from tests.suggest_helpers import add_coded_document, add_text, coded_corpus, context_corpus
from workbench.cli import cli
from workbench.ops import codes
from workbench.ops.coding import apply_code, mark_done
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.suggest.classifier import _platt, choose_threshold, code_text
from workbench.suggest.evaluate import (
    MIN_MACRO_SUPPORT,
    ModelScores,
    _group_folds,
    average_precision,
    evaluate,
)
from workbench.suggest.review import list_suggestions
from workbench.suggest.rules import RuleSuggester, rule_precision
from workbench.suggest.run import run_suggestions
from workbench.suggest.trained import load_model, model_status, train


def test_thresholds_by_hand():
    p = np.array([0.9, 0.8, 0.4, 0.3, 0.2])
    y = np.array([1, 0, 1, 0, 0])
    # F1 at each cut: 0.9 -> 2/3, 0.8 -> 1/2, 0.4 -> 4/5 (best), 0.3 -> 2/3, 0.2 -> 4/7
    assert choose_threshold(p, y, tune=True) == 0.4
    # break-even: as many units as positives (2) -> the 2nd highest probability
    assert choose_threshold(p, y, tune=False) == 0.8
    assert choose_threshold(p, np.zeros(5), tune=True) == 0.5


def test_platt_scaling_recovers_a_known_sigmoid():
    rng = np.random.default_rng(0)
    d = rng.normal(0, 2, 20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-(2.0 * d - 1.0)))).astype(int)
    a, b = _platt(d, y)
    assert a == pytest.approx(2.0, abs=0.15) and b == pytest.approx(-1.0, abs=0.15)


def test_average_precision_and_macro_by_hand():
    # ranked: +, -, +, -  -> precision at the hits 1/1 and 2/3 -> AP = 5/6
    assert average_precision(
        np.array([1, 0, 1, 0], bool), np.array([0.9, 0.8, 0.7, 0.1])
    ) == pytest.approx(5 / 6)
    assert average_precision(np.zeros(3, bool), np.ones(3)) is None
    s = ModelScores()
    # code 1: two folds, 5 positives in all
    s.add(1, np.array([1, 0, 0], bool), np.array([1, 0, 1], bool), np.array([0.9, 0.5, 0.1]))
    s.add(
        1,
        np.array([1, 1, 1, 0], bool),
        np.array([0, 1, 1, 1], bool),
        np.array([0.9, 0.8, 0.7, 0.1]),
    )
    # code 2: support 1, below the macro floor, F1 0
    s.add(2, np.array([1, 0], bool), np.array([0, 1], bool), np.array([0.9, 0.1]))
    report = s.report({1: "A", 2: "B"}, {1: MIN_MACRO_SUPPORT, 2: 1})
    a, b = report["codes"]
    # fold 1 ranked +,-,+ -> AP 5/6; fold 2 ranked -,+,+,+ -> (1/2 + 2/3 + 3/4) / 3 = 23/36
    assert a["ap"] == pytest.approx(round((5 / 6 + 23 / 36) / 2, 4))
    # code A: TP 1 + 2, FP 0 + 1, FN 1 + 1 -> P 3/4, R 3/5, F1 2/3
    assert (a["precision"], a["recall"], a["f1"]) == (0.75, 0.6, 0.6667)
    assert report["macro_f1"] == 0.6667 and report["macro_codes"] == 1  # B left out
    assert report["map"] == a["ap"]
    # micro pools A and B: TP 3, FP 2, FN 3 -> P 3/5, R 1/2, F1 6/11
    assert report["micro_f1"] == round(6 / 11, 4)


def test_new_model_beats_the_old_one_the_rules_and_the_floor(project):
    context_corpus(project)
    result = evaluate(project, folds=3)
    m = result["models"]
    assert set(m) == {"learned", "old", "rules", "both", "floor"}
    assert m["learned"]["micro_f1"] > m["old"]["micro_f1"] + 0.05
    assert m["learned"]["macro_f1"] > m["old"]["macro_f1"]
    assert m["learned"]["map"] > m["old"]["map"] + 0.05
    assert m["learned"]["micro_f1"] > m["rules"]["micro_f1"] + 0.3
    assert m["learned"]["map"] > m["floor"]["map"] + 0.3
    complaint = {r["code"]: r for r in m["learned"]["codes"]}["Politics/Complaint"]
    old = {r["code"]: r for r in m["old"]["codes"]}["Politics/Complaint"]
    assert complaint["f1"] > old["f1"]  # what the neighbouring sentence adds
    # the floor suggests everything: recall 1, precision = the code's share of units
    floor = {r["code"]: r for r in m["floor"]["codes"]}["Politics/Complaint"]
    assert floor["recall"] == 1.0 and floor["support"] == 36
    assert floor["precision"] == round(36 / (9 * 19), 4)


def test_group_by_case_keeps_a_cases_documents_together(project):
    codes.add_code(project, "A", keywords={"en": ["alpha"]})
    a = project.code("A").id
    for d in range(4):
        items = [(f"Alpha words number {d} here.", a), (f"Beta words {d} there.", None)] * 3
        add_coded_document(project, f"d{d}", items, "ana", case=f"case{d // 2}")
    ids = {d.name: d.id for d in project.documents()}
    by_doc = _group_folds(project, list(ids.values()), 2, "document")
    assert by_doc == [[ids["d0"], ids["d2"]], [ids["d1"], ids["d3"]]]
    by_case = _group_folds(project, list(ids.values()), 2, "case")
    assert by_case == [[ids["d0"], ids["d1"]], [ids["d2"], ids["d3"]]]
    with pytest.raises(WorkbenchError, match="more than the 2 cases"):
        evaluate(project, folds=3, group="case", old=False)
    assert evaluate(project, folds=2, group="case", old=False)["group"] == "case"


def test_code_text_and_train_save_load_reasons(project):
    coded_corpus(project, n_docs=6)
    codes.update_code(
        project,
        "Finance/Spending",
        description="Money: funds and transfers",
        examples=["The funds came late."],
    )
    assert code_text(project.code("Finance/Spending")) == (
        "Spending. Money: funds and transfers. The funds came late."
    )
    result = train(project)
    assert result.codes == 2 and result.units == 6 * 15
    meta = json.loads((result.folder / "workbench-model.json").read_text())
    assert [c["path"] for c in meta["codes"]] == ["Finance/Spending", "Health/Clinics"]
    assert {c["threshold_from"] for c in meta["codes"]} == {"ranking"}  # 6 documents < 10
    assert model_status(project)["stale"] is False

    add_text(
        project,
        "new",
        "Rosa: The treasury funds were spent in June. We talked about the weather.",
        language="en",
    )
    model = load_model(project)
    summary = run_suggestions(project, documents=["new"], suggester="learned")
    assert summary.added == 1
    s = list_suggestions(project, "new")[0]
    assert (s.code, s.suggester) == ("Finance/Spending", "learned")
    assert 0 < s.score < 1
    # why: probability against threshold, strongest words, nearest coded passage
    assert s.reason.startswith(f"model {s.score:.2f} (threshold ")
    assert "'funds'" in s.reason or "'treasury'" in s.reason
    assert "; like doc0" in s.reason
    assert model.code_ids == [
        project.code("Finance/Spending").id,
        project.code("Health/Clinics").id,
    ]
    apply_code(project, "new", "Health/Clinics", 6, 10, coder="ana")
    assert model_status(project)["stale"] is True


def test_rule_scores_are_their_precision_on_the_projects_coding(project):
    codes.add_code(project, "Rep", keywords={"en": ["vote"]})
    add_text(
        project,
        "a",
        "Rosa: We vote often. I vote too. They vote never. Lunch was good.",
        language="en",
    )
    apply_code(project, "a", "Rep", 6, 20, coder="ana")  # "We vote often." only
    mark_done(project, "a", "ana")
    add_text(project, "b", "Rosa: Nobody would vote there.", language="en")
    precision = rule_precision(project)
    rep = project.code("Rep").id
    assert precision == {(rep, "keyword 'vote' (lemma)"): ((1 + 1) / (3 + 2), 3)}
    cands = RuleSuggester(project).candidates(project.document("b").id, precision)
    assert [c.score for c in cands] == [0.4]
    assert "right 1 of 3 times" in cands[0].reason
    assert run_suggestions(project, documents=["b"], min_score=0.5).added == 0
    assert run_suggestions(project, documents=["b"], min_score=0.4).added == 1
    assert list_suggestions(project, "b")[0].score == 0.4


def test_cli_train_and_evaluate_json_keeps_old_keys(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        coded_corpus(p, n_docs=6)

    def run(*args):
        result = CliRunner().invoke(cli, ["--project", str(path), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    data = json.loads(
        run("suggest", "evaluate", "--folds", "3", "--epochs", "2", "--format", "json")
    )
    assert {"unit", "folds", "models"} <= set(data)
    assert {"learned", "rules", "old", "both", "floor"} == set(data["models"])
    for model in data["models"].values():
        assert {"codes", "macro_f1", "micro_f1", "map"} <= set(model)
        for row in model["codes"]:
            assert {"code", "support", "precision", "recall", "f1", "ap"} <= set(row)
    out = run("suggest", "evaluate", "--folds", "2", "--no-old")
    assert "MAP" in out and "\nfloor " in out and "\nold " not in out
    assert "trained on 90 sentences" in run("suggest", "train")
    assert (tmp_path / "p.spacy" / "classifier" / "classifier.joblib").exists()


def test_fast_character_ngrams_equal_scikit_learns_transform():
    from sklearn.preprocessing import normalize

    from workbench.suggest.classifier import Featurizer, TrainingSet, UnitRow, fit

    texts = [
        "Elecciones  y DESCENTRALIZACIÓN, en el Perú!",
        "a b  c",
        "x",
        "The funds \u2014 arrived\tlate.",
        "Las elecciones regionales y la descentralización.",
    ]
    f = Featurizer().fit(texts * 2, turn_block=False)
    assert (
        np.abs(f.own(texts).toarray() - normalize(f.union.transform(texts)).toarray()).max() < 1e-6
    )
    # scoring block by block equals scoring the blocks side by side
    rows = [UnitRow(t, i // 2, i // 3) for i, t in enumerate(texts * 3)]
    labels = {"A": np.asarray([1, 0, 0, 1, 0] * 3, dtype=np.int8)}
    clf = fit(TrainingSet(rows, labels, {"A": "A. funds"}))
    whole = clf.calibrate(clf.decision(clf.featurizer.transform(rows)))
    assert np.abs(clf.scores(rows, batch=4) - whole).max() < 1e-5


def test_similar_finds_uncoded_passages_a_keyword_search_misses(tmp_path):
    from workbench.suggest.similar import similar_units

    path = tmp_path / "p.db"
    with Project.open(path) as p:
        coded_corpus(p, n_docs=3)
        add_text(
            p,
            "new",
            "Rosa: We talked about the weather in June. The treasury funds "
            "and transfers were late again. My family moved to the city.",
            language="en",
        )
        found = similar_units(p, code="Finance/Spending", limit=3)
        assert found[0].text == "The treasury funds and transfers were late again."
        assert "budget" not in found[0].text.lower()
        coded = {(c.document_id, c.start) for c in p.codings()}
        assert all((s.document_id, s.start) not in coded for s in found)
        assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
        text = p.text(p.document("new").id)
        start = text.index("The treasury")
        like = similar_units(p, document="new", start=start, end=start + 20, limit=50)
        assert all(not (s.document == "new" and s.start == start) for s in like)
        with pytest.raises(WorkbenchError, match="inside the text"):
            similar_units(p, document="new", start=5, end=10**6)
    out = CliRunner().invoke(
        cli,
        [
            "--project",
            str(path),
            "suggest",
            "similar",
            "--code",
            "Finance/Spending",
            "--limit",
            "2",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert [r["rank"] for r in rows] == [1, 2] and rows[0]["document"] == "new"
    bad = CliRunner().invoke(cli, ["--project", str(path), "suggest", "similar"])
    assert bad.exit_code != 0 and "give --code" in bad.output


def test_wordllama_embeddings_load_offline_and_join_the_features(project, monkeypatch):
    pytest.importorskip("wordllama")
    import socket

    from workbench.suggest.classifier import Featurizer, UnitRow

    def no_network(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    f = Featurizer().fit(
        ["the funds came", "the funds went", "a clinic"], turn_block=False, embeddings="wordllama"
    )
    e = f.embed(["the funds came", ""]).toarray()
    assert e.shape[0] == 2 and np.isfinite(e).all()  # an empty text embeds to NaN: zeroed
    assert np.linalg.norm(e[0]) == pytest.approx(1.0, abs=1e-5)
    rows = [UnitRow("the funds came", 1), UnitRow("a clinic", 1)]
    x = f.transform(rows)
    assert x.shape[1] == 2 * f.width + 2 * e.shape[1]
    assert f.code_rows(["funds"]).shape[1] == x.shape[1]

    coded_corpus(project, n_docs=4)
    train(project, embeddings="wordllama")
    model = load_model(project)  # the embedder is not pickled: it is loaded again, offline
    assert model.meta["embeddings"] == "wordllama"
    add_text(project, "new", "Rosa: The treasury funds were spent in June.", language="en")
    assert run_suggestions(project, documents=["new"], suggester="learned").added >= 1
    with pytest.raises(WorkbenchError, match="unknown embeddings"):
        train(project, embeddings="word2vec")


def test_a_code_from_one_interview_suggests_sparingly():
    from workbench.suggest.classifier import TrainingSet, UnitRow, fit

    texts = [f"plain sentence number {i} about the day" for i in range(40)]
    texts[3] = texts[7] = "the mayor never answered our letters"
    rows = [UnitRow(t, i // 10) for i, t in enumerate(texts)]
    y = np.zeros(40, dtype=np.int8)
    y[[3, 7]] = 1  # both in document 0
    clf = fit(TrainingSet(rows, {"A": y}, {"A": "A. The mayor"}))
    assert clf.models[0].how == "none"
    probs = clf.scores(rows)[:, 0]
    # the threshold admits as many units as there are positives (2), not everything at 0.5
    assert clf.thresholds[0] == pytest.approx(np.sort(probs)[-2], abs=1e-5)
    assert clf.thresholds[0] > 0.5
    predicted = clf.predict(clf.scores(rows))[:, 0]
    assert predicted.sum() == 2 and predicted[3] and predicted[7]
