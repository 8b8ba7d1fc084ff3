"""Round trips through REFI-QDA: project -> .qdpx -> new project, and codebook -> .qdc."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree
from refi_helpers import ROSA, build, snapshot

from workbench.guards import xmlsafe
from workbench.interop.ids import coder_guid
from workbench.interop.qdc import export_qdc, load_qdc
from workbench.interop.qdpx import export_qdpx, import_qdpx
from workbench.ops.codes import add_code
from workbench.ops.coding import apply_code
from workbench.store.project import Project


@pytest.fixture
def full(project):
    return build(project)


def schema(name):
    return etree.XMLSchema(etree.parse(str(xmlsafe.SCHEMA_DIR / name)))


def test_qdpx_round_trip_keeps_everything(full, tmp_path):
    out = tmp_path / "p.qdpx"
    summary = export_qdpx(full, out)
    assert (summary.documents, summary.codes, summary.codings, summary.memos) == (2, 10, 9, 4)
    other = Project.memory()
    report = import_qdpx(other, out)
    assert report.skipped == []
    before, after = snapshot(full), snapshot(other)
    assert after["codes"] == before["codes"]  # paths, colours, descriptions, criteria, GUIDs
    assert after["codings"] == before["codings"]  # document, code, coder, offsets
    assert after["memos"] == before["memos"]
    assert after["cases"] == before["cases"]  # typed values: 52, True, 1.5, dates
    assert after["cases"]["DRS01"]["age"] == 52 and after["cases"]["DRS01"]["official"] is True
    assert after["doc_cases"] == {"juan": "COM01", "rosa": "DRS01"}
    assert after["texts"] == before["texts"]
    rosa = other.document("rosa").id
    assert [t.speaker for t in other.turns(rosa)] == ["Interviewer", "Rosa", "Interviewer", "Rosa"]


def test_written_project_validates_and_uses_internal_paths(full, tmp_path):
    out = tmp_path / "p.qdpx"
    export_qdpx(full, out)
    with zipfile.ZipFile(out) as zf:
        qde = etree.fromstring(zf.read("project.qde"))
        assert schema("Project.xsd").validate(qde), schema("Project.xsd").error_log
        ns = {"q": xmlsafe.PROJECT_NS}
        sources = qde.findall(".//q:TextSource", ns)
        assert len(sources) == 2
        for src in sources:
            path = src.get("plainTextPath")
            assert path == f"internal://{src.get('guid')}.txt"
            text = zf.read(f"sources/{src.get('guid')}.txt").decode("utf-8")
            for sel in src.findall("q:PlainTextSelection", ns):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                assert sel.get("name").startswith(text[start:end][:20].replace("\n", " "))
        users = {u.get("name"): u.get("guid") for u in qde.findall(".//q:User", ns)}
        assert users == {"maria": coder_guid("maria"), "james": coder_guid("james")}
        variables = {
            v.get("name"): v.get("typeOfVariable") for v in qde.findall(".//q:Variable", ns)
        }
        assert variables == {
            "age": "Integer",
            "interviewed": "Date",
            "official": "Boolean",
            "region": "Text",
            "weight": "Float",
        }


def test_export_is_stable_for_users_and_cases(full, tmp_path):
    export_qdpx(full, tmp_path / "a.qdpx")
    export_qdpx(full, tmp_path / "b.qdpx")

    def guids(path):
        with zipfile.ZipFile(path) as zf:
            root = etree.fromstring(zf.read("project.qde"))
        return sorted(el.get("guid") for el in root.iter() if el.get("guid"))

    assert guids(tmp_path / "a.qdpx") == guids(tmp_path / "b.qdpx")


def test_merge_matches_documents_codes_and_coders(full, tmp_path):
    out = tmp_path / "p.qdpx"
    export_qdpx(full, out)
    before = snapshot(full)
    report = import_qdpx(full, out, merge=True)
    assert report.matched_documents == 2 and report.documents == 0
    assert report.duplicate_codings == 9 and report.codings == 0 and report.memos == 0
    assert snapshot(full) == before


def test_import_into_non_empty_project_needs_merge(full, tmp_path):
    out = tmp_path / "p.qdpx"
    export_qdpx(full, out)
    with pytest.raises(Exception, match="--merge"):
        import_qdpx(full, out)


def test_qdc_round_trip(full, tmp_path):
    out = tmp_path / "book.qdc"
    assert export_qdc(full, out) == 10
    assert schema("Codebook.xsd").validate(etree.parse(str(out)))
    other = Project.memory()
    report = load_qdc(other, out)
    assert len(report.added) == 10
    assert snapshot(other)["codes"] == snapshot(full)["codes"]
    sets = etree.parse(str(out)).findall(f".//{{{xmlsafe.CODEBOOK_NS}}}Set")
    assert {s.get("name") for s in sets} == {"Representation", "Decentralization", "Unused"}


def test_qdc_load_never_drops_coded_codes(project, tmp_path):
    add_code(project, "Keep/Me")
    from workbench.ingest.base import ParsedTranscript
    from workbench.ops.documents import add_document

    add_document(project, ParsedTranscript(ROSA), name="rosa")
    apply_code(project, "rosa", "Keep/Me", 0, 5, coder="maria")
    out = tmp_path / "other.qdc"
    out.write_text(
        '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="11111111-2222-3333-4444-555555555555" name="New" isCodable="true" '
        'color="#0a0"/></Codes></CodeBook>'
    )
    report = load_qdc(project, out)
    paths = {c.path: c.colour for c in project.codes()}
    assert paths == {"Keep": None, "Keep/Me": None, "New": "#00AA00"}
    assert report.not_in_file == ["Keep", "Keep/Me"]
    assert len(project.codings()) == 1
