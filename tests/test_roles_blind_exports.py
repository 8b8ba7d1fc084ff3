"""Blind coding reaches every export and table: a coder gets their own codings and memos,
never another coder's passage, name or count; the lead (and blind coding off) gets all.

The team project (``roles_helpers``) has one coding of "Representation/Selecting
representatives" on DRS01 by each of rosa, ana, ben and vera, and james's coding of
"Decentralization/Budget execution" from the base project.
"""

from __future__ import annotations

import csv
import re

import pytest
from roles_helpers import Team, build_team

from workbench.export.methods import codebook_table
from workbench.export.reports import quotations
from workbench.export.tables import frequency_matrix, unit_matrix
from workbench.ops.coding import add_memo
from workbench.ops.codings_io import export_codings_csv
from workbench.store.project import Project

SELECTING = "Representation/Selecting representatives"
EVERYONE = {"rosa", "ana", "ben", "vera", "james"}


@pytest.fixture(scope="module")
def team(tmp_path_factory) -> Team:
    return build_team(tmp_path_factory.mktemp("team-exports"))


def _open(team: Team, name: str, user: str | None, blind: bool) -> Project:
    project = Project.open(team.copy(name, blind=blind))
    # ben's memo on ana's coding: under blind coding ana must not read it in her export
    add_memo(project, "coding", team.coding["ana"], "ben read this differently", coder="ben")
    add_memo(project, "coding", team.coding["ana"], "ana's own reading", coder="ana")
    project.user = user
    return project


@pytest.mark.parametrize(
    "user,blind,coders",
    [("ana", True, {"ana"}), ("ana", False, EVERYONE), ("rosa", True, EVERYONE)],
)
def test_codings_csv(team: Team, tmp_path, user, blind, coders):
    with _open(team, f"csv-{user}-{blind}", user, blind) as p:
        out = tmp_path / "codings.csv"
        export_codings_csv(p, out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["coder"] for r in rows} == coders
    memo = next(r["memo"] for r in rows if r["coder"] == "ana")
    assert "ana's own reading" in memo
    assert ("ben read this differently" in memo) == (coders == EVERYONE)


@pytest.mark.parametrize(
    "user,blind,coders",
    [("ana", True, ["ana"]), ("rosa", True, ["rosa", "ana", "ben", "vera"])],
)
def test_quotations_name_only_the_coders_one_may_see(team: Team, user, blind, coders):
    with _open(team, f"quotes-{user}-{blind}", user, blind) as p:
        sections = quotations(p, codes=[SELECTING])
    [section] = [s for s in sections if s.quotations]
    assert sorted(c for q in section.quotations for c in q.coders) == sorted(coders)


@pytest.mark.parametrize("user,blind,total", [("ana", True, 1), ("vera", True, 4)])
def test_matrices_count_only_what_one_may_see(team: Team, user, blind, total):
    with _open(team, f"matrix-{user}-{blind}", user, blind) as p:
        matrix = frequency_matrix(p)
        units = unit_matrix(p, unit="turn")
    row = matrix.rows[matrix.codes.index(SELECTING)]
    assert row[-1] == total
    decentral = matrix.rows[matrix.codes.index("Decentralization/Budget execution")]
    assert decentral[-1] == (0 if user == "ana" else 1)  # james's coding
    column = units[0].index("Decentralization/Budget execution")
    assert sum(int(r[column]) for r in units[1:]) == (0 if user == "ana" else 1)


@pytest.mark.parametrize("user,blind,codings", [("ana", True, 1), ("ana", False, 4)])
def test_the_codebook_table_counts_only_what_one_may_see(team: Team, user, blind, codings):
    with _open(team, f"codebook-{user}-{blind}", user, blind) as p:
        table = codebook_table(p)
    row = next(r for r in table.rows if "Selecting representatives" in r)
    column = table.header.index("Codings")
    assert row[column] == codings
    assert any(("your own codings" in n) == blind for n in table.notes)


@pytest.mark.parametrize(
    "user,blind,coders",
    [("ana", True, {"ana"}), ("ana", False, EVERYONE), ("vera", True, EVERYONE)],
)
def test_document_progress_shows_only_what_one_may_see(team: Team, user, blind, coders):
    """The documents screen's per-coder columns come from the core, which narrows them."""
    from workbench.ops.progress import document_progress

    with _open(team, f"progress-{user}-{blind}", user, blind) as p:
        rows = document_progress(p)
        asked = document_progress(p, ["ana", "ben"])
    drs = next(r for r in rows if r.name == "DRS01")
    if coders == {"ana"}:
        assert set(drs.coders) == {"ana"}
    else:  # every coder of the project, those without work here too (maria)
        assert EVERYONE <= set(drs.coders)
    assert set(next(r for r in asked if r.name == "DRS01").coders) == {"ana", "ben"} & coders


@pytest.mark.parametrize(
    "user,blind,count", [("ana", True, 1), ("ana", False, 4), ("rosa", True, 4)]
)
def test_code_counts_on_screens_come_narrowed_from_the_core(team: Team, user, blind, count):
    """The codebook screen's counts and the code panel's usage: asked for everyone's, a coder
    under blind coding still gets their own."""
    from workbench.ops.codes import code_usage, coding_counts

    with _open(team, f"counts-{user}-{blind}", user, blind) as p:
        code = p.code(SELECTING).id
        assert coding_counts(p).get(code) == count
        assert code_usage(p, code) == (count, 1)
        ben = p.coder_id("ben")
        assert coding_counts(p, ben).get(code, 0) == (0 if count == 1 else 1)


def test_a_rerun_acts_as_whoever_reruns_it(team: Team, tmp_path):
    """``figures rerun`` runs the commands a folder's records hold: as the person rerunning
    (their role, blind coding), never as nobody in particular nor as a record's ``--user``."""
    from click.testing import CliRunner

    from workbench.cli import cli

    path = team.copy("rerun", blind=True)
    folder = tmp_path / "figures"
    folder.mkdir()
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["-p", str(path), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    mine, as_rosa = folder / "quotes.md", folder / "as-rosa.md"
    run("export", "quotations", str(mine))  # the file's owner: everyone's
    run("--user", "rosa", "export", "quotations", str(as_rosa))  # recorded with --user rosa

    def coders(file) -> set[str]:
        text = file.read_text(encoding="utf-8")
        return {n for line in re.findall(r"coded by (.+)", text) for n in line.split(", ")}

    assert coders(mine) == coders(as_rosa) == EVERYONE
    run("--user", "ana", "figures", "rerun", str(folder))
    assert coders(mine) == coders(as_rosa) == {"ana"}
    run("figures", "rerun", str(folder))  # the owner again: everyone's
    assert coders(mine) == coders(as_rosa) == EVERYONE


def test_a_record_never_carries_an_identity_a_rerun_obeys():
    from workbench.cli.figures import command_args, without_user

    assert command_args(["--user", "rosa", "-p", "x.db", "export", "quotations", "q.md"]) == [
        "export",
        "quotations",
        "q.md",
    ]
    # an identity after another group option, or in a record written by hand
    recorded = ["--lang", "es", "--user=rosa", "--read-only", "--user", "rosa", "sankey", "s.html"]
    assert without_user(recorded) == ["--lang", "es", "--read-only", "sankey", "s.html"]
    # a command's own options are its own
    assert without_user(["users", "add", "--user", "x"]) == ["users", "add", "--user", "x"]
