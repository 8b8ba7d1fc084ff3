"""A small study for the selection tests: four interviews whose documents can be told apart in
every command's output, because each has a code of its own (``Mark/M1`` ... ``Mark/M4``)."""

from __future__ import annotations

from tests.agree_helpers import sentence_doc
from tests.cooccur_helpers import set_attribute
from workbench.ops.cases import set_document_case
from workbench.ops.codes import add_code
from workbench.ops.coding import apply_code, mark_done
from workbench.store.project import Project

# document -> (case, region, sector)
DOCUMENTS = {
    "D1": ("C1", "Piura", "government"),
    "D2": ("C2", "Cusco", "ngo"),
    "D3": ("C3", "Lima", "government"),
    "D4": ("C4", "Piura", "ngo"),
}
SHARED = "Topic/Shared"


def mark(doc: str) -> str:
    """The code only ``doc`` uses."""
    return f"Mark/M{doc[1:]}"


def doc_of(code_path: str) -> str | None:
    """The document a ``Mark/Mn`` code (or its label ``Mn``) stands for."""
    name = code_path.rsplit("/", 1)[-1]
    return f"D{name[1:]}" if name.startswith("M") and name[1:].isdigit() else None


def build_study(project: Project) -> Project:
    add_code(project, SHARED)
    for doc in DOCUMENTS:
        add_code(project, mark(doc))
    for doc, (case, region, sector) in DOCUMENTS.items():
        sentence_doc(project, doc, 12)
        set_document_case(project, doc, case)
        set_attribute(project, case, "region", region)
        set_attribute(project, case, "sector", sector)
        for coder in ("maria", "james"):
            apply_code(project, doc, SHARED, 0, 40, coder=coder)
            apply_code(project, doc, mark(doc), 10, 30, coder=coder)
            mark_done(project, doc, coder)
        apply_code(project, doc, mark(doc), 60, 70, coder="maria")  # one disagreement each
    return project
