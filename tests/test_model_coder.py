"""The suggestion model as one more coder: written, rewritten, undone, left out on request."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.agree_helpers import code, done, sentence_doc
from workbench.analysis.agreement import agreement
from workbench.cli import cli
from workbench.ops.codes import add_code
from workbench.ops.reconcile import disagreements
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.suggest.as_coder import write_model_coder
from workbench.suggest.units import coder_ids, labelled_units


def _project(path) -> None:
    """Two coders, 3 interviews of 20 sentences; the codebook's keyword 'word' fires in every
    sentence but the first of each interview (its first word is the interview's name), 'absent'
    nowhere."""
    with Project.open(path) as p:
        add_code(p, "Talk", keywords={"en": ["word"]})
        add_code(p, "Silence", keywords={"en": ["absent"]})
        for name in ("I1", "I2", "I3"):
            spans = sentence_doc(p, name, 20)
            code(p, name, "Talk", spans[:10], "maria")
            code(p, name, "Talk", spans[5:15], "james")
            done(p, name, "maria", "james")


def _model_codings(p: Project) -> list[tuple[int, int, int, str]]:
    cid = p.coder_id("model", create=False)
    return sorted(
        (c.document_id, c.start, c.end, c.source) for c in p.codings() if c.coder_id == cid
    )


def test_as_coder_writes_marked_codings_that_agree_compares(tmp_path):
    _project(tmp_path / "p.db")
    with Project.open(tmp_path / "p.db") as p:
        summary = write_model_coder(p, "model", suggester="rules")
        [model] = [c for c in p.coders() if c.name == "model"]
        assert model.is_model and json.loads(model.model)["source"] == "suggestions"
        assert summary.written == 57 and summary.by_code == {"Talk": 57}
        assert {s for *_, s in _model_codings(p)} == {"model"}
        with_model = agreement(p, unit="sentence")
        humans = agreement(p, unit="sentence", exclude_models=True)
        pair = agreement(p, unit="sentence", coders=["model", "maria"])
    assert with_model.coders == ("james", "maria", "model")
    assert humans.coders == ("james", "maria")
    talk = {c.code: c for c in pair.codes}["Talk"]
    assert talk.counts == {"units": 60, "both": 27, "only_a": 30, "only_b": 3, "neither": 0}


def test_rewriting_leaves_nothing_stale_and_undo_brings_the_last_state_back(tmp_path):
    _project(tmp_path / "p.db")
    with Project.open(tmp_path / "p.db") as p:
        write_model_coder(p, "model", suggester="rules")
        first = _model_codings(p)
        p.conn.execute("UPDATE codes SET keywords = ? WHERE name = 'Talk'", ('{"en": []}',))
        p.conn.execute(
            "UPDATE codes SET keywords = ? WHERE name = 'Silence'", ('{"en": ["here"]}',)
        )
        second = write_model_coder(p, "model", suggester="rules")
        assert second.removed == 57 and second.by_code == {"Silence": 60}
        now = _model_codings(p)
        cid = p.coder_id("model", create=False)
        paths = {c.code_id for c in p.codings() if c.coder_id == cid}
        assert paths == {p.code("Silence").id} and len(now) == 60
        assert p.undo() is not None
        assert _model_codings(p) == first


def test_model_codings_never_train_the_model(tmp_path):
    _project(tmp_path / "p.db")
    with Project.open(tmp_path / "p.db") as p:
        write_model_coder(p, "model", suggester="rules")
        ids = coder_ids(p, None)
        model_id = p.coder_id("model", create=False)
        assert model_id not in ids and len(ids) == 2
        assert coder_ids(p, ["model", "maria"]) == [p.coder_id("maria", create=False)]
        units = labelled_units(p, "sentence")
        talk = p.code("Talk").id
        assert sum(talk in u.positive for u in units) == 45  # the humans' union, not all 60


def test_a_persons_name_is_refused_and_nothing_changes(tmp_path):
    _project(tmp_path / "p.db")
    with Project.open(tmp_path / "p.db") as p:
        before = len(p.codings())
        with pytest.raises(WorkbenchError, match="is a person"):
            write_model_coder(p, "maria", suggester="rules")
        assert len(p.codings()) == before
        assert not any(c.is_model for c in p.coders())


def test_cli_as_coder_and_exclude_models_on_agree_and_disagreements(tmp_path):
    _project(tmp_path / "p.db")
    db = str(tmp_path / "p.db")
    run = CliRunner().invoke(
        cli, ["-p", db, "suggest", "as-coder", "bot", "--suggester", "rules", "--format", "json"]
    )
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["written"] == 57
    out = CliRunner().invoke(
        cli, ["-p", db, "agree", "--unit", "sentence", "--exclude-models", "--format", "json"]
    )
    assert json.loads(out.output)["coders"] == ["james", "maria"]
    with Project.open(tmp_path / "p.db") as p:
        all_items = disagreements(p, unit="sentence")
        human_items = disagreements(p, unit="sentence", exclude_models=True)
    assert {i.code for i in all_items} == {"Talk"}
    assert len(human_items) == 30 < len(all_items)  # maria 1-10, james 6-15, per interview


def test_a_named_model_coder_is_left_out_with_exclude_models(tmp_path):
    _project(tmp_path / "p.db")
    with Project.open(tmp_path / "p.db") as p:
        write_model_coder(p, "model", suggester="rules")
        with pytest.raises(WorkbenchError, match="at least two coders"):
            agreement(p, unit="sentence", coders=["model", "maria"], exclude_models=True)
        kept = agreement(
            p, unit="sentence", coders=["model", "maria", "james"], exclude_models=True
        )
    assert kept.coders == ("maria", "james")


def test_exclude_models_on_figures_leaves_the_models_codings_out(tmp_path):
    _project(tmp_path / "p.db")
    with Project.open(tmp_path / "p.db") as p:
        p.conn.execute(
            "UPDATE codes SET keywords = ? WHERE name = 'Silence'", ('{"en": ["here"]}',)
        )
        write_model_coder(p, "model", suggester="rules")  # Talk and Silence on one sentence
    db = str(tmp_path / "p.db")

    def pairs(*extra: str) -> str:
        out = CliRunner().invoke(cli, ["-p", db, "cooccur", "--format", "json", *extra])
        assert out.exit_code == 0, out.output
        return out.output

    assert "Silence" in pairs()
    assert "Silence" not in pairs("--exclude-models")
    assert pairs("--exclude-models") == pairs("--coder", "maria", "--coder", "james")
