"""The state every step of a ``.qdpx`` import shares: who coded, when, and the extension.

``import_qdpx`` (``qdpx_import``) stores a parsed file in steps, one mixin each (codes and
cases in ``qdpx_import_codes``, sources, codings and notes in ``qdpx_import_sources``); they
all ask the same questions of one writer: which coder a file's user is (made on first use,
with a note when the file does not declare them), what a file's date-time is as we store it.
Those answers, the writer's state, and what workbench's own extension restores around the
steps (settings first; creation times and done marks last) live here.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.i18n import _
from workbench.interop.qdpx_read import _Parsed
from workbench.interop.qdpx_report import ImportReport
from workbench.store.connection import now
from workbench.store.project import Project

FALLBACK_CODER = "imported"


class _WriterBase:
    """The state of one import and what its steps share, inside the caller's transaction."""

    def __init__(
        self,
        project: Project,
        parsed: _Parsed,
        report: ImportReport,
        merge: bool,
        positions: str | None = None,
    ):
        self.project = project
        self.conn = project.conn
        self.p = parsed
        self.report = report
        self.merge = merge
        self.positions = positions
        self.ext = parsed.extension or {}
        #: recordings written from the archive (removed again if the import fails)
        self.written_files: list[Path] = []
        self.new_names: dict[str, set[str]] = {"coders": set(), "cases": set()}
        self.coder_ids: dict[str, int] = {}
        self.entry_ids: dict[int, int | None] = {}
        self.dates_fixed = False

    def coder(self, user: str | None) -> int:
        if user and user in self.p.users:
            name = self.p.users[user]
        elif user:
            name = f"user-{user[:8].lower()}"
            if name not in self.coder_ids:
                self.report.notes.append(
                    _("user {user} is not declared; coder named {name!r}").format(
                        user=user, name=name
                    )
                )
        else:
            name = FALLBACK_CODER
            if name not in self.coder_ids:
                self.report.notes.append(
                    _("codings without a user were given to coder {name!r}").format(name=name)
                )
        if name not in self.coder_ids:
            if not self.conn.execute("SELECT 1 FROM coders WHERE name = ?", (name,)).fetchone():
                self.new_names["coders"].add(name)
            self.coder_ids[name] = self.project.coder_id(name)
            if name not in self.report.coders:
                self.report.coders.append(name)
        return self.coder_ids[name]

    def users(self) -> None:
        """Every declared user becomes a coder, whether or not they coded anything."""
        for key in self.p.users:
            self.coder(key)

    def stamp(self, raw: str | None, place: str) -> str:
        """A file's date-time as we store it; the import time when it is missing or broken.

        QualCoder writes ``2025-01-01T10:00:00+00:00Z`` (an offset *and* a ``Z``): the ``Z``
        is dropped, with one note.
        """
        if not raw or not raw.strip():
            return now()
        value = raw.strip()
        if re.search(r"[+-]\d\d:?\d\dZ$", value):
            value = value[:-1]
            if not self.dates_fixed:
                self.report.notes.append(
                    _(
                        "dates such as {raw!r} carry both an offset and 'Z' (as QualCoder writes them); "
                        "read without the 'Z'"
                    ).format(raw=raw)
                )
            self.dates_fixed = True
        from datetime import datetime

        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.report.notes.append(
                _("{place}: date {raw!r} is not a date-time; the import time was used").format(
                    place=place, raw=raw
                )
            )
            return now()
        return value  # kept as written, so our own round trip is exact

    def settings(self) -> None:
        """Project settings from the extension (a new project takes them all, a merge only
        those it lacks); a foreign project's ``Description`` becomes the codebook's."""
        wanted = dict(self.ext.get("settings", {}))
        if self.p.description and "codebook.description" not in wanted:
            wanted["codebook.description"] = self.p.description
        for key, value in wanted.items():
            if not isinstance(key, str) or not (value is None or isinstance(value, str)):
                continue
            if self.merge and self.project.setting(key) is not None:
                continue
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) "
                "DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def restore(self) -> None:
        """Creation times of new coders and cases, and done marks, from the extension."""
        for table in ("coders", "cases"):
            for name, created in self.ext.get(table, {}).items():
                if name in self.new_names[table] and isinstance(created, str):
                    self.conn.execute(
                        f"UPDATE {table} SET created_at = ? WHERE name = ?", (created, name)
                    )
        for src in self.p.sources:
            extra = self.ext.get("documents", {}).get(src.guid or "")
            if src.doc_id is None or not isinstance(extra, dict):
                continue
            for coder, done, updated in extra.get("done", []):
                self.conn.execute(
                    "INSERT OR IGNORE INTO document_status (document_id, coder_id, done, "
                    "updated_at) VALUES (?, ?, ?, ?)",
                    (
                        src.doc_id,
                        self.coder_ids.get(coder) or self.named_coder(coder),
                        1 if done else 0,
                        updated or now(),
                    ),
                )

    def named_coder(self, name: str) -> int:
        if not self.conn.execute("SELECT 1 FROM coders WHERE name = ?", (name,)).fetchone():
            self.new_names["coders"].add(name)
        self.coder_ids[name] = self.project.coder_id(name)
        if name not in self.report.coders:
            self.report.coders.append(name)
        return self.coder_ids[name]
