"""Importing transcripts: one reader per file format, and the all-or-nothing import.

``read_transcript`` turns a file into a ``ParsedTranscript`` (normalised text plus speaker
turns); ``import_files`` reads every file first and only then stores them all in one
transaction, so one bad file among fifty leaves the project exactly as it was.

Readers are imported lazily: python-docx and odfpy pull in XML libraries that a command
which never reads a .docx should not pay for.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from workbench.i18n import _
from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.store.errors import DuplicateDocumentError, InputFileError, WorkbenchError
from workbench.store.model import Document
from workbench.store.project import Project
from workbench.textnorm import sha256

# suffix -> (module, reader function)
READERS: dict[str, tuple[str, str]] = {
    ".txt": ("workbench.ingest.plain", "parse_text"),
    ".md": ("workbench.ingest.plain", "parse_text"),
    ".markdown": ("workbench.ingest.plain", "parse_text"),
    ".docx": ("workbench.ingest.docx", "parse_docx"),
    ".odt": ("workbench.ingest.odt", "parse_odt"),
    ".vtt": ("workbench.ingest.vtt", "parse_vtt"),
    ".srt": ("workbench.ingest.srt", "parse_srt"),
}
SUFFIXES = tuple(READERS)
MAX_FILE_BYTES = 200 * 1024 * 1024

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stage is ``"read"`` or ``"store"``."""

__all__ = [
    "ParsedTranscript",
    "ParsedTurn",
    "READERS",
    "SUFFIXES",
    "import_files",
    "read_transcript",
    "document_name",
]


def read_transcript(path: str | os.PathLike[str]) -> ParsedTranscript:
    """Read and parse one transcript file, choosing the reader by its suffix."""
    path = Path(path)
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in READERS:
        shown = f"'{path.suffix}'" if path.suffix else "without a suffix"
        raise InputFileError(
            _("unsupported file type {shown} (use {items})").format(
                shown=shown, items=", ".join(s for s in SUFFIXES)
            ),
            source=source,
        )
    try:
        if path.is_dir():
            raise InputFileError(_("is a directory, not a transcript"), source=source)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputFileError(
                _("too large for a transcript ({size} bytes)").format(size=size), source=source
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(_("no such file"), source=str(path)) from None
    except PermissionError:
        raise InputFileError(_("permission denied"), source=str(path)) from None
    except OSError as exc:
        raise InputFileError(
            _("cannot read ({strerror})").format(strerror=exc.strerror), source=str(path)
        ) from None
    if not data.strip():
        raise InputFileError(_("empty file"), source=source)
    module_name, function = READERS[suffix]
    reader = getattr(importlib.import_module(module_name), function)
    if function == "parse_text":
        return reader(data, source, source_format=suffix.lstrip(".").replace("markdown", "md"))
    return reader(data, source)


def document_name(path: str | os.PathLike[str]) -> str:
    """The default document name: the file name without its extension (the participant id)."""
    return Path(path).stem


def import_files(
    project: Project,
    paths: Sequence[str | os.PathLike[str]],
    *,
    case: str | None = None,
    name: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    language: str | None = None,
) -> list[Document]:
    """Import ``paths`` as new documents: all of them, or (on any error) none.

    Every file is read and checked before anything is written; the documents are then stored
    in one transaction. A document whose name matches an existing case joins that case unless
    ``case`` is given. ``name`` renames a single imported file. ``language`` sets the
    project's language first (only allowed while it has no documents), in the same transaction.
    """
    from workbench.ops.documents import add_document, check_language, set_language
    from workbench.ops.permissions import require

    require(project, "documents.edit")  # before any file is read
    if language:
        check_language(project, language)  # before any file is read

    paths = [Path(p) for p in paths]
    if not paths:
        raise WorkbenchError(_("no files to import"))
    if name is not None and len(paths) != 1:
        raise WorkbenchError(_("--name needs exactly one file"))
    parsed: list[tuple[Path, str, ParsedTranscript]] = []
    for i, path in enumerate(paths):
        parsed.append((path, name or document_name(path), read_transcript(path)))
        if progress:
            progress("read", i + 1, len(paths))
    _check_duplicates(project, parsed, force=force)
    known_cases = {c[0] for c in project.conn.execute("SELECT name FROM cases")}
    documents: list[Document] = []
    with project.transaction():
        if language:
            set_language(project, language)  # undone with the import if a document fails
        for i, (path, doc_name, transcript) in enumerate(parsed):
            doc_case = case if case is not None else (doc_name if doc_name in known_cases else None)
            documents.append(
                add_document(
                    project, transcript, name=doc_name, case=doc_case, source_path=path, force=force
                )
            )
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
