"""Undo and redo with roles: whose actions a person may take back.

The action log undoes per coder (``store.actionlog``). Here the acting user decides whose:
a signed-in coder takes back their own actions only; the lead may take back another coder's,
and also every action that took away several coders' work at once (deleting or merging a
code), whoever did it, so the lead can always undo such a loss. The person at the keyboard
(no identity) is the lead, as before roles existed.
"""

from __future__ import annotations

from workbench.ops.codes import DELETE_KIND, MERGE_KIND
from workbench.permissions import LEAD, LOCAL, acting_name, actor, require
from workbench.store.project import Project

#: kinds of action the lead may take back whoever did them
LEAD_MAY_UNDO = (DELETE_KIND, MERGE_KIND)


def _whose(project: Project, coder: str | None) -> tuple[str | None, tuple[str, ...]]:
    """(the coder whose actions, the kinds anyone's of which count too); refuses another
    coder's actions to anyone but the lead."""
    coder = (coder or acting_name(project) or "").strip() or None
    require(project, "history.undo", owner=coder)
    also = LEAD_MAY_UNDO if actor(project).role in (LEAD, LOCAL) and coder else ()
    return coder, also


def undo(project: Project, coder: str | None = None) -> str | None:
    """Undo ``coder``'s newest action (default the acting user's; anyone's when neither),
    or the newest code deletion or merge when the acting user is the lead."""
    coder, also = _whose(project, coder)
    return project.undo(coder, also)


def redo(project: Project, coder: str | None = None) -> str | None:
    coder, also = _whose(project, coder)
    return project.redo(coder, also)


def undo_refusal(project: Project, coder: str | None = None) -> str | None:
    """Why ``undo`` stops, in one line for the person (an import or merge in the way, a text
    edit others worked after), or None when it does not stop."""
    coder, also = _whose(project, coder)
    return project.undo_refusal(coder, also)
