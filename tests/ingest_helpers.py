"""Builders for transcript fixture files, written into a test's tmp_path."""

from __future__ import annotations

from pathlib import Path


def write_docx(
    path: Path,
    paragraphs: list[str | list[tuple[str, bool]]],
    table: list[tuple[str, str]] | None = None,
) -> Path:
    """A .docx with one paragraph per item; an item may be a list of (text, bold) runs."""
    import docx

    document = docx.Document()
    for item in paragraphs:
        if isinstance(item, str):
            document.add_paragraph(item)
        else:
            paragraph = document.add_paragraph()
            for text, bold in item:
                paragraph.add_run(text).bold = bold
    if table:
        grid = document.add_table(rows=len(table), cols=2)
        for i, (left, right) in enumerate(table):
            grid.cell(i, 0).text = left
            grid.cell(i, 1).text = right
    document.save(str(path))
    return path


def write_odt(path: Path, paragraphs: list[list[object]], heading: str | None = None) -> Path:
    """An .odt; each paragraph is a list of str, "TAB", "BR", ("SPAN", text) or ("S", n)."""
    from odf.opendocument import OpenDocumentText
    from odf.text import H, LineBreak, P, S, Span, Tab

    document = OpenDocumentText()
    if heading:
        document.text.addElement(H(outlinelevel=1, text=heading))
    for parts in paragraphs:
        paragraph = P()
        for part in parts:
            if part == "TAB":
                paragraph.addElement(Tab())
            elif part == "BR":
                paragraph.addElement(LineBreak())
            elif isinstance(part, tuple) and part[0] == "SPAN":
                paragraph.addElement(Span(text=part[1]))
            elif isinstance(part, tuple) and part[0] == "S":
                paragraph.addElement(S(c=part[1]))
            else:
                paragraph.addText(str(part))
        document.text.addElement(paragraph)
    document.save(str(path))
    return path


def utterances(parsed) -> list[tuple[str | None, str]]:
    """(speaker, text) of each turn of a parsed transcript."""
    return [(t.speaker, parsed.text[t.start : t.end]) for t in parsed.turns]
