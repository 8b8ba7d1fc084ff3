"""Searching the project's sentences (SQLite FTS5) and coding every hit in one action.

The search index holds one row per sentence, so a hit is a sentence: the natural span to code
when a researcher looks for every place a topic comes up. Finding text inside one document is
a plain case-insensitive scan, which is what a reader expects from "find".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.i18n import _
from workbench.store.connection import new_guid, now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


@dataclass(frozen=True, slots=True)
class Hit:
    """A sentence matching a search."""

    document_id: int
    document: str
    sentence_id: int
    start: int
    end: int
    text: str


def search(project: Project, query: str, *, limit: int = 1000) -> list[Hit]:
    """Sentences matching ``query`` (words, all required; diacritics and case ignored).

    The user's text is quoted as one FTS5 string per word, so punctuation and FTS syntax in it
    cannot break the query.
    """
    words = [w for w in query.split() if w]
    if not words:
        return []
    match = " ".join(project.db.quote_fts(w) for w in words)
    rows = project.conn.execute(
        'SELECT s.document_id, d.name, s.id, s.start, s."end" FROM sentences_fts f '
        "JOIN sentences s ON s.id = f.sentence_id JOIN documents d ON d.id = s.document_id "
        "WHERE sentences_fts MATCH ? ORDER BY d.name, s.start LIMIT ?",
        (match, limit),
    ).fetchall()
    texts: dict[int, str] = {}
    hits = []
    for doc_id, name, sid, start, end in rows:
        text = texts.get(doc_id)
        if text is None:
            text = texts[doc_id] = project.text(doc_id)
        hits.append(Hit(doc_id, name, sid, start, end, text[start:end]))
    return hits


def code_hits(
    project: Project, hits: Iterable[Hit], code_path: str, *, coder: str | None = None
) -> int:
    """Code every hit with ``code_path`` as one undoable action; return how many were coded.

    A hit this coder already coded with this exact span and code is skipped, so running the
    same search twice does not double the codings.
    """
    from workbench.ops.permissions import coder_for, require

    coder = coder_for(project, coder)
    require(project, "coding.apply", owner=coder)
    code = project.code(code_path)
    coder_id = project.coder_id(coder)
    hits = list(hits)
    if not hits:
        raise WorkbenchError(_("there are no hits to code"))
    existing = {
        (r[0], r[1], r[2])
        for r in project.conn.execute(
            'SELECT document_id, start, "end" FROM codings WHERE code_id = ? AND coder_id = ?',
            (code.id, coder_id),
        )
    }
    done = 0
    with project.action(
        "apply",
        _("code {n_hits} search hit(s) with {path}").format(n_hits=len(hits), path=code.path),
        coder=coder,
    ) as act:
        for hit in hits:
            if (hit.document_id, hit.start, hit.end) in existing:
                continue
            existing.add((hit.document_id, hit.start, hit.end))
            act.insert(
                "codings",
                {
                    "guid": new_guid(),
                    "document_id": hit.document_id,
                    "code_id": code.id,
                    "coder_id": coder_id,
                    "start": hit.start,
                    "end": hit.end,
                    "source": "search",
                    "created_at": now(),
                },
            )
            done += 1
    return done


def find_in_text(text: str, needle: str) -> list[tuple[int, int]]:
    """Every case-insensitive occurrence of ``needle`` in ``text``, as ``(start, end)``.

    The pattern is matched literally; offsets are code points into ``text``.
    """
    needle = needle.strip()
    if not needle:
        return []
    pattern = re.compile(re.escape(needle), re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]
