"""Backups through SQLite's online backup API: safe while the app or another command writes.

Copying the file with ``cp`` while WAL holds recent commits would miss them; the backup API
copies a consistent snapshot including the WAL.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from workbench.i18n import _
from workbench.ops.check import check_project
from workbench.permissions import require
from workbench.store.errors import ProjectError
from workbench.store.project import Project


def backup_project(project: Project, destination: str | Path, *, overwrite: bool = False) -> Path:
    """Write a consistent copy of the open project to ``destination``."""
    require(project, "project.backup")
    destination = Path(destination)
    if project.path != Path(":memory:") and _same_file(destination, project.path):
        raise ProjectError(
            _("is the project itself; back up to another file"), source=str(destination)
        )
    if destination.exists() and not overwrite:
        raise ProjectError(_("exists already (use --force to overwrite)"), source=str(destination))
    tmp = destination.with_name(destination.name + ".partial")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(str(tmp))
    try:
        project.conn.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    tmp.replace(destination)
    return destination


def restore_project(
    project_path: str | Path, backup: str | Path, *, user: str | None = None
) -> Path:
    """Replace the project at ``project_path`` with ``backup``; keep the old one beside it.

    The backup is checked first, so a damaged backup never replaces a working project. The
    current project is saved as ``NAME.before-restore-TIMESTAMP`` and returned. ``user`` is
    the signed-in person asking (the lead's to do; None: the file's owner).
    """
    with Project.open(project_path, create=False) as current:
        current.user = user
        require(current, "project.restore")
    backup = Path(backup)
    if not backup.exists():
        raise ProjectError(_("no such backup file"), source=str(backup))
    if _same_file(backup, Path(project_path)):
        raise ProjectError(_("is the project itself, not a backup of it"), source=str(backup))
    with Project.open(backup, create=False) as candidate:
        report = check_project(candidate)
        if not report.ok:
            raise ProjectError(
                _("backup fails the check: {value}").format(value=report.problems[0]),
                source=str(backup),
            )
    project_path = Path(project_path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    saved = project_path.with_name(f"{project_path.name}.before-restore-{stamp}")
    with Project.open(project_path) as current:
        current.user = user
        backup_project(current, saved)
        source = sqlite3.connect(str(backup))
        try:
            source.backup(current.conn)
        finally:
            source.close()
    return saved


def _same_file(a: Path, b: Path) -> bool:
    return a.exists() and b.exists() and a.resolve() == b.resolve()
