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
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import struct
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.cells import xlsx_append
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

RECORD_KEY = "workbench-record"
RECORD_FORMATS = (".html", ".svg", ".pdf", ".png", ".docx", ".xlsx", ".md", ".graphml", ".gexf")


@dataclass
class Record:
    """What made a file: ``command`` as typed, ``args`` to run it again (without the project
    option), ``output`` as it appears in ``args``, the ``project`` and its ``fingerprint``."""

    command: str
    args: list[str]
    output: str
    project: str
    fingerprint: str
    created: str = ""
    version: str = __version__
    counts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Record:
        data = json.loads(text)
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def summary(self) -> str:
        """One line for a figure's description field."""
        return f"Made by: {self.command} (project fingerprint {self.fingerprint})"


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


# ------------------------------------------------------------------------------ writing


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
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        set_xlsx_record(book, record)
        book.save(path)
    else:
        raise WorkbenchError(f"cannot record provenance in {suffix} files", source=str(path))


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
        raise WorkbenchError("no <head> to record provenance in", source=str(path))
    text = text[: match.end()] + html_head(record) + text[match.end() :]
    path.write_text(text, encoding="utf-8")


def _embed_svg(path: Path, record: Record) -> None:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"<svg\b[^>]*>", text)
    if not match:
        raise WorkbenchError("not an SVG file", source=str(path))
    block = (
        f"<desc>{html.escape(record.summary())}</desc><metadata>"
        f'<{RECORD_KEY} xmlns="urn:workbench:record">{html.escape(record.to_json())}'
        f"</{RECORD_KEY}></metadata>"
    )
    path.write_text(text[: match.end()] + block + text[match.end() :], encoding="utf-8")


def _embed_pdf(path: Path, record: Record) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(path))
    writer.add_metadata(
        {
            "/Title": str(record.counts.get("title") or Path(record.output).stem),
            "/Creator": f"workbench {record.version}",
            "/Subject": record.summary(),
            "/Keywords": record.fingerprint,
            "/WorkbenchRecord": record.to_json(),
        }
    )
    with open(path, "wb") as fh:  # a figure file, never a project file
        writer.write(fh)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _itxt(keyword: str, text: str) -> bytes:
    return _chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0\0\0" + text.encode("utf-8"))


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of each chunk of a PNG file."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise WorkbenchError("not a PNG file")
    out, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        out.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return out


def _embed_png(path: Path, record: Record, dpi: int | None = None) -> None:
    data = path.read_bytes()
    chunks = [
        (k, d)
        for k, d in png_chunks(data)
        if k != b"pHYs"
        and not (k == b"iTXt" and d.split(b"\0", 1)[0] in (RECORD_KEY.encode(), b"Comment"))
    ]
    extra = _itxt(RECORD_KEY, record.to_json()) + _itxt("Comment", record.summary())
    if dpi:
        per_metre = int(round(dpi / 0.0254))
        extra = _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)) + extra
    body = b"".join(_chunk(k, d) for k, d in chunks[1:])
    path.write_bytes(data[:8] + _chunk(*chunks[0]) + extra + body)


def markdown_footer(record: Record) -> str:
    """A visible line and the record in a comment ("--" may not appear in one: JSON escapes
    the second hyphen, which any JSON reader decodes)."""
    safe = record.to_json().replace("--", "-\\u002d")
    return (
        f"*Made by `{record.command}` on project fingerprint {record.fingerprint}.*\n\n"
        f"<!-- {RECORD_KEY}: {safe} -->\n"
    )


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
                if kind == b"iTXt" and data.startswith(RECORD_KEY.encode() + b"\0"):
                    return Record.from_json(data.split(b"\0", 5)[5].decode("utf-8"))
            return None
        if suffix == ".pdf":
            from pypdf import PdfReader

            info = PdfReader(str(path)).metadata or {}
            text = info.get("/WorkbenchRecord")
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
        raise WorkbenchError(f"cannot read the record: {exc}", source=str(path)) from exc
    return None


# ------------------------------------------------------------------------------ captions


MODES = {
    "overlap": "codings that share at least one character",
    "unit:sentence": "codes applied in the same sentence",
    "unit:turn": "codes applied in the same speaker turn",
    "unit:paragraph": "codes applied in the same paragraph",
    "unit:document": "codes applied in the same document",
}
MEASURES = {
    "count": "number of co-occurrences",
    "c": "c-coefficient n12 / (n1 + n2 - n12)",
    "conditional": "share of the left code's occurrences that meet the right code",
}


def caption_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.stem + ".caption.md")


def caption_text(record: Record, what: str) -> str:
    """A draft caption: what the figure shows, over which material, counted how."""
    c = record.counts
    mode = str(c.get("mode", "overlap"))
    if mode.startswith("proximity:"):
        how = f"codings at most {mode.split(':')[1]} characters apart"
    else:
        how = MODES.get(mode, mode)
    coders = c.get("coders") or []
    parts = [f"{what}."]
    if c.get("documents") is not None:
        parts.append(
            f"{c['documents']} documents, {len(coders)} coder{'s' if len(coders) != 1 else ''}"
            + (f" ({', '.join(coders)})" if coders else "")
            + f", {c.get('codings', 0)} codings."
        )
    if "mode" in c:
        parts.append(f"Co-occurrence: {how} ({mode}).")
    if c.get("measure"):
        parts.append(f"Link width: {MEASURES.get(c['measure'], c['measure'])}.")
    if c.get("values") and c.get("values") != "none":
        parts.append(f"Numbers on the links: {MEASURES.get(c['values'], c['values'])}.")
    if c.get("filters"):
        parts.append(f"Selection: {c['filters']}.")
    return (
        f"# {Path(record.output).name}\n\n"
        f"Draft caption: {' '.join(parts)}\n\n"
        f"- Command: `{record.command}`\n"
        f"- Project: `{record.project}`, fingerprint {record.fingerprint}\n"
        f"- Made: {record.created} with workbench {record.version}\n"
    )


def write_caption(path: str | Path, record: Record, what: str) -> Path:
    out = caption_path(path)
    out.write_text(caption_text(record, what), encoding="utf-8")
    return out
