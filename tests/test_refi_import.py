"""Importing hand-made .qdpx files that carry the quirks real tools write."""

from __future__ import annotations

import io

from refi_helpers import make_zip

from workbench.interop.qdpx import import_qdpx

G_SRC = "AAAAAAAA-0000-0000-0000-000000000001"
G_SRC2 = "AAAAAAAA-0000-0000-0000-000000000002"
G_CODE = "BBBBBBBB-0000-0000-0000-000000000001"
G_CODE2 = "BBBBBBBB-0000-0000-0000-000000000002"
G_USER = "CCCCCCCC-0000-0000-0000-000000000001"
G_SEL = "DDDDDDDD-0000-0000-0000-00000000000"
G_CODING = "EEEEEEEE-0000-0000-0000-00000000000"


def qde(body: str, *, ns: str | None = "urn:QDA-XML:project:1.0", origin: str = "") -> str:
    xmlns = f' xmlns="{ns}"' if ns else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project{xmlns} name="t" origin="{origin}">'
        f'<Users><User guid="{G_USER}" name="ana"/></Users>'
        f'<CodeBook><Codes><Code guid="{G_CODE}" name="Topic" isCodable="true">'
        f'<Code guid="{G_CODE2}" name="Sub" isCodable="true" color="#abc"/></Code>'
        f"</Codes></CodeBook>{body}</Project>"
    )


