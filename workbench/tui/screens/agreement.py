"""Agreement between coders per code, and the reconciliation walk through their disagreements.

The table is ``workbench.analysis.agreement.agreement`` (what ``workbench agree`` prints) at
the unit chosen with ``t``; ``c`` picks the coders. ``r`` walks through the disagreements
(``workbench.ops.reconcile``) one at a time, showing the passage with coder A's and coder B's
spans marked apart; each decision (keep A's, B's, both or none) is one undoable action that
writes the consensus coder's codings.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from workbench.analysis.agreement import agreement, split_list
from workbench.analysis.agreement_results import Agreement, unit_word
from workbench.analysis.units import AGREEMENT_COMPARISONS
from workbench.i18n import N_, _
from workbench.ops.reconcile import (
    DEFAULT_CONSENSUS,
    Disagreement,
    consensus_codings,
    decision,
    disagreements,
    resolve,
)
from workbench.store.errors import WorkbenchError
from workbench.tui.actions import bindings
from workbench.tui.colours import code_colours
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.modals import PromptModal
from workbench.tui.widgets.passage import PassageView

UNITS = AGREEMENT_COMPARISONS
#: project settings that carry the agreement unit and the walk's place across sessions
UNIT_SETTING = "agreement.unit"
BLIND_NOTE = N_(
    "Blind mode is on: agreement and reconciliation show every coder's work, so "
    "they stay hidden. ctrl+b turns blind mode off."
)
NUMBERS = (
    "units",
    "percent",
    "kappa",
    "alpha",
    "both",
    "only_a",
    "only_b",
    "neither",
    "all",
    "some",
    "none",
    "segments_a",
    "matched_a",
    "segments_b",
    "matched_b",
    "equal",
    "differ",
)


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
        if self.unit == "char":  # the unit chosen last time, unless one was asked for
            saved = self.project.setting(UNIT_SETTING)
            self.unit = saved if saved in UNITS else self.unit
        self.load()
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.load()

    def load(self) -> None:
        if self.wb.blind:
            self.result, self.error = None, _(BLIND_NOTE)
        else:
            try:
                self.result = agreement(self.project, coders=self.coders, unit=self.unit)
                self.error = ""
            except WorkbenchError as exc:
                self.result, self.error = None, str(exc)
        self.fill()
        self.wb.update_status()  # the header names the unit shown

    def rows(self) -> list[dict[str, Any]]:
        return self.result.rows() if self.result else []

    def fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        note = self.query_one("#agree-note", Static)
        methods = self.query_one("#agree-methods", Static)
        methods.update(self.result.methods() if self.result is not None else "")
        if self.result is None and self.error == _(BLIND_NOTE):
            note.update(Text(BLIND_NOTE, style="bold"))
            return
        if self.result is None:
            note.update(
                Text(
                    _(
                        "Agreement cannot be computed: {error}\nc chooses the coders (A,B); each must "
                        "mark the documents done (d in the documents or coding screen)."
                    ).format(error=self.error),
                    style="bold",
                )
            )
            return
        result = self.result
        columns = result.columns()
        for column in columns:
            table.add_column(_(column), key=column)
        for row in result.rows():
            table.add_row(
                *(
                    Text(str(row.get(c, "")), justify="right")
                    if c in NUMBERS
                    else (_("overall") if c == "code" and row[c] == "overall" else str(row[c]))
                    for c in columns
                ),
                key=str(row["code"]),
            )
        text = Text()
        text.append(
            _("Agreement ({unit} units) between {items}").format(
                unit=unit_word(result.unit), items=", ".join(result.coders)
            ),
            style="bold",
        )
        letters = "  ".join(f"{chr(65 + i)} = {name}" for i, name in enumerate(result.coders))
        text.append(f"  ({letters})\n")
        text.append(f"{result.footnote()}\n")
        text.append(_("The same figures: {command}").format(command=self.command()), style="dim")
        note.update(text)

    def command(self) -> str:
        args = ["workbench", "agree", "--unit", self.unit]
        if self.result is not None:
            args += ["--coders", ",".join(self.result.coders)]
        return shlex.join(args)

    def action_cycle_unit(self) -> None:
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]
        self.project.set_setting(UNIT_SETTING, self.unit)
        self.refresh_data()
        self.wb.update_status()  # the header names the unit: follow the switch
        self.notify(_("Unit: {unit}").format(unit=unit_word(self.unit)), timeout=2)

    def action_choose_coders(self) -> None:
        current = ",".join(self.result.coders) if self.result else ",".join(self.coders or [])

        def chosen(value: str | None) -> None:
            if value is None:
                return
            self.coders = split_list(value)
            self.refresh_data()

        self.app.push_screen(
            PromptModal(
                _("Coders to compare (A,B,... empty: every coder who marked documents done)"),
                current,
                select_all=True,
            ),
            chosen,
        )

    def action_reconcile(self) -> None:
        if self.result is None:
            self.notify(self.error or _("Choose two coders first"), severity="warning")
            return
        self.app.push_screen(ReconcileScreen(list(self.result.coders), self.unit))

    def status(self) -> str:
        return _("agreement ({unit})").format(unit=self.unit)


CHOICE_NAMES = {"a": N_("A's"), "b": N_("B's"), "both": N_("both"), "none": N_("none")}


class ReconcileScreen(WorkbenchScreen):
    """One disagreement at a time: the passage, every compared coder's codes there, and the
    team's decision. The walk resumes where it stopped (per coders, unit and consensus)."""

    SCOPES = ("reconcile",)
    BINDINGS = bindings("reconcile")

    def __init__(
        self, coders: list[str], unit: str = "char", consensus: str = DEFAULT_CONSENSUS
    ) -> None:
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
            yield Static(id="reconcile-legend")
            yield PassageView(id="reconcile-passage")
            yield Static(id="reconcile-state")
        yield Footer()

    @property
    def place_setting(self) -> str:
        return f"reconcile.place:{self.consensus}:{self.unit}:{','.join(self.coders)}"

    def on_mount(self) -> None:
        if self.wb.blind:
            self.error = _(BLIND_NOTE)
        else:
            try:
                self.items = disagreements(self.project, coders=self.coders, unit=self.unit)
            except WorkbenchError as exc:
                self.error = str(exc)
        self.index = self.resume_index()
        self.show()

    def resume_index(self) -> int:
        """Where the walk stopped last time; else the first undecided disagreement."""
        saved = self.project.setting(self.place_setting)
        keys = [json.dumps(list(item.key)) for item in self.items]
        if saved in keys:
            return keys.index(saved)
        for i, item in enumerate(self.items):
            if decision(self.project, item, self.consensus) is None:
                return i
        return 0

    def _remember_place(self) -> None:
        item = self.item
        if item is not None:
            self.project.set_setting(self.place_setting, json.dumps(list(item.key)))

    @property
    def item(self) -> Disagreement | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def refresh_data(self) -> None:
        """After undo or redo: the decisions changed, the list of disagreements did not."""
        if self.is_mounted:
            self.show()

    def others_here(self, item: Disagreement) -> dict[str, list[tuple[int, int, int]]]:
        """Every compared coder's codings of any code on the item's passage:
        coder -> [(code id, start, end)]."""
        names = {c.id: c.name for c in self.project.coders()}
        out: dict[str, list[tuple[int, int, int]]] = {c: [] for c in item.coders}
        for c in self.project.codings(document_id=item.document_id):
            name = names.get(c.coder_id)
            if name in out and c.start < item.end and c.end > item.start:
                out[name].append((c.code_id, c.start, c.end))
        return out

    def legend(self) -> Text:
        passage = self.query_one(PassageView)
        text = Text(_("Legend  "), style="bold")
        for kind, label in (("a", " A only "), ("b", " B only "), ("both", " A and B ")):
            text.append(
                label, style=passage.get_component_rich_style(f"passage--{kind}", partial=True)
            )
            text.append("  ")
        text.append(_("bold"), style="bold")
        text.append(_(" = the place at hand"), style="dim")
        return text

    def show(self) -> None:
        progress = self.query_one("#reconcile-progress", Static)
        about = self.query_one("#reconcile-item", Static)
        legend = self.query_one("#reconcile-legend", Static)
        passage = self.query_one(PassageView)
        state = self.query_one("#reconcile-state", Static)
        self.wb.update_status()
        item = self.item
        if item is None:
            message = self.error or _("No disagreements between {coders} at {unit} units.").format(
                coders=", ".join(self.coders), unit=unit_word(self.unit)
            )
            progress.update(Text(message, style="bold"))
            for widget in (about, legend, passage, state):
                widget.update("")
            return
        a, b = item.coders[0], item.coders[1] if len(item.coders) > 1 else "?"
        decided = [decision(self.project, i, self.consensus) for i in self.items]
        open_items = sum(1 for d in decided if d is None)
        progress.update(
            Text.assemble(
                (
                    _("Disagreement {value} of {n_items}").format(
                        value=self.index + 1, n_items=len(self.items)
                    ),
                    "bold",
                ),
                _(
                    "  ·  {open_items} undecided  ·  {unit} units  ·  A = {a}, B = {b}  ·  consensus "
                    "coder: {consensus}"
                ).format(
                    open_items=open_items,
                    unit=unit_word(self.unit),
                    a=a,
                    b=b,
                    consensus=self.consensus,
                ),
            )
        )
        codes = {c.id: c for c in self.project.codes()}
        colours = code_colours(list(codes.values()))
        text = Text()
        text.append(f"{item.code}\n", style="bold")
        not_by = (
            "; " + _("not by {coders}").format(coders=", ".join(item.left_out))
            if item.left_out
            else " " + _("(their spans differ)")
        )
        text.append(
            _("{document} [{start}, {end})  ·  applied by {items}{not_by}\n").format(
                document=item.document,
                start=item.start,
                end=item.end,
                items=", ".join(item.applied_by),
                not_by=not_by,
            )
        )
        for letter, (coder, spans) in zip("ABCDEFGH", self.others_here(item).items(), strict=False):
            text.append(f"{letter} {coder}: ", style="bold")
            if not spans:
                text.append(_("no code here"), style="dim")
            for n, (code_id, start, end) in enumerate(sorted(spans, key=lambda s: s[1:])):
                code = codes.get(code_id)
                if n:
                    text.append(", ")
                text.append("■ ", style=colours.get(code_id, ""))
                text.append(
                    code.path if code else "?",
                    style="bold" if code and code.path == item.code else "",
                )
                text.append(f" [{start}, {end})", style="dim")
            text.append("\n")
        about.update(text)
        legend.update(self.legend())
        marks = [(s.start, s.end, "a") for s in item.spans_of(a)]
        marks += [(s.start, s.end, "b") for s in item.spans_of(b)]
        passage.show(self.project.text(item.document_id), item.start, item.end, marks)
        existing = consensus_codings(self.project, item, self.consensus)
        choice = decided[self.index]
        line = Text(_("Decision: "), style="bold")
        if choice is None:
            line.append(_("undecided"), style="italic")
            if existing:
                line.append(
                    _(" (the consensus coder has {n_existing} coding(s) here)").format(
                        n_existing=len(existing)
                    )
                )
        else:
            line.append(_("keep {get}").format(get=_(CHOICE_NAMES.get(choice, choice))))
            kept = ", ".join(f"[{c.start}, {c.end})" for c in existing)
            line.append(f": {kept}" if kept else _(" (nothing kept)"))
        line.append(
            _("\na keep A's · b keep B's · o both · x none · n / p next / previous · u undo"),
            style="dim",
        )
        state.update(line)

    def action_keep(self, choice: str) -> None:
        item = self.item
        if item is None:
            self.notify(_("Nothing to reconcile"), severity="warning")
            return
        try:
            resolve(self.project, item, choice, self.consensus)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(
            _("Kept {get} for {code} ({value} of {n_items})").format(
                get=_(CHOICE_NAMES.get(choice, choice)),
                code=item.code,
                value=self.index + 1,
                n_items=len(self.items),
            ),
            timeout=2,
        )
        if self.index + 1 < len(self.items):
            self.index += 1
        self._remember_place()
        self.show()

    def action_step(self, step: int) -> None:
        if self.items:
            self.index = max(0, min(len(self.items) - 1, self.index + step))
            self._remember_place()
            self.show()

    def action_open_passage(self) -> None:
        item = self.item
        if item is not None:
            self.wb.open_document(item.document_id, select=(item.start, item.end))

    def status(self) -> str:
        return _("reconcile ({unit})").format(unit=self.unit)
