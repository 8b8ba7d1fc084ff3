"""The permission table through the command line: ``workbench --user NAME`` gets, for every
operation that has a command, the answer the core gives that user (and the same line).

``coder.state`` and ``reconcile`` have no command (the app's favourite keys and the
reconciliation screen); they are walked through the core and the app.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner
from roles_helpers import (
    ACTORS,
    EXPECTED,
    OTHER,
    ROLES,
    Team,
    build_team,
    core_refusal,
    expected_allowed,
)

from workbench.cli import cli
from workbench.store.errors import PermissionDenied
from workbench.store.project import Project

TRANSPARENCY = "Transparency/Access to information"

# operation -> the command performing it (``who``: whose work it touches)
COMMANDS: dict[str, Callable[[Team, str], list[str]]] = {
    "project.read": lambda t, who: ["stats", "--format", "json"],
    "work.read": lambda t, who: ["codings", "--coder", who, "--format", "json"],
    "agreement.read": lambda t, who: ["agree", "--coders", "ana,ben", "--format", "json"],
    "project.backup": lambda t, who: ["backup", str(t.folder / f"cli-{who}-{id(t)}.db"), "--force"],
    "codebook.edit": lambda t, who: ["codebook", "add", "Participation/Youth councils"],
    "code.merge": lambda t, who: [
        "codebook",
        "merge",
        TRANSPARENCY,
        "Representation/Seat allocation",
    ],
    "code.delete": lambda t, who: ["codebook", "delete", "Representation", "--force", "--yes"],
    "documents.edit": lambda t, who: ["import", str(t.transcript)],
    "codings.import": lambda t, who: ["codings", "import", str(t.codings_csv)],
    "project.merge": lambda t, who: ["merge", str(t.other_project)],
    "project.restore": lambda t, who: ["restore", str(t.backup)],
    "project.settings": lambda t, who: ["suggest", "pipeline", "--clear"],
    "coding.apply": lambda t, who: [
        "code",
        "apply",
        "--doc",
        "NGO01",
        "--code",
        TRANSPARENCY,
        "--start",
        "0",
        "--end",
        "5",
        "--coder",
        who,
    ],  # fmt: skip
    "coding.edit": lambda t, who: ["code", "remove", "--id", str(t.coding[who])],
    "document.done": lambda t, who: ["done", "NGO01", "--coder", who],
    "memo.add": lambda t, who: ["memo", "add", "more", "--doc", "NGO01", "--coder", who],
    "memo.reply": lambda t, who: ["memo", "add", "I disagree", "--reply-to", str(t.memo[who])],
    "memo.edit": lambda t, who: ["memo", "edit", str(t.memo[who]), "changed"],
    "memo.delete": lambda t, who: ["memo", "delete", str(t.memo[who])],
    "history.undo": lambda t, who: ["undo", "--coder", who],
    "suggest.train": lambda t, who: ["suggest", "train"],
    "suggest.run": lambda t, who: ["suggest", "run", "--suggester", "rules"],
    "suggest.decide": lambda t, who: [
        "suggest",
        "reject",
        str(t.suggestion_for(who)),
        "--coder",
        who,
    ],
    "blind.set": lambda t, who: ["serve", "--blind", "--port", "0"],
    "users.manage": lambda t, who: ["users", "add", "newcomer", "--token"],
}
APP_ONLY = {"coder.state", "reconcile"}
OWNED = {op for op, rules in EXPECTED.items() if {"own", "seen"} & set(rules)}
SEEN = {op for op, rules in EXPECTED.items() if "seen" in rules}


@pytest.fixture(scope="module")
def team(tmp_path_factory) -> Team:
    team = build_team(tmp_path_factory.mktemp("team-cli"))

    def suggestion_for(who: str) -> int:
        """The open suggestion the acting person sees (the team's; a coder's own under
        blind coding is not needed here: these cases run with blind coding off)."""
        with Project.open(team.template) as p:
            return p.conn.execute(
                "SELECT id FROM suggestions WHERE for_coder_id IS NULL"
            ).fetchone()[0]

    team.suggestion_for = suggestion_for  # type: ignore[attr-defined]
    return team


@pytest.fixture
def no_server(monkeypatch):
    from workbench.tui import server

    monkeypatch.setattr(server.TeamServer, "serve", lambda self, debug=False: None)


def test_every_operation_has_a_command_or_is_the_apps():
    assert set(COMMANDS) | APP_ONLY == set(EXPECTED)


CASES = [
    (op, role, own, blind)
    for op in COMMANDS
    for role in ROLES
    for own in ((True, False) if op in OWNED else (True,))
    for blind in ((False, True) if op in SEEN else (False,))
]


@pytest.mark.parametrize(
    "op,role,own,blind",
    CASES,
    ids=[f"{o}-{r}-{'own' if w else 'other'}{'-blind' if b else ''}" for o, r, w, b in CASES],
)
def test_every_command_for_every_role(team: Team, no_server, op, role, own, blind):
    path = team.copy(f"cli-{op}-{role}-{own}-{blind}", blind=blind)
    who = team.whose(role, own)
    user = ACTORS[role]
    args = ["--project", str(path), *(["--user", user] if user else []), *COMMANDS[op](team, who)]
    result = CliRunner().invoke(cli, args, input="")
    if expected_allowed(op, role, own, blind):
        assert result.exit_code == 0, (result.output, result.exception)
    else:
        assert isinstance(result.exception, PermissionDenied), (result.output, result.exception)
        # the line the core gives for the same case, word for word
        core_says = core_refusal(team, op, role, own, blind, f"core-{op}-{role}-{own}-{blind}")
        assert str(result.exception) == core_says


def test_an_unknown_user_is_refused_before_anything(team: Team):
    path = team.copy("cli-unknown")
    result = CliRunner().invoke(cli, ["--project", str(path), "--user", "mallory", "stats"])
    assert result.exit_code != 0 and "no user named 'mallory'" in str(result.exception)


def test_a_coder_under_blind_coding_lists_only_their_own_work(team: Team):
    path = team.copy("cli-blind", blind=True)
    base = ["--project", str(path), "--user", "ana"]
    codings = CliRunner().invoke(cli, [*base, "codings", "--format", "json"])
    assert codings.exit_code == 0, codings.output
    assert '"coder": "ana"' in codings.output and OTHER not in codings.output
    memos = CliRunner().invoke(cli, [*base, "memo", "list", "--format", "json"])
    assert "ana's note" in memos.output and "ben's note" not in memos.output
    stats = CliRunner().invoke(cli, [*base, "stats", "--format", "json"])
    assert '"coder": "ana"' in stats.output and '"ben"' not in stats.output
    # the whole project is everyone's work: not a blind coder's to export
    whole = CliRunner().invoke(cli, [*base, "export", "qdpx", str(team.folder / "ana.qdpx")])
    assert isinstance(whole.exception, PermissionDenied), whole.output
    assert str(whole.exception) == (
        "ana (coder) may not see other coders' work: blind coding is on until the project "
        "lead lifts it"
    )
    # the lead sees everyone
    lead = CliRunner().invoke(
        cli, ["--project", str(path), "--user", "rosa", "memo", "list", "--format", "json"]
    )
    assert "ben's note" in lead.output and "ana's note" in lead.output