def selection(n: int, start: int, end: int, code: str = G_CODE2) -> str:
    return (
        f'<PlainTextSelection guid="{G_SEL}{n}" startPosition="{start}" endPosition="{end}" '
        f'creatingUser="{G_USER}"><Coding guid="{G_CODING}{n}" creatingUser="{G_USER}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


def coded(project) -> list[tuple[str, str, str, str]]:
    paths = {c.id: c.path for c in project.codes()}
    names = {c.id: c.name for c in project.coders()}
    docs = {d.id: d.name for d in project.documents()}
    return sorted(
        (
            docs[c.document_id],
            paths[c.code_id],
            names[c.coder_id],
            project.text(c.document_id)[c.start : c.end],
        )
        for c in project.codings()
    )


def test_uppercase_sources_folder_and_plain_path(project, tmp_path):
    body = (
        f'<Sources><TextSource guid="{G_SRC}" name="one" plainTextPath="{G_SRC}.txt">'
        f"{selection(1, 4, 9)}</TextSource></Sources><Sets/>"
    )
    path = make_zip(
        tmp_path / "a.qdpx", {"project.qde": qde(body), f"Sources/{G_SRC}.txt": "Hay votos aquí."}
    )
    report = import_qdpx(project, path)
    assert coded(project) == [("one", "Topic/Sub", "ana", "votos")]
    assert project.code("Topic/Sub").colour == "#AABBCC"
    assert report.skipped == []


def test_other_namespace_and_no_namespace(project, tmp_path):
    body = (
        f'<Sources><TextSource guid="{G_SRC}" name="one" '
        f'plainTextPath="internal://{G_SRC}.txt">{selection(1, 0, 3)}</TextSource></Sources>'
    )
    for n, ns in enumerate(("urn:QDA-XML:project:1.1", None)):
        from workbench.store.project import Project

        target = Project.memory()
        path = make_zip(
            tmp_path / f"ns{n}.qdpx",
            {"PROJECT.QDE": qde(body, ns=ns), f"sources/{G_SRC}.txt": "Hay votos."},
        )
        import_qdpx(target, path)
        assert coded(target) == [("one", "Topic/Sub", "ana", "Hay")]


def test_docx_only_source(project, tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("Primera línea.")
    doc.add_paragraph("Segunda línea con votos.")
    buf = io.BytesIO()
    doc.save(buf)
    text = "Primera línea.\nSegunda línea con votos."
    start = text.index("votos")
    body = (
        f'<Sources><TextSource guid="{G_SRC}" name="word" '
        f'richTextPath="internal://{G_SRC}.docx">{selection(1, start, start + 5)}'
        "</TextSource></Sources>"
    )
    path = make_zip(
        tmp_path / "d.qdpx", {"project.qde": qde(body), f"sources/{G_SRC}.docx": buf.getvalue()}
    )
    report = import_qdpx(project, path)
    assert project.text(project.document("word").id) == text
    assert coded(project) == [("word", "Topic/Sub", "ana", "votos")]
    assert any("docx" in n for n in report.notes)


def test_crlf_counted_as_one_character(project, tmp_path):
    raw = "Primera linea\r\nSegunda linea\r\nTercera con votos\r\nfin"
    norm = raw.replace("\r\n", "\n")
    one = norm.index("votos")  # ATLAS.ti style: CRLF counts once = normalised offsets
    two = raw.index("votos")  # code points of the raw file: CRLF counts twice
    assert one != two
    body = (
        f'<Sources><TextSource guid="{G_SRC}" name="atlas" '
        f'plainTextPath="internal://{G_SRC}.txt">{selection(1, one, one + 5)}'
        f"{selection(2, one - 12, one - 5, G_CODE)}</TextSource>"
        f'<TextSource guid="{G_SRC2}" name="strict" plainTextPath="internal://{G_SRC2}.txt">'
        f"{selection(3, two, two + 5)}{selection(4, two - 12, two - 5, G_CODE)}"
        "</TextSource></Sources>"
    )
    path = make_zip(
        tmp_path / "c.qdpx",
        {
            "project.qde": qde(body),
            f"sources/{G_SRC}.txt": raw.encode("utf-8"),
            f"sources/{G_SRC2}.txt": (raw + " ").encode("utf-8"),
        },
    )
    report = import_qdpx(project, path)
    assert coded(project) == [
        ("atlas", "Topic", "ana", "Tercera"),
        ("atlas", "Topic/Sub", "ana", "votos"),
        ("strict", "Topic", "ana", "Tercera"),
        ("strict", "Topic/Sub", "ana", "votos"),
    ]
    assert report.positions == {
        "atlas": "code points, CRLF as one",
        "strict": "code points, CRLF as two",
    }
    assert any("'atlas'" in n and "CRLF as one" in n for n in report.notes)
    assert not any("'strict'" in n for n in report.notes)


def test_missing_names_and_inline_text(project, tmp_path):
    book = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="t"><CodeBook><Codes>'
        f'<Code guid="{G_CODE}" isCodable="true"/></Codes></CodeBook>'
        f'<Cases><Case guid="{G_SEL}9"><SourceRef targetGUID="{G_SRC}"/></Case></Cases>'
        f'<Sources><TextSource guid="{G_SRC}"><PlainTextContent>Texto breve.</PlainTextContent>'
        f'<PlainTextSelection guid="{G_SEL}1" startPosition="0" endPosition="5">'
        f'<Coding guid="{G_CODING}1"><CodeRef targetGUID="{G_CODE}"/></Coding>'
        "</PlainTextSelection></TextSource></Sources></Project>"
    )
    path = make_zip(tmp_path / "n.qdpx", {"project.qde": book})
    report = import_qdpx(project, path)
    assert coded(project) == [("Source 1", "Unnamed code 1", "imported", "Texto")]
    assert [c.name for c in project.cases()] == ["Case 1"]
    assert project.document("Source 1").case_id == project.cases()[0].id
    assert len(report.notes) >= 3


def test_skipped_items_are_reported_with_reasons(project, tmp_path):
    body = (
        "<Sources>"
        f'<PictureSource guid="{G_SRC2}" name="photo" path="internal://x.png"/>'
        f'<TextSource guid="{G_SRC}" name="one" plainTextPath="internal://{G_SRC}.txt">'
        f"{selection(1, 0, 3, 'FFFFFFFF-0000-0000-0000-000000000000')}"
        f"{selection(2, 5, 500)}{selection(3, 0, 3)}</TextSource>"
        '<TextSource guid="AAAAAAAA-0000-0000-0000-000000000009" name="lost" '
        'plainTextPath="internal://nowhere.txt"/></Sources>'
    )
    path = make_zip(
        tmp_path / "s.qdpx", {"project.qde": qde(body), f"sources/{G_SRC}.txt": "Hay votos."}
    )
    report = import_qdpx(project, path)
    assert coded(project) == [("one", "Topic/Sub", "ana", "Hay")]
    text = "\n".join(report.skipped)
    assert "PictureSource 'photo': only text sources" in text
    assert "is not in the codebook" in text
    assert "lies outside the text" in text
    assert "source 'lost'" in text and "not in the archive" in text
    assert len(report.skipped) == 4


def test_boolean_values_written_as_digits_are_read(project, tmp_path):
    """xs:boolean allows ``1`` and ``0`` as well as ``true`` and ``false`` (any case); other
    text is skipped with its reason rather than guessed."""
    var = "99999999-0000-0000-0000-000000000001"
    values = [("one", "1"), ("zero", "0"), ("upper", "TRUE"), ("odd", "yes")]
    cases = "".join(
        f'<Case guid="{G_SEL}{n}" name="{name}"><VariableValue>'
        f'<VariableRef targetGUID="{var}"/><BooleanValue>{value}</BooleanValue>'
        "</VariableValue></Case>"
        for n, (name, value) in enumerate(values)
    )
    body = (
        f'<Variables><Variable guid="{var}" name="official" typeOfVariable="Boolean"/>'
        f"</Variables><Cases>{cases}</Cases>"
    )
    report = import_qdpx(project, make_zip(tmp_path / "b.qdpx", {"project.qde": qde(body)}))
    official = {c.name: c.attributes.get("official") for c in project.cases()}
    assert official == {"one": True, "zero": False, "upper": True, "odd": None}
    assert any("'odd'" in s and "is not a valid boolean" in s for s in report.skipped)
