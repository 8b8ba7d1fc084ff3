"""The app's parts that need no screen: layout, search, progress, action registry, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tui_helpers import build_project, transcript

from workbench.ops.progress import covered, document_progress
from workbench.ops.search import code_hits, find_in_text, search
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.tui.action_spec import SCOPES
from workbench.tui.action_table import ACTIONS
from workbench.tui.actions import BY_ID, bindings, load_keymap, markdown_table
from workbench.tui.textlayout import BLANK, SPEAKER, TEXT, build_layout, wrap_line

REPO = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ layout


def test_wrap_breaks_after_spaces_and_cuts_long_words() -> None:
    text = "aaa bbb ccc dddddddddddd"
    pieces = wrap_line(text, 0, len(text), 8)
    assert [text[a:b] for a, b in pieces] == ["aaa bbb ", "ccc ", "dddddddd", "dddd"]
    # pieces tile the line: no character lost or repeated
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))


def test_layout_sets_turns_apart_and_maps_offsets() -> None:
    parsed = transcript([("Interviewer", "Hello there."), ("DRS01", "Hi.\nSecond line.")])
    turns = [(t.start, t.end, t.speaker) for t in parsed.turns]
    layout = build_layout(parsed.text, turns, 40)
    kinds = layout.kinds
    assert kinds == [TEXT, BLANK, TEXT, TEXT]
    # the speaker's name starts the text, so it is styled in place, not repeated
    assert layout.label_spans == {0: len("Interviewer"), 2: len("DRS01")}
    text = parsed.text
    assert text[layout.starts[3] : layout.ends[3]] == "Second line."
    # every offset of a turn maps to the text line that shows it
    for offset in range(parsed.turns[1].start, parsed.turns[1].end):
        line = layout.line_of(offset)
        assert kinds[line] == TEXT
        assert layout.starts[line] <= offset <= layout.ends[line]


def test_layout_adds_a_label_line_when_the_text_lacks_the_speaker() -> None:
    text = "How are you?\n\nFine."
    layout = build_layout(text, [(0, 12, "Q"), (14, 19, "A")], 40)
    assert layout.kinds == [SPEAKER, TEXT, BLANK, SPEAKER, TEXT]
    assert layout.labels == {0: "Q", 3: "A"}
    assert layout.line_of(15) == 4


def test_layout_without_turns_shows_everything() -> None:
    text = "one two three four five six seven"
    layout = build_layout(text, [], 10)
    shown = "".join(text[a:b] for a, b in zip(layout.starts, layout.ends, strict=True))
    assert shown == text


# ------------------------------------------------------------------ search


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build_project(tmp_path / "p.db")


def test_search_finds_sentences_with_every_word(project_path: Path) -> None:
    with Project.open(project_path) as project:
        hits = search(project, "budget")
        assert [(h.document, h.text.split()[1]) for h in hits][0][0] == "DRS01"
        assert len(hits) == 3
        assert all("budget" in h.text.lower() for h in hits)
        assert [h.document for h in search(project, "budget published")] == ["NGO01"]
        # FTS syntax in user text is quoted, not interpreted
        assert search(project, 'budget" OR "x') == []
        assert search(project, "   ") == []


def test_code_hits_is_one_undoable_action_and_skips_repeats(project_path: Path) -> None:
    with Project.open(project_path) as project:
        hits = search(project, "budget")
        assert code_hits(project, hits, "Transparency/Access to information", coder="maria") == 3
        assert code_hits(project, hits, "Transparency/Access to information", coder="maria") == 0
        code_id = project.code("Transparency/Access to information").id
        assert len(project.codings(code_id=code_id)) == 3
        project.undo()  # the second (empty) batch
        project.undo()
        assert project.codings(code_id=code_id) == []
        with pytest.raises(WorkbenchError):
            code_hits(project, [], "Transparency/Access to information")


def test_find_in_text_is_literal_and_case_blind() -> None:
    assert find_in_text("A.b a.B ab", "a.b") == [(0, 3), (4, 7)]
    assert find_in_text("abc", "  ") == []


def test_progress_counts_union_of_spans(project_path: Path) -> None:
    assert covered([(0, 10), (5, 15), (20, 25), (21, 22)]) == 20
    with Project.open(project_path) as project:
        rows = {r.name: r for r in document_progress(project)}
        drs = rows["DRS01"]
        assert drs.coders["james"].codings == 1
        assert drs.coders["james"].coded_chars == len("The budget stayed in Lima for two years.")
        assert drs.coders["maria"].codings == 0
        assert rows["NGO01"].words == len(project.text(2).split())


def test_core_modules_do_not_import_the_ui() -> None:
    # (click comes in with sqlite-utils itself, so only the UI libraries are checked here)
    code = (
        "import sys, workbench.ops.search, workbench.ops.progress; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importing_the_tui_package_is_lazy() -> None:
    code = "import sys, workbench.tui; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------- actions


def test_action_ids_are_unique_and_scoped() -> None:
    assert len(BY_ID) == len(ACTIONS)
    assert {a.scope for a in ACTIONS} <= set(SCOPES)
    assert {b.id for b in bindings("coding")} == {
        a.id for a in ACTIONS if a.scope == "coding" and a.keys
    }


def test_every_bound_action_exists_on_its_target() -> None:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.agreement import AgreementScreen, ReconcileScreen
    from workbench.tui.screens.codebook import CodebookScreen
    from workbench.tui.screens.coding import CodingScreen
    from workbench.tui.screens.cooccurrence import CooccurrenceScreen, QuotationsModal
    from workbench.tui.screens.documents import DocumentsScreen
    from workbench.tui.screens.pseudonymise import PseudonymiseScreen
    from workbench.tui.screens.search import SearchScreen
    from workbench.tui.screens.segments import SegmentsScreen
    from workbench.tui.screens.suggestions import SuggestionsScreen
    from workbench.tui.widgets.transcript import TranscriptView

    targets = {
        "app": WorkbenchApp,
        "documents": DocumentsScreen,
        "coding": CodingScreen,
        "transcript": TranscriptView,
        "codebook": CodebookScreen,
        "search": SearchScreen,
        "cooccurrence": CooccurrenceScreen,
        "quotations": QuotationsModal,
        "agreement": AgreementScreen,
        "reconcile": ReconcileScreen,
        "suggestions": SuggestionsScreen,
        "segments": SegmentsScreen,
        "pseudonymise": PseudonymiseScreen,
    }
    for action in ACTIONS:
        name = action.action.split("(")[0]
        assert hasattr(targets[action.scope], f"action_{name}"), action.id


def test_keymap_file_toml_json_and_errors(tmp_path: Path) -> None:
    toml = tmp_path / "keys.toml"
    toml.write_text('apply-code = "enter, a"\n[keys]\n', encoding="utf-8")
    assert load_keymap(toml) == {"apply-code": "enter,a"}
    toml.write_text('[keys]\napply-code = "enter, a"\nundo = ["ctrl+z", "u"]\n', encoding="utf-8")
    assert load_keymap(toml) == {"apply-code": "enter,a", "undo": "ctrl+z,u"}
    js = tmp_path / "keys.json"
    js.write_text(json.dumps({"redo": "ctrl+r"}), encoding="utf-8")
    assert load_keymap(js) == {"redo": "ctrl+r"}
    bad = tmp_path / "bad.toml"
    bad.write_text('aply-code = "a"\n', encoding="utf-8")
    with pytest.raises(WorkbenchError, match="aply-code") as info:
        load_keymap(bad)
    assert info.value.source == str(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("apply-code = \n", encoding="utf-8")
    with pytest.raises(WorkbenchError):
        load_keymap(broken)
    assert load_keymap(tmp_path / "missing.toml") == {}


def test_keymap_path_follows_environment(tmp_path: Path, monkeypatch) -> None:
    from workbench.tui.actions import keymap_path

    monkeypatch.setenv("WORKBENCH_KEYS", str(tmp_path / "k.toml"))
    assert keymap_path() == tmp_path / "k.toml"
    monkeypatch.delenv("WORKBENCH_KEYS")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert keymap_path() == tmp_path / "workbench" / "keys.toml"


def test_docs_key_tables_match_the_registry() -> None:
    doc = (REPO / "docs" / "tui.md").read_text(encoding="utf-8")
    start = doc.index("<!-- keys:start -->\n") + len("<!-- keys:start -->\n")
    end = doc.index("<!-- keys:end -->")
    assert doc[start:end] == markdown_table(), "regenerate with python -m workbench.tui.actions"


# --------------------------------------------------------------------- CLI


def test_tui_command_refuses_a_missing_project(tmp_path: Path) -> None:
    from workbench.cli import cli

    result = CliRunner().invoke(cli, ["--project", str(tmp_path / "none.db"), "tui"])
    assert result.exit_code != 0
    assert "no project here" in str(result.exception)
    assert not (tmp_path / "none.db").exists()
