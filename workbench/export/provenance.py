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
from workbench.i18n import N_, _, ngettext
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
    about.append(["command", record.command])
    about.append(["project fingerprint", record.fingerprint])


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
        meta = writer._info.get_object() if writer._info is not None else None
        if meta is not None:
            for key in ("/CreationDate", "/ModDate"):
                if key in meta:
                    del meta[key]
    writer.add_metadata(info)
    if not record.created:
        ident = ByteStringObject(hashlib.md5(record.to_json().encode()).digest())
        writer._ID = ArrayObject([ident, ident])
        writer._info.get_object().pop(NameObject("/ModDate"), None)
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
        raise WorkbenchError(
            _("cannot read the record: {exc}").format(exc=exc), source=str(path)
        ) from exc
    return None


# ------------------------------------------------------------------------------ captions


MODES = {
    "overlap": N_("codings that share at least one character"),
    "unit:sentence": N_("codes applied in the same sentence"),
    "unit:turn": N_("codes applied in the same speaker turn"),
    "unit:paragraph": N_("codes applied in the same paragraph"),
    "unit:document": N_("codes applied in the same document"),
}
MEASURES = {
    "count": N_("number of co-occurrences"),
    "c": N_("c-coefficient n12 / (n1 + n2 - n12)"),
    "conditional": N_("share of the left code's occurrences that meet the right code"),
}
#: what a band measures, by the name ``SankeyData.gaps`` gives it
BANDS = {
    "co-occurrences": N_("number of co-occurrences"),
    "c": N_("c-coefficient n12 / (n1 + n2 - n12)"),
    "codings": N_("number of codings of the code in the documents of that value"),
    "units": N_("number of units holding the code in the documents of that value"),
}
#: the things a figure counts, as ``drawn["noun"]`` and the band measures name them
NOUNS = {
    "codings": N_("codings"),
    "units": N_("units"),
    "co-occurrences": N_("co-occurrences"),
}
CAPTION_MARK = "workbench-caption"


def _words(table: dict[str, str], key: str) -> str:
    """A caption's phrase for ``key`` in the language of the figure (the key if unknown)."""
    return _(table[key]) if key in table else key


def caption_path(path: str | Path) -> Path:
    """The caption sidecar of one output file: ``NAME.caption.md`` beside ``NAME`` (with its
    extension, so the PNG and the PDF of one figure each keep their own)."""
    path = Path(path)
    return path.with_name(path.name + ".caption.md")


def _how(mode: str) -> str:
    if mode.startswith("proximity:"):
        return _("codings at most {n} characters apart").format(n=mode.split(":")[1])
    return _words(MODES, mode)


def _drawn_sentences(drawn: dict[str, Any], counts: dict[str, Any]) -> list[str]:
    """What the figure draws, counted from the figure itself."""
    kind = drawn.get("kind")
    noun = _words(NOUNS, drawn.get("noun", "codings"))
    out: list[str] = []
    if kind == "sankey":
        out.append(
            _("Drawn: {codes} codes ({codings} {noun}) and {links} links.").format(
                codes=drawn["codes"], codings=drawn["codings"], noun=noun, links=drawn["links"]
            )
        )
        for gap in drawn.get("gaps", []):
            measure = _words(BANDS, gap["measure"])
            total = (
                ", "
                + _("{total} {what} in all").format(
                    total=gap["total"], what=_words(NOUNS, gap["measure"])
                )
                if gap["measure"] in ("co-occurrences", "codings", "units")
                else " "
                + _("(the links stand for {total} co-occurrences)").format(total=gap["total"])
            )
            out.append(
                _(
                    "Bands, \u201c{start}\u201d to \u201c{end}\u201d: {links} links, width = "
                    "{measure}{total}."
                ).format(
                    start=gap["from"],
                    end=gap["to"],
                    links=gap["links"],
                    measure=measure,
                    total=total,
                )
            )
    elif kind == "heatmap":
        out.append(
            _(
                "Drawn: {codes} codes, {cells} non-empty cells of the lower triangle (blank "
                "cells: the codes never meet), cell = {measure}."
            ).format(
                codes=drawn["codes"],
                cells=drawn["cells"],
                measure=_words(MEASURES, drawn["measure"]),
            )
        )
    elif kind == "network":
        out.append(
            _(
                "Drawn: {nodes} codes (nodes, {codings} {noun}) and {edges} pairs that meet "
                "(edges, weight = number of co-occurrences)."
            ).format(
                nodes=drawn["nodes"], codings=drawn["codings"], noun=noun, edges=drawn["edges"]
            )
        )
    unlinked = drawn.get("unlinked") or []
    if unlinked:
        listed = ", ".join(f"{code} ({n} {noun})" for code, n in unlinked)
        out.append(_("Not co-occurring (not drawn): {codes}.").format(codes=listed))
    return out


def _numbers(values: str, measures: set[str]) -> str:
    """What the number printed on each band says."""
    if values == "count" and measures:
        return "; ".join(
            _(BANDS[m])
            for m in ("codings", "units", "co-occurrences")
            if m in measures or (m == "co-occurrences" and "c" in measures)
        )
    if values == "conditional" and measures & {"codings", "units"}:
        return _("share of that value's codings (of the codes shown) that are of the code")
    return _words(MEASURES, values)


def caption_text(record: Record, what: str) -> str:
    """A draft caption: what the figure shows and draws, over which material, counted how, in
    the language of the figure being written (``i18n.speaking``)."""
    c = record.counts
    mode = str(c.get("mode", "overlap"))
    coders = c.get("coders") or []
    parts = [f"{what}."]
    if c.get("documents") is not None:
        material = _("{documents} documents, {coders}").format(
            documents=c["documents"],
            coders=ngettext("{n} coder", "{n} coders", len(coders)).format(n=len(coders)),
        ) + (f" ({', '.join(coders)})" if coders else "")
        if "drawn" not in c:
            material += ", " + _("{n} codings").format(n=c.get("codings", 0))
        parts.append(_("From {material}.").format(material=material))
    drawn = c.get("drawn") or {}
    measures = {g["measure"] for g in drawn.get("gaps", [])}
    if "mode" in c and (not measures or measures & {"co-occurrences", "c"}):
        parts.append(_("Co-occurrence: {how} ({mode}).").format(how=_how(mode), mode=mode))
    if drawn:
        parts += _drawn_sentences(drawn, c)
    if c.get("values") and c.get("values") != "none":
        parts.append(
            _("Numbers on the bands: {what}.").format(what=_numbers(c["values"], measures))
        )
    if c.get("filters"):
        parts.append(_("Selection: {filters}.").format(filters=c["filters"]))
    made = (
        _("- Made: {created} with workbench {version}").format(
            created=record.created, version=record.version
        )
        + "\n"
        if record.created
        else ""
    )
    body = (
        f"# {Path(record.output).name}\n\n"
        + _("Draft caption: {caption}").format(caption=" ".join(parts))
        + "\n\n"
        + _("- Command: `{command}`").format(command=record.command)
        + "\n"
        + _("- Project: `{project}`, fingerprint {fingerprint}").format(
            project=record.project, fingerprint=record.fingerprint
        )
        + "\n"
        + made
    )
    return body + f"\n<!-- {CAPTION_MARK} {_digest(body)} -->\n"


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def caption_edited(text: str) -> bool:
    """True when a caption file is no longer the draft workbench wrote (edited by hand)."""
    m = re.search(rf"\n<!-- {CAPTION_MARK} (sha256:[0-9a-f]+) -->\n?$", text)
    return m is None or _digest(text[: m.start()]) != m.group(1)


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
