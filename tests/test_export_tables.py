"""Frequency matrices and the unit x code matrix, checked against hand counts of the fixture."""

from __future__ import annotations

import csv

import pytest
from refi_helpers import build

from workbench.export.tables import export_matrix, export_units, frequency_matrix, unit_matrix
from workbench.store.errors import WorkbenchError


@pytest.fixture
def full(project):
    return build(project)


def rows_of(matrix):
    return {code: row for code, row in zip(matrix.codes, matrix.rows, strict=True)}


def test_code_by_case_counts_codings(full):
    m = frequency_matrix(full, by="case")
    assert m.columns == ["COM01", "DRS01"]
    rows = rows_of(m)
    # Seat allocation: juan once (maria), rosa twice (maria and james on the same span)
    assert rows["Representation/Seat allocation"] == [1, 2, 3]
    assert rows["Decentralization/Central dependency"] == [1, 1, 2]
    assert rows["Participation"] == [1, 0, 1]
    assert rows["Representation"] == [0, 0, 0]  # own codings only, not its subcodes
    assert sum(r[-1] for r in m.rows) == 9


def test_code_by_attribute_counts_documents(full):
    m = frequency_matrix(full, by="official", count="documents")
    assert m.columns == ["false", "true"]
    rows = rows_of(m)
    assert rows["Representation/Seat allocation"] == [1, 1, 2]  # rosa counted once
    assert rows["Transparency"] == [1, 0, 1]


def test_attribute_with_missing_values_and_numbers_sorted(full):
    m = frequency_matrix(full, by="weight")  # only DRS01 has a weight
    assert m.columns == ["1.5", "(missing)"]
    m = frequency_matrix(full, by="age", coder="james")
    assert m.columns == ["37", "52"]
    assert rows_of(m)["Representation/Seat allocation"] == [0, 1, 1]


def test_matrix_filters_and_errors(full):
    m = frequency_matrix(full, by="case", where={"age": "37"})
    assert m.columns == ["COM01"]
    with pytest.raises(WorkbenchError, match="no case attribute 'colour' \\(attributes: "):
        frequency_matrix(full, by="colour")


def test_matrix_files(full, tmp_path):
    export_matrix(full, tmp_path / "m.csv", by="case")
    lines = list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert lines[0] == ["code", "COM01", "DRS01", "total"]
    assert ["Representation/Seat allocation", "1", "2", "3"] in lines
    export_matrix(full, tmp_path / "m.xlsx", by="region", count="documents")
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "m.xlsx").active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["code", "Piura", "total"]
    assert ["Decentralization/Central dependency", 2, 2] in values
    with pytest.raises(WorkbenchError, match="csv or .xlsx"):
        export_matrix(full, tmp_path / "m.txt")


def test_unit_matrix_by_turn(full, tmp_path):
    table = unit_matrix(full, unit="turn")
    head = table[0]
    assert head[:4] == ["document", "unit", "start", "end"]
    col = {name: i for i, name in enumerate(head)}
    rosa = [r for r in table[1:] if r[0] == "rosa"]
    assert [r[1] for r in rosa] == [1, 2, 3, 4]
    assert rosa[0][4:] == [0] * (len(head) - 4)  # the interviewer's question: nothing coded
    assert rosa[1][col["Representation/Selecting representatives"]] == 1
    assert rosa[1][col["Representation/Seat allocation"]] == 1
    assert rosa[3][col["Decentralization/Budget execution"]] == 1
    assert rosa[3][col["Representation/Seat allocation"]] == 0
    # two codes in each answer turn of each interview: 2 + 2 (rosa) + 2 + 2 (juan)
    assert sum(sum(r[4:]) for r in table[1:]) == 8
    n = export_units(full, tmp_path / "u.csv", unit="sentence")
    lines = list(csv.reader((tmp_path / "u.csv").open(encoding="utf-8")))
    assert len(lines) == n + 1 and n == len(full.units(full.document("rosa").id, "sentence")) + len(
        full.units(full.document("juan").id, "sentence")
    )
