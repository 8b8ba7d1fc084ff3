"""Every action of the app, as data: one registry feeds bindings, footer, help and palette.

An action has a stable id (what users remap in ``keys.toml``), a description, default keys, the
scope whose widget or screen runs it, and whether the footer shows it. Screens build their
``BINDINGS`` from this list, the help screen and ``docs/tui.md`` print it, and the command
palette offers the actions of the scopes active on the current screen.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding

from workbench.store.errors import WorkbenchError

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


ACTIONS: tuple[ActionSpec, ...] = (
    # ---- everywhere
    _a("help", "help", "Keys and actions", "f1,question_mark", "app", show=True, label="Help"),
    _a("documents", "documents", "Documents", "f2", "app", show=True, label="Documents"),
    _a("codebook", "codebook", "Codebook", "f3", "app", show=True, label="Codebook"),
    _a("search", "search", "Search the project", "ctrl+f", "app", show=True, label="Search"),
    _a("switch-coder", "switch_coder", "Switch coder", "ctrl+k", "app"),
    _a("blind", "toggle_blind", "Blind mode: hide other coders' codings", "ctrl+b", "app"),
    _a(
        "lift-blind", "lift_blind", "Lift blind coding for the whole team (project lead)", "", "app"
    ),
    _a("undo", "undo", "Undo", "ctrl+z,u", "app"),
    _a("redo", "redo", "Redo", "ctrl+y,ctrl+r", "app"),
    _a("cooccurrence", "analysis('cooccurrence')", "Co-occurrence of codes", "", "app"),
    _a("agreement", "analysis('agreement')", "Agreement between coders", "", "app"),
    _a("suggestions", "analysis('suggestions')", "Code suggestions", "", "app"),
    _a("quit", "quit", "Quit", "ctrl+q", "app", priority=True),
    # ---- documents
    _a(
        "open-document",
        "open_document",
        "Open the document",
        "enter,o",
        "documents",
        show=True,
        label="Open",
    ),
    _a(
        "documents-done",
        "toggle_done",
        "Mark done / not done for the coder",
        "d",
        "documents",
        show=True,
        label="Done",
    ),
    # ---- coding screen
    _a(
        "apply-code",
        "apply_code",
        "Apply a code (search by name)",
        "a",
        "coding",
        show=True,
        label="Apply code",
    ),
    *(
        _a(
            f"apply-recent-{n}",
            f"apply_recent({n})",
            f"Apply the code on key {n}",
            str(n),
            "coding",
            palette=False,
        )
        for n in range(1, 10)
    ),
    _a("pin-favourite", "pin_favourite", "Pin the highlighted code to a key 1-9", "plus", "coding"),
    _a(
        "in-vivo",
        "in_vivo",
        "In-vivo code: a new code named from the selected words",
        "v",
        "coding",
        show=True,
        label="In vivo",
    ),
    _a(
        "remove-coding",
        "remove_coding",
        "Remove the coding under the cursor",
        "x,delete",
        "coding",
        show=True,
        label="Remove",
    ),
    _a(
        "change-code",
        "change_code",
        "Change the code of the coding under the cursor",
        "c",
        "coding",
    ),
    _a(
        "resize-coding",
        "resize_coding",
        "Resize the coding under the cursor to the selection",
        "r",
        "coding",
    ),
    _a(
        "memo",
        "memo",
        "Memo on the coding under the cursor (or the document)",
        "m",
        "coding",
        show=True,
        label="Memo",
    ),
    _a("find", "find", "Find in the transcript", "slash", "coding", show=True, label="Find"),
    _a("find-next", "find_next", "Next match", "n", "coding"),
    _a("find-previous", "find_previous", "Previous match", "N", "coding"),
    _a("mark-done", "toggle_done", "Mark the document done / not done", "d", "coding"),
    _a("filter-codes", "filter_codes", "Filter the code tree", "f", "coding"),
    _a(
        "code-panel",
        "toggle_panel",
        "Show / hide the code panel (definition, memo, counts)",
        "i",
        "coding",
        show=True,
        label="Code info",
    ),
    _a("focus-transcript", "focus_transcript", "Back to the transcript", "escape", "coding"),
    _a("next-coding", "next_coding(1)", "Next coding (any code)", "right_square_bracket", "coding"),
    _a(
        "previous-coding",
        "next_coding(-1)",
        "Previous coding (any code)",
        "left_square_bracket",
        "coding",
    ),
    _a(
        "next-same-code",
        "next_same_code(1)",
        "Next coding of the highlighted code (tree, else under the cursor)",
        "right_curly_bracket",
        "coding",
    ),
    _a(
        "previous-same-code",
        "next_same_code(-1)",
        "Previous coding of the highlighted code (tree, else under the cursor)",
        "left_curly_bracket",
        "coding",
    ),
    _a(
        "code-segments",
        "segments",
        "Segments of the highlighted code, across documents",
        "g",
        "coding",
        show=True,
        label="Segments",
    ),
    _a(
        "accept-suggestion",
        "accept_suggestion",
        "Accept the suggestion under the cursor",
        "y",
        "coding",
    ),
    _a(
        "reject-suggestion",
        "reject_suggestion",
        "Reject the suggestion under the cursor",
        "X",
        "coding",
    ),
    _a("next-suggestion", "next_suggestion", "Next open suggestion in the document", "j", "coding"),
    _a(
        "toggle-suggestions",
        "toggle_suggestions",
        "Hide or show every suggestion mark",
        "J",
        "transcript",
    ),
    # ---- transcript (cursor and selection)
    _a("cursor-left", "cursor_left", "Cursor left", "left", "transcript", palette=False),
    _a("cursor-right", "cursor_right", "Cursor right", "right", "transcript", palette=False),
    _a("cursor-up", "cursor_up", "Cursor up a line", "up", "transcript", palette=False),
    _a("cursor-down", "cursor_down", "Cursor down a line", "down", "transcript", palette=False),
    _a("page-up", "page_up", "Page up", "pageup", "transcript", palette=False),
    _a("page-down", "page_down", "Page down", "pagedown", "transcript", palette=False),
    _a("word-left", "word_left", "Previous word", "ctrl+left", "transcript", palette=False),
    _a("word-right", "word_right", "Next word", "ctrl+right", "transcript", palette=False),
    _a("line-start", "line_start", "Start of line", "home", "transcript", palette=False),
    _a("line-end", "line_end", "End of line", "end", "transcript", palette=False),
    _a("document-start", "document_start", "Start of document", "ctrl+home", "transcript"),
    _a("document-end", "document_end", "End of document", "ctrl+end", "transcript"),
    _a(
        "extend-left",
        "extend_left",
        "Extend selection a character left",
        "shift+left",
        "transcript",
        palette=False,
    ),
    _a(
        "extend-right",
        "extend_right",
        "Extend selection a character right",
        "shift+right",
        "transcript",
        palette=False,
    ),
    _a(
        "extend-up",
        "extend_up",
        "Extend selection a line up",
        "shift+up",
        "transcript",
        palette=False,
    ),
    _a(
        "extend-down",
        "extend_down",
        "Extend selection a line down",
        "shift+down",
        "transcript",
        palette=False,
    ),
    _a(
        "extend-word",
        "extend_word",
        "Extend selection by a word",
        "w,ctrl+shift+right",
        "transcript",
    ),
    _a(
        "shrink-word",
        "shrink_word",
        "Move the selection end back a word",
        "b,ctrl+shift+left",
        "transcript",
    ),
    _a("extend-sentence", "extend_sentence", "Extend selection by a sentence", "S", "transcript"),
    _a("extend-turn", "extend_turn", "Extend selection by a speaker turn", "T", "transcript"),
    _a(
        "select-sentence",
        "select_sentence",
        "Select the current sentence",
        "s",
        "transcript",
        show=True,
        label="Sentence",
    ),
    _a(
        "select-turn",
        "select_turn",
        "Select the current turn",
        "t",
        "transcript",
        show=True,
        label="Turn",
    ),
    _a(
        "clear-selection",
        "clear_selection",
        "Clear the selection",
        "escape",
        "transcript",
        palette=False,
    ),
    # ---- codebook screen
    _a("code-add", "add_code", "Add a code", "a", "codebook", show=True, label="Add"),
    _a("code-rename", "rename_code", "Rename the code", "r", "codebook", show=True, label="Rename"),
    _a(
        "code-move",
        "move_code",
        "Move the code under another",
        "m",
        "codebook",
        show=True,
        label="Move",
    ),
    _a(
        "code-merge",
        "merge_code",
        "Merge the code into another",
        "M",
        "codebook",
        show=True,
        label="Merge",
    ),
    _a(
        "code-delete",
        "delete_code",
        "Delete the code",
        "x,delete",
        "codebook",
        show=True,
        label="Delete",
    ),
    _a("code-colour", "colour_code", "Set the code's colour", "k", "codebook"),
    _a("code-describe", "describe_code", "Edit the code's description", "e", "codebook"),
    _a("code-filter", "filter_codes", "Filter the code tree", "f", "codebook"),
    _a(
        "codebook-segments",
        "segments",
        "Segments of the code, across documents",
        "g",
        "codebook",
        show=True,
        label="Segments",
    ),
    # ---- search screen
    _a(
        "search-query", "focus_query", "Edit the query", "slash", "search", show=True, label="Query"
    ),
    _a(
        "search-mark",
        "toggle_mark",
        "Mark / unmark the hit (A codes the marked ones)",
        "space",
        "search",
        show=True,
        label="Mark",
    ),
    _a(
        "search-code-all",
        "code_all",
        "Code the marked hits (every hit when none is marked)",
        "A",
        "search",
        show=True,
        label="Code hits",
    ),
    # ---- co-occurrence screen
    _a(
        "cooccur-filters",
        "filters",
        "Filters: mode, unit, distance, coder, depth, where",
        "f",
        "cooccurrence",
        show=True,
        label="Filters",
    ),
    _a(
        "cooccur-sort",
        "cycle_sort",
        "Sort by the next measure (count, c, conditional)",
        "s",
        "cooccurrence",
        show=True,
        label="Sort",
    ),
    _a(
        "cooccur-quotations",
        "quotations",
        "Quotations where the two codes meet",
        "enter",
        "cooccurrence",
        show=True,
        label="Quotations",
    ),
    _a(
        "cooccur-export",
        "export",
        "Export the Sankey figure to exports/",
        "e",
        "cooccurrence",
        show=True,
        label="Export figure",
    ),
    _a("cooccur-back", "back", "Back", "escape", "cooccurrence", show=True, label="Back"),
    # ---- quotations (from a co-occurrence cell)
    _a(
        "quotation-open",
        "open_quotation",
        "Open the quotation in the coding screen",
        "enter",
        "quotations",
        show=True,
        label="Open",
    ),
    _a(
        "quotations-close",
        "close",
        "Close the quotations",
        "escape",
        "quotations",
        show=True,
        label="Close",
    ),
    # ---- agreement screen
    _a(
        "agree-unit",
        "cycle_unit",
        "Next unit (char, sentence, turn, document)",
        "t",
        "agreement",
        show=True,
        label="Unit",
    ),
    _a(
        "agree-coders",
        "choose_coders",
        "Choose the coders compared",
        "c",
        "agreement",
        show=True,
        label="Coders",
    ),
    _a(
        "agree-reconcile",
        "reconcile",
        "Walk through the disagreements",
        "r",
        "agreement",
        show=True,
        label="Reconcile",
    ),
    _a("agree-back", "back", "Back", "escape", "agreement", show=True, label="Back"),
    # ---- reconciliation screen
    _a("keep-a", "keep('a')", "Keep coder A's coding", "a", "reconcile", show=True, label="Keep A"),
    _a("keep-b", "keep('b')", "Keep coder B's coding", "b", "reconcile", show=True, label="Keep B"),
    _a(
        "keep-both",
        "keep('both')",
        "Keep both (their union)",
        "o",
        "reconcile",
        show=True,
        label="Both",
    ),
    _a("keep-none", "keep('none')", "Keep none", "x", "reconcile", show=True, label="None"),
    _a(
        "reconcile-next",
        "step(1)",
        "Next disagreement",
        "n,right",
        "reconcile",
        show=True,
        label="Next",
    ),
    _a(
        "reconcile-previous",
        "step(-1)",
        "Previous disagreement",
        "p,left",
        "reconcile",
        show=True,
        label="Previous",
    ),
    _a(
        "reconcile-open",
        "open_passage",
        "Open the passage in the coding screen",
        "enter",
        "reconcile",
    ),
    _a("reconcile-back", "back", "Back", "escape", "reconcile", show=True, label="Back"),
    # ---- suggestions screen
    _a(
        "suggestion-accept",
        "accept",
        "Accept: code it for the current coder",
        "a",
        "suggestions",
        show=True,
        label="Accept",
    ),
    _a(
        "suggestion-reject",
        "reject",
        "Reject: never suggest it again",
        "x",
        "suggestions",
        show=True,
        label="Reject",
    ),
    _a(
        "suggestion-reject-code",
        "reject_code",
        "Reject every open suggestion of this code in this document",
        "X",
        "suggestions",
    ),
    _a(
        "suggestion-similar",
        "more_like_this",
        "More like this: uncoded passages like this suggestion's code (again: back)",
        "m",
        "suggestions",
        show=True,
        label="Like this",
    ),
    _a(
        "suggestion-retrain",
        "retrain",
        "Retrain the model on your decisions now",
        "T",
        "suggestions",
    ),
    _a(
        "suggestion-skip",
        "skip",
        "Skip to the next suggestion",
        "s",
        "suggestions",
        show=True,
        label="Skip",
    ),
    _a(
        "suggestion-open",
        "open_suggestion",
        "Open the suggestion in the coding screen",
        "enter",
        "suggestions",
        show=True,
        label="Open",
    ),
    _a(
        "suggestion-order",
        "toggle_order",
        "Order by uncertainty or by position",
        "o",
        "suggestions",
        show=True,
        label="Order",
    ),
    _a(
        "suggestion-run",
        "run_suggesters",
        "Run the keyword rules (and model) on every document",
        "R",
        "suggestions",
    ),
    _a("suggestions-back", "back", "Back", "escape", "suggestions", show=True, label="Back"),
    # ---- segments of a code (retrieval)
    _a(
        "segment-open",
        "open_segment",
        "Open the document at the segment",
        "enter",
        "segments",
        show=True,
        label="Open",
    ),
    _a(
        "segment-recode",
        "recode",
        "Recode the segment (your own)",
        "c",
        "segments",
        show=True,
        label="Recode",
    ),
    _a(
        "segment-uncode",
        "uncode",
        "Remove the coding (your own)",
        "x,delete",
        "segments",
        show=True,
        label="Uncode",
    ),
    _a(
        "segment-memo",
        "memo",
        "Memo on the segment's coding",
        "m",
        "segments",
        show=True,
        label="Memo",
    ),
    _a(
        "segment-filter",
        "filter",
        "Filter by coder and case attributes",
        "f",
        "segments",
        show=True,
        label="Filter",
    ),
    _a("segments-back", "back", "Back", "escape", "segments", show=True, label="Back"),
)

BY_ID = {a.id: a for a in ACTIONS}


def bindings(scope: str) -> list[Binding]:
    """Key bindings of one scope, with ids so a keymap can remap them."""
    return [
        Binding(
            a.keys,
            a.action,
            a.label or a.description,
            show=a.show,
            id=a.id,
            priority=a.priority,
            tooltip=a.description,
        )
        for a in ACTIONS
        if a.scope == scope and a.keys
    ]


def actions_in(*scopes: str) -> list[ActionSpec]:
    return [a for a in ACTIONS if a.scope in scopes]


def keymap_path() -> Path:
    """``$WORKBENCH_KEYS``, else ``~/.config/workbench/keys.toml`` (XDG_CONFIG_HOME honoured)."""
    env = os.environ.get("WORKBENCH_KEYS")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "workbench" / "keys.toml"


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """Read user key overrides: ``action-id = "keys"`` (TOML, or a JSON object).

    A ``[keys]`` table is accepted as well as top-level entries. Unknown action ids and
    non-string keys are errors naming the file, so a typo does not silently do nothing.
    """
    path = path or keymap_path()
    if not path.exists():
        return {}
    raw = path.read_bytes()
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(raw.decode("utf-8"))
        else:
            data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"cannot read key map: {exc}", source=str(path)) from exc
    if not isinstance(data, dict):
        raise WorkbenchError("the key map must map action ids to keys", source=str(path))
    if isinstance(data.get("keys"), dict):
        data = {**{k: v for k, v in data.items() if k != "keys"}, **data["keys"]}
    keymap: dict[str, str] = {}
    for action_id, keys in data.items():
        if action_id not in BY_ID:
            raise WorkbenchError(f"unknown action id {action_id!r}", source=str(path))
        if isinstance(keys, list):
            keys = ",".join(str(k) for k in keys)
        if not isinstance(keys, str) or not keys.strip():
            raise WorkbenchError(f"keys for {action_id!r} must be a string", source=str(path))
        keymap[action_id] = keys.replace(" ", "")
    return keymap


def effective_keys(action: ActionSpec, keymap: dict[str, str]) -> str:
    return keymap.get(action.id, action.keys)


def display_keys(keys: str) -> str:
    """``"f1,question_mark"`` -> ``"f1 ?"`` for people."""
    names = {
        "question_mark": "?",
        "slash": "/",
        "escape": "esc",
        "delete": "del",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
        "plus": "+",
        "minus": "-",
    }
    return " ".join(names.get(k, k) for k in keys.split(",") if k)


def markdown_table(keymap: dict[str, str] | None = None) -> str:
    """The key reference of ``docs/tui.md``, generated from the registry."""
    keymap = keymap or {}
    out: list[str] = []
    for scope, title in SCOPES.items():
        out += [f"### {title}", "", "| Keys | Action | Id |", "| --- | --- | --- |"]
        for a in actions_in(scope):
            keys = display_keys(effective_keys(a, keymap)) or "(palette)"
            out.append(f"| `{keys}` | {a.description} | `{a.id}` |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # python -m workbench.tui.actions: the key tables of docs/tui.md
    print(markdown_table())
