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


def search(
    project: Project,
    query: str,
    *,
    limit: int = 1000,
    whole_words: bool = True,
    regex: bool = False,
) -> list[Hit]:
    """Sentences matching ``query`` (words, all required; diacritics and case ignored).

    A word ending in ``*`` matches every word it begins (``particip*``: participation,
    participants); ``whole_words=False`` treats every word so. The user's text is quoted as
    one FTS5 string per word, so punctuation and FTS syntax in it cannot break the query.
    ``regex`` reads ``query`` as one regular expression (Python's, case ignored) matched
    against each sentence's text instead.
    """
    if regex:
        return _regex_search(project, query, limit)
    words = [w for w in query.split() if w.strip("*")]
    if not words:
        return []
    terms = []
    for word in words:
        prefix = word.endswith("*") or not whole_words
        quoted = project.db.quote_fts(word.rstrip("*"))
        terms.append(f"{quoted}*" if prefix else quoted)
    match = " ".join(terms)
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


def _regex_search(project: Project, pattern: str, limit: int) -> list[Hit]:
    """Sentences whose text matches the regular expression ``pattern`` (case ignored)."""
    if not pattern.strip():
        return []
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise WorkbenchError(
            _("not a regular expression: {pattern} ({why})").format(pattern=pattern, why=exc)
        ) from None
    hits: list[Hit] = []
    for doc_id, name in project.conn.execute("SELECT id, name FROM documents ORDER BY name"):
        text = project.text(doc_id)
        for sid, start, end in project.conn.execute(
            'SELECT id, start, "end" FROM sentences WHERE document_id = ? ORDER BY start',
            (doc_id,),
        ).fetchall():
            if compiled.search(text, start, end):
                hits.append(Hit(doc_id, name, sid, start, end, text[start:end]))
                if len(hits) >= limit:
                    return hits
    return hits


def matches_in(
    text: str, query: str, *, whole_words: bool = True, regex: bool = False
) -> list[tuple[int, int]]:
    """Where ``query`` matches inside ``text`` (a hit's sentence), as ``(start, end)``: what
    the search screen picks out, by the same rules as ``search``."""
    if regex:
        try:
            return [
                m.span() for m in re.finditer(query, text, re.IGNORECASE) if m.end() > m.start()
            ]
        except re.error:
            return []
    spans = []
    for word in query.split():
        stem = word.rstrip("*")
        if not stem:
            continue
        prefix = word.endswith("*") or not whole_words
        tail = r"\w*" if prefix else r"(?!\w)"
        pattern = r"(?<!\w)" + re.escape(stem) + tail
        spans += [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    return sorted(spans)


#: what a hit can grow to before it is coded
HIT_UNITS = ("sentence", "turn", "paragraph")


def widen_hits(project: Project, hits: Iterable[Hit], unit: str) -> list[Hit]:
    """Each hit grown to the ``unit`` holding it (its sentence, speaker turn or paragraph),
    once per unit: what "code the hits' turns" codes."""
    from workbench.analysis.units import spans

    if unit not in HIT_UNITS:
        raise WorkbenchError(
            _("a hit is coded as its sentence, turn or paragraph, not {unit!r}").format(unit=unit)
        )
    hits = list(hits)
    if unit == "sentence":
        return hits
    out: dict[tuple[int, int, int], Hit] = {}
    units: dict[int, list[tuple[int, int]]] = {}
    for hit in hits:
        if hit.document_id not in units:
            units[hit.document_id] = spans(project, hit.document_id, unit, turn_fallback=True)
        around = next(
            ((a, b) for a, b in units[hit.document_id] if a <= hit.start < b), (hit.start, hit.end)
        )
        start, end = min(around[0], hit.start), max(around[1], hit.end)
        key = (hit.document_id, start, end)
        if key not in out:
            text = project.text(hit.document_id)
            out[key] = Hit(
                hit.document_id, hit.document, hit.sentence_id, start, end, text[start:end]
            )
    return list(out.values())


def code_hits(
    project: Project, hits: Iterable[Hit], code_path: str, *, coder: str | None = None
) -> int:
    """Code every hit with ``code_path`` as one undoable action; return how many were coded.

    A hit this coder already coded with this exact span and code is skipped, so running the
    same search twice does not double the codings.
    """
    from workbench.permissions import coder_for, require

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
