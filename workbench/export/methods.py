"""Tables for a paper's methods section: the codebook, and code frequencies by attribute.

``codebook_table``: the hierarchy as rows (category, subcategory, code), with definition,
inclusion and exclusion criteria, an example, the number of codings and of documents (a group
counts its subcodes too) and, when at least two coders marked documents done, per-code
agreement from ``analysis.agreement.agreement`` (Cohen's kappa and Krippendorff's alpha).

``frequency_table``: codes by the values of a case attribute: codings per value and the share
of that value's documents holding the code; group rows are subtotals of their subtree (their
document share counts a document once, whichever subcode it holds).

Both are written as Markdown, HTML (codebook only), Word (real tables with a repeated header
row) or Excel, each carrying the provenance record of the command that made it.
"""

from __future__ import annotations

import html
import io
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from workbench.cells import xlsx_append
from workbench.export.record import Record
from workbench.export.record_embed import (
    html_head,
    markdown_footer,
    office_bytes,
    set_docx_record,
    set_xlsx_record,
)
from workbench.files import write_atomic
from workbench.i18n import _, number
from workbench.permissions import visible_coder_ids
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project, read_snapshot

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

CODEBOOK_FORMATS = (".md", ".html", ".docx", ".xlsx")
FREQUENCY_FORMATS = (".md", ".docx", ".xlsx")
MISSING = "(missing)"


