"""A group of codes as one variable: Krippendorff's 2011 example at four levels, through the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from tests.agree_helpers import code, codes, done, sentence_doc
from workbench.analysis.agreement import agreement
from workbench.cli import cli
from workbench.ops.codebook import load_codebook
from workbench.ops.codebook_export import codebook_yaml
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": coders A-D, units 1-12,
# values 1-5, blanks are missing. Published: nominal .743, ordinal .815, interval .849,
# ratio .797.
DATA = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    "C": [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
}
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}

CODEBOOK = """
name: Ratings
codes:
  - name: Rating
    codes:
{values}
"""


def _rating_project(path, *, shuffle_names: bool = False) -> None:
    """12 sentences; codes Rating/<name> carry value: 1..5 (names need not be the numbers)."""
    names = {v: (f"level {6 - v}" if shuffle_names else str(v)) for v in range(1, 6)}
    values = "\n".join(f'      - name: "{names[v]}"\n        value: {v}' for v in range(1, 6))
    book = path.parent / "ratings.yaml"
    book.write_text(CODEBOOK.format(values=values), encoding="utf-8")
    with Project.open(path) as p:
        spans = sentence_doc(p, "interview", 12)
        load_codebook(p, book)
        for coder, row in DATA.items():
            for unit, value in enumerate(row):
                if not np.isnan(value):
                    code(p, "interview", f"Rating/{names[int(value)]}", [spans[unit]], coder)
            done(p, "interview", coder)


def _agree(path, *args: str) -> dict:
    out = CliRunner().invoke(
        cli,
        [
            "-p",
            str(path),
            "agree",
            "--unit",
            "sentence",
            "--group",
            "Rating",
            "--format",
            "json",
            *args,
        ],
    )
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


@pytest.mark.parametrize("shuffle_names", [False, True])
def test_krippendorff_2011_example_at_four_levels_through_the_cli(tmp_path, shuffle_names):
    path = tmp_path / "k.db"
    _rating_project(path, shuffle_names=shuffle_names)
    for level, published in PUBLISHED.items():
        data = _agree(path, "--missing", "uncoded", "--level", level)
        block = data["variable"]
        assert round(block["alpha"], 3) == published, level
        assert block["level"] == level and block["missing"] == "uncoded"
        assert block["pairable_units"] == 11  # unit 12 has one value only
        assert block["pairable_values"] == 40  # Krippendorff's n..
        assert sorted(v["value"] for v in block["values"]) == [1, 2, 3, 4, 5]
        assert block["conflicts"] == []
    # the per-code figures are still there, beside the variable
    assert {c["code"] for c in data["codes"]} == {
        f"Rating/{v['label'].split('/')[1]}" for v in data["variable"]["values"]
    }


def test_uncoded_as_a_none_value_differs_from_missing(tmp_path):
    path = tmp_path / "k.db"
    _rating_project(path)
    block = _agree(path)["variable"]  # nominal, uncoded units get the value "none"
    assert block["missing"] == "none" and block["values"][-1]["label"] == "none"
    assert block["pairable_units"] == 12  # every unit now has four values
    assert block["pairable_values"] == 48
    assert round(block["alpha"], 3) != 0.743


def test_a_unit_given_two_values_by_one_coder_is_reported(tmp_path):
    path = tmp_path / "k.db"
    _rating_project(path)
    with Project.open(path) as p:
        span = p.units(p.document("interview").id, "sentence")[0]
        code(p, "interview", "Rating/2", [(span.start, span.end)], "A")  # A gave unit 1 "1" too
    data = _agree(path, "--missing", "uncoded", "--level", "interval")
    [conflict] = data["variable"]["conflicts"]
    assert conflict == {
        "document": "interview",
        "start": span.start,
        "end": span.end,
        "coder": "A",
        "codes": ["Rating/1", "Rating/2"],
    }
    # A's value on unit 1 is missing now: unit 1 keeps two values (B, D), 39 in all
    assert data["variable"]["pairable_values"] == 39
    table = (
        CliRunner()
        .invoke(
            cli,
            [
                "-p",
                str(path),
                "agree",
                "--unit",
                "sentence",
                "--group",
                "Rating",
                "--missing",
                "uncoded",
            ],
        )
        .output
    )
    assert "two values: interview" in table and "by A: Rating/1, Rating/2" in table


def test_identical_coders_give_alpha_one(project: Project) -> None:
    spans = sentence_doc(project, "d", 6)
    codes(project, "Stance/For", "Stance/Against")
    for coder in ("A", "B", "C"):
        code(project, "d", "Stance/For", spans[:3], coder)
        code(project, "d", "Stance/Against", spans[3:5], coder)
        done(project, "d", coder)
    result = agreement(project, unit="sentence", group="Stance")
    assert result.variable["alpha"] == pytest.approx(1.0)
    assert result.variable["percent"] == pytest.approx(100.0)
    assert all(c.percent == 100.0 for c in result.codes)


def test_errors_name_what_to_do(tmp_path):
    path = tmp_path / "k.db"
    _rating_project(path)
    out = CliRunner().invoke(
        cli,
        ["-p", str(path), "agree", "--unit", "sentence", "--group", "Rating", "--level", "ratio"],
    )
    assert out.exit_code != 0 and "needs --missing uncoded" in str(out.exception)
    with Project.open(path) as p:
        with pytest.raises(WorkbenchError, match="needs --missing uncoded"):
            agreement(p, unit="sentence", group="Rating", level="interval")
        with pytest.raises(WorkbenchError, match="use --unit sentence"):
            agreement(p, unit="char", group="Rating")
        with pytest.raises(WorkbenchError, match="name it with --group"):
            agreement(p, unit="sentence", level="ordinal")
        with pytest.raises(WorkbenchError, match="no subcodes"):
            agreement(p, unit="sentence", group="Rating/1")
        p.conn.execute("UPDATE codes SET value = NULL WHERE name = '3'")
        with pytest.raises(WorkbenchError, match="'Rating/3' has none"):
            agreement(p, unit="sentence", group="Rating", level="ordinal", missing="uncoded")


def test_value_round_trips_through_yaml_and_qdc(tmp_path):
    path = tmp_path / "k.db"
    _rating_project(path)
    with Project.open(path) as p:
        p.conn.execute("UPDATE codes SET value = 2.5 WHERE name = '2'")
        text = codebook_yaml(p)
        assert "value: 1\n" in text and "value: 2.5\n" in text
        from workbench.interop.codebook_files import export_codebook_file, load_codebook_file

        export_codebook_file(p, tmp_path / "book.qdc")
    for name in ("book.qdc",):
        with Project.open(tmp_path / f"fresh-{name}.db") as fresh:
            load_codebook_file(fresh, tmp_path / name)
            got = {c.path: c.value for c in fresh.codes()}
            assert got == {
                "Rating": None,
                "Rating/1": 1.0,
                "Rating/2": 2.5,
                "Rating/3": 3.0,
                "Rating/4": 4.0,
                "Rating/5": 5.0,
            }
    (tmp_path / "book.yaml").write_text(text, encoding="utf-8")
    with Project.open(tmp_path / "fresh-yaml.db") as fresh:
        report = load_codebook(fresh, tmp_path / "book.yaml")
        assert fresh.code("Rating/2").value == 2.5
        assert fresh.code("Rating").value is None
        again = load_codebook(fresh, tmp_path / "book.yaml")
        assert report.added and not again.updated  # loading twice changes nothing


def test_bad_value_in_yaml_names_the_line(tmp_path):
    from workbench.ops.codebook import parse_codebook
    from workbench.store.errors import CodebookError

    with pytest.raises(CodebookError, match="value 'high' is not a number") as exc:
        parse_codebook("codes:\n  - name: A\n    value: high\n", source="book.yaml")
    assert "book.yaml:3" in str(exc.value)


def test_value_round_trips_through_qdpx_and_stays_valid(tmp_path):
    """The qdpx export is schema-validated; the value rides in the description and comes back."""
    from workbench.interop.qdpx import export_qdpx, import_qdpx

    path = tmp_path / "k.db"
    _rating_project(path)
    with Project.open(path) as p:
        p.conn.execute("UPDATE codes SET description = 'Very high.' WHERE name = '5'")
        export_qdpx(p, tmp_path / "k.qdpx")
    other = Project.memory()
    import_qdpx(other, tmp_path / "k.qdpx")
    assert {c.path: c.value for c in other.codes()} == {
        "Rating": None,
        "Rating/1": 1.0,
        "Rating/2": 2.0,
        "Rating/3": 3.0,
        "Rating/4": 4.0,
        "Rating/5": 5.0,
    }
    assert other.code("Rating/5").description == "Very high."
    # and the variable gives the same alpha in the imported project
    got = agreement(
        other,
        unit="sentence",
        group="Rating",
        missing="uncoded",
        level="ordinal",
        docs=["interview"],
    )  # done marks are not part of REFI-QDA
    assert round(got.variable["alpha"], 3) == 0.815
