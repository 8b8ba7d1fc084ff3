"""A small, fully known project for the interchange and export tests.

Two interviews in two cases (with typed attributes), a nested codebook with colours and
criteria, codings by two coders, and a memo of every kind. The numbers the tests check are
worked out by hand from the texts below.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.core_helpers import INTERVIEW
from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.ops.codes import add_code
from workbench.ops.coding import add_memo, apply_code
from workbench.ops.documents import add_document
from workbench.store.connection import now
from workbench.store.project import Project

ROSA = INTERVIEW  # the same interview the core tests use
JUAN = (
    "Interviewer: Who takes part in the council?\n\n"
    "Juan: Civil society has two seats. Participación comunitaria is weak.\n\n"
    "Interviewer: Why?\n\n"
    "Juan: Nobody publishes the minutes. Lima decided everything."
)


def turns_of(text: str) -> list[ParsedTurn]:
    """One turn per ``Name: utterance`` paragraph (whole paragraph, label included)."""
    turns, pos = [], 0
    for para in text.split("\n\n"):
        start = text.index(para, pos)
        turns.append(ParsedTurn(start, start + len(para), para.split(":", 1)[0]))
        pos = start + len(para)
    return turns


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def set_attribute(project: Project, case: str, name: str, typ: str, value: str) -> None:
    with project.transaction():
        case_id = project.case_id(case)
        row = project.conn.execute("SELECT id FROM attributes WHERE name = ?", (name,)).fetchone()
        attr_id = (
            row[0]
            if row
            else project.conn.execute(
                "INSERT INTO attributes (name, type) VALUES (?, ?)", (name, typ)
            ).lastrowid
        )
        project.conn.execute(
            "INSERT OR REPLACE INTO case_attributes (case_id, attribute_id, value) VALUES (?,?,?)",
            (case_id, attr_id, value),
        )


# (document, code, coder, phrase)
CODINGS = [
    (
        "rosa",
        "Representation/Selecting representatives",
        "maria",
        "We held an election in each province.",
    ),
    ("rosa", "Representation/Seat allocation", "maria", "The seats were shared by sector."),
    ("rosa", "Representation/Seat allocation", "james", "The seats were shared by sector."),
    ("rosa", "Decentralization/Budget execution", "maria", "The region executed only half of it."),
    ("rosa", "Decentralization/Central dependency", "james", "Lima decided the rest."),
    ("juan", "Representation/Seat allocation", "maria", "Civil society has two seats."),
    ("juan", "Participation", "james", "Participación comunitaria is weak."),
    ("juan", "Transparency", "maria", "Nobody publishes the minutes."),
    ("juan", "Decentralization/Central dependency", "maria", "Lima decided everything."),
]


def build(project: Project) -> Project:
    """Fill ``project`` with the fixture; return it."""
    add_document(project, ParsedTranscript(ROSA, turns_of(ROSA)), name="rosa", case="DRS01")
    add_document(project, ParsedTranscript(JUAN, turns_of(JUAN)), name="juan", case="COM01")
    set_attribute(project, "DRS01", "region", "text", "Piura")
    set_attribute(project, "DRS01", "age", "integer", "52")
    set_attribute(project, "DRS01", "official", "boolean", "true")
    set_attribute(project, "DRS01", "interviewed", "date", "2024-03-05")
    set_attribute(project, "DRS01", "weight", "float", "1.5")
    set_attribute(project, "COM01", "region", "text", "Piura")
    set_attribute(project, "COM01", "age", "integer", "37")
    set_attribute(project, "COM01", "official", "boolean", "false")
    add_code(project, "Representation", colour="#1F77B4", description="Who speaks for whom.")
    add_code(
        project,
        "Representation/Selecting representatives",
        colour="#AEC7E8",
        inclusion="how members are chosen",
        exclusion="seat numbers",
    )
    add_code(project, "Representation/Seat allocation")
    add_code(project, "Decentralization/Budget execution", colour="#FF7F0E")
    add_code(project, "Decentralization/Central dependency")
    add_code(project, "Participation", description="Taking part.")
    add_code(project, "Transparency")
    add_code(project, "Unused/Never coded")
    texts = {"rosa": ROSA, "juan": JUAN}
    ids = []
    for doc, code, coder, phrase in CODINGS:
        start, end = span(texts[doc], phrase)
        ids.append(apply_code(project, doc, code, start, end, coder=coder))
    add_memo(project, "project", None, "Pilot round of interviews.", coder="maria", title="About")
    add_memo(
        project, "document", project.document("rosa").id, "Rosa was in a hurry.", coder="james"
    )
    add_memo(project, "code", project.code("Transparency").id, "Split this code later.")
    add_memo(project, "coding", ids[0], "Clear case of an election.", coder="maria")
    return project


def snapshot(project: Project) -> dict:
    """Everything a round trip must keep, in a form independent of row ids."""
    codes = {
        c.path: (c.colour, c.description, c.inclusion, c.exclusion, c.guid) for c in project.codes()
    }
    by_id = {c.id: c.path for c in project.codes()}
    docs = {d.id: d.name for d in project.documents()}
    coders = {c.id: c.name for c in project.coders()}
    codings = sorted(
        (docs[c.document_id], by_id[c.code_id], coders[c.coder_id], c.start, c.end)
        for c in project.codings()
    )
    coding_key = {
        c.id: (docs[c.document_id], by_id[c.code_id], coders[c.coder_id], c.start, c.end)
        for c in project.codings()
    }

    def target(memo):
        if memo.target_type == "document":
            return docs[memo.target_id]
        if memo.target_type == "code":
            return by_id[memo.target_id]
        if memo.target_type == "coding":
            return coding_key[memo.target_id]
        return None

    memos = sorted(
        (m.target_type, str(target(m)), m.text, coders.get(m.coder_id), m.title)
        for m in project.memos()
    )
    cases = {c.name: c.attributes for c in project.cases()}
    doc_cases = {
        d.name: next((c.name for c in project.cases() if c.id == d.case_id), None)
        for d in project.documents()
    }
    texts = {d.name: project.text(d.id) for d in project.documents()}
    return {
        "codes": codes,
        "codings": codings,
        "memos": memos,
        "cases": cases,
        "doc_cases": doc_cases,
        "texts": texts,
    }


def make_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    """Write a zip with the given members (text is encoded as UTF-8)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    path.write_bytes(buf.getvalue())
    return path


def stamp() -> str:
    return now()
