"""A signed-in person's app session: under ``workbench serve``, or ``workbench --user NAME``.

The team server starts each app with ``WORKBENCH_SESSION_USER`` set to the person who signed
in (``workbench --user NAME tui`` does the same on a terminal). Such a session codes only as
that person (no coder switching), and every operation it calls checks the person's role in
the core (``workbench.permissions``): the lead may see everyone's work, run agreement, reconcile and
lift blind coding; a coder follows the team's blind-coding setting while it runs, so the lead
lifting it reaches every open session within a few seconds; a reviewer reads only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from workbench.ops.users import set_blind_coding, user
from workbench.permissions import LEAD, REVIEWER, SESSION_USER_ENV, acting_name, blind_coding
from workbench.store.project import Project

__all__ = ["SESSION_USER_ENV", "TeamSession", "team_session"]
POLL_SECONDS = 2.0


@dataclass
class TeamSession:
    user: str
    lead: bool
    role: str = ""

    def __post_init__(self) -> None:
        self.role = self.role or (LEAD if self.lead else "coder")

    @property
    def reviewer(self) -> bool:
        return self.role == REVIEWER

    def forced_blind(self, project: Project) -> bool:
        """Whether this person must code blind now (a coder while blind coding is on)."""
        return self.role not in (LEAD, REVIEWER) and blind_coding(project)

    def lift_blind(self, project: Project) -> None:
        """Lift blind coding for the team; the core refuses it to anyone but the lead."""
        set_blind_coding(project, False)


def team_session(project: Project) -> TeamSession | None:
    """The session's signed-in person (``project.user``, else the one the team server set)."""
    name = acting_name(project)
    if not name:
        return None
    found = user(project, name)
    role = found.role if found else "coder"
    return TeamSession(name, role == LEAD, role)


def data_version(project: Project) -> int:
    """Changes whenever another connection commits to the project (SQLite's data_version)."""
    return project.conn.execute("PRAGMA data_version").fetchone()[0]


def served() -> bool:
    """Whether this app runs under a web server (textual-serve's driver) rather than a terminal."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
