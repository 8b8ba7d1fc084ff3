"""Word (.docx) transcripts, read with python-docx.

Each paragraph becomes a block of text separated from the next by a blank line, so paragraph
breaks survive and paragraph units line up with the document's paragraphs. Line breaks inside
a paragraph stay line breaks, tabs stay tabs. Tables are read row by row: a two-column row
whose first cell is short (the usual "speaker | what was said" layout) becomes
``Speaker: what was said``; other rows join their cells with tabs.
"""

from __future__ import annotations

import io
from typing import Any

from workbench.i18n import _
from workbench.ingest.base import ParsedTranscript
from workbench.ingest.plain import from_text
from workbench.ingest.speakers import MAX_NAME_CHARS
from workbench.store.errors import InputFileError


def parse_docx(data: bytes, source: str) -> ParsedTranscript:
    """Parse the bytes of a ``.docx`` file."""
    try:
        import docx  # python-docx pulls in lxml: imported only when needed

        document = docx.Document(io.BytesIO(data))
        blocks = list(_blocks(document))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise InputFileError(_reason(exc), source=source) from None
    text = "\n\n".join(b for b in blocks if b.strip())
    if not text.strip():
        raise InputFileError(_("the document has no text"), source=source)
    return from_text(text, source_format="docx", metadata={"paragraphs": len(blocks)})


def _reason(exc: Exception) -> str:
    import zipfile

    if isinstance(exc, zipfile.BadZipFile) or type(exc).__name__ == "PackageNotFoundError":
        return "not a valid .docx (truncated or not a zip)"
    return f"not a valid .docx ({type(exc).__name__}: {exc})"


def _blocks(document: Any):
    """Paragraph texts in body order, tables included."""
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            yield from _table_rows(item)
        else:
            yield item.text


def _table_rows(table: Any):
    for row in table.rows:
        cells = []
        for cell in row.cells:
            value = "\n".join(p.text for p in cell.paragraphs).strip()
            if not cells or value != cells[-1]:  # merged cells repeat their text
                cells.append(value)
        if (
            len(cells) == 2
            and cells[0]
            and "\n" not in cells[0]
            and len(cells[0]) <= MAX_NAME_CHARS
        ):
            label = cells[0] if cells[0].endswith(":") else cells[0] + ":"
            yield f"{label} {cells[1]}"
        else:
            yield "\t".join(cells)
