"""The coding screen: transcript, codebook tree, recent codes and details of the span at hand.

Every change goes through the core (``workbench.ops.coding``), one undoable action each, and is on
disk when the call returns; the screen then updates only what changed in the view.

This module holds the screen's layout, its data (loading, reloading, the cursor kept per coder)
and its small actions; each larger job is a mixin beside it, one module each: ``coding_apply``
(applying codes), ``coding_navigation`` (jumps, segments, find), ``coding_edit`` (changing
codings and suggestions), ``coding_text`` (correcting the text), ``coding_media`` (the
recording) and ``coding_panel`` (the side column).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Static

from workbench.i18n import _
from workbench.ops import coding as core
from workbench.ops.views import sentence_spans, turn_spans
from workbench.store.errors import WorkbenchError
from workbench.store.model import Code, Coding
from workbench.tui.actions import bindings
from workbench.tui.colours import code_colours
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.coding_apply import CodingApply
from workbench.tui.screens.coding_edit import CodingEdits
from workbench.tui.screens.coding_media import CodingMedia
from workbench.tui.screens.coding_navigation import CodingNavigation
from workbench.tui.screens.coding_panel import CodingSide
from workbench.tui.screens.coding_text import CodingTextEdits
from workbench.tui.stripes import coder_initials
from workbench.tui.widgets.codepanel import CodePanel
from workbench.tui.widgets.codetree import CodeTree
from workbench.tui.widgets.transcript import TranscriptView
from workbench.tui.widgets.transcript_index import Mark, Span


class CodingScreen(
    CodingApply,
    CodingNavigation,
    CodingMedia,
    CodingSide,
    CodingEdits,
    CodingTextEdits,
    WorkbenchScreen,
):
    """Code one document."""

    SCOPES = ("coding", "transcript")
    BINDINGS = bindings("coding")

    def __init__(self, document_id: int, select: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.document_id = document_id
        self.initial_selection = select
        self.codes: list[Code] = []
        self.codes_by_id: dict[int, Code] = {}
        self.colours: dict[int, str] = {}
        self.codings: list[Coding] = []
        self.coder_names: dict[int, str] = {}
        self.memos: dict[int, tuple[int, str]] = {}
        self.suggestions: list[Mark] = []
        self.find_text = ""
        #: the code the panel describes: highlighted in the tree, or under the cursor
        self.panel_code_id: int | None = None
        #: the coding ``]`` / ``[`` selected last (codings can share one span)
        self.at_coding: int | None = None
        self._jump_cache: dict[tuple, tuple[list[Span], dict[int, int], list[tuple[int, int]]]] = {}
        #: (code id, blind) -> (codings, documents): the panel's usage line, until data changes
        self.usage_cache: dict[tuple[int, bool], tuple[int, int]] = {}
        self.last_cursor = 0
        self._saved_cursor = 0
        #: a cursor position on its way to the project (a busy project queues it)
        self._saving_cursor: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="coding-body"):
            with Vertical(id="text-column"):
                yield TranscriptView(id="transcript")
                yield Static(id="stripe-legend")
            with Vertical(id="side"):
                yield Input(placeholder=_("filter codes (f)"), id="code-filter")
                yield CodeTree(id="codes")
                yield CodePanel(id="code-panel")
                yield Static(id="recent")
                yield Static(id="details")
        yield Footer()

    @property
    def view(self) -> TranscriptView:
        """The transcript (found once: every key asks for it several times)."""
        view = self.__dict__.get("_view")
        if view is None or not view.is_attached:
            view = self._view = self.query_one(TranscriptView)
        return view

    @property
    def code_tree(self) -> CodeTree:
        return self.query_one(CodeTree)

    # ----------------------------------------------------------------- data

    def on_mount(self) -> None:
        project = self.project
        self.document = project.document(self.document_id)
        text = project.text(self.document_id)
        turns = turn_spans(project, self.document_id)
        sentences = sentence_spans(project, self.document_id)
        self._load_codes()
        self._load_codings()
        self._load_suggestions()
        self.load_media()
        self.view.coder_labels = coder_initials(self.coder_names)
        self.view.load(
            text,
            turns,
            sentences,
            self.visible_spans(),
            {c.id: c.name for c in self.codes},
            self.colours,
            self.suggestions,
        )
        self._fill_tree()
        if self.initial_selection:
            self.view.select(*self.initial_selection)
            self.call_after_refresh(self.view.reveal_selection)
        else:
            from workbench.ops.coderstate import last_position

            cursor = last_position(self.project, self.wb.coder, self.document_id)
            if cursor:
                self.view.select(min(cursor, len(text)), min(cursor, len(text)))
                self.call_after_refresh(self.view.reveal_selection)
        self.view.focus()
        self.update_side()
        self.watch(self.view, "scroll_y", lambda _old, _new: self.update_legend(), init=False)
        self.call_after_refresh(self.update_legend)

    def update_legend(self) -> None:
        """When the margin has no room for names, one line under the transcript names the
        codes of the codings on screen, each in its stripe colour."""
        legend = self.query_one("#stripe-legend", Static)
        view = self.view
        if view.margin().named or not view.spans:
            legend.display = False
            return
        codes = view.codes_on_screen()
        if codes == getattr(self, "_legend_codes", None) and legend.display:
            return
        self._legend_codes = codes
        text = Text(no_wrap=True, overflow="ellipsis")
        for code_id in codes:
            text.append("■ ", style=view._margin_style(code_id))
            text.append(self.codes_by_id[code_id].name if code_id in self.codes_by_id else "?")
            text.append("  ")
        legend.update(text)
        legend.display = bool(codes)

    def on_transcript_view_coding_picked(self, event: TranscriptView.CodingPicked) -> None:
        """A click on a stripe or a name: the cursor goes into that coding (selected, as
        ``]`` does), and the panel describes its code."""
        span = self.view.spans.get(event.span_id)
        if span is None:
            return
        self.at_coding = span.id
        self.view.select(span.start, span.end)
        self.panel_code_id = span.code_id
        self.update_panel()

    def save_position(self) -> None:
        """Remember the cursor for this coder and document (restored when it reopens)."""
        from workbench.ops.coderstate import save_position

        if (
            not hasattr(self, "document")
            or self.last_cursor in (self._saved_cursor, self._saving_cursor)
            or self.project.read_only
        ):
            return
        cursor, coder = self.last_cursor, self.wb.coder
        self._saving_cursor = cursor

        def saved(_: object) -> None:
            self._saved_cursor = cursor

        if self.wb.waiting or (self.is_attached and self.wb.is_running):
            # like every write: a busy project waits (and queues) rather than forgetting it
            self.wb.write(
                lambda: save_position(self.project, coder, self.document_id, cursor),
                saved,
                what=_("the cursor position"),
            )
            return
        try:  # the app is closing: one try, never in the way of quitting
            save_position(self.project, coder, self.document_id, cursor)
        except WorkbenchError:
            pass

    def on_screen_suspend(self) -> None:
        from textual.screen import ModalScreen

        if not isinstance(self.app.screen, ModalScreen):  # a dialog is not leaving
            self.save_position()

    def on_unmount(self) -> None:
        self.save_position()
        self.leave_playback()

    def on_resize(self, event) -> None:
        """The side column takes a share of the window: narrow terminals keep the text wide,
        wide ones give the definitions room."""
        width = event.size.width
        side = (
            40
            if 110 <= width < 180
            else max(26, min(width // 3, 40))
            if width < 110
            else min(width // 5, 56)
        )
        self.query_one("#side").styles.width = side
        # short terminals: the tree keeps most of the column
        height = event.size.height
        self.query_one("#details").styles.height = 10 if height >= 36 else 5
        self.query_one(CodePanel).styles.max_height = 18 if height >= 36 else max(3, height // 5)
        self.call_after_refresh(self.update_legend)

    def _load_codes(self) -> None:
        self.codes = self.project.codes()
        self.codes_by_id = {c.id: c for c in self.codes}
        self.colours = code_colours(self.codes)

    def _load_codings(self) -> None:
        self.codings = self.project.codings(document_id=self.document_id)
        self.coder_names = {c.id: c.name for c in self.project.coders()}
        ids = {c.id for c in self.codings}
        self.memos = {
            m.target_id: (m.id, m.text)
            for m in core.visible_memos(self.project, "coding")
            if m.target_id in ids
        }

    def _load_suggestions(self) -> None:
        """The document's open suggestions (one query when the document opens or reloads)."""
        from workbench.suggest.review import list_suggestions

        self.suggestions = [
            Mark(s.id, s.code_id, s.start, s.end, s.score, f"{s.suggester}: {s.reason}")
            for s in list_suggestions(self.project, self.document_id, order="position")
        ]

    def visible_spans(self) -> list[Span]:
        """The codings shown: everyone's, or in blind mode only the current coder's."""
        blind = self.wb.blind
        coder_id = self.wb.coder_id
        return [
            Span(c.id, c.code_id, c.coder_id, c.start, c.end)
            for c in self.codings
            if not blind or c.coder_id == coder_id
        ]

    def counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for span in self.view.spans.values():
            counts[span.code_id] = counts.get(span.code_id, 0) + 1
        return counts

    def _fill_tree(self) -> None:
        self.code_tree.populate(self.codes, self.counts(), self.colours)

    def refresh_data(self) -> None:
        """Reload codes and codings (after undo, a coder switch, blind mode, codebook edits)."""
        if not self.is_mounted:
            return
        self.usage_cache.clear()
        if self.project.document(self.document_id).sha256 != self.document.sha256:
            self._load_codes()
            lo = self.view.selection[0]
            self.reload_text(select=(lo, lo))  # the text changed (an undone correction)
        with self.project.reading():  # codes, codings and suggestions of one state
            self._load_codes()
            self._load_codings()
            self._load_suggestions()
        self.load_media()
        self.view.set_colours(self.colours)
        self.view.set_code_names({c.id: c.name for c in self.codes})
        self.view.set_coder_labels(coder_initials(self.coder_names))
        self.view.set_spans(self.visible_spans())
        self.view.set_marks(self.suggestions)
        self._fill_tree()
        self.update_side()
        self.update_legend()

    # ------------------------------------------------------------- other

    def action_toggle_done(self) -> None:
        done = self.document_id in self.project.done_documents(self.wb.coder_id)
        coder = self.wb.coder

        def marked(_unused: object) -> None:
            self.notify(
                _("{name}: {value} for {coder}").format(
                    name=self.document.name, value=_("not done") if done else _("done"), coder=coder
                )
            )
            self.wb.update_status()

        self.wb.write(
            lambda: core.mark_done(self.project, self.document_id, coder, not done),
            marked,
            what=_("the done mark"),
        )

    def action_copy_quotation(self) -> None:
        """Copy the selection with its reference (``"text" (DRS01, 1757-1841)``) through the
        terminal's clipboard; ctrl+c copies here, it never offers to quit."""
        from workbench.ops.retrieval import cite

        lo, hi = self.view.selection
        if hi <= lo:
            self.notify(_("Select a passage to copy first"), severity="warning")
            return
        quoted = cite(self.view.text[lo:hi], self.document.name, lo, hi)
        self.app.copy_to_clipboard(quoted)
        self.notify(_("Copied: {text}").format(text=quoted[:60]), timeout=2)

    def action_filter_codes(self) -> None:
        self.query_one("#code-filter", Input).focus()

    def action_focus_transcript(self) -> None:
        self.view.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "code-filter":
            self.code_tree.populate(self.codes, self.code_tree.counts, self.colours, event.value)
            self.follow_tree()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "code-filter":
            self.code_tree.focus()
            self.follow_tree()

    def status(self) -> str:
        if not hasattr(self, "document"):
            return ""
        done = self.document_id in self.project.done_documents(self.wb.coder_id)
        status = f"{self.document.name} · {_('done')}" if done else self.document.name
        heard = self.playback_status()
        return f"{status} · {heard}" if heard else status
