"""The transcript's own actions, as data: moving the cursor and growing the selection.

Part of the one action table (``workbench.tui.action_table`` puts the parts in order). They
are the transcript view's keys wherever it has the focus; most are kept out of the palette,
since nobody searches for "cursor left".
"""

from __future__ import annotations

from workbench.i18n import N_
from workbench.tui.action_spec import ActionSpec, _a

#: transcript (cursor and selection)
TRANSCRIPT_ACTIONS: tuple[ActionSpec, ...] = (
    _a("cursor-left", "cursor_left", N_("Cursor left"), "left", "transcript", palette=False),
    _a("cursor-right", "cursor_right", N_("Cursor right"), "right", "transcript", palette=False),
    _a("cursor-up", "cursor_up", N_("Cursor up a line"), "up", "transcript", palette=False),
    _a("cursor-down", "cursor_down", N_("Cursor down a line"), "down", "transcript", palette=False),
    _a("page-up", "page_up", N_("Page up"), "pageup", "transcript", palette=False),
    _a("page-down", "page_down", N_("Page down"), "pagedown", "transcript", palette=False),
    _a("word-left", "word_left", N_("Previous word"), "ctrl+left", "transcript", palette=False),
    _a("word-right", "word_right", N_("Next word"), "ctrl+right", "transcript", palette=False),
    _a("line-start", "line_start", N_("Start of line"), "home", "transcript", palette=False),
    _a("line-end", "line_end", N_("End of line"), "end", "transcript", palette=False),
    _a("document-start", "document_start", N_("Start of document"), "ctrl+home", "transcript"),
    _a("document-end", "document_end", N_("End of document"), "ctrl+end", "transcript"),
    _a(
        "extend-left",
        "extend_left",
        N_("Extend selection a character left"),
        "shift+left",
        "transcript",
        palette=False,
    ),
    _a(
        "extend-right",
        "extend_right",
        N_("Extend selection a character right"),
        "shift+right",
        "transcript",
        palette=False,
    ),
    _a(
        "extend-up",
        "extend_up",
        N_("Extend selection a line up"),
        "shift+up",
        "transcript",
        palette=False,
    ),
    _a(
        "extend-down",
        "extend_down",
        N_("Extend selection a line down"),
        "shift+down",
        "transcript",
        palette=False,
    ),
    _a(
        "extend-word",
        "extend_word",
        N_("Extend selection by a word"),
        "w,ctrl+shift+right",
        "transcript",
    ),
    _a(
        "shrink-word",
        "shrink_word",
        N_("Move the selection end back a word"),
        "b,ctrl+shift+left",
        "transcript",
    ),
    _a(
        "extend-sentence",
        "extend_sentence",
        N_("Extend selection by a sentence"),
        "S",
        "transcript",
    ),
    _a("extend-turn", "extend_turn", N_("Extend selection by a speaker turn"), "T", "transcript"),
    _a(
        "select-sentence",
        "select_sentence",
        N_("Select the current sentence"),
        "s",
        "transcript",
        show=True,
        label=N_("Sentence"),
    ),
    _a(
        "select-turn",
        "select_turn",
        N_("Select the current turn"),
        "t",
        "transcript",
        show=True,
        label=N_("Turn"),
    ),
    _a(
        "clear-selection",
        "clear_selection",
        N_("Clear the selection"),
        "escape",
        "transcript",
        palette=False,
    ),
)
