"""Storing imported transcripts: text, turns, sentences and the search index.

One document is one action: either everything about it is stored or nothing is.
"""

from __future__ import annotations

import json
import re
from array import array
from pathlib import Path

from workbench.analysis.units import enumerate_paragraphs
from workbench.i18n import _
from workbench.permissions import require
from workbench.sentences import split_spans
from workbench.store.connection import inserted_id, new_guid, now
from workbench.store.errors import DuplicateDocumentError, WorkbenchError
from workbench.store.model import Document, ParsedTranscript
from workbench.store.project import Project
from workbench.textnorm import sha256

LANGUAGES = ("en", "es")  # languages a project's sentences can be split in
_WORD = re.compile(r"\S+")  # a word, as the documents screen counts them


def set_language(project: Project, language: str) -> None:
    """Set the project's language (sentence splitting, suggestions).

    Only while the project has no documents: their sentences were split in the old language,
    and changing it later would leave the stored sentences and the setting disagreeing.
    Setting the language it already has is always allowed.
    """
    require(project, "project.settings")
    check_language(project, language)
    if language != project.language:
        project.set_setting("language", language)


def check_language(project: Project, language: str) -> None:
    """Raise the one-line error ``set_language`` would, without changing anything."""
    if language not in LANGUAGES:
        raise WorkbenchError(
            _("unknown language {language!r}; use one of {items}").format(
                language=language, items=", ".join(LANGUAGES)
            )
        )
    if (
        language != project.language
        and project.conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone()
    ):
        raise WorkbenchError(
            _(
                "the project's language is {language!r} and it has documents already; --language "
                "only applies to a new project"
            ).format(language=project.language),
            source=str(project.path),
        )


def unique_name(project: Project, wanted: str) -> str:
    taken = {r[0] for r in project.conn.execute("SELECT name FROM documents")}
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted} ({n})" in taken:
        n += 1
    return f"{wanted} ({n})"


def add_document(
    project: Project,
    parsed: ParsedTranscript,
    *,
    name: str,
    case: str | None = None,
    source_path: str | Path | None = None,
    force: bool = False,
    language: str | None = None,
    sentences: list[tuple[int, int]] | None = None,
) -> Document:
    """Store ``parsed`` as a new document; refuse text imported before unless ``force``.

    ``sentences`` (start, end) spans are stored as given instead of splitting the text, so a
    document copied from another project keeps the very same sentence units.
    """
    require(project, "documents.edit")
    text = parsed.text
    if not text.strip():
        raise WorkbenchError(_("the transcript has no text"), source=str(source_path or name))
    digest = sha256(text)
    if not force:
        row = project.conn.execute(
            "SELECT name FROM documents WHERE sha256 = ?", (digest,)
        ).fetchone()
        if row:
            raise DuplicateDocumentError(
                _(
                    "the same text is already in the project as {value!r} (use --force to import "
                    "again)"
                ).format(value=row[0]),
                source=str(source_path or name),
            )
    language = language or project.language
    turn_spans = (
        ((t.start, t.end) for t in parsed.turns)
        if parsed.turns
        else ((s, e) for _unused, s, e in enumerate_paragraphs(text))
    )
    # sentence bounds as one flat array of starts and ends: 16 bytes a sentence, where a list
    # of tuples took about 120 (a transcript of a million one-word paragraphs)
    bounds = array("q")
    for s, e in split_spans(text, turn_spans, language) if sentences is None else sentences:
        bounds.extend((int(s), int(e)))
    count = len(bounds) // 2
    with project.action("import", _("import {name}").format(name=name), undoable=False):
        case_id = project.case_id(case) if case else None
        doc_name = name
        if project.conn.execute("SELECT 1 FROM documents WHERE name = ?", (name,)).fetchone():
            if not force:
                raise DuplicateDocumentError(
                    _("a document named {name!r} exists already (use --name or --force)").format(
                        name=name
                    ),
                    source=str(source_path or name),
                )
            doc_name = unique_name(project, name)
        cur = project.conn.execute(
            "INSERT INTO documents (guid, name, case_id, text, length, sha256, source_path, "
            "source_format, language, metadata, imported_at, words) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                new_guid(),
                doc_name,
                case_id,
                text,
                len(text),
                digest,
                str(source_path) if source_path else None,
                parsed.source_format,
                language,
                json.dumps(parsed.metadata, ensure_ascii=False, default=str),
                now(),
                word_count(text),
            ),
        )
        doc_id = inserted_id(cur)
        project.conn.executemany(
            'INSERT INTO turns (document_id, seq, speaker, start, "end", time_start, time_end) '
            "VALUES (?,?,?,?,?,?,?)",
            (
                (doc_id, i, t.speaker, t.start, t.end, t.time_start, t.time_end)
                for i, t in enumerate(parsed.turns)
            ),
        )
        first = project.conn.execute("SELECT ifnull(max(id), 0) + 1 FROM sentences").fetchone()[0]
        project.conn.executemany(
            'INSERT INTO sentences (id, document_id, seq, start, "end") VALUES (?,?,?,?,?)',
            ((first + i, doc_id, i, bounds[2 * i], bounds[2 * i + 1]) for i in range(count)),
        )
        project.conn.executemany(
            "INSERT INTO sentences_fts (text, sentence_id, document_id) VALUES (?,?,?)",
            ((text[bounds[2 * i] : bounds[2 * i + 1]], first + i, doc_id) for i in range(count)),
        )
    return project.document(doc_id)


def word_count(text: str) -> int:
    """Words as the documents screen counts them: runs of non-space characters (counted as
    they are found: ``len(text.split())`` held every word of a long transcript at once)."""
    return sum(1 for _ in _WORD.finditer(text))
