"""The quotation report: grouping, provenance of each quotation, filters, and the three formats."""

from __future__ import annotations

import pytest
from refi_helpers import ROSA, build

from workbench.export.reports import export_quotations, quotations
from workbench.store.errors import WorkbenchError


@pytest.fixture
def full(project):
    return build(project)


def test_sections_follow_the_codebook_and_skip_uncoded(full):
    sections = quotations(full)
    assert [s.path for s in sections] == [
        "Representation",
        "Representation/Selecting representatives",
        "Representation/Seat allocation",
        "Decentralization",
        "Decentralization/Budget execution",
        "Decentralization/Central dependency",
        "Participation",
        "Transparency",
    ]
    assert "Unused" not in [s.path for s in sections]
    seat = next(s for s in sections if s.path == "Representation/Seat allocation")
    assert [(q.document, q.coders) for q in seat.quotations] == [
        ("juan", ["maria"]),
        ("rosa", ["maria", "james"]),
    ]


def test_each_quotation_has_document_speaker_case_and_position(full):
    q = next(
        s for s in quotations(full) if s.path == "Representation/Selecting representatives"
    ).quotations[0]
    start = ROSA.index("We held")
    assert (q.document, q.case, q.speaker) == ("rosa", "DRS01", "Rosa")
    assert (q.start, q.end) == (start, start + len("We held an election in each province."))
    assert q.turn == 2 and q.sentence == 2  # after the interviewer's question
    assert q.source_line() == (
        f"rosa (case DRS01), Rosa, {q.start}–{q.end}, sentence 2, turn 2; coded by maria"
    )


def test_filters_by_coder_case_attribute_and_codes(full):
    james = quotations(full, coder="james")
    assert sum(len(s.quotations) for s in james) == 3
    official = quotations(full, where={"official": "TRUE"})
    assert {q.document for s in official for q in s.quotations} == {"rosa"}
    decentral = quotations(full, codes=["Decentralization"])
    assert [s.path for s in decentral][0] == "Decentralization"
    assert sum(len(s.quotations) for s in decentral) == 3
    with pytest.raises(WorkbenchError, match="no case attribute 'nope' \\(attributes: "):
        quotations(full, where={"nope": "x"})


def test_markdown_html_and_docx(full, tmp_path):
    assert export_quotations(full, tmp_path / "q.md", coder="maria") == 6
    md = (tmp_path / "q.md").read_text(encoding="utf-8")
    assert "### Representation/Seat allocation" in md
    assert "> The seats were shared by sector." in md
    assert "Selection: coder maria" in md
    assert "coded by james" not in md

    export_quotations(full, tmp_path / "q.html", where={"region": "piura"})
    html = (tmp_path / "q.html").read_text(encoding="utf-8")
    assert "<h3>Representation/Seat allocation</h3>" in html
    assert "Participación comunitaria is weak." in html
    assert "juan (case COM01), Juan" in html

    export_quotations(full, tmp_path / "q.docx", codes=["Transparency"])
    from docx import Document

    paras = [p.text for p in Document(str(tmp_path / "q.docx")).paragraphs]
    assert "Transparency" in paras
    assert "Nobody publishes the minutes." in paras
    assert any(p.startswith("— juan (case COM01), Juan,") for p in paras)
    with pytest.raises(WorkbenchError, match=".md, .html or .docx"):
        export_quotations(full, tmp_path / "q.pdf")
