"""What an action of the app is (``ActionSpec``) and the scopes that run actions."""

from __future__ import annotations

from dataclasses import dataclass

#: scope -> what it covers, in the order help and docs list them
SCOPES = {
    "app": "Everywhere",
    "documents": "Documents screen",
    "coding": "Coding screen",
    "transcript": "Coding screen, transcript focused",
    "codebook": "Codebook screen",
    "search": "Search screen",
    "cooccurrence": "Co-occurrence screen",
    "quotations": "Quotations where two codes meet",
    "agreement": "Agreement screen",
    "reconcile": "Reconciliation screen",
    "suggestions": "Suggestions screen",
    "segments": "Segments of a code",
    "pseudonymise": "Pseudonym review",
}


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    action: str
    description: str
    keys: str
    scope: str
    show: bool = False
    palette: bool = True
    priority: bool = False
    #: short label for the footer (the description is the tooltip, help and palette text)
    label: str = ""


def _a(id: str, action: str, description: str, keys: str, scope: str, **kw) -> ActionSpec:
    return ActionSpec(id, action, description, keys, scope, **kw)
