"""Memos edited after they were written keep both times through REFI-QDA.

Every demo memo was written once (updated = created), so a round trip that wrote or read the
creation time in place of the modification time passed every test. Here each memo has two
different times, on every kind of target, and each must land where it belongs: in
``project.qde`` (``creationDateTime``, ``modifiedDateTime``) and back in the project.
"""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from tests.core_helpers import add_interview
from workbench.guards import xmlsafe
from workbench.interop.qdpx import export_qdpx, import_qdpx
from workbench.ops import coding as coding_ops
from workbench.ops.codes import add_code
from workbench.ops.coding import add_memo, apply_code, edit_memo
from workbench.store.project import Project

TIMES = {
    "project": ("2024-01-05T09:00:00+00:00", "2024-03-01T16:30:00+00:00"),
    "document": ("2024-01-06T10:00:00+00:00", "2024-02-11T08:15:00+00:00"),
    "code": ("2024-01-07T11:00:00+00:00", "2024-04-20T12:00:00+00:00"),
    "coding": ("2024-01-08T12:00:00+00:00", "2024-05-02T17:45:00+00:00"),
}


@pytest.fixture
def edited(tmp_path, monkeypatch):
    path = tmp_path / "memos.db"
    with Project.open(path) as p:
        add_interview(p)
        add_code(p, "Transparency/Access to information")
        coding = apply_code(p, "rosa", "Transparency/Access to information", 0, 12, coder="ana")
        targets = {
            "project": None,
            "document": p.document("rosa").id,
            "code": p.code("Transparency/Access to information").id,
            "coding": coding,
        }
        for kind, target in targets.items():
            created, updated = TIMES[kind]
            monkeypatch.setattr(coding_ops, "now", lambda created=created: created)
            memo = add_memo(p, kind, target, f"first thoughts on the {kind}", coder="ana")
            monkeypatch.setattr(coding_ops, "now", lambda updated=updated: updated)
            edit_memo(p, memo, f"second thoughts on the {kind}")
        export_qdpx(p, tmp_path / "memos.qdpx")
    return tmp_path / "memos.qdpx"


def memo_times(p: Project) -> dict[str, tuple[str, str, str]]:
    return {
        kind: (text, created, updated)
        for kind, text, created, updated in p.conn.execute(
            "SELECT target_type, text, created_at, updated_at FROM memos"
        )
    }


def test_the_archive_says_when_each_memo_was_written_and_edited(edited):
    with zipfile.ZipFile(edited) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    notes = root.findall(f".//{{{xmlsafe.PROJECT_NS}}}Note")
    assert len(notes) == 4
    by_text = {n.findtext(f"{{{xmlsafe.PROJECT_NS}}}PlainTextContent"): n for n in notes}
    for kind, (created, updated) in TIMES.items():
        note = by_text[f"second thoughts on the {kind}"]
        assert note.get("creationDateTime") == created
        assert note.get("modifiedDateTime") == updated


def test_a_round_trip_keeps_both_times_of_every_edited_memo(edited, tmp_path):
    with Project.open(tmp_path / "copy.db") as copy:
        import_qdpx(copy, edited)
        got = memo_times(copy)
    assert got == {
        kind: (f"second thoughts on the {kind}", created, updated)
        for kind, (created, updated) in TIMES.items()
    }
    assert all(created != updated for _, created, updated in got.values())


def test_a_note_without_a_modification_time_was_never_edited(edited, tmp_path):
    """Other tools often leave ``modifiedDateTime`` out: the memo's edit time is then its
    creation time, not the time of the import."""
    changed = tmp_path / "plain.qdpx"
    with zipfile.ZipFile(edited) as src, zipfile.ZipFile(changed, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "project.qde":
                root = etree.fromstring(data)
                for note in root.iter(f"{{{xmlsafe.PROJECT_NS}}}Note"):
                    del note.attrib["modifiedDateTime"]
                data = etree.tostring(root, xml_declaration=True, encoding="utf-8")
            dst.writestr(item, data)
    with Project.open(tmp_path / "copy.db") as copy:
        import_qdpx(copy, changed)
        got = memo_times(copy)
    assert {kind: (c, u) for kind, (_, c, u) in got.items()} == {
        kind: (created, created) for kind, (created, _) in TIMES.items()
    }
