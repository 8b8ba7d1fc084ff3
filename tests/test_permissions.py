"""Every operation x every role, against the core: allowed where the table says so, refused
with one line (and nothing changed) everywhere else.

The table is written out by hand in ``roles_helpers.EXPECTED`` from the issue; the core's
``OPERATIONS`` must equal it, and each operation is then *performed* (not looked up) by each
role, on its own work and on another coder's, with blind coding off and on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from roles_helpers import (
    ACTORS,
    EXPECTED,
    OTHER,
    PROBES,
    ROLES,
    Team,
    build_team,
    expected_allowed,
)

from workbench import permissions as perms
from workbench.ops.codes import delete_code
from workbench.ops.coding import (
    add_memo,
    apply_code,
    edit_memo,
    mark_done,
)
from workbench.ops.stats import project_stats
from workbench.store.errors import PermissionDenied
from workbench.store.project import Project


@pytest.fixture(scope="module")
def team(tmp_path_factory) -> Team:
    return build_team(tmp_path_factory.mktemp("team"))


#: operations whose rule depends on whose work it is (run on own work and on another's)
OWNED = {op for op, rules in EXPECTED.items() if {"own", "seen"} & set(rules)}


def test_the_core_table_is_the_one_the_issue_asks_for():
    assert set(perms.OPERATIONS) == set(EXPECTED)
    for name, rules in EXPECTED.items():
        op = perms.OPERATIONS[name]
        assert tuple(op.rule(role).value for role in ROLES) == rules, name
    assert set(PROBES) == set(EXPECTED), "every operation needs a probe"


CASES = [
    (op, role, own, blind)
    for op in EXPECTED
    for role in ROLES
    for own in ((True, False) if op in OWNED else (True,))
    for blind in (False, True)
]


@pytest.mark.parametrize(
    "op,role,own,blind",
    CASES,
    ids=[f"{o}-{r}-{'own' if w else 'other'}{'-blind' if b else ''}" for o, r, w, b in CASES],
)
def test_every_operation_for_every_role(team: Team, op, role, own, blind):
    path = team.copy(f"{op}-{role}-{own}-{blind}", blind=blind)
    who = team.whose(role, own)
    with Project.open(path) as p:
        p.user = ACTORS[role]
        before = p.conn.total_changes
        if expected_allowed(op, role, own, blind):
            PROBES[op](p, team, who)
            return
        with pytest.raises(PermissionDenied) as refused:
            PROBES[op](p, team, who)
        assert p.conn.total_changes == before  # nothing written
    message = str(refused.value)
    assert "\n" not in message and ACTORS[role] in message and role in message


def test_a_refusal_says_why_in_one_line(team: Team):
    path = team.copy("why", blind=True)
    with Project.open(path) as p:
        p.user = "ana"
        with pytest.raises(PermissionDenied, match=r"^ana \(coder\) may not delete a code: only"):
            delete_code(p, "Representation", force=True)
        with pytest.raises(PermissionDenied, match="blind coding is on"):
            add_memo(p, "document", p.document("NGO01").id, "re", reply_to=team.memo[OTHER])
        p.user = "rosa"
        with pytest.raises(PermissionDenied, match="write a reply instead"):
            edit_memo(p, team.memo["ana"], "the lead rewrites ana's memo")
        p.user = "vera"
        with pytest.raises(PermissionDenied, match="a reviewer reads and changes nothing"):
            mark_done(p, "NGO01", "vera")


def test_a_removed_user_can_do_nothing_more(team: Team):
    path = team.copy("removed")
    with Project.open(path) as owner, Project.open(path) as session:
        session.user = "ana"
        apply_code(session, "NGO01", "Transparency/Access to information", 0, 4)
        from workbench.ops.users import remove_user

        remove_user(owner, "ana")
        with pytest.raises(PermissionDenied, match="not a user of this project"):
            apply_code(session, "NGO01", "Transparency/Access to information", 5, 9)
        with pytest.raises(PermissionDenied):
            project_stats(session)


def test_scripts_act_through_the_session_user_as_the_app_does(team: Team, monkeypatch):
    """A connection opened in a served app's process (a worker thread, a script it runs)
    acts as the person the server started it for, without being told."""
    path = team.copy("env")
    monkeypatch.setenv("WORKBENCH_SESSION_USER", "ana")
    with Project.open(path) as p:
        assert perms.actor(p) == perms.Actor("ana", "coder")
        with pytest.raises(PermissionDenied):
            delete_code(p, "Representation", force=True)


def test_no_users_is_todays_behaviour(tmp_path: Path):
    """Without users the person at the keyboard is the lead: everything, as before."""
    from tui_helpers import build_project

    path = build_project(tmp_path / "p.db")
    with Project.open(path) as p:
        assert perms.actor(p) == perms.Actor(None, "local")
        memo = add_memo(p, "document", p.document("NGO01").id, "by maria", coder="maria")
        edit_memo(p, memo, "edited by whoever sits here")  # no identity: no author rule
        assert delete_code(p, "Decentralization", force=True) == 1


def test_the_table_in_the_docs_is_the_core_table():
    """docs/serve.md shows the permission table; it must say what the code does."""
    import re

    page = (Path(__file__).resolve().parent.parent / "docs" / "serve.md").read_text("utf-8")
    rows = re.findall(
        r"^\| `([a-z.]+)` \| [^|]+ \| (\w+) \| (\w+) \| (\w+) \| (\w+) \|$", page, re.M
    )
    documented = {name: tuple(rules) for name, *rules in rows}
    assert documented == {
        name: tuple(op.rule(role).value for role in ROLES) for name, op in perms.OPERATIONS.items()
    }


def test_speaker_rules_are_the_leads(team: Team):
    """The suggesters' speaker rules are the team's (a project setting): a coder changes
    none of them, the lead does."""
    from workbench.suggest.rules import add_speaker_rule, remove_speaker_rule, speaker_rules

    path = team.copy("speaker-rules")
    with Project.open(path) as p:
        p.user = "rosa"
        add_speaker_rule(p, "Representation", speaker="NGO01")
        for name in ("ana", "vera"):
            p.user = name
            with pytest.raises(PermissionDenied, match="only the project lead|changes nothing"):
                add_speaker_rule(p, "Representation", role="interviewee")
            with pytest.raises(PermissionDenied):
                remove_speaker_rule(p, 1)
        assert len(speaker_rules(p)) == 1
        p.user = "rosa"
        remove_speaker_rule(p, 1)
        assert speaker_rules(p) == []
