"""Writing a ``Record`` into an exported file, in the place each format keeps metadata.

One function per format (HTML head, SVG metadata, the PDF information dictionary, PNG text
chunks, Office document properties, a Markdown comment), and ``embed`` to choose by suffix.
The formats are listed in ``workbench.export.provenance``, which also reads the records back;
tables and figures that build their own files call the per-format helpers (``html_head``,
``set_xlsx_record`` ...) directly.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any, cast

from workbench.cells import xlsx_append
from workbench.export.record import RECORD_KEY, Record
from workbench.i18n import _
from workbench.store.errors import WorkbenchError


def embed(
    path: str | Path, record: Record, suffix: str | None = None, dpi: int | None = None
) -> None:
    """Write ``record`` into the file at ``path`` (its format from ``suffix`` or the name).

    ``dpi`` also sets a PNG's resolution, so a word processor places it at its printed size.
    """
    path = Path(path)
    suffix = (suffix or path.suffix).lower()
    if suffix == ".html":
        _embed_html(path, record)
    elif suffix == ".svg":
        _embed_svg(path, record)
    elif suffix == ".pdf":
        _embed_pdf(path, record)
    elif suffix == ".png":
        _embed_png(path, record, dpi)
    elif suffix == ".md":
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip("\n") + "\n\n" + markdown_footer(record), encoding="utf-8")
    elif suffix == ".docx":
        from docx import Document

        doc = Document(str(path))
        set_docx_record(doc, record)
        doc.save(str(path))
        path.write_bytes(office_bytes(path.read_bytes(), record))
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        set_xlsx_record(book, record)
        book.save(path)
        path.write_bytes(office_bytes(path.read_bytes(), record))
    else:
        raise WorkbenchError(
            _("cannot record provenance in {suffix} files").format(suffix=suffix), source=str(path)
        )


#: the time a deterministic Office file claims (a zip entry cannot be dated before 1980)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_DATE = "1980-01-01T00:00:00Z"


def office_bytes(data: bytes, record: Record | None) -> bytes:
    """A Word or Excel file as written, or, for a deterministic record (no creation time),
    the same package with fixed zip entry times and document dates, so the same content
    gives the same bytes."""
    if record is None or record.created:
        return data
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{FIXED_DATE}\2", text
                )
                body = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()


def set_docx_record(doc: Any, record: Record) -> None:
    """The record in a Word document's properties (comments, keywords, subject)."""
    props = doc.core_properties
    # python-docx caps its setters at 255 characters; the file format does not
    props._element._get_or_add("description").text = record.to_json()
    props.keywords = record.fingerprint
    props.subject = record.command[:255]


def set_xlsx_record(book: Any, record: Record) -> None:
    """The record in a workbook's properties and a visible ``about`` sheet."""
    book.properties.description = record.to_json()
    book.properties.keywords = record.fingerprint
    book.properties.subject = record.command[:255]
    about = book["about"] if "about" in book.sheetnames else book.create_sheet("about")
    about.delete_rows(1, about.max_row)
    xlsx_append(about, ["command", record.command])
    xlsx_append(about, ["project fingerprint", record.fingerprint])


def _json_in_html(record: Record) -> str:
    return record.to_json().replace("</", "<\\/")


def html_head(record: Record) -> str:
    """The tags an HTML file's head carries (reports write them themselves)."""
    return (
        f'<meta name="generator" content="workbench {html.escape(record.version)}">'
        f'<meta name="workbench:command" content="{html.escape(record.command)}">'
        f'<meta name="workbench:fingerprint" content="{html.escape(record.fingerprint)}">'
        f'<script type="application/json" id="{RECORD_KEY}">{_json_in_html(record)}</script>'
    )


def _embed_html(path: Path, record: Record) -> None:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"<head[^>]*>", text)
    if not match:
        raise WorkbenchError(_("no <head> to record provenance in"), source=str(path))
    text = text[: match.end()] + html_head(record) + text[match.end() :]
    path.write_text(text, encoding="utf-8")


