"""Reading transcripts: one reader per file format.

``read_transcript`` turns a file into a ``ParsedTranscript`` (normalised text plus speaker
turns) and writes nothing. Storing is an operation on the project:
``workbench.ops.imports.import_files`` reads every file through here first and only then
stores them all in one transaction, so one bad file among fifty leaves the project as it was.

Readers are imported lazily: python-docx and odfpy pull in XML libraries that a command
which never reads a .docx should not pay for.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from workbench.boundary import at_import_boundary
from workbench.i18n import _
from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.limits import MAX_TRANSCRIPT_BYTES
from workbench.store.errors import InputFileError

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
MAX_FILE_BYTES = MAX_TRANSCRIPT_BYTES  # docs/reliability.md, "Limits"

__all__ = [
    "ParsedTranscript",
    "ParsedTurn",
    "READERS",
    "SUFFIXES",
    "read_transcript",
    "document_name",
]


@at_import_boundary(path_arg=0, name_only=True)
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
    """The default document name: the file name without its extension (the participant id).

    A file name that is not UTF-8 (bytes Python keeps as lone surrogates) is shown with
    replacement characters: SQLite cannot store the surrogates.
    """
    return shown_path(Path(path).stem)


def shown_path(path: str | os.PathLike[str]) -> str:
    """``path`` as text a project can store (undecodable bytes become U+FFFD)."""
    return os.fsencode(path).decode("utf-8", errors="replace")
