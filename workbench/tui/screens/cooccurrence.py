"""The co-occurrence screen: which codes meet, how often and how strongly, with the passages.

The table is ``workbench.analysis.cooccurrence`` under the same filters as ``workbench
cooccur`` (the screen prints the equivalent command). Enter on a pair lists the quotations
where the two codes meet (``meetings``: exactly the occurrences the count counts), and Enter on
a quotation opens it in the coding screen. ``e`` writes the Sankey figure of the table to
``exports/`` beside the project.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static

from workbench.analysis.cooccurrence import (
    MEASURES,
    MODES,
    CooccurrenceResult,
    Options,
    cooccurrence,
)
from workbench.analysis.filters import Selection
from workbench.analysis.meetings import Meeting, meetings
from workbench.analysis.units import SPAN_UNITS as UNIT_KINDS
from workbench.i18n import N_, _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.tui.actions import bindings
from workbench.tui.screens.base import WorkbenchScreen

SNIPPET = 90

#: (row key, header) of the pair table
COLUMNS = (
    ("a", N_("Code A")),
    ("b", N_("Code B")),
    ("count", N_("Count")),
    ("n_a", "n A"),
    ("n_b", "n B"),
    ("c", "c"),
    ("conditional_ab", "A→B"),
    ("conditional_ba", "B→A"),
)
TEXT_COLUMNS = ("a", "b")


@dataclass(frozen=True)
class CooccurFilters:
    """What the table counts: the options and selection of ``workbench cooccur``."""

    mode: str = "overlap"
    unit: str = "sentence"
    distance: int = 0
    coders: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    depth: int | None = None
    where: tuple[str, ...] = ()

    def options(self) -> Options:
        return Options(mode=self.mode, unit=self.unit, distance=self.distance)

    def selection(self) -> Selection:
        return Selection.build(
            coders=self.coders, codes=self.codes, depth=self.depth, where=self.where
        )

    def describe(self) -> str:
        parts = [self.options().label]
        parts.append(_("coders: {value}").format(value=", ".join(self.coders) or "all (summed)"))
        if self.codes:
            parts.append(_("codes: {items}").format(items=", ".join(self.codes)))
        if self.depth is not None:
            parts.append(_("depth {depth}").format(depth=self.depth))
        if self.where:
            parts.append(_("where {items}").format(items=" and ".join(self.where)))
        return " · ".join(parts)

    def command(self) -> str:
        """The ``workbench cooccur`` call that prints the same table."""
        args = ["workbench", "cooccur"]
        if self.mode != "overlap":
            args += ["--mode", self.mode]
        if self.mode == "unit":
            args += ["--unit", self.unit]
        if self.mode == "proximity":
            args += ["--distance", str(self.distance)]
        for coder in self.coders:
            args += ["--coder", coder]
        for code in self.codes:
            args += ["--codes", code]
        if self.depth is not None:
            args += ["--depth", str(self.depth)]
        for w in self.where:
            args += ["--where", w]
        return shlex.join(args)


def split_items(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parse_filters(
    mode: str, unit: str, distance: str, coders: str, codes: str, depth: str, where: str
) -> CooccurFilters:
    """Filters from the form's fields, checked (a one-line ``WorkbenchError`` when wrong)."""
    try:
        dist = int(distance.strip() or 0)
    except ValueError as exc:
        raise WorkbenchError(
            _("distance must be a whole number, not {distance!r}").format(distance=distance)
        ) from exc
    try:
        deep = int(depth) if depth.strip() else None
    except ValueError as exc:
        raise WorkbenchError(
            _("depth must be a whole number, not {depth!r}").format(depth=depth)
        ) from exc
    filters = CooccurFilters(
        mode, unit, dist, split_items(coders), split_items(codes), deep, split_items(where)
    )
    filters.options()
    filters.selection()
    return filters


def exports_folder(project: Project) -> Path:
    """``exports/`` beside the project file (the working folder for an in-memory project)."""
    path = str(project.path)
    base = Path.cwd() if path in ("", ":memory:") else Path(path).resolve().parent
    return base / "exports"


