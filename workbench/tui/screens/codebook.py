"""The codebook screen: the code tree with counts and details; add, rename, move, merge,
delete (after confirmation) and recolour codes. Each edit is one undoable core action."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Static, Tree

from workbench.i18n import N_, _
from workbench.ops import codes as core
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
        self.codes = self.project.codes()
        self.counts = core.coding_counts(self.project, self.wb.coder_id if self.wb.blind else None)
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
        memos = [m.text for m in self.project.memos("code", code.id)]
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
        if code is None:
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
        if code is None:
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
        targets = [
            c for c in self.codes if c.id != code.id and not c.path.startswith(code.path + "/")
        ]

        def merge(target: Code | None) -> None:
            if target is None:
                return
            n = self.counts.get(code.id, 0)

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
                        "Merge {path} into {path2}? Its {n} coding(s) move to {path2} and {name} is "
                        "removed."
                    ).format(path=code.path, path2=target.path, n=n, name=code.name),
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
        subtree = [c for c in self.codes if c.id == code.id or c.path.startswith(code.path + "/")]
        codings = sum(self.counts.get(c.id, 0) for c in subtree)
        if len(subtree) > 1:
            question = _("Delete {path} and its {n} subcode(s)?").format(
                path=code.path, n=len(subtree) - 1
            )
        else:
            question = _("Delete {path}?").format(path=code.path)
        if codings:
            question += " " + _(
                "{n} coding(s) will be deleted with it (undo brings them back)."
            ).format(n=codings)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._run(
                    lambda: core.delete_code(self.project, code.path, force=True),
                    _("Deleted {path}").format(path=code.path),
                )

        self.app.push_screen(ConfirmModal(question, yes=_("Delete")), confirmed)

    def action_colour_code(self) -> None:
        code = self._need_code()
        if code is None:
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
        if code is None:
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
