"""Importing transcript files as documents: all of them, or none.

Every file is read (``workbench.ingest``, which writes nothing) and checked before anything is
stored; the documents are then stored in one transaction, so one bad file among fifty leaves
the project exactly as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from workbench.boundary import import_boundary
from workbench.i18n import _
from workbench.ingest import ParsedTranscript, document_name, read_transcript, shown_path
from workbench.ops.documents import add_document, check_language, set_language
from workbench.permissions import require
from workbench.store.errors import DuplicateDocumentError, WorkbenchError
from workbench.store.model import Document
from workbench.store.project import Project
from workbench.textnorm import sha256

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stage is ``"read"`` or ``"store"``."""


def import_files(
    project: Project,
    paths: Sequence[str | os.PathLike[str]],
    *,
    case: str | None = None,
    name: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    language: str | None = None,
    link_media: bool = False,
) -> list[Document]:
    """Import ``paths`` as new documents: all of them, or (on any error) none.

    Every file is read and checked before anything is written; the documents are then stored
    in one transaction. A document whose name matches an existing case joins that case unless
    ``case`` is given. ``name`` renames a single imported file. ``language`` sets the
    project's language first (only allowed while it has no documents), in the same transaction.
    With ``link_media``, the recording of the same name beside each transcript (``DRS01.vtt``
    and ``DRS01.m4a``) is linked to its document in the same transaction
    (``workbench.ops.media``).
    """
    require(project, "documents.edit")  # before any file is read
    if language:
        check_language(project, language)  # before any file is read

    files = [Path(p) for p in paths]
    if not files:
        raise WorkbenchError(_("no files to import"))
    if name is not None and len(files) != 1:
        raise WorkbenchError(_("--name needs exactly one file"))
    parsed: list[tuple[Path, str, ParsedTranscript]] = []
    for i, path in enumerate(files):
        parsed.append((path, name or document_name(path), read_transcript(path)))
        if progress:
            progress("read", i + 1, len(files))
    _check_duplicates(project, parsed, force=force)
    if link_media:  # ops.media reads recordings' headers: imported only when asked for
        from workbench.ops.media import link_media as link
        from workbench.ops.media import recordings_beside
    known_cases = {c[0] for c in project.conn.execute("SELECT name FROM cases")}
    documents: list[Document] = []
    with project.transaction():
        if language:
            set_language(project, language)  # undone with the import if a document fails
        for i, (path, doc_name, transcript) in enumerate(parsed):
            doc_case = case if case is not None else (doc_name if doc_name in known_cases else None)
            with import_boundary(path.name):
                document = add_document(
                    project,
                    transcript,
                    name=doc_name,
                    case=doc_case,
                    source_path=shown_path(path),
                    force=force,
                )
            documents.append(document)
            if link_media and (recording := recordings_beside(path)) is not None:
                link(project, document.id, recording)
            if progress:
                progress("store", i + 1, len(parsed))
    return documents


def _check_duplicates(
    project: Project, parsed: list[tuple[Path, str, ParsedTranscript]], *, force: bool
) -> None:
    """Refuse re-imports and name clashes before writing anything (unless ``force``)."""
    if force:
        return
    seen_text: dict[str, str] = {}
    seen_name: dict[str, str] = {}
    for path, doc_name, transcript in parsed:
        digest = sha256(transcript.text)
        row = project.conn.execute(
            "SELECT name FROM documents WHERE sha256 = ?", (digest,)
        ).fetchone()
        if row:
            raise DuplicateDocumentError(
                _(
                    "the same text is already in the project as {value!r} (use --force to import it "
                    "again)"
                ).format(value=row[0]),
                source=path.name,
            )
        if digest in seen_text:
            raise DuplicateDocumentError(
                _("the same text as {value} (use --force to import both)").format(
                    value=seen_text[digest]
                ),
                source=path.name,
            )
        if project.conn.execute("SELECT 1 FROM documents WHERE name = ?", (doc_name,)).fetchone():
            raise DuplicateDocumentError(
                _("a document named {doc_name!r} exists already (use --name or --force)").format(
                    doc_name=doc_name
                ),
                source=path.name,
            )
        if doc_name in seen_name:
            raise DuplicateDocumentError(
                _(
                    "two files would both be named {doc_name!r} ({value} and {name}); import them "
                    "separately with --name"
                ).format(doc_name=doc_name, value=seen_name[doc_name], name=path.name),
                source=path.name,
            )
        seen_text[digest] = path.name
        seen_name[doc_name] = path.name
