"""Suggestions, review decisions and the undo history survive our own .qdpx round trip.

The demo gets what its build never has: suggestions (one accepted into a coding, some
rejected), a reconciliation decision, and a history of single- and multi-change actions
(a code merge moving codings and memos, a coding removed with its memo, a memo edited, a
case set), some undone. After export and import into a new project the tables are compared
row by row through identities (GUIDs, names), never ids; then the history is walked: every
undo and redo in the copy must change it exactly as in the original.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.test_refi_lossless import tables
from workbench.interop.qdpx import export_qdpx, import_qdpx
from workbench.ops.cases import set_document_case
from workbench.ops.codes import add_code, merge_codes, rename_code
from workbench.ops.coding import add_memo, apply_code, edit_memo, remove_coding
from workbench.ops.demo import build_demo
from workbench.ops.reconcile import disagreements, resolve
from workbench.store.errors import InputFileError
from workbench.store.project import Project
from workbench.suggest.review import accept, list_suggestions, reject
from workbench.suggest.run import run_suggestions

BUDGET = "Decentralization/Budget execution"


def state(p: Project) -> dict[str, Any]:
    """Every table the round trip carries, rows named by identity rather than by id."""
    q = p.conn.execute
    doc = dict(q("SELECT id, guid FROM documents"))
    code = dict(q("SELECT id, guid FROM codes"))
    coder = dict(q("SELECT id, name FROM coders"))
    coding = dict(q("SELECT id, guid FROM codings"))
    out = tables(p)
    out["settings"] = {k: v for k, v in out["settings"].items() if "reserved-id" not in k}
    out["suggestions"] = sorted(
        (doc[d], code[c], s, e, score, how, why, status, coder.get(k), coding.get(g), t0, t1)
        for d, c, s, e, score, how, why, status, k, g, t0, t1 in q(
            'SELECT document_id, code_id, start, "end", score, suggester, reason, status, '
            "coder_id, coding_id, created_at, decided_at FROM suggestions"
        )
    )
    out["reconcile_decisions"] = sorted(
        (who, doc[d], *rest)
        for who, d, *rest in q(
            'SELECT consensus, document_id, unit, start, "end", code, choice, decided_at '
            "FROM reconcile_decisions"
        )
    )
    # the history, after what the import itself logged (in the copy)
    out["actions"] = [
        (t, coder.get(k), kind, what, undone, (changes != "null", len(json.loads(changes) or [])))
        for t, k, kind, what, undone, changes in q(
            "SELECT created_at, coder_id, kind, description, undone, changes FROM actions "
            "WHERE id > (SELECT ifnull(max(id), 0) FROM actions WHERE kind = 'import-qdpx') "
            "ORDER BY id"
        )
    ]
    return out


def work(p: Project) -> None:
    """What a team does after the demo is built, each step one action of the log."""
    run_suggestions(p, documents=["DRS01"], suggester="rules")
    first, second, third = list_suggestions(p, "DRS01")[:3]
    accept(p, first.id, "maria")
    reject(p, second.id, "james")
    reject(p, third.id, "maria")
    item = disagreements(p, coders=["maria", "james"], unit="sentence", document="DRS02")[0]
    resolve(p, item, "a")
    add_code(p, "Decentralization/Fiscal transfers")
    coding = apply_code(p, "DRS01", "Decentralization/Fiscal transfers", 10, 60, coder="maria")
    memo = add_memo(p, "coding", coding, "transfers arrive late", coder="maria")
    edit_memo(p, memo, "transfers arrive late, every year")
    add_memo(p, "code", p.code(BUDGET).id, "spending, not planning", coder="james")
    merge_codes(p, BUDGET, "Decentralization/Fiscal transfers")  # moves codings and memos
    doomed = apply_code(p, "NGO01", "Transparency/Corruption", 5, 40, coder="james")
    add_memo(p, "coding", doomed, "check the date", coder="james")
    p.acting_coder = "james"
    remove_coding(p, doomed)  # the coding and its memo, in one action (james's)
    p.acting_coder = None
    set_document_case(p, "NGO01", "NGO-shared")
    rename_code(p, "Transparency/Corruption", "Graft")
    assert p.undo() and p.undo()  # the rename and the case: undone, waiting for redo


@pytest.fixture(scope="module")
def trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("history")
    build_demo(folder)
    with Project.open(folder / "workbench.db") as original:
        work(original)
        export_qdpx(original, folder / "study.qdpx")
    with Project.open(folder / "copy.db") as copy:
        report = import_qdpx(copy, folder / "study.qdpx")
    assert report.skipped == [], report.skipped
    return folder / "workbench.db", folder / "copy.db", folder / "study.qdpx"


@pytest.mark.parametrize("table", ["suggestions", "reconcile_decisions", "actions", "codings"])
def test_the_round_trip_keeps_the_table(trip, table):
    original, copy, _ = trip
    with Project.open(original, read_only=True) as a, Project.open(copy, read_only=True) as b:
        before, after = state(a), state(b)
    assert before[table], f"nothing in {table}: the comparison would prove nothing"
    assert after[table] == before[table]


def test_the_suggestions_keep_their_decisions_and_ids(trip):
    original, copy, _ = trip
    with Project.open(original, read_only=True) as a, Project.open(copy, read_only=True) as b:
        statuses = [s.status for s in list_suggestions(b, status="all")]
        assert statuses.count("accepted") == 1 and statuses.count("rejected") == 2
        # a new project keeps each suggestion's id, which the accepted coding's source names
        accepted = b.conn.execute(
            "SELECT s.id, c.source FROM suggestions s JOIN codings c ON c.id = s.coding_id"
        ).fetchall()
        assert accepted == [(accepted[0][0], f"suggestion:{accepted[0][0]}")]
        ids = a.conn.execute("SELECT id FROM suggestions ORDER BY id").fetchall()
        assert b.conn.execute("SELECT id FROM suggestions ORDER BY id").fetchall() == ids


def test_undo_and_redo_walk_the_copy_as_the_original(trip, tmp_path):
    """Every step of the restored history does in the copy what it does in the original,
    past the code merge and the removal that the copy has no row ids of its own for."""
    original, copy, _ = trip
    a_path, b_path = tmp_path / "a.db", tmp_path / "b.db"
    for src, dst in ((original, a_path), (copy, b_path)):
        with Project.open(src, read_only=True) as p:
            p.conn.execute(f"VACUUM INTO '{dst}'")
    steps = []
    with Project.open(a_path) as a, Project.open(b_path) as b:
        assert state(b) == state(a)
        redone = a.redo()  # the case set, undone after the rename: redo takes it first
        assert redone is not None and b.redo() == redone
        assert state(b) == state(a)
        while True:
            done_a, done_b = a.undo(), b.undo()
            assert done_b == done_a
            if done_a is None:
                break
            steps.append(done_a)
            assert state(b) == state(a), done_a
        assert any("merge" in s for s in steps) and any("remove" in s for s in steps), steps
        assert a.undo_barrier() == b.undo_barrier() is not None  # the demo's own import
        for _ in steps:
            assert b.redo() == a.redo()
            assert state(b) == state(a)


def test_a_merge_keeps_this_projects_history(trip, tmp_path):
    original, _, qdpx = trip
    target = tmp_path / "target.db"
    with Project.open(original, read_only=True) as p:
        p.conn.execute(f"VACUUM INTO '{target}'")
    with Project.open(target) as p:
        suggestions = p.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0]
        report = import_qdpx(p, qdpx, merge=True)
        # nothing came after the import's own entry: no second history appended
        last = p.conn.execute("SELECT kind FROM actions ORDER BY id DESC LIMIT 1").fetchone()
        assert last == ("import-qdpx",)
        # the same suggestions on the same spans are not added twice
        assert p.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0] == suggestions
    assert any("history" in note and "not merged" in note for note in report.notes)


def _with_extension(qdpx: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(qdpx) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "workbench/extension.json":
                ext = json.loads(data)
                change(ext)
                data = json.dumps(ext).encode()
            dst.writestr(item, data)
    return out


def _smuggle_column(ext: dict) -> None:
    action = next(a for a in ext["history"] if a["changes"])
    change = action["changes"][0]
    values = change["row"] if "row" in change else change["after"]
    values['x" ) VALUES (1); --'] = 1


@pytest.mark.parametrize(
    "change",
    [
        _smuggle_column,
        lambda ext: ext["history"][-1]["changes"].append({"table": "users", "op": "delete"}),
        lambda ext: ext.update(history={"not": "a list"}),
        lambda ext: ext["suggestions"].append("a string"),
        lambda ext: ext["suggestions"][0].update(score="high", status="maybe"),
    ],
)
def test_a_damaged_history_is_one_error_and_changes_nothing(trip, tmp_path, change):
    _, _, qdpx = trip
    bad = _with_extension(qdpx, tmp_path / "bad.qdpx", change)
    with Project.open(tmp_path / "new.db") as p:
        with pytest.raises(InputFileError, match="extension"):
            import_qdpx(p, bad)
        for table in ("documents", "codings", "suggestions", "actions"):
            assert p.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_an_unidentifiable_history_is_left_out_with_a_note(trip, tmp_path):
    _, _, qdpx = trip

    def drop(ext: dict) -> None:
        ext["history"] = None
        ext["history_note"] = "rows of 'media' have no identity across projects"

    edited = _with_extension(qdpx, tmp_path / "edited.qdpx", drop)
    with Project.open(tmp_path / "new.db") as p:
        report = import_qdpx(p, edited)
        assert p.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0] > 0
        last = p.conn.execute("SELECT kind FROM actions ORDER BY id DESC LIMIT 1").fetchone()
        assert last == ("import-qdpx",)  # only what the import itself logged
    assert any("'media'" in note for note in report.notes)


def test_ids_the_history_needs_stay_free_for_its_undo(trip, tmp_path):
    """The coding james removed is not in the copy, but undoing his removal brings it back
    under the id the history gave it: a coding made after the import must not take that id."""
    _, copy, _ = trip
    work_copy = tmp_path / "work.db"
    with Project.open(copy, read_only=True) as p:
        p.conn.execute(f"VACUUM INTO '{work_copy}'")
    with Project.open(work_copy) as p:
        for start in (100, 200, 300):  # new work by someone else, after the import
            apply_code(p, "DRS01", "Transparency/Corruption", start, start + 20, coder="zed")
        undone = []
        while (step := p.undo("james")) is not None and "remove" not in step:
            undone.append(step)
        assert step is not None, undone  # james's removal, undone
        back = p.conn.execute(
            "SELECT count(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE k.name = 'james' AND c.start = 5 AND c.\"end\" = 40"
        ).fetchone()[0]
        assert back == 1
        assert (
            p.conn.execute(
                "SELECT count(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = 'zed'"
            ).fetchone()[0]
            == 3
        )
