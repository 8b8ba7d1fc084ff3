"""Agreement between coders per code, and the reconciliation walk through their disagreements.

The table is ``workbench.analysis.agreement.agreement`` (what ``workbench agree`` prints) at
the unit chosen with ``t``; ``c`` picks the coders. ``r`` walks through the disagreements
(``workbench.reconcile``) one at a time, showing the passage with coder A's and coder B's
spans marked apart; each decision (keep A's, B's, both or none) is one undoable action that
writes the consensus coder's codings.
"""

from __future__ import annotations

import shlex
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from workbench.analysis.agreement import Agreement, agreement, split_list
from workbench.analysis.units import AGREEMENT_COMPARISONS
from workbench.errors import WorkbenchError
from workbench.reconcile import (
    DEFAULT_CONSENSUS,
    Disagreement,
    chosen_spans,
    consensus_codings,
    disagreements,
    resolve,
)
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.modals import PromptModal
from workbench.tui.widgets.passage import PassageView

UNITS = AGREEMENT_COMPARISONS
NUMBERS = ("units", "percent", "kappa", "alpha", "both", "only_a", "only_b", "neither", "all",
           "some", "none", "segments_a", "matched_a", "segments_b", "matched_b", "equal",
           "differ")


class AgreementScreen(WorkbenchScreen):
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per code, and overall."""

    SCOPES = ("agreement",)
    BINDINGS = bindings("agreement")

    def __init__(self, coders: list[str] | None = None, unit: str = "char") -> None:
        super().__init__()
        self.coders = coders
        self.unit = unit
        self.result: Agreement | None = None
        self.error = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="agree-note", classes="analysis-note")
        yield DataTable(id="agree-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="agree-methods", classes="analysis-note")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.load()

    def load(self) -> None:
        try:
            self.result = agreement(self.project, coders=self.coders, unit=self.unit)
            self.error = ""
        except WorkbenchError as exc:
            self.result, self.error = None, str(exc)
        self.fill()

    def rows(self) -> list[dict[str, Any]]:
        return self.result.rows() if self.result else []

    def fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        note = self.query_one("#agree-note", Static)
        methods = self.query_one("#agree-methods", Static)
        methods.update(self.result.methods() if self.result is not None else "")
        if self.result is None:
            note.update(Text(f"Agreement cannot be computed: {self.error}\n"
                             "c chooses the coders (A,B); each must mark the documents done "
                             "(d in the documents or coding screen).", style="bold"))
            return
        result = self.result
        columns = result.columns()
        for column in columns:
            table.add_column(column, key=column)
        for row in result.rows():
            table.add_row(*(
                Text(str(row.get(c, "")), justify="right") if c in NUMBERS else str(row.get(c, ""))
                for c in columns
            ), key=str(row["code"]))
        text = Text()
        text.append(f"Agreement ({result.unit} units) between {', '.join(result.coders)}",
                    style="bold")
        letters = "  ".join(f"{chr(65 + i)} = {name}" for i, name in enumerate(result.coders))
        text.append(f"  ({letters})\n")
        text.append(f"{result.footnote()}\n")
        text.append(f"The same figures: {self.command()}", style="dim")
        note.update(text)

    def command(self) -> str:
        args = ["workbench", "agree", "--unit", self.unit]
        if self.result is not None:
            args += ["--coders", ",".join(self.result.coders)]
        return shlex.join(args)

    def action_cycle_unit(self) -> None:
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]
        self.refresh_data()
        self.wb.update_status()  # the header names the unit: follow the switch
        self.notify(f"Unit: {self.unit}", timeout=2)

    def action_choose_coders(self) -> None:
        current = ",".join(self.result.coders) if self.result else ",".join(self.coders or [])

        def chosen(value: str | None) -> None:
            if value is None:
                return
            self.coders = split_list(value)
            self.refresh_data()

        self.app.push_screen(PromptModal("Coders to compare (A,B,... empty: every coder who "
                                         "marked documents done)", current, select_all=True),
                             chosen)

    def action_reconcile(self) -> None:
        if self.result is None:
            self.notify(self.error or "Choose two coders first", severity="warning")
            return
        self.app.push_screen(ReconcileScreen(list(self.result.coders), self.unit))

    def status(self) -> str:
        return f"agreement ({self.unit})"


CHOICE_NAMES = {"a": "A's", "b": "B's", "both": "both", "none": "none"}


class ReconcileScreen(WorkbenchScreen):
    """One disagreement at a time: the passage, each coder's spans, and the team's decision."""

    SCOPES = ("reconcile",)
    BINDINGS = bindings("reconcile")

    def __init__(self, coders: list[str], unit: str = "char",
                 consensus: str = DEFAULT_CONSENSUS) -> None:
        super().__init__()
        self.coders = coders
        self.unit = unit
        self.consensus = consensus
        self.undo_coder = consensus  # undo here takes back the decisions written for it
        self.items: list[Disagreement] = []
        self.index = 0
        self.error = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="reconcile-progress", classes="analysis-note")
        with VerticalScroll(id="reconcile-body"):
            yield Static(id="reconcile-item")
            yield PassageView(id="reconcile-passage")
            yield Static(id="reconcile-state")
        yield Footer()

    def on_mount(self) -> None:
        try:
            self.items = disagreements(self.project, coders=self.coders, unit=self.unit)
        except WorkbenchError as exc:
            self.error = str(exc)
        self.show()

    @property
    def item(self) -> Disagreement | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def refresh_data(self) -> None:
        """After undo or redo: the decisions changed, the list of disagreements did not."""
        if self.is_mounted:
            self.show()

    def decision(self, item: Disagreement) -> list[str]:
        """The choices the consensus codings now match (empty: something else was kept)."""
        current = {(c.code_id, c.start, c.end)
                   for c in consensus_codings(self.project, item, self.consensus)}
        out = []
        for choice in ("a", "b", "both", "none"):
            try:
                if set(chosen_spans(item, choice)) == current:
                    out.append(choice)
            except WorkbenchError:
                continue
        return out

    def show(self) -> None:
        progress = self.query_one("#reconcile-progress", Static)
        about = self.query_one("#reconcile-item", Static)
        passage = self.query_one(PassageView)
        state = self.query_one("#reconcile-state", Static)
        item = self.item
        if item is None:
            message = self.error or (
                f"No disagreements between {', '.join(self.coders)} at {self.unit} units.")
            progress.update(Text(message, style="bold"))
            about.update("")
            passage.update("")
            state.update("")
            return
        a, b = item.coders[0], item.coders[1] if len(item.coders) > 1 else "?"
        progress.update(Text.assemble(
            (f"Disagreement {self.index + 1} of {len(self.items)}", "bold"),
            f"  ·  {self.unit} units  ·  A = {a}, B = {b}  ·  consensus coder: {self.consensus}",
        ))
        text = Text()
        text.append(f"{item.code}\n", style="bold")
        not_by = f"; not by {', '.join(item.left_out)}" if item.left_out else \
            " (their spans differ)"
        text.append(f"{item.document} [{item.start}, {item.end})  ·  applied by "
                    f"{', '.join(item.applied_by)}{not_by}\n")
        for coder, letter in ((a, "A"), (b, "B")):
            spans = item.spans_of(coder)
            listed = ", ".join(f"{s.code} [{s.start}, {s.end})" for s in spans) or "nothing"
            text.append(f"{letter} {coder}: ", style="bold")
            text.append(f"{listed}\n")
        about.update(text)
        marks = [(s.start, s.end, "a") for s in item.spans_of(a)]
        marks += [(s.start, s.end, "b") for s in item.spans_of(b)]
        passage.show(self.project.text(item.document_id), item.start, item.end, marks)
        chosen = self.decision(item)
        existing = consensus_codings(self.project, item, self.consensus)
        line = Text("Consensus now: ", style="bold")
        if not existing:
            line.append("nothing kept (undecided, or none)")
        else:
            kept = ", ".join(f"[{c.start}, {c.end})" for c in existing)
            named = " = ".join(CHOICE_NAMES[c] for c in chosen if c != "none")
            line.append(f"{named or 'an earlier choice'}: {kept}")
        line.append("\na keep A's · b keep B's · o both · x none · n / p next / previous · "
                    "u undo", style="dim")
        state.update(line)

    def action_keep(self, choice: str) -> None:
        item = self.item
        if item is None:
            self.notify("Nothing to reconcile", severity="warning")
            return
        try:
            resolve(self.project, item, choice, self.consensus)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Kept {CHOICE_NAMES.get(choice, choice)} for {item.code} "
                    f"({self.index + 1} of {len(self.items)})", timeout=2)
        if self.index + 1 < len(self.items):
            self.index += 1
        self.show()

    def action_step(self, step: int) -> None:
        if self.items:
            self.index = max(0, min(len(self.items) - 1, self.index + step))
            self.show()

    def action_open_passage(self) -> None:
        item = self.item
        if item is not None:
            self.wb.open_document(item.document_id, select=(item.start, item.end))

    def status(self) -> str:
        return "reconcile"