def _embed_svg(path: Path, record: Record) -> None:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"<svg\b[^>]*>", text)
    if not match:
        raise WorkbenchError(_("not an SVG file"), source=str(path))
    block = (
        f"<desc>{html.escape(record.summary())}</desc><metadata>"
        f'<{RECORD_KEY} xmlns="urn:workbench:record">{html.escape(record.to_json())}'
        f"</{RECORD_KEY}></metadata>"
    )
    path.write_text(text[: match.end()] + block + text[match.end() :], encoding="utf-8")


def _embed_pdf(path: Path, record: Record) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    writer = PdfWriter(clone_from=str(path))
    info = {
        "/Title": str(record.counts.get("title") or Path(record.output).stem),
        "/Creator": f"workbench {record.version}",
        "/Subject": record.summary(),
        "/Keywords": record.fingerprint,
        "/WorkbenchRecord": record.to_json(),
    }
    if not record.created:  # deterministic: no dates, an identifier from the content
        meta: Any = writer._info.get_object() if writer._info is not None else None
        if meta is not None:
            for key in ("/CreationDate", "/ModDate"):
                if key in meta:
                    del meta[key]
    writer.add_metadata(info)
    if not record.created:
        ident = ByteStringObject(hashlib.md5(record.to_json().encode()).digest())
        writer._ID = ArrayObject([ident, ident])
        cast(Any, writer._info).get_object().pop(NameObject("/ModDate"), None)  # added above
    with open(path, "wb") as fh:  # a figure file, never a project file
        writer.write(fh)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _text(keyword: str, text: str) -> bytes:
    """A tEXt chunk (Latin-1, what ImageMagick 6 and most viewers read); characters
    outside Latin-1 become ``?``."""
    return _chunk(b"tEXt", keyword.encode("latin-1") + b"\0" + text.encode("latin-1", "replace"))


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of each chunk of a PNG file."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise WorkbenchError(_("not a PNG file"))
    out, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        out.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return out


OUR_PNG_TEXT = (RECORD_KEY.encode(), b"Comment", b"Title", b"Software", b"Source")


def _rewrite_png(path: Path, extra: bytes) -> None:
    """The PNG with our text and resolution chunks replaced by ``extra`` (after IHDR)."""
    data = path.read_bytes()
    chunks = [
        (k, d)
        for k, d in png_chunks(data)
        if k != b"pHYs" and not (k in (b"iTXt", b"tEXt") and d.split(b"\0", 1)[0] in OUR_PNG_TEXT)
    ]
    body = b"".join(_chunk(k, d) for k, d in chunks[1:])
    path.write_bytes(data[:8] + _chunk(*chunks[0]) + extra + body)


def _phys(dpi: int) -> bytes:
    per_metre = int(round(dpi / 0.0254))
    return _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))


def set_png_dpi(path: str | Path, dpi: int) -> None:
    """Record a PNG's resolution (pHYs), so a word processor places it at its size."""
    _rewrite_png(Path(path), _phys(dpi))


def _embed_png(path: Path, record: Record, dpi: int | None = None) -> None:
    extra = _phys(dpi or 96)
    ascii_record = json.dumps(json.loads(record.to_json()), ensure_ascii=True, sort_keys=True)
    extra += _text(RECORD_KEY, ascii_record) + _text("Comment", record.summary())
    extra += _text("Software", f"workbench {record.version}") + _text("Source", record.command)
    if record.counts.get("title"):
        extra += _text("Title", str(record.counts["title"]))
    _rewrite_png(path, extra)


def markdown_footer(record: Record) -> str:
    """A visible line and the record in a comment ("--" may not appear in one: JSON escapes
    the second hyphen, which any JSON reader decodes)."""
    safe = record.to_json().replace("--", "-\\u002d")
    return (
        f"*Made by `{record.command}` on project fingerprint {record.fingerprint}.*\n\n"
        f"<!-- {RECORD_KEY}: {safe} -->\n"
    )
