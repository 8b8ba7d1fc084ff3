"""How each exported file was made: the exact command and a fingerprint of the project.

A paper's figures and tables go stale when the coding changes. Every file workbench exports
for a paper carries a ``Record`` (the command as typed, its arguments, the project file and a
fingerprint of the project's content at that moment) inside the file itself, in the place
each format keeps metadata:

- HTML: a ``<script type="application/json" id="workbench-record">`` in the head (and, for
  figures, ``layout.meta.workbench`` in the plotly JSON);
- SVG: ``<metadata>`` with a ``<workbench-record>`` element, and a ``<desc>``;
- PDF: the document information dictionary (``/WorkbenchRecord``, ``/Keywords``, ``/Subject``);
- PNG: ``iTXt`` chunks (``workbench-record``, ``Comment``) and the resolution (``pHYs``);
- DOCX and XLSX: the document properties (comments / description, keywords);
- Markdown: an HTML comment at the end;
- GraphML and GEXF networks: graph attributes, and GEXF's ``<meta>`` description.

``read_record`` reads them back, so ``workbench figures rerun`` can make every file of a
folder again. A sidecar ``NAME.caption.md`` holds a draft caption with the counts.

This module is what the commands call for a finished file: the fingerprint and counts that go
into a record, the record put into a written file whole (``embed_copy``), read back, and the
caption written beside it. The record itself is ``record``, writing it into each format
``record_embed``, and the caption's words ``captions``.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.export.captions import caption_edited, caption_text
from workbench.export.record import RECORD_KEY, Record
from workbench.export.record_embed import embed, png_chunks
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

RECORD_FORMATS = (".html", ".svg", ".pdf", ".png", ".docx", ".xlsx", ".md", ".graphml", ".gexf")


def fingerprint(project: Project) -> str:
    """A short hash of what analyses read: codes, documents, cases, codings, done marks.

    Identifiers that differ between two builds of the same project (GUIDs, timestamps) are
    left out, so the demo built twice has one fingerprint.

    Two projects with the same fingerprint give the same figures and tables; any coding,
    code, attribute or document change gives a new one.
    """
    h = hashlib.sha256()
    queries = (
        "SELECT id, parent_id, name, position, colour, description, inclusion, exclusion, "
        "examples FROM codes ORDER BY id",
        "SELECT id, name, sha256, case_id FROM documents ORDER BY id",
        "SELECT c.name, a.name, ca.value FROM case_attributes ca JOIN cases c ON c.id = ca.case_id "
        "JOIN attributes a ON a.id = ca.attribute_id ORDER BY c.name, a.name",
        "SELECT id, name FROM coders ORDER BY id",
        'SELECT document_id, code_id, coder_id, start, "end" FROM codings '
        'ORDER BY document_id, coder_id, start, "end", code_id',
        "SELECT document_id, coder_id, done FROM document_status ORDER BY 1, 2",
    )
    for sql in queries:
        h.update(sql.encode())
        for row in project.conn.execute(sql):
            h.update(repr(tuple(row)).encode("utf-8"))
    return "sha256:" + h.hexdigest()[:16]


def now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def selection_counts(project: Project, selection: Any = None) -> dict[str, Any]:
    """Documents, coders and codings in a selection (``analysis.filters.Selection``)."""
    from workbench.analysis.filters import EVERYTHING, select

    chosen = select(project, selection or EVERYTHING, ids=False)
    docs = {r[0] for r in chosen.rows}
    coders = sorted({chosen.coders[r[1]] for r in chosen.rows if r[1] in chosen.coders})
    return {"documents": len(docs), "coders": coders, "codings": len(chosen.rows)}


def embed_copy(path: str | Path, record: Record) -> None:
    """``embed`` into a copy, then put the copy in place: never half a file."""
    import os
    import shutil

    path = Path(path)
    tmp = path.with_name(f".{path.name}.rec{path.suffix}")
    try:
        shutil.copyfile(path, tmp)
        embed(tmp, record, path.suffix)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# ------------------------------------------------------------------------------ reading


def read_record(path: str | Path) -> Record | None:
    """The record inside a file workbench exported, or ``None`` when it has none."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".html":
            m = re.search(
                rf'<script type="application/json" id="{RECORD_KEY}">(.*?)</script>',
                path.read_text(encoding="utf-8"),
                re.S,
            )
            return Record.from_json(m.group(1).replace("<\\/", "</")) if m else None
        if suffix == ".svg":
            m = re.search(
                rf"<{RECORD_KEY}[^>]*>(.*?)</{RECORD_KEY}>", path.read_text(encoding="utf-8"), re.S
            )
            return Record.from_json(html.unescape(m.group(1))) if m else None
        if suffix == ".md":
            m = re.search(rf"<!-- {RECORD_KEY}: (.*?) -->", path.read_text(encoding="utf-8"))
            return Record.from_json(m.group(1)) if m else None
        if suffix == ".png":
            for kind, data in png_chunks(path.read_bytes()):
                if kind == b"tEXt" and data.startswith(RECORD_KEY.encode() + b"\0"):
                    return Record.from_json(data.split(b"\0", 1)[1].decode("latin-1"))
                if kind == b"iTXt" and data.startswith(RECORD_KEY.encode() + b"\0"):
                    return Record.from_json(data.split(b"\0", 5)[5].decode("utf-8"))
            return None
        if suffix == ".pdf":
            from pypdf import PdfReader

            meta = PdfReader(str(path)).metadata
            text = meta.get("/WorkbenchRecord") if meta is not None else None
            return Record.from_json(str(text)) if text else None
        if suffix == ".docx":
            from docx import Document

            comments = Document(str(path)).core_properties.comments
            return Record.from_json(comments) if comments.startswith("{") else None
        if suffix == ".graphml":
            m = re.search(r'<data key="(d\d+)">(\{[^<]*)</data>', path.read_text(encoding="utf-8"))
            return Record.from_json(html.unescape(m.group(2))) if m else None
        if suffix == ".gexf":
            m = re.search(
                r"<description>(.*?)</description>", path.read_text(encoding="utf-8"), re.S
            )
            return Record.from_json(html.unescape(m.group(1))) if m else None
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            description = book.properties.description or ""
            book.close()
            return Record.from_json(description) if description.startswith("{") else None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WorkbenchError(
            _("cannot read the record: {exc}").format(exc=exc), source=str(path)
        ) from exc
    return None


# ------------------------------------------------------------------------------ captions


def caption_path(path: str | Path) -> Path:
    """The caption sidecar of one output file: ``NAME.caption.md`` beside ``NAME`` (with its
    extension, so the PNG and the PDF of one figure each keep their own)."""
    path = Path(path)
    return path.with_name(path.name + ".caption.md")


@dataclass(frozen=True)
class CaptionWritten:
    """Where the draft went: ``path``, and ``kept`` the hand-edited caption left in place."""

    path: Path
    kept: Path | None = None


def write_caption(path: str | Path, record: Record, what: str) -> CaptionWritten:
    """Write the draft caption of ``path``; a caption edited by hand is kept, and the new
    draft goes to ``NAME.caption.new.md`` beside it."""
    from workbench.files import write_atomic

    out = caption_path(path)
    text = caption_text(record, what)
    try:
        current = out.read_text(encoding="utf-8") if out.exists() else None
    except (OSError, UnicodeDecodeError):
        current = ""
    if current is not None and current != text and caption_edited(current):
        new = out.with_name(Path(path).name + ".caption.new.md")
        write_atomic(new, text.encode("utf-8"))
        return CaptionWritten(new, out)
    write_atomic(out, text.encode("utf-8"))
    return CaptionWritten(out)
