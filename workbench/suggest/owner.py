"""Whose suggestions: the team's, or one coder's own under blind coding.

While blind coding is on, a coder's suggestions must tell them nothing of the other coders'
work: the model they train learns from their own codings and rejections only, its reasons
quote their own passages, the rules' precision counts their own codings, and a span someone
else coded is still proposed to them. Such suggestions are stored for that coder
(``suggestions.for_coder_id``) and their model is saved apart (``model_folder``). Everyone
else (the lead, a reviewer, a coder when blind coding is off, the person at the keyboard)
shares the team's suggestions and model. The rule is ``workbench.permissions.visible_coders``.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.permissions import require, visible_coders
from workbench.store.project import Project


def suggestion_owner(project: Project) -> str | None:
    """The coder whose own suggestions the acting user works with, or None (the team's)."""
    seen = visible_coders(project)
    return next(iter(seen)) if seen else None


def owner_id(project: Project, owner: str | None) -> int | None:
    if owner is None:
        return None
    row = project.conn.execute("SELECT id FROM coders WHERE name = ?", (owner,)).fetchone()
    return row[0] if row else -1


def training_coders(project: Project, coders: Sequence[str] | None) -> list[str] | None:
    """The coders a model learns from: those asked for, but only their own for a coder under
    blind coding (asking for another's is refused with one line)."""
    owner = suggestion_owner(project)
    if owner is None:
        return list(coders) if coders else None
    for name in coders or ():
        require(project, "work.read", owner=name)
    return [owner]


def folder_suffix(project: Project) -> str:
    """``""`` for the team's model, ``-coder-ID`` for a coder's own (ids, never names, in
    paths)."""
    owner = suggestion_owner(project)
    return "" if owner is None else f"-coder-{owner_id(project, owner)}"
