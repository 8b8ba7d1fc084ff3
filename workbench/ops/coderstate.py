"""What the project remembers for each coder between sessions: favourite codes on keys 1-9,
and where the cursor was in each document.

These are preferences, not research data: they are written at once (no undo entry) and a
coder's slots never renumber themselves, so a key keeps its meaning until the coder changes it.
"""

from __future__ import annotations

from workbench.i18n import _
from workbench.permissions import require
from workbench.store.connection import now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

SLOTS = range(1, 10)


def favourites(project: Project, coder: str) -> dict[int, int]:
    """``slot -> code id`` of the coder's pinned codes (a reading: a coder not in the project
    yet has none, and a read-only project is not written)."""
    return dict(
        project.conn.execute(
            "SELECT f.slot, f.code_id FROM coder_favourites f JOIN coders c ON c.id = f.coder_id "
            "WHERE c.name = ? ORDER BY f.slot",
            (coder.strip(),),
        )
    )


def pin(project: Project, coder: str, slot: int, code_id: int | None) -> None:
    """Put ``code_id`` on key ``slot`` (moving it from another slot); ``None`` clears it."""
    if slot not in SLOTS:
        raise WorkbenchError(_("favourite keys are 1 to 9, not {slot}").format(slot=slot))
    require(project, "coder.state", owner=coder.strip())
    coder_id = project.coder_id(coder)
    with project.transaction():
        project.conn.execute(
            "DELETE FROM coder_favourites WHERE coder_id = ? AND (slot = ? OR code_id = ?)",
            (coder_id, slot, code_id if code_id is not None else -1),
        )
        if code_id is not None:
            project.code_by_id(code_id)  # raises for an unknown code
            project.conn.execute(
                "INSERT INTO coder_favourites (coder_id, slot, code_id) VALUES (?, ?, ?)",
                (coder_id, slot, code_id),
            )


def pin_if_free(project: Project, coder: str, code_id: int) -> int | None:
    """Give ``code_id`` the first free key when it has none; returns its key (or None when
    every key is taken). A code that has a key keeps it."""
    current = favourites(project, coder)
    for slot, pinned in current.items():
        if pinned == code_id:
            return slot
    free = next((s for s in SLOTS if s not in current), None)
    if free is not None:
        pin(project, coder, free, code_id)
    return free


def last_position(project: Project, coder: str, document_id: int) -> int | None:
    """Where the coder's cursor was when they last left the document."""
    row = project.conn.execute(
        "SELECT p.cursor FROM coder_positions p JOIN coders c ON c.id = p.coder_id "
        "WHERE c.name = ? AND p.document_id = ?",
        (coder.strip(), document_id),
    ).fetchone()
    return row[0] if row else None


def save_position(project: Project, coder: str, document_id: int, cursor: int) -> None:
    require(project, "coder.state", owner=coder.strip())
    coder_id = project.coder_id(coder)
    with project.transaction():
        project.conn.execute(
            "INSERT INTO coder_positions (coder_id, document_id, cursor, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(coder_id, document_id) DO UPDATE SET "
            "cursor = excluded.cursor, updated_at = excluded.updated_at",
            (coder_id, document_id, max(0, cursor), now()),
        )


def coder_language(project: Project, coder: str) -> str | None:
    """The language the coder chose for the app, or None (the app's own language)."""
    row = project.conn.execute(
        "SELECT language FROM coders WHERE name = ?", (coder.strip(),)
    ).fetchone()
    return row[0] if row else None


def set_coder_language(project: Project, coder: str, lang: str | None) -> None:
    """Keep ``lang`` (a language with a catalog, or None to follow the app) for the coder."""
    from workbench.i18n import _, available_languages, normalise_language

    require(project, "coder.state", owner=coder.strip())
    code = normalise_language(lang) if lang else None
    if lang and code not in available_languages():
        raise WorkbenchError(
            _("no translation for {language!r}; available: {known}").format(
                language=lang, known=", ".join(available_languages())
            )
        )
    coder_id = project.coder_id(coder)
    with project.transaction():
        project.conn.execute("UPDATE coders SET language = ? WHERE id = ?", (code, coder_id))
