"""OpenDocument (.odt) transcripts, read with odfpy.

Paragraphs and headings become blocks separated by a blank line, in document order, including
those inside lists, sections and tables. Inside a paragraph the text of spans and links is
kept, ``text:s`` becomes its run of spaces, ``text:tab`` a tab and ``text:line-break`` a line
break. Footnotes and comments are left out: they interrupt the spoken text.
"""

from __future__ import annotations

import io
from typing import Any

from workbench.i18n import _
from workbench.ingest.base import ParsedTranscript
from workbench.ingest.plain import from_text
from workbench.store.errors import InputFileError

_SKIP_INLINE = {"note", "annotation", "annotation-end", "soft-page-break", "bookmark-ref"}
_SKIP_BLOCK = {
    "tracked-changes",
    "sequence-decls",
    "variable-decls",
    "user-field-decls",
    "forms",
    "table-of-content",
    "note",
    "annotation",
}


def parse_odt(data: bytes, source: str) -> ParsedTranscript:
    """Parse the bytes of an ``.odt`` file."""
    try:
        from odf.opendocument import load

        document = load(io.BytesIO(data))
        body = document.text
        blocks = list(_blocks(body))
    except Exception as exc:  # odfpy raises zip, XML and key errors for broken files
        import zipfile

        if isinstance(exc, zipfile.BadZipFile):
            reason = "not a valid .odt (truncated or not a zip)"
        else:
            reason = f"not a valid .odt ({type(exc).__name__}: {exc})"
        raise InputFileError(reason, source=source) from None
    text = "\n\n".join(b for b in blocks if b.strip())
    if not text.strip():
        raise InputFileError(_("the document has no text"), source=source)
    return from_text(text, source_format="odt", metadata={"paragraphs": len(blocks)})


def _local(node: Any) -> str | None:
    qname = getattr(node, "qname", None)
    return qname[1] if qname else None


def _blocks(element: Any):
    """The text of every paragraph and heading under ``element``, in order."""
    for node in element.childNodes:
        name = _local(node)
        if name in ("p", "h"):
            yield _inline(node)
        elif name is not None and name not in _SKIP_BLOCK and not _is_drawing(node):
            yield from _blocks(node)


def _is_drawing(node: Any) -> bool:
    from odf.namespaces import DRAWNS

    return node.qname[0] == DRAWNS


def _inline(element: Any) -> str:
    from odf.namespaces import TEXTNS

    parts: list[str] = []
    for node in element.childNodes:
        name = _local(node)
        if name is None:
            parts.append(getattr(node, "data", ""))
        elif name == "s":
            count = node.getAttrNS(TEXTNS, "c")
            parts.append(" " * int(count or 1))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        elif name in _SKIP_INLINE:
            continue
        else:
            parts.append(_inline(node))
    return "".join(parts)
