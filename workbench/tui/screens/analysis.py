"""Places for the analysis views: co-occurrence, agreement and suggestions.

Each view imports its core module when opened. When the module is not part of this
installation the screen says so, instead of failing; when it is, the screen shows what the
module computes, and names the command that reproduces it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from workbench.tui.screens.base import WorkbenchScreen


@dataclass(frozen=True)
class AnalysisView:
    title: str
    module: str
    command: str
    #: names of functions tried in order; each takes the project and returns rows
    functions: tuple[str, ...]


VIEWS = {
    "cooccurrence": AnalysisView("Co-occurrence", "workbench.analysis.cooccurrence",
                                 "workbench cooccur", ("cooccurrence_rows", "cooccurrence")),
    "agreement": AnalysisView("Agreement", "workbench.analysis.agreement",
                              "workbench agree", ("agreement_rows", "agreement")),
    "suggestions": AnalysisView("Suggestions", "workbench.suggest",
                                "workbench suggest", ("suggestion_rows", "open_suggestions")),
}


def load_view(view: AnalysisView) -> Callable[[Any], Any] | None:
    """The function computing the view, or None when the module is not available."""
    try:
        module = importlib.import_module(view.module)
    except ImportError:
        return None
    for name in view.functions:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


def as_rows(result: Any) -> list[dict[str, Any]]:
    """Rows from a list of dicts or of dataclasses, or from an object with ``rows()``."""
    if hasattr(result, "rows") and callable(result.rows):
        result = result.rows()
    rows = []
    for item in list(result or [])[:2000]:
        if isinstance(item, dict):
            rows.append(item)
        elif hasattr(item, "__dataclass_fields__"):
            rows.append({f: getattr(item, f) for f in item.__dataclass_fields__})
        else:
            rows.append({"value": item})
    return rows


class AnalysisScreen(WorkbenchScreen):
    """One analysis view, or a clear note that it is not available yet."""

    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.view = VIEWS[kind]
        self.available = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="analysis"):
            yield Static(id="analysis-note")
            yield DataTable(id="analysis-table", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        note = self.query_one("#analysis-note", Static)
        table = self.query_one(DataTable)
        fn = load_view(self.view)
        self.available = fn is not None
        if fn is None:
            note.update(Text(f"{self.view.title}: not available yet in this version.\n"
                             f"When it is, this view shows it; the command line will offer "
                             f"'{self.view.command}'.", style="bold"))
            table.display = False
            return
        try:
            rows = as_rows(fn(self.project))
        except Exception as exc:  # noqa: BLE001 - shown to the user, not hidden
            note.update(Text(f"{self.view.title} could not be computed: {exc}\n"
                             f"Try '{self.view.command}' for details.", style="bold red"))
            table.display = False
            return
        note.update(f"{self.view.title} ({len(rows)} row(s)); the same figures: "
                    f"'{self.view.command}'.")
        table.clear(columns=True)
        if rows:
            columns = list(rows[0])
            table.add_columns(*columns)
            for row in rows:
                table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        table.display = bool(rows)

    def status(self) -> str:
        return self.view.title.lower()
