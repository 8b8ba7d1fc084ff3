"""The actions of the documents list and the coding screen (its recording too), as data.

Part of the one action table: ``workbench.tui.action_table`` puts the parts in their order
(which help, the palette and ``docs/tui.md`` follow). The coding screen, where a coder
spends the day, has the most keys, so its actions are kept apart from the other screens'.
"""

from __future__ import annotations

from workbench.i18n import N_
from workbench.tui.action_spec import ActionSpec, _a

#: "Apply the code on key n", one message per key so that each is a plain string to translate
APPLY_ON_KEY = (
    N_("Apply the code on key 1"),
    N_("Apply the code on key 2"),
    N_("Apply the code on key 3"),
    N_("Apply the code on key 4"),
    N_("Apply the code on key 5"),
    N_("Apply the code on key 6"),
    N_("Apply the code on key 7"),
    N_("Apply the code on key 8"),
    N_("Apply the code on key 9"),
)

#: the documents screen
DOCUMENTS_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "open-document",
        "open_document",
        N_("Open the document"),
        "enter,o",
        "documents",
        show=True,
        label=N_("Open"),
    ),
    _a(
        "documents-done",
        "toggle_done",
        N_("Mark done / not done for the coder"),
        "d",
        "documents",
        show=True,
        label=N_("Done"),
    ),
)

#: the coding screen (one action of the transcript scope among them)
CODING_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "apply-code",
        "apply_code",
        N_("Apply a code (search by name)"),
        "a",
        "coding",
        show=True,
        label=N_("Apply code"),
    ),
    *(
        _a(
            f"apply-recent-{n}",
            f"apply_recent({n})",
            description,
            str(n),
            "coding",
            palette=False,
        )
        for n, description in enumerate(APPLY_ON_KEY, 1)
    ),
    _a(
        "pin-favourite",
        "pin_favourite",
        N_("Pin the highlighted code to a key 1-9"),
        "plus",
        "coding",
    ),
    _a(
        "in-vivo",
        "in_vivo",
        N_("In-vivo code: a new code named from the selected words"),
        "v",
        "coding",
        show=True,
        label=N_("In vivo"),
    ),
    _a(
        "remove-coding",
        "remove_coding",
        N_("Remove the coding under the cursor"),
        "x,delete",
        "coding",
        show=True,
        label=N_("Remove"),
    ),
    _a(
        "change-code",
        "change_code",
        N_("Change the code of the coding under the cursor"),
        "c",
        "coding",
    ),
    _a(
        "resize-coding",
        "resize_coding",
        N_("Resize the coding under the cursor to the selection"),
        "r",
        "coding",
    ),
    _a(
        "memo",
        "memo",
        N_("Memo on the coding under the cursor (or the document)"),
        "m",
        "coding",
        show=True,
        label=N_("Memo"),
    ),
    _a(
        "edit-text",
        "edit_text",
        N_("Correct the selected text (every coding follows; one undo takes it back)"),
        "E",
        "coding",
    ),
    _a(
        "find", "find", N_("Find in the transcript"), "slash", "coding", show=True, label=N_("Find")
    ),
    _a("find-next", "find_next", N_("Next match"), "n", "coding"),
    _a("find-previous", "find_previous", N_("Previous match"), "N", "coding"),
    _a("mark-done", "toggle_done", N_("Mark the document done / not done"), "d", "coding"),
    _a("filter-codes", "filter_codes", N_("Filter the code tree"), "f", "coding"),
    _a(
        "code-panel",
        "toggle_panel",
        N_("Show / hide the code panel (definition, memo, counts)"),
        "i",
        "coding",
        show=True,
        label=N_("Code info"),
    ),
    _a(
        "read-panel",
        "read_panel",
        N_("Read the code panel: focus it to scroll the whole card (esc goes back)"),
        "I",
        "coding",
    ),
    _a("focus-transcript", "focus_transcript", N_("Back to the transcript"), "escape", "coding"),
    _a(
        "copy-quotation",
        "copy_quotation",
        N_("Copy the selection with its reference"),
        "ctrl+c",
        "coding",
    ),
    _a(
        "next-coding",
        "next_coding(1)",
        N_("Next coding (any code)"),
        "right_square_bracket",
        "coding",
    ),
    _a(
        "previous-coding",
        "next_coding(-1)",
        N_("Previous coding (any code)"),
        "left_square_bracket",
        "coding",
    ),
    _a(
        "next-same-code",
        "next_same_code(1)",
        N_("Next coding of the highlighted code (tree, else under the cursor)"),
        "right_curly_bracket",
        "coding",
    ),
    _a(
        "previous-same-code",
        "next_same_code(-1)",
        N_("Previous coding of the highlighted code (tree, else under the cursor)"),
        "left_curly_bracket",
        "coding",
    ),
    _a(
        "code-segments",
        "segments",
        N_("Segments of the highlighted code, across documents"),
        "g",
        "coding",
        show=True,
        label=N_("Segments"),
    ),
    _a(
        "accept-suggestion",
        "accept_suggestion",
        N_("Accept the suggestion under the cursor"),
        "y",
        "coding",
    ),
    _a(
        "reject-suggestion",
        "reject_suggestion",
        N_("Reject the suggestion under the cursor"),
        "X",
        "coding",
    ),
    _a(
        "next-suggestion",
        "next_suggestion",
        N_("Next open suggestion in the document"),
        "j",
        "coding",
    ),
    _a(
        "toggle-suggestions",
        "toggle_suggestions",
        N_("Hide or show every suggestion mark"),
        "J",
        "transcript",
    ),
)

#: the recording (coding screen); F4 is not in the footer, which holds the coding keys
#: whole at 100 columns in Spanish (help and the palette list it, docs/media.md teaches it)
RECORDING_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "media-play",
        "play_turn",
        N_("Play the recording from the cursor's turn (or the selection)"),
        "f4",
        "coding",
    ),
    _a("media-pause", "pause_playback", N_("Pause / resume the recording"), "f5", "coding"),
    _a("media-back", "step_playback(-1)", N_("Recording: back a few seconds"), "f6", "coding"),
    _a("media-forward", "step_playback(1)", N_("Recording: forward a few seconds"), "f7", "coding"),
    _a(
        "media-sync",
        "sync_here",
        N_("Sync point: the cursor's position is heard now"),
        "f8",
        "coding",
    ),
)
