"""Nothing from another tool's project is dropped without a word.

Fixtures in ``fixtures/interop``: ``nvivo12`` (a second user who coded nothing, dates and
creators on the ``PlainTextSelection`` rather than the ``Coding``, a source without a name, a
set of sources and a graph) and ``qualcoder`` (dates written as ``...+00:00Z``).
"""

from __future__ import annotations

from refi_helpers import build, make_zip
from test_refi_positions import fixture_qdpx

from workbench.interop.qdpx import export_qdpx, import_qdpx
from workbench.store.project import Project


def test_uncoded_user_is_kept_as_a_coder(project, tmp_path):
    report = import_qdpx(project, fixture_qdpx("nvivo12", tmp_path))
    assert sorted(c.name for c in project.coders()) == ["Kovács Anna", "Szabó Péter"]
    assert sorted(report.coders) == ["Kovács Anna", "Szabó Péter"]
    assert "2 coders" in report.summary()


def test_dates_and_creator_from_the_selection(project, tmp_path):
    import_qdpx(project, fixture_qdpx("nvivo12", tmp_path))
    names = {c.id: c.name for c in project.coders()}
    codings = sorted(project.codings(), key=lambda c: c.start)
    assert [c.created_at for c in codings[:3]] == [
        "2023-05-11T09:11:00Z",
        "2023-05-12T09:12:00Z",
        "2023-05-13T09:13:00Z",
    ]
    assert {names[c.coder_id] for c in codings} == {"Kovács Anna"}


def test_source_without_name_takes_its_file_name(project, tmp_path):
    report = import_qdpx(project, fixture_qdpx("nvivo12", tmp_path))
    assert [d.name for d in project.documents()] == ["Interju_HU01"]
    assert any("called 'Interju_HU01'" in n for n in report.notes)


def test_ignored_elements_are_counted(project, tmp_path):
    report = import_qdpx(project, fixture_qdpx("nvivo12", tmp_path))
    assert report.ignored == {"set": 1, "graph": 1}
    assert "ignored: 1 set, 1 graph" in report.summary()


def test_ignored_counts_every_kind(project, tmp_path):
    qde = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>About</Description>'
        '<Variables><Variable guid="11111111-0000-0000-0000-000000000001" name="v" '
        'typeOfVariable="Text"><Description>What v is</Description></Variable></Variables>'
        '<Sources><PictureSource guid="11111111-0000-0000-0000-000000000002" name="p" '
        'path="internal://p.png"/><PDFSource guid="11111111-0000-0000-0000-000000000003" '
        'name="d" path="internal://d.pdf"/><TextSource guid="11111111-0000-0000-0000-0000000'
        '00004" name="t"><PlainTextContent>Hola.</PlainTextContent></TextSource></Sources>'
        '<Links><Link guid="11111111-0000-0000-0000-000000000005"/>'
        '<Link guid="11111111-0000-0000-0000-000000000006"/></Links></Project>'
    )
    report = import_qdpx(project, make_zip(tmp_path / "i.qdpx", {"project.qde": qde}))
    assert report.ignored == {
        "picture source": 1,
        "pdf source": 1,
        "link": 2,
        "variable description": 1,
    }


def test_qualcoder_dates_with_offset_and_z(project, tmp_path):
    report = import_qdpx(project, fixture_qdpx("qualcoder", tmp_path))
    codings = sorted(project.codings(), key=lambda c: c.start)
    assert [c.created_at for c in codings] == [
        "2025-01-01T10:00:00+00:00",
        "2025-01-02T11:30:00+00:00",
    ]
    memo_dates = [r[0] for r in project.conn.execute("SELECT created_at FROM memos")]
    assert memo_dates == ["2025-01-03T08:00:00+00:00"]
    assert sum("+00:00Z" in n for n in report.notes) == 1  # one note, not one per date
    # and the project exports again, valid against the schema
    export_qdpx(project, tmp_path / "again.qdpx")


def test_merge_counts_only_new_cases(tmp_path):
    full = build(Project.memory())
    out = tmp_path / "p.qdpx"
    export_qdpx(full, out)
    report = import_qdpx(full, out, merge=True)
    assert report.cases == 0 and report.coders_added == 0
    assert "0 cases, 0 coders" in report.summary()
    partial = Project.memory()
    partial.case_id("DRS01")
    from refi_helpers import JUAN

    from workbench.ingest.base import ParsedTranscript
    from workbench.ops.documents import add_document

    add_document(partial, ParsedTranscript(JUAN), name="other")
    report = import_qdpx(partial, out, merge=True)
    assert report.cases == 1  # COM01 is new, DRS01 was there


def test_positions_line_names_every_source_even_with_the_same_name(project, tmp_path):
    def src(n: int, text: str) -> str:
        return (
            f'<TextSource guid="11111111-0000-0000-0000-00000000000{n}" name="same">'
            f"<PlainTextContent>{text}</PlainTextContent></TextSource>"
        )

    qde = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources>'
        f"{src(1, 'Hola uno.')}{src(2, 'Hola dos.')}</Sources></Project>"
    )
    report = import_qdpx(project, make_zip(tmp_path / "d.qdpx", {"project.qde": qde}))
    assert report.positions == {"same": "code points", "same (2)": "code points"}