class CooccurFilterModal(ModalScreen[CooccurFilters | None]):
    """The filters as a small form; Enter in a field or ctrl+s applies, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel")), Binding("ctrl+s", "apply", N_("Apply"))]

    def __init__(self, filters: CooccurFilters) -> None:
        super().__init__(classes="dialog-screen")
        self.filters = filters

    def compose(self) -> ComposeResult:
        f = self.filters
        with Vertical(classes="dialog filters"):
            yield Label(_("Co-occurrence filters"), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield Label(_("Mode"), classes="form-label")
                yield Select([(m, m) for m in MODES], value=f.mode, allow_blank=False, id="f-mode")
            with Horizontal(classes="form-row"):
                yield Label(_("Unit"), classes="form-label")
                yield Select(
                    [(u, u) for u in UNIT_KINDS], value=f.unit, allow_blank=False, id="f-unit"
                )
            fields = (
                (
                    _("Distance"),
                    "f-distance",
                    str(f.distance),
                    _("characters (proximity mode)"),
                ),
                (
                    _("Coders"),
                    "f-coders",
                    ", ".join(f.coders),
                    _("names, comma-separated; empty: all"),
                ),
                (
                    _("Codes"),
                    "f-codes",
                    ", ".join(f.codes),
                    _("code paths (with subcodes); empty: all"),
                ),
                (
                    _("Depth"),
                    "f-depth",
                    "" if f.depth is None else str(f.depth),
                    _("roll up to this depth (1 = groups)"),
                ),
                (_("Where"), "f-where", ", ".join(f.where), _("attribute=value, comma-separated")),
            )
            for label, ident, value, hint in fields:
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="form-label")
                    yield Input(value, placeholder=hint, id=ident)
            yield Label(_("enter or ctrl+s apply · esc cancel"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Apply"), variant="primary", id="apply")
                yield Button(_("Cancel"), id="cancel")

    def read(self) -> CooccurFilters:
        def value(ident: str) -> str:
            return self.query_one(f"#{ident}", Input).value

        return parse_filters(
            str(self.query_one("#f-mode", Select).value),
            str(self.query_one("#f-unit", Select).value),
            value("f-distance"),
            value("f-coders"),
            value("f-codes"),
            value("f-depth"),
            value("f-where"),
        )

    def action_apply(self) -> None:
        try:
            filters = self.read()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.dismiss(filters)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuotationsModal(ModalScreen[Meeting | None]):
    """The passages where two codes meet; Enter opens one in the coding screen."""

    BINDINGS = bindings("quotations")

    def __init__(self, a: str, b: str, found: list[Meeting]) -> None:
        super().__init__(classes="dialog-screen")
        self.a, self.b, self.found = a, b, found

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog quotations"):
            yield Label(
                _("{a} × {b}: {n_found} quotation(s)").format(
                    a=self.a, b=self.b, n_found=len(self.found)
                ),
                classes="dialog-title",
            )
            yield DataTable(id="quotations", cursor_type="row", zebra_stripes=True)
            yield Label(_("enter opens the passage · esc closes"), classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Document"), _("Coder"), _("Offsets"), _("Text"))
        for i, m in enumerate(self.found):
            snippet = " ".join(m.text.split())
            if len(snippet) > SNIPPET:
                snippet = snippet[: SNIPPET - 1] + "…"
            table.add_row(m.document, m.coder, f"{m.start}-{m.end}", snippet, key=str(i))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_quotation()

    def action_open_quotation(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.found):
            self.dismiss(self.found[row])

    def action_close(self) -> None:
        self.dismiss(None)


class CooccurrenceScreen(WorkbenchScreen):
    """The pairs of codes that meet, sortable; Enter lists their quotations."""

    SCOPES = ("cooccurrence",)
    BINDINGS = bindings("cooccurrence")

    def __init__(self, filters: CooccurFilters | None = None) -> None:
        super().__init__()
        self.filters = filters or CooccurFilters()
        self.result: CooccurrenceResult | None = None
        self.rows: list[dict[str, Any]] = []
        #: a measure (count, c, conditional) or a column key; descending unless ``ascending``
        self.sort = "count"
        self.ascending = False
        self.error = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="cooccur-note", classes="analysis-note")
        yield DataTable(id="cooccur-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(_(label), key=key)
        self.load()
        table.focus()

    # ------------------------------------------------------------------ data

    def refresh_data(self) -> None:
        """Recount with the current filters (after any change to codings or codes)."""
        if self.is_mounted:
            self.load()

    def load(self) -> None:
        if self.wb.blind and self.filters.coders != (self.wb.coder,):
            # blind coding: count only the current coder's codings
            self.filters = replace(self.filters, coders=(self.wb.coder,))
        try:
            self.result = cooccurrence(
                self.project, self.filters.options(), self.filters.selection()
            )
            self.error = ""
        except WorkbenchError as exc:
            self.result, self.error = None, str(exc)
        self.rows = self.result.rows("count") if self.result else []
        self.fill()

    def ordered_rows(self) -> list[dict[str, Any]]:
        """The rows in the order shown: by a measure (strongest first) or by a column."""
        if self.result is None:
            return []
        if self.sort in MEASURES:
            rows = self.result.rows(self.sort)
        else:
            key = self.sort
            rows = sorted(
                self.rows, key=lambda r: (r[key], r["a"], r["b"]), reverse=key not in TEXT_COLUMNS
            )
        return rows[::-1] if self.ascending else rows

    def fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for row in self.ordered_rows():
            table.add_row(
                *(self._cell(row, key) for key, _unused in COLUMNS), key=f"{row['a']}\t{row['b']}"
            )
        self._note()

    @staticmethod
    def _cell(row: dict[str, Any], key: str) -> str | Text:
        value = row[key]
        if isinstance(value, float):
            return Text(f"{value:.3f}" + ("*" if row.get("capped") else ""), justify="right")
        if isinstance(value, int):
            return Text(str(value), justify="right")
        return str(value)

    def _note(self) -> None:
        note = self.query_one("#cooccur-note", Static)
        if self.error:
            note.update(
                Text(
                    _("Co-occurrence could not be counted: {error}\nf changes the filters.").format(
                        error=self.error
                    ),
                    style="bold red",
                )
            )
            return
        result = self.result
        assert result is not None
        order = f"{self.sort}{' ascending' if self.ascending else ''}"
        text = Text()
        text.append(
            _("Co-occurrence ({describe}): ").format(describe=self.filters.describe()), style="bold"
        )
        text.append(
            _("{n_codes} codes, {n_rows} pair(s) that meet; sorted by {order}.\n").format(
                n_codes=len(result.codes), n_rows=len(self.rows), order=order
            )
        )
        text.append(
            _("The same figures: {command}").format(command=self.filters.command()), style="dim"
        )
        if any(r.get("capped") for r in self.rows):
            text.append(
                _(
                    "\n* one coding meets several of the other code: c as ATLAS.ti reports it (may "
                    "exceed 1), shares capped at 1"
                ),
                style="dim",
            )
        note.update(text)

    # ---------------------------------------------------------------- sorting

    def sort_by(self, key: str) -> None:
        """Sort by ``key``; the same key again flips the direction."""
        if key == self.sort:
            self.ascending = not self.ascending
        else:
            self.sort, self.ascending = key, False
        self.fill()

    def action_cycle_sort(self) -> None:
        current = MEASURES.index(self.sort) if self.sort in MEASURES else -1
        self.sort, self.ascending = MEASURES[(current + 1) % len(MEASURES)], False
        self.fill()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        self.sort_by({"count": "count", "c": "c"}.get(key, key))

    # ------------------------------------------------------------- filters

    def action_filters(self) -> None:
        def chosen(filters: CooccurFilters | None) -> None:
            if filters is not None:
                self.apply_filters(filters)

        self.app.push_screen(CooccurFilterModal(self.filters), chosen)

    def apply_filters(self, filters: CooccurFilters) -> None:
        self.filters = filters
        self.refresh_data()

    # ----------------------------------------------------------- quotations

    def selected_pair(self) -> tuple[str, str] | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        a, _unused, b = str(key).partition("\t")
        return a, b

    def quotations_of(self, a: str, b: str) -> list[Meeting]:
        return meetings(self.project, a, b, self.filters.options(), self.filters.selection())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_quotations()

    def action_quotations(self) -> None:
        pair = self.selected_pair()
        if pair is None:
            self.notify(_("No pair of codes meets under these filters"), severity="warning")
            return
        try:
            found = self.quotations_of(*pair)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return

        def opened(meeting: Meeting | None) -> None:
            if meeting is not None:
                self.wb.open_document(meeting.document_id, select=(meeting.start, meeting.end))

        self.app.push_screen(QuotationsModal(pair[0], pair[1], found), opened)

    # --------------------------------------------------------------- export

    def export_paths(self) -> list[Path]:
        """Where ``export`` writes: HTML always, SVG/PNG/PDF when a Chromium is installed."""
        from workbench.export.figures import find_browser

        label = self.filters.options().label.replace(":", "-")
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        stem = exports_folder(self.project) / f"sankey-{label}-{stamp}"
        suffixes = [".html"] + ([".svg", ".png", ".pdf"] if find_browser() else [])
        return [stem.with_suffix(s) for s in suffixes]

    def action_export(self) -> Path | None:
        """Write the Sankey figure of the table; the static formats follow in the background."""
        from workbench.export.figures import FigureStyle, write_figure
        from workbench.export.sankey import sankey_figure
        from workbench.export.sankey_flows import code_flows

        if self.result is None:
            self.notify(_("Nothing to draw: fix the filters first"), severity="warning")
            return None
        paths = self.export_paths()
        style = FigureStyle(
            title=_("Co-occurrence of codes ({describe})").format(describe=self.filters.describe())
        )
        try:
            figure = sankey_figure(code_flows(self.result, measure="count"), style)
            paths[0].parent.mkdir(parents=True, exist_ok=True)
            write_figure(figure, paths[0], style)
        except (WorkbenchError, OSError) as exc:
            self.notify(str(exc), severity="error")
            return None
        self.notify(_("Sankey written to {value}").format(value=paths[0]), timeout=8)
        if len(paths) > 1:
            self.run_worker(
                lambda: self._export_static(figure, paths[1:], style),
                thread=True,
                group="export",
                exclusive=False,
            )
        return paths[0]

    def _export_static(self, figure, paths: list[Path], style) -> None:
        from workbench.export.figures import write_figure

        written, failed = [], ""
        for path in paths:
            try:
                write_figure(figure, path, style)
                written.append(path.suffix[1:])
            except WorkbenchError as exc:
                failed = str(exc)
                break
        if written:
            self.app.call_from_thread(
                self.notify,
                _("Also written as {items} beside it").format(items=", ".join(written)),
                timeout=6,
            )
        if failed:
            self.app.call_from_thread(self.notify, failed, severity="warning")

    def status(self) -> str:
        return _("co-occurrence")


__all__ = [
    "CooccurFilterModal",
    "CooccurFilters",
    "CooccurrenceScreen",
    "QuotationsModal",
    "exports_folder",
    "parse_filters",
]
