"""A signed-in team member's app session under ``workbench serve``.

The team server starts each app with ``WORKBENCH_SESSION_USER`` set to the person who signed
in. Such a session codes only as that person (no coder switching), reads the person's role
from the project (the lead may see everyone's work, run agreement and reconcile, and lift
blind coding), and follows the team's blind-coding setting while it runs, so the lead lifting
it reaches every open session within a few seconds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from workbench.ops.users import blind_coding, set_blind_coding, user
from workbench.store.project import Project

SESSION_USER_ENV = "WORKBENCH_SESSION_USER"
POLL_SECONDS = 2.0


@dataclass
class TeamSession:
    user: str
    lead: bool

    def forced_blind(self, project: Project) -> bool:
        """Whether this person must code blind now (never the lead)."""
        return not self.lead and blind_coding(project)

    def lift_blind(self, project: Project) -> None:
        if not self.lead:
            raise PermissionError("only the project lead can lift blind coding")
        set_blind_coding(project, False)


def team_session(project: Project) -> TeamSession | None:
    """The session's signed-in person, from the environment the team server set."""
    name = os.environ.get(SESSION_USER_ENV)
    if not name:
        return None
    found = user(project, name)
    return TeamSession(name, bool(found and found.lead))


def data_version(project: Project) -> int:
    """Changes whenever another connection commits to the project (SQLite's data_version)."""
    return project.conn.execute("PRAGMA data_version").fetchone()[0]


def served() -> bool:
    """Whether this app runs under a web server (textual-serve's driver) rather than a terminal."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
