"""Project statistics: what is in the project, at a glance."""

from __future__ import annotations

import json

from workbench.permissions import require, visible_coders
from workbench.store.project import Project, read_snapshot


@read_snapshot
def project_stats(project: Project) -> dict:
    """Counts of documents, cases, codes, memos and codings per coder (also done marks).

    Under blind coding a coder's figures are their own: no other coder's row or count.
    """
    require(project, "project.read")
    q = project.conn.execute
    seen = visible_coders(project)
    per_coder = [
        {"coder": name, "codings": n, "documents_coded": docs, "documents_done": done}
        for name, n, docs, done in q(
            "SELECT c.name, "
            "(SELECT count(*) FROM codings WHERE coder_id = c.id), "
            "(SELECT count(DISTINCT document_id) FROM codings WHERE coder_id = c.id), "
            "(SELECT count(*) FROM document_status WHERE coder_id = c.id AND done = 1) "
            "FROM coders c ORDER BY c.name"
        )
        if seen is None or name in seen
    ]
    if seen is None:
        codings = q("SELECT count(*) FROM codings").fetchone()[0]
        memos = q("SELECT count(*) FROM memos").fetchone()[0]
    else:
        codings = sum(row["codings"] for row in per_coder)
        memos = q(
            "SELECT count(*) FROM memos m LEFT JOIN coders c ON c.id = m.coder_id "
            "WHERE m.coder_id IS NULL OR c.name IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(seen)),),
        ).fetchone()[0]
    return {
        "documents": q("SELECT count(*) FROM documents").fetchone()[0],
        "characters": q("SELECT ifnull(sum(length), 0) FROM documents").fetchone()[0],
        "cases": q("SELECT count(*) FROM cases").fetchone()[0],
        "codes": q("SELECT count(*) FROM codes").fetchone()[0],
        "codings": codings,
        "memos": memos,
        "coders": per_coder,
    }
