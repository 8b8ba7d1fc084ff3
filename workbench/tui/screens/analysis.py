"""The analysis views behind the palette's Co-occurrence, Agreement and Suggestions entries.

Each view is a screen module of its own; this maps the names the action registry uses to
them, importing a view only when it is opened (its core module may load numpy or spaCy).
"""

from __future__ import annotations

import importlib

from textual.screen import Screen

#: kind -> (module, screen class)
VIEWS = {
    "cooccurrence": ("workbench.tui.screens.cooccurrence", "CooccurrenceScreen"),
    "agreement": ("workbench.tui.screens.agreement", "AgreementScreen"),
    "suggestions": ("workbench.tui.screens.suggestions", "SuggestionsScreen"),
    "pseudonymise": ("workbench.tui.screens.pseudonymise", "PseudonymiseScreen"),
}


def screen_class(kind: str) -> type[Screen]:
    """The screen class of the analysis ``kind``."""
    module, name = VIEWS[kind]
    return getattr(importlib.import_module(module), name)
