"""What an action of the app is (``ActionSpec``) and the scopes that run actions."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.i18n import N_

#: scope -> what it covers, in the order help and docs list them
SCOPES = {
    "app": N_("Everywhere"),
    "documents": N_("Documents screen"),
    "coding": N_("Coding screen"),
    "transcript": N_("Coding screen, transcript focused"),
    "codebook": N_("Codebook screen"),
    "search": N_("Search screen"),
    "cooccurrence": N_("Co-occurrence screen"),
    "quotations": N_("Quotations where two codes meet"),
    "agreement": N_("Agreement screen"),
    "reconcile": N_("Reconciliation screen"),
    "suggestions": N_("Suggestions screen"),
    "segments": N_("Segments of a code"),
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
