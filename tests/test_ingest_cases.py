"""Case attributes from CSV: typed columns, linking documents, all-or-nothing errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.ops.cases import import_cases_csv, infer_type, set_document_case
from workbench.ops.imports import import_files
from workbench.store.errors import InputFileError
from workbench.store.project import Project

CSV = (
    "participant,region,sector,interview_year,hours,consented,interviewed_on,code\n"
    "DRS01,Piura,government,2023,1.5,yes,2023-05-02,007\n"
    "NGO02,San Martín,civil society,2024,2,no,2024-01-15,012\n"
)


def test_types_are_inferred_per_column() -> None:
    assert infer_type(["2023", "-4", ""]) == "integer"
    assert infer_type(["1.5", "2"]) == "float"
    assert infer_type(["yes", "No", "sí"]) == "boolean"
    assert infer_type(["2023-05-02", "2024-02-29"]) == "date"
    assert infer_type(["2023-02-30"]) == "text"  # not a real date
    assert infer_type(["007", "12"]) == "text"  # identifiers keep their zeros
    assert infer_type(["Piura", "3"]) == "text"
    assert infer_type(["", ""]) == "text"


def test_import_creates_typed_cases_and_links_documents(tmp_path: Path) -> None:
    project = Project.memory()
    (tmp_path / "DRS01.txt").write_text("Ana: hola\n", encoding="utf-8")
    [doc] = import_files(project, [tmp_path / "DRS01.txt"])
    path = tmp_path / "cases.csv"
    path.write_bytes(CSV.encode("cp1252"))  # as Excel on Windows saves it
    result = import_cases_csv(project, path)
    assert (result.created, result.updated, result.linked) == (2, 0, ("DRS01",))
    assert result.attributes == {
        "region": "text",
        "sector": "text",
        "interview_year": "integer",
        "hours": "float",
        "consented": "boolean",
        "interviewed_on": "date",
        "code": "text",
    }
    cases = {c.name: c.attributes for c in project.cases()}
    assert cases["NGO02"] == {
        "region": "San Martín",
        "sector": "civil society",
        "interview_year": 2024,
        "hours": 2.0,
        "consented": False,
        "interviewed_on": "2024-01-15",
        "code": "012",
    }
    assert cases["DRS01"]["consented"] is True
    assert project.document("DRS01").case_id == project.case_id("DRS01", create=False)
    assert doc.case_id is None  # the record returned at import time predates the link


def test_reimport_updates_values_and_widens_types(tmp_path: Path) -> None:
    project = Project.memory()
    path = tmp_path / "cases.csv"
    path.write_text("case;score\nA;1\nB;2\n", encoding="utf-8")  # semicolons, as Excel (es)
    import_cases_csv(project, path)
    path.write_text("case;score\nA;1.5\n", encoding="utf-8")
    result = import_cases_csv(project, path)
    assert (result.created, result.updated) == (0, 1)
    assert result.attributes == {"score": "float"}
    assert {c.name: c.attributes["score"] for c in project.cases()} == {"A": 1.5, "B": 2.0}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "name,region\nA,Piura\n",
            "c.csv:row 1: no 'participant' (or 'case') column in the header",
        ),
        ("participant,region\nA,Piura\nB\n", "c.csv:row 3: expected 2 fields, found 1"),
        ("participant,region\nA,Piura\n,Lima\n", "c.csv:row 3: the participant is empty"),
        (
            "participant,region\nA,Piura\n\nA,Lima\n",
            "c.csv:row 4: participant 'A' appears twice (first in row 2)",
        ),
        ("participant,region,Region\nA,x,y\n", "c.csv:row 1: column 'Region' appears twice"),
        ("participant,region\n", "c.csv: no participants in the file"),
        ("", "c.csv: empty file"),
    ],
)
def test_bad_csv_names_file_and_row_and_changes_nothing(tmp_path: Path, content, message) -> None:
    project = Project.memory()
    path = tmp_path / "c.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_cases_csv(project, path)
    assert str(info.value) == message
    assert project.cases() == []
    assert project.conn.execute("SELECT count(*) FROM attributes").fetchone()[0] == 0


def test_set_document_case_is_undoable(tmp_path: Path) -> None:
    project = Project.memory()
    (tmp_path / "x.txt").write_text("Ana: hola\n", encoding="utf-8")
    import_files(project, [tmp_path / "x.txt"])
    doc = set_document_case(project, "x", "COM01")
    assert [c.name for c in project.cases()] == ["COM01"]
    assert doc.case_id == project.case_id("COM01", create=False)
    project.undo()
    assert project.document("x").case_id is None
    assert project.cases() == []
    project.redo()
    assert project.document("x").case_id is not None
    assert set_document_case(project, "x", None).case_id is None
