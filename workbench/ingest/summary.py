"""Per-document figures shown after an import and by ``workbench documents``."""

from __future__ import annotations

from collections.abc import Iterable

from workbench.store.project import Project, read_snapshot

COLUMNS = ("name", "case", "characters", "turns", "speakers", "sentences")


@read_snapshot
def document_rows(project: Project, names: Iterable[str] | None = None) -> list[dict[str, object]]:
    """name, case, characters, turns, speakers (distinct) and sentences of each document."""
    rows = project.conn.execute(
        """
        SELECT d.name, c.name, d.length,
               (SELECT count(*) FROM turns t WHERE t.document_id = d.id),
               (SELECT count(DISTINCT t.speaker) FROM turns t WHERE t.document_id = d.id),
               (SELECT count(*) FROM sentences s WHERE s.document_id = d.id)
        FROM documents d LEFT JOIN cases c ON c.id = d.case_id
        ORDER BY d.name
        """
    ).fetchall()
    wanted = set(names) if names is not None else None
    return [
        dict(zip(COLUMNS, row, strict=True)) for row in rows if wanted is None or row[0] in wanted
    ]
