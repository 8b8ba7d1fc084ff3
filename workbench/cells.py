"""Spreadsheet cells that never run: the one rule every CSV and XLSX writer follows.

Interview text, code names and memos come from other people. A spreadsheet opening a CSV
evaluates a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some, tab or carriage
return) as a formula: ``=HYPERLINK(...)`` or a DDE call in a coding's text would run on the
researcher's machine. OWASP's rule (CSV injection) is applied to every text cell we write:

- CSV: a text cell starting with one of those characters gets a leading apostrophe, which
  spreadsheets read as "this is text". Plain numbers (``-3``, ``+0.5``) are left alone: they
  cannot be formulas. ``raw=True`` (the commands' ``--raw``) writes the text untouched, for
  scripts that read the file and know why.
- XLSX: text is written as a string cell, never as a formula, so it is shown exactly as it is.
  Control characters XML cannot hold are replaced by U+FFFD instead of failing the export.

``restore`` undoes the CSV rule when workbench reads its own CSV back (``codings import``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

#: characters that make a spreadsheet evaluate a cell (OWASP, CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralise(value: Any, *, raw: bool = False) -> Any:
    """``value`` as a CSV cell that a spreadsheet shows and never evaluates."""
    if raw or not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def neutral_row(row: Iterable[Any], *, raw: bool = False) -> list[Any]:
    """Every cell of ``row`` through ``neutralise``."""
    return [neutralise(v, raw=raw) for v in row]


def neutral_record(record: dict[str, Any], *, raw: bool = False) -> dict[str, Any]:
    """Every value of a ``csv.DictWriter`` row through ``neutralise``."""
    if raw:
        return record
    return {k: neutralise(v) for k, v in record.items()}


def restore(value: str) -> str:
    """Undo ``neutralise`` on a cell read back from a CSV that workbench wrote."""
    if value[:1] == "'" and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def xlsx_append(sheet: Any, row: Sequence[Any]) -> None:
    """Append ``row`` to an openpyxl worksheet with every text cell a string, never a formula."""
    sheet.append([_xlsx_value(v) for v in row])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":  # openpyxl takes any text starting with "=" for a formula
            cell.data_type = "s"


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str) and _XML_ILLEGAL.search(value):
        return _XML_ILLEGAL.sub("\ufffd", value)
    return value
