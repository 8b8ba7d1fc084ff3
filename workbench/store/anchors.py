"""Every table that stores positions in a document's text, in one list.

A document's text changes only through the one edit operation (``workbench.ops.textedit``),
which moves every position stored here in the same transaction. A table added later that
stores character offsets registers itself with ``register`` (or is listed below)
so that editing a transcript moves its rows too; ``workbench check`` reads the same list to
find spans outside their text.

Three rules say how a stored position follows an edit (``workbench.ops.reanchor`` implements
them; docs/pseudonymise.md shows them with examples):

- ``span``: a marked passage (a coding, a suggestion). It grows or shrinks with an edit inside
  it, covers the whole replacement of an edit it overlaps, ignores text inserted at its edges,
  and is never emptied: a passage whose every character was replaced is kept at the edit point.
- ``unit``: a stretch that units of analysis tile the text with (sentences, turns). Both ends
  move by one order-keeping rule, so neighbours stay neighbours and never overlap; a unit whose
  every character is deleted is removed with it.
- ``point``: a single position (a cursor).
"""

from __future__ import annotations

from dataclasses import dataclass

RULES = ("span", "unit", "point")

#: the action-log kind of a text edit: undo cannot pass it and it ends every coder's redo
#: history, because older records hold positions in the text as it was before the edit
TEXT_EDIT_KIND = "edit-text"


@dataclass(frozen=True, slots=True)
class Anchored:
    """One table whose rows hold positions in a document's text.

    ``columns`` are the position columns: ``(start, end)`` for ``span`` and ``unit``, one
    column for ``point``. ``key`` identifies a row (the action log restores rows by it).
    ``unique`` names a unique index over the positions: rows that an edit brings onto the
    same key are folded into the oldest one.
    """

    table: str
    rule: str
    columns: tuple[str, ...] = ("start", "end")
    key: tuple[str, ...] = ("id",)
    document: str = "document_id"
    unique: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown anchoring rule {self.rule!r}")
        if len(self.columns) != (1 if self.rule == "point" else 2):
            raise ValueError(f"{self.table}: rule {self.rule!r} takes other columns")


ANCHORED: list[Anchored] = [
    # one coding per document, coder, span and code (migration 0006): codings an edit brings
    # onto one span fold into the oldest
    Anchored("codings", "span", unique=("document_id", "coder_id", "start", "end", "code_id")),
    Anchored("suggestions", "span", unique=("document_id", "code_id", "start", "end")),
    Anchored("sentences", "unit"),
    Anchored("turns", "unit"),
    Anchored(
        "reconcile_decisions",
        "unit",
        unique=("consensus", "document_id", "unit", "start", "end", "code"),
    ),
    Anchored("coder_positions", "point", columns=("cursor",), key=("coder_id", "document_id")),
    # where the recording is heard (migration 0010): one sync point per position
    Anchored("sync_points", "point", columns=("position",), unique=("document_id", "position")),
]


def register(anchored: Anchored) -> None:
    """Add a table whose positions must follow text edits (once; a second call is ignored)."""
    if all(a.table != anchored.table for a in ANCHORED):
        ANCHORED.append(anchored)


def span_tables() -> list[Anchored]:
    """The registered tables holding ``[start, end)`` spans (what ``check`` bounds)."""
    return [a for a in ANCHORED if a.rule != "point"]
