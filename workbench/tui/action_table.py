"""Every action of the app, as data: stable id, action, description, default keys, scope.

Users remap keys by id in ``keys.toml``; screens build their ``BINDINGS`` from this table
(``workbench.tui.actions``), and help, footer, palette and ``docs/tui.md`` print it.

The entries of each screen live in a module of their own (``actions_coding``,
``actions_transcript``, ``actions_codes``, ``actions_analysis``); this module holds the
actions that work everywhere and puts all of them into the ONE ordered table, in the order
help, the palette and the docs list them. Which actions write is said here too, once.
"""

from __future__ import annotations

from workbench.i18n import N_
from workbench.tui.action_spec import ActionSpec, _a
from workbench.tui.actions_analysis import (
    AGREEMENT_ACTIONS,
    COOCCURRENCE_ACTIONS,
    PSEUDONYMISE_ACTIONS,
    QUOTATIONS_ACTIONS,
    RECONCILE_ACTIONS,
    SUGGESTIONS_ACTIONS,
)
from workbench.tui.actions_codes import CODEBOOK_ACTIONS, SEARCH_ACTIONS, SEGMENTS_ACTIONS
from workbench.tui.actions_coding import CODING_ACTIONS, DOCUMENTS_ACTIONS, RECORDING_ACTIONS
from workbench.tui.actions_transcript import TRANSCRIPT_ACTIONS

#: the actions that work on every screen (scope ``app``)
EVERYWHERE_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "help",
        "help",
        N_("Keys and actions"),
        "f1,question_mark",
        "app",
        show=True,
        label=N_("Help"),
    ),
    _a("documents", "documents", N_("Documents"), "f2", "app", show=True, label=N_("Documents")),
    _a("codebook", "codebook", N_("Codebook"), "f3", "app", show=True, label=N_("Codebook")),
    _a(
        "search", "search", N_("Search the project"), "ctrl+f", "app", show=True, label=N_("Search")
    ),
    _a("switch-coder", "switch_coder", N_("Switch coder"), "ctrl+k", "app"),
    _a("blind", "toggle_blind", N_("Blind mode: hide other coders' codings"), "ctrl+b", "app"),
    _a(
        "lift-blind",
        "lift_blind",
        N_("Lift blind coding for the whole team (project lead)"),
        "",
        "app",
    ),
    _a("language", "switch_language", N_("Language: English / Español"), "ctrl+l", "app"),
    _a("undo", "undo", N_("Undo"), "ctrl+z,u", "app"),
    _a("redo", "redo", N_("Redo"), "ctrl+y,ctrl+r", "app"),
    _a("cooccurrence", "analysis('cooccurrence')", N_("Co-occurrence of codes"), "", "app"),
    _a("agreement", "analysis('agreement')", N_("Agreement between coders"), "", "app"),
    _a("suggestions", "analysis('suggestions')", N_("Code suggestions"), "", "app"),
    _a(
        "pseudonymise",
        "analysis('pseudonymise')",
        N_("Review identifiers for the pseudonym key"),
        "",
        "app",
    ),
    _a("quit", "quit", N_("Quit"), "ctrl+q", "app", priority=True),
)

#: the one table, in order: everywhere, then screen by screen
ACTIONS: tuple[ActionSpec, ...] = (
    *EVERYWHERE_ACTIONS,
    *DOCUMENTS_ACTIONS,
    *CODING_ACTIONS,
    *RECORDING_ACTIONS,
    *TRANSCRIPT_ACTIONS,
    *CODEBOOK_ACTIONS,
    *SEARCH_ACTIONS,
    *COOCCURRENCE_ACTIONS,
    *QUOTATIONS_ACTIONS,
    *AGREEMENT_ACTIONS,
    *RECONCILE_ACTIONS,
    *SUGGESTIONS_ACTIONS,
    *PSEUDONYMISE_ACTIONS,
    *SEGMENTS_ACTIONS,
)

#: the actions that change the project: a read-only project refuses them before any dialog
#: opens (``WorkbenchApp.run_action``), whether typed or chosen in the palette
WRITES = frozenset(
    {
        "lift-blind",
        "undo",
        "redo",
        "documents-done",
        "apply-code",
        *(f"apply-recent-{n}" for n in range(1, 10)),
        "pin-favourite",
        "in-vivo",
        "remove-coding",
        "change-code",
        "resize-coding",
        "memo",
        "mark-done",
        "accept-suggestion",
        "reject-suggestion",
        "code-add",
        "code-rename",
        "code-move",
        "code-merge",
        "code-delete",
        "code-colour",
        "code-describe",
        "search-code-all",
        "keep-a",
        "keep-b",
        "keep-both",
        "keep-none",
        "suggestion-accept",
        "suggestion-reject",
        "suggestion-reject-code",
        "suggestion-retrain",
        "suggestion-run",
        "segment-recode",
        "segment-uncode",
        "segment-memo",
    }
)
