"""The codebook screen: the code tree with counts and details; add, rename, move, merge,
delete (after confirmation) and recolour codes. Each edit is one undoable core action."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Static, Tree

from workbench.i18n import N_, _, ngettext
from workbench.ops import codes as core
from workbench.ops.coding import visible_memos
from workbench.store.errors import WorkbenchError
from workbench.store.model import Code
from workbench.tui.actions import bindings
from workbench.tui.colours import code_colours
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.modals import CodePickerModal, ConfirmModal, MemoModal, PromptModal
from workbench.tui.widgets.codepanel import code_card
from workbench.tui.widgets.codetree import CodeTree

TOP_LEVEL_NAME = N_("(top level)")


def top_level() -> Code:
    """The picker's entry for "no parent", named in the language spoken now."""
    return Code(id=-1, guid="", parent_id=None, name=_(TOP_LEVEL_NAME), path=_(TOP_LEVEL_NAME))


class CodebookScreen(WorkbenchScreen):
    """Browse and edit the codebook."""

    SCOPES = ("codebook",)
    BINDINGS = bindings("codebook")

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[Code] = []
        self.counts: dict[int, int] = {}
        self.colours: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="codebook-body"):
            with Vertical(id="codebook-left"):
                yield Input(placeholder=_("filter codes (f)"), id="codebook-filter")
                yield CodeTree(id="codebook-tree")
            with VerticalScroll(id="codebook-details-box"):
                yield Static(id="codebook-details")
        yield Footer()

    @property
    def code_tree(self) -> CodeTree:
        return self.query_one(CodeTree)

    def on_mount(self) -> None:
        self.refresh_data()
        self.code_tree.focus()
        if self.code_tree.root.children:
            self.code_tree.move_cursor(self.code_tree.root.children[0])

    def refresh_data(self) -> None:
        with self.project.reading():  # the codes and their counts from one state
            self.codes = self.project.codes()
            self.counts = core.coding_counts(
                self.project, self.wb.coder_id if self.wb.blind else None
            )
        self.colours = code_colours(self.codes)
        self.code_tree.populate(self.codes, self.counts, self.colours)
        self.show_details()

    @property
    def code(self) -> Code | None:
        return self.code_tree.highlighted_code

    def show_details(self) -> None:
        box = self.query_one("#codebook-details", Static)
        code = self.code
        if code is None:
            box.update(
                Text(
                    _(
                        "The codebook is empty: press a to add a code, or load one with 'workbench "
                        "codebook load FILE'."
                    ),
                    style="dim",
                )
            )
            return
        usage = _("colour {colour} · {n} coding(s)").format(
            colour=code.colour or _("(inherited)"), n=self.counts.get(code.id, 0)
        )
        memos = [m.text for m in visible_memos(self.project, "code", code.id)]
        box.update(
            code_card(
                code,
                self.colours.get(code.id, ""),
                usage=usage,
                memos=memos,
                hint=_("No description yet: e writes one."),
            )
        )

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        self.show_details()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.code_tree.populate(self.codes, self.counts, self.colours, event.value)
        self.show_details()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.code_tree.focus()

    def _run(self, fn: Callable[[], object], message: str, select: str | None = None) -> None:
        try:
            fn()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.refresh_data()
        if select is not None:
            match = next((c for c in self.codes if c.path == select), None)
            if match is not None:
                self.code_tree.select_code(match.id)
        self.notify(message)

    def _need_code(self) -> Code | None:
        code = self.code
        if code is None:
            self.notify(_("No code selected"), severity="warning")
        return code

    def _may_edit(self) -> bool:
        """Ask the core before a dialog opens, so a coder hears at once why not."""
        return not self.wb.refuses("codebook.edit")

    def _impact(self, code: Code, operation: str) -> core.Impact | None:
        """What ``operation`` would take from every coder (the core's count, hidden work
        included), or None after saying why it may not be done."""
        try:
            return core.code_impact(self.project, code.path, operation)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="warning")
            return None

    def _hidden(self, impact: core.Impact) -> str:
        """A note when blind mode hides some of what the action touches."""
        if not self.wb.blind:
            return ""
        others = sum(n for name, n in impact.codings.items() if name != self.wb.coder)
        if not others:
            return ""
        return " " + ngettext(
            "{n} of them is another coder's, hidden by blind mode.",
            "{n} of them are other coders', hidden by blind mode.",
            others,
        ).format(n=others)

    def action_segments(self) -> None:
        from workbench.tui.screens.segments import SegmentsScreen

        code = self._need_code()
        if code is not None:
            self.app.push_screen(SegmentsScreen(code))
            self.call_after_refresh(self.wb.update_status)

    def action_filter_codes(self) -> None:
        self.query_one("#codebook-filter", Input).focus()

    def action_add_code(self) -> None:
        """Ask for the new code. A name alone goes under the highlighted code; a path with
        ``/`` is taken as it is from the top (a leading ``/`` makes a top-level code).
        Nothing is pre-filled: a pre-filled path turned a typed "Participation/Youth
        councils" into a grandchild of the highlighted code."""
        if not self._may_edit():
            return
        code = self.code
        under = code.path if code else ""

        def added(value: str | None) -> None:
            value = (value or "").strip()
            if not value.strip("/"):
                return
            path = value.strip("/") if "/" in value or not under else f"{under}/{value}"
            self._run(
                lambda: core.add_code(self.project, path),
                _("Added {path}").format(path=path),
                select=path,
            )

        where = _("a name alone goes under {under}; ").format(under=under) if under else ""
        self.app.push_screen(
            PromptModal(
                _("New code"),
                placeholder=_("{where}Group/Name is a full path; /Name is top level").format(
                    where=where
                ),
            ),
            added,
        )

    def action_rename_code(self) -> None:
        code = self._need_code()
        if code is None or not self._may_edit():
            return

        def renamed(name: str | None) -> None:
            if name and name.strip() and name.strip() != code.name:
                parent = code.path.rsplit("/", 1)[0] + "/" if "/" in code.path else ""
                self._run(
                    lambda: core.rename_code(self.project, code.path, name),
                    _("Renamed to {strip}").format(strip=name.strip()),
                    select=parent + name.strip(),
                )

        self.app.push_screen(
            PromptModal(_("Rename {path}").format(path=code.path), code.name, select_all=True),
            renamed,
        )

    def action_move_code(self) -> None:
        code = self._need_code()
        if code is None or not self._may_edit():
            return
        targets = [top_level()] + [
            c for c in self.codes if c.id != code.id and not c.path.startswith(code.path + "/")
        ]

        def moved(target: Code | None) -> None:
            if target is None:
                return
            parent = None if target.id == -1 else target.path
            new_path = f"{parent}/{code.name}" if parent else code.name
            self._run(
                lambda: core.move_code(self.project, code.path, parent),
                _("Moved to {new_path}").format(new_path=new_path),
                select=new_path,
            )

        self.app.push_screen(
            CodePickerModal(targets, _("Move {path} under").format(path=code.path)), moved
        )

    def action_merge_code(self) -> None:
        code = self._need_code()
        if code is None:
            return
        impact = self._impact(code, "code.merge")
        if impact is None:
            return
        targets = [
            c for c in self.codes if c.id != code.id and not c.path.startswith(code.path + "/")
        ]

        def merge(target: Code | None) -> None:
            if target is None:
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._run(
                        lambda: core.merge_codes(self.project, code.path, target.path),
                        _("Merged {path} into {path2}").format(path=code.path, path2=target.path),
                        select=target.path,
                    )

            self.app.push_screen(
                ConfirmModal(
                    _(
                        "Merge {code} into {target}? {impact} move to {target} and {name} is "
                        "removed.{hidden} The lead can undo it."
                    ).format(
                        code=code.path,
                        target=target.path,
                        impact=impact.describe(),
                        name=code.name,
                        hidden=self._hidden(impact),
                    ),
                    yes=_("Merge"),
                ),
                confirmed,
            )

        self.app.push_screen(
            CodePickerModal(targets, _("Merge {path} into").format(path=code.path)), merge
        )

    def action_delete_code(self) -> None:
        code = self._need_code()
        if code is None:
            return
        impact = self._impact(code, "code.delete")  # every coder's, blind or not
        if impact is None:
            return
        if impact.subcodes:
            question = _("Delete {path} and its {n} subcode(s)?").format(
                path=code.path, n=impact.subcodes
            )
        else:
            question = _("Delete {path}?").format(path=code.path)
        if impact.total_codings or impact.total_memos:
            question += " " + _(
                "{impact} will be deleted with it.{hidden} Undo brings them back (the lead's too)."
            ).format(impact=impact.describe(), hidden=self._hidden(impact))

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._run(
                    lambda: core.delete_code(self.project, code.path, force=True),
                    _("Deleted {path}").format(path=code.path),
                )

        self.app.push_screen(ConfirmModal(question, yes=_("Delete")), confirmed)

    def action_colour_code(self) -> None:
        code = self._need_code()
        if code is None or not self._may_edit():
            return

        def coloured(value: str | None) -> None:
            if value is None:
                return
            colour = value.strip() or None
            self._run(
                lambda: core.update_code(self.project, code.path, colour=colour),
                _("Colour of {name}: {value}").format(
                    name=code.name, value=colour or _("inherited")
                ),
                select=code.path,
            )

        self.app.push_screen(
            PromptModal(
                _("Colour of {path} (#RRGGBB, empty to inherit)").format(path=code.path),
                code.colour or "",
                select_all=True,
            ),
            coloured,
        )

    def action_describe_code(self) -> None:
        code = self._need_code()
        if code is None or not self._may_edit():
            return

        def described(value: str | None) -> None:
            if value is not None and value != (code.description or ""):
                self._run(
                    lambda: core.update_code(
                        self.project, code.path, description=value.strip() or None
                    ),
                    _("Description of {name} saved").format(name=code.name),
                    select=code.path,
                )

        self.app.push_screen(
            MemoModal(_("Description of {path}").format(path=code.path), code.description or ""),
            described,
        )

    def status(self) -> str:
        return _("codebook")
