"""The actions of the screens over codes and their passages, as data: the codebook, search,
and the segments of a code.

Part of the one action table: ``workbench.tui.action_table`` puts the parts in order (the
segments come last in it, after the analysis screens).
"""

from __future__ import annotations

from workbench.i18n import N_
from workbench.tui.action_spec import ActionSpec, _a

#: the codebook screen
CODEBOOK_ACTIONS: tuple[ActionSpec, ...] = (
    _a("code-add", "add_code", N_("Add a code"), "a", "codebook", show=True, label=N_("Add")),
    _a(
        "code-rename",
        "rename_code",
        N_("Rename the code"),
        "r",
        "codebook",
        show=True,
        label=N_("Rename"),
    ),
    _a(
        "code-move",
        "move_code",
        N_("Move the code under another"),
        "m",
        "codebook",
        show=True,
        label=N_("Move"),
    ),
    _a(
        "code-merge",
        "merge_code",
        N_("Merge the code into another"),
        "M",
        "codebook",
        show=True,
        label=N_("Merge"),
    ),
    _a(
        "code-delete",
        "delete_code",
        N_("Delete the code"),
        "x,delete",
        "codebook",
        show=True,
        label=N_("Delete"),
    ),
    _a("code-colour", "colour_code", N_("Set the code's colour"), "k", "codebook"),
    _a("code-describe", "describe_code", N_("Edit the code's description"), "e", "codebook"),
    _a("code-filter", "filter_codes", N_("Filter the code tree"), "f", "codebook"),
    _a(
        "codebook-segments",
        "segments",
        N_("Segments of the code, across documents"),
        "g",
        "codebook",
        show=True,
        label=N_("Segments"),
    ),
    _a("codebook-back", "back", N_("Back"), "escape", "codebook"),
)

#: the search screen
SEARCH_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "search-query",
        "focus_query",
        N_("Edit the query"),
        "slash",
        "search",
        show=True,
        label=N_("Query"),
    ),
    _a(
        "search-mark",
        "toggle_mark",
        N_("Mark / unmark the hit (A codes the marked ones)"),
        "space",
        "search",
        show=True,
        label=N_("Mark"),
    ),
    _a(
        "search-code-all",
        "code_all",
        N_("Code the marked hits (every hit when none is marked)"),
        "A",
        "search",
        show=True,
        label=N_("Code hits"),
    ),
    _a(
        "search-whole-words",
        "toggle_whole_words",
        N_("Whole words on / off (off: words match what they begin)"),
        "f5",
        "search",
        show=True,
        label=N_("Whole words"),
    ),
    _a(
        "search-regex",
        "toggle_regex",
        N_("Regular expression on / off"),
        "f6",
        "search",
        show=True,
        label=N_("Regex"),
    ),
)

#: segments of a code (retrieval)
SEGMENTS_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "segment-open",
        "open_segment",
        N_("Open the document at the segment"),
        "enter",
        "segments",
        show=True,
        label=N_("Open"),
    ),
    _a(
        "segment-recode",
        "recode",
        N_("Recode the segment (your own)"),
        "c",
        "segments",
        show=True,
        label=N_("Recode"),
    ),
    _a(
        "segment-uncode",
        "uncode",
        N_("Remove the coding (your own)"),
        "x,delete",
        "segments",
        show=True,
        label=N_("Uncode"),
    ),
    _a(
        "segment-memo",
        "memo",
        N_("Memo on the segment's coding"),
        "m",
        "segments",
        show=True,
        label=N_("Memo"),
    ),
    _a(
        "segment-filter",
        "filter",
        N_("Filter by coder and case attributes"),
        "f",
        "segments",
        show=True,
        label=N_("Filter"),
    ),
    _a(
        "segment-copy",
        "copy",
        N_("Copy the passage with its reference"),
        "y,ctrl+c",
        "segments",
        show=True,
        label=N_("Copy"),
    ),
    _a("segments-back", "back", N_("Back"), "escape", "segments", show=True, label=N_("Back")),
)