@dataclass
class Table:
    """A report table: a title, a header, rows, which rows are group (bold) rows, notes."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    group_rows: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    wide: bool = False  # landscape in Word
    #: per column: "text", "int", "ratio" (two decimals) or "share" (a percentage); numbers
    #: stay numbers (None for none) until a writer formats them
    kinds: list[str] = field(default_factory=list)

    def kind(self, column: int) -> str:
        return self.kinds[column] if column < len(self.kinds) else "text"

    def text(self, column: int, value: Any) -> str:
        """How a cell reads in Markdown, HTML and Word."""
        kind = self.kind(column)
        if value is None:
            return "–" if kind != "text" else ""
        if kind == "ratio":
            return number(value, 2)  # the report's decimal mark (--decimal)
        if kind == "share":
            return f"{100 * value:.0f}%"
        return str(value)


def _subtree(codes: Sequence[Any]) -> dict[int, list[int]]:
    """Code id -> ids of the code and all its descendants."""
    by_path = {c.path: c.id for c in codes}
    out: dict[int, list[int]] = {c.id: [] for c in codes}
    for c in codes:
        parts = c.path.split("/")
        for depth in range(1, len(parts) + 1):
            out[by_path["/".join(parts[:depth])]].append(c.id)
    return out


@read_snapshot
def codebook_table(
    project: Project, *, unit: str = "char", coders: Sequence[str] | None = None
) -> Table:
    """The codebook as one table, groups first then their subcodes, in codebook order."""
    from workbench.analysis.agreement import agreement

    codes = project.codes()
    tree = _subtree(codes)
    codings: dict[int, int] = defaultdict(int)
    docs: dict[int, set[int]] = defaultdict(set)
    seen = visible_coder_ids(project)  # a coder under blind coding counts their own only
    for code_id, doc_id, n in project.conn.execute(
        "SELECT code_id, document_id, count(*) FROM codings "
        "WHERE ? IS NULL OR coder_id IN (SELECT value FROM json_each(?)) "
        "GROUP BY code_id, document_id",
        (None, None) if seen is None else ("1", json.dumps(sorted(seen))),
    ):
        codings[code_id] += n
        docs[code_id].add(doc_id)
    per_code: dict[str, Any] = {}
    notes = []
    try:
        leaf = agreement(project, coders=coders, unit=unit)
        per_code.update({c.code: c for c in leaf.codes})
        max_depth = max((c.depth for c in codes), default=1)
        for depth in range(1, max_depth):
            rolled = agreement(project, coders=coders, unit=unit, depth=depth)
            per_code.update({c.code: c for c in rolled.codes if c.code.count("/") + 1 == depth})
        notes.append(_("Agreement: {footnote}").format(footnote=leaf.footnote()))
    except WorkbenchError as exc:
        notes.append(_("Agreement not computed: {exc}.").format(exc=exc))
    max_depth = max((c.depth for c in codes), default=1)
    levels_named = [_("Category"), _("Subcategory"), _("Code")][-min(max_depth, 3) :]
    if max_depth == 2:
        levels_named = [_("Category"), _("Code")]
    header = [
        *levels_named,
        _("Definition"),
        _("Inclusion"),
        _("Exclusion"),
        _("Example"),
        _("Codings"),
        _("Documents"),
    ]
    if per_code:
        header += [_("Cohen's κ"), _("Krippendorff's α")]
    rows: list[list[Any]] = []
    group_rows: set[int] = set()
    for code in codes:
        parts = code.path.split("/")
        # one column per level, the last ("Code") holding the deeper levels' path
        levels = [""] * len(levels_named)
        place = min(len(parts), len(levels)) - 1
        levels[place] = "/".join(parts[place:])
        ids = tree[code.id]
        n_codings = sum(codings[i] for i in ids)
        n_docs = len(set().union(*(docs[i] for i in ids)))
        row: list[Any] = [
            *levels,
            (code.description or "").strip(),
            (code.inclusion or "").strip(),
            (code.exclusion or "").strip(),
            (code.examples[0] if code.examples else "").strip(),
            n_codings,
            n_docs,
        ]
        if per_code:
            found = per_code.get(code.path)
            row += [found.kappa if found else None, found.alpha if found else None]
        if code.parent_id is None:
            group_rows.add(len(rows))
        rows.append(row)
    notes.insert(
        0,
        _(
            "Codings: all coders' codings of the code and its subcodes. Documents: "
            "documents holding at least one of them."
        )
        if seen is None
        else _(
            "Codings: your own codings of the code and its subcodes (blind coding is on). "
            "Documents: documents holding at least one of them."
        ),
    )
    kinds = ["text"] * (len(levels_named) + 4) + ["int", "int"] + ["ratio", "ratio"]
    return Table(_("Codebook"), header, rows, group_rows, notes, wide=True, kinds=kinds)


@read_snapshot
def frequency_table(
    project: Project, attribute: str, *, coders: Sequence[str] = (), where: Sequence[str] = ()
) -> Table:
    """Codes by the values of ``attribute``: codings and share of documents per value."""
    from workbench.analysis.filters import Selection, case_values, document_scope, select

    value_of = case_values(project, attribute)
    selection = Selection.build(coders=coders, where=where)
    in_scope = document_scope(project, selection.where)
    values = sorted({value_of.get(d, MISSING) for d in in_scope}, key=_natural_key)
    docs_per_value: dict[str, int] = defaultdict(int)
    for d in in_scope:
        docs_per_value[value_of.get(d, MISSING)] += 1
    chosen = select(project, selection, ids=False)
    codes = project.codes()
    tree = _subtree(codes)
    n: dict[tuple[int, str], int] = defaultdict(int)
    seen: dict[int, set[int]] = defaultdict(set)
    for doc, _coder, _start, _end, code_id in chosen.rows:
        n[(code_id, value_of.get(doc, MISSING))] += 1
        seen[code_id].add(doc)
    header = [_("Code")]
    for v in values:
        header += [f"{v}: n", _("{value}: % docs").format(value=v)]
    header += [_("Total") + ": n", _("{value}: % docs").format(value=_("Total"))]
    rows: list[list[Any]] = []
    group_rows: set[int] = set()
    total_docs = len(in_scope)
    for code in codes:
        ids = tree[code.id]
        holding = set().union(*(seen[i] for i in ids))
        row: list[Any] = [
            code.name if code.parent_id is None else "    " * (code.depth - 1) + code.name
        ]
        for v in values:
            count = sum(n[(i, v)] for i in ids)
            with_code = sum(1 for d in holding if value_of.get(d, MISSING) == v)
            row += [count, _share(with_code, docs_per_value[v])]
        row += [sum(n[(i, v)] for i in ids for v in values), _share(len(holding), total_docs)]
        if code.parent_id is None:
            group_rows.add(len(rows))
        rows.append(row)
    notes = [
        _(
            "n: codings in documents of each {attribute} value; % docs: share of that value's "
            "documents ({counts}) holding the code. Group rows are subtotals of the group and "
            "its subcodes."
        ).format(
            attribute=attribute,
            counts=", ".join(f"{v} {docs_per_value[v]}" for v in values),
        )
    ]
    if coders:
        notes.append(_("Coders: {coders}.").format(coders=", ".join(coders)))
    if where:
        notes.append(_("Selection: {where}.").format(where="; ".join(where)))
    kinds = ["text"] + ["int", "share"] * (len(values) + 1)
    return Table(
        _("Code frequencies by {attribute}").format(attribute=attribute),
        header,
        rows,
        group_rows,
        notes,
        wide=len(values) > 3,
        kinds=kinds,
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _natural_key(v: str) -> tuple:
    if v == MISSING:
        return (2, 0.0, v)
    try:
        return (0, float(v), v)
    except ValueError:
        return (1, 0.0, v.casefold())


# ------------------------------------------------------------------------------ writers


def render_markdown(table: Table, record: Record | None = None) -> str:
    def cell(value: Any) -> str:
        return " ".join(str(value).split()).replace("|", "\\|")

    lines = [
        f"# {table.title}",
        "",
        "| " + " | ".join(table.header) + " |",
        "|"
        + "|".join(":---" if table.kind(j) == "text" else "---:" for j in range(len(table.header)))
        + "|",
    ]
    for i, row in enumerate(table.rows):
        cells = [cell(table.text(j, v)) for j, v in enumerate(row)]
        if i in table.group_rows:
            cells = [f"**{c}**" if c and j < 3 else c for j, c in enumerate(cells)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [""] + [f"{note}\n" for note in table.notes]
    text = "\n".join(lines)
    return text + ("\n" + markdown_footer(record) if record else "")


def render_html(table: Table, record: Record | None = None) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        html_head(record) if record else "",
        f"<title>{e(table.title)}</title>",
        "<style>body{font-family:Georgia,serif;margin:2em}table{border-collapse:collapse}"
        "th,td{border:1px solid #999;padding:.3em .5em;vertical-align:top;text-align:left}"
        "th{background:#eee}tr.group td{font-weight:bold;background:#f6f6f6}"
        "td.n{text-align:right}</style></head><body>",
        f"<h1>{e(table.title)}</h1>",
        "<table><thead><tr>"
        + "".join(f"<th>{e(h)}</th>" for h in table.header)
        + "</tr></thead><tbody>",
    ]
    for i, row in enumerate(table.rows):
        cls = ' class="group"' if i in table.group_rows else ""
        cells = "".join(
            f"<td>{e(table.text(j, v))}</td>"
            if table.kind(j) == "text"
            else f'<td class="n">{e(table.text(j, v))}</td>'
            for j, v in enumerate(row)
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table>")
    out += [f"<p>{e(note)}</p>" for note in table.notes]
    if record:
        made = _("Made by {command} on project fingerprint {fingerprint}.").format(
            command=f"<code>{e(record.command)}</code>", fingerprint=e(record.fingerprint)
        )
        out.append(f"<p><small>{made}</small></p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_docx(table: Table, record: Record | None = None) -> bytes:
    """A Word document with one real table: header row repeated on each page, group rows bold."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    if table.wide:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_heading(table.title, level=1)
    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    head = grid.rows[0]
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(marker)
    for cell, text in zip(head.cells, table.header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for i, row in enumerate(table.rows):
        cells = grid.add_row().cells
        for j, (cell, value) in enumerate(zip(cells, row, strict=True)):
            run = cell.paragraphs[0].add_run(table.text(j, value))
            run.bold = i in table.group_rows
    for row in grid.rows:
        for j, cell in enumerate(row.cells):
            for p in cell.paragraphs:
                if table.kind(j) != "text":
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in p.runs:
                    run.font.size = Pt(8)
    _docx_widths(grid, table, doc.sections[0])
    for note in table.notes:
        doc.add_paragraph(note).runs[0].font.size = Pt(9)
    if record:
        p = doc.add_paragraph(
            _("Made by {command} on project fingerprint {fingerprint}.").format(
                command=record.command, fingerprint=record.fingerprint
            )
        )
        p.runs[0].font.size = Pt(8)
        set_docx_record(doc, record)
    props = doc.core_properties
    props.title = table.title
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def column_weights(table: Table) -> list[float]:
    """How wide each column should be relative to the others, from its content: the
    longest word (a column is never narrower) and the average text length, so a definition
    gets room and a count column stays narrow."""
    weights = []
    for j, name in enumerate(table.header):
        texts = [table.text(j, r[j]) for r in table.rows] or [""]
        longest_word = max([len(w) for t in [name, *texts] for w in (t.split() or [""])], default=1)
        average = sum(len(t) for t in texts) / len(texts)
        weights.append(max(longest_word, min(average, 60), 3))
    return weights


def _docx_widths(grid: Any, table: Table, section: Any) -> None:
    """Column widths by content, within the page's text width (Word honours the widths
    of a table without autofit on each cell)."""
    from docx.shared import Emu

    usable = section.page_width - section.left_margin - section.right_margin
    weights = column_weights(table)
    total = sum(weights)
    grid.autofit = False
    for j, weight in enumerate(weights):
        width = Emu(int(usable * weight / total))
        grid.columns[j].width = width
        for cell in grid.columns[j].cells:
            cell.width = width


def render_xlsx(table: Table, record: Record | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = cast("Worksheet", book.active)  # a new workbook has one worksheet, active
    ws.title = table.title[:31]
    xlsx_append(ws, table.header)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    formats = {"int": "0", "ratio": "0.00", "share": "0%"}
    for i, row in enumerate(table.rows):
        xlsx_append(ws, row)
        for j, cell in enumerate(ws[ws.max_row]):
            if table.kind(j) in formats:
                cell.number_format = formats[table.kind(j)]
            if i in table.group_rows:
                cell.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    right = Alignment(horizontal="right", vertical="top")
    for col, weight in enumerate(column_weights(table), start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(60, max(8, weight + 2))
        for cells in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cells[0].alignment = wrap if table.kind(col - 1) == "text" else right
    ws.freeze_panes = "B2"
    notes = book.create_sheet("notes")
    for note in table.notes:
        xlsx_append(notes, [note])
    if record:
        notes.append([])
        xlsx_append(notes, ["command", record.command])
        xlsx_append(notes, ["project fingerprint", record.fingerprint])
        set_xlsx_record(book, record)
    book.properties.title = table.title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_table(
    table: Table, path: str | Path, formats: Sequence[str], record: Record | None = None
) -> Path:
    """Write ``table`` to ``path`` in the format its suffix names (atomically)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise WorkbenchError(
            _("write this report as {items}").format(items=", ".join(formats)), source=str(path)
        )
    if not path.parent.exists():
        raise WorkbenchError(_("the folder does not exist"), source=str(path))
    if suffix == ".md":
        data = render_markdown(table, record).encode("utf-8")
    elif suffix == ".html":
        data = render_html(table, record).encode("utf-8")
    elif suffix == ".docx":
        data = office_bytes(render_docx(table, record), record)
    else:
        data = office_bytes(render_xlsx(table, record), record)
    write_atomic(path, data)
    return path
