"""Applying codes on the coding screen: a code from the tree or the picker, a new code made on
the spot (in vivo or named), a code pinned to a number key.

Applying is what a coder does most, so it has its module: each apply goes through the core
(``workbench.ops.coding``) as one undoable action, and only the new coding's lines, the tree's
count and the side panel are updated when it lands.
"""

from __future__ import annotations

from textual.widgets import Tree

from workbench.i18n import _
from workbench.ops import coding as core
from workbench.store.model import Code, Coding
from workbench.tui.screens.modals import (
    NEW_CODE_ID,
    ChoiceModal,
    CodePickerModal,
    PromptModal,
)
from workbench.tui.widgets.transcript_index import Span


class CodingApply:
    """Applying codes for ``CodingScreen`` (a mixin over the screen's state)."""

    def apply(self, code: Code) -> int | None:
        """Code the selection with ``code``; returns the new coding id."""
        view = self.view
        lo, hi = view.selection
        if hi <= lo:
            self.notify(
                _("Select some text first (s: sentence, t: turn, shift+arrows)"), severity="warning"
            )
            return None
        applied: list[int] = []

        def landed(coding_id: int) -> None:
            applied.append(coding_id)
            self.usage_cache.clear()
            coder_id = self.wb.coder_id
            self.codings.append(Coding(coding_id, self.document_id, code.id, coder_id, lo, hi))
            view.add_span(Span(coding_id, code.id, coder_id, lo, hi))
            self.code_tree.set_count(code.id, self.code_tree.counts.get(code.id, 0) + 1)
            self.wb.remember(code.id)
            self.update_side()
            self.update_legend()
            self.notify(_("Applied {name}").format(name=code.name), timeout=2)

        coder = self.wb.coder
        self.wb.write(
            lambda: core.apply_code(self.project, self.document_id, code.path, lo, hi, coder=coder),
            landed,
            what=_("applying {name}").format(name=code.name),
        )
        return applied[0] if applied else None

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        """Enter on a code applies it to the selection; without one, lists its segments."""
        code = event.node.data
        if not isinstance(code, Code):
            return
        lo, hi = self.view.selection
        if hi > lo:
            self.apply(code)
        else:
            self.open_segments(code)

    def _need_selection(self) -> bool:
        lo, hi = self.view.selection
        if hi <= lo:
            self.notify(
                _("Select some text first (s: sentence, t: turn, shift+arrows)"), severity="warning"
            )
            return False
        return True

    def new_code_group(self) -> str:
        """Where new codes go: the highlighted tree code's group (itself when top-level)."""
        code = self.code_tree.highlighted_code
        if code is None:
            return ""
        if code.parent_id is None:
            return code.path
        return code.path.rsplit("/", 1)[0]

    def action_apply_code(self) -> None:
        if not self._need_selection():
            return

        def chosen(code: Code | None) -> None:
            if code is None:
                return
            if code.id == NEW_CODE_ID:
                self.create_and_apply(code.path)
            else:
                self.apply(code)

        group = self.new_code_group()
        title = _("Apply code (a new name is created under {group})").format(
            group=group or _("the top level")
        )
        self.app.push_screen(CodePickerModal(self.codes, title, new_under=group), chosen)

    def create_and_apply(self, path: str, *, confirm: bool = True) -> None:
        """Create the code ``path`` and apply it to the selection (one undo step), after the
        coder confirms (or edits) the path."""
        lo, hi = self.view.selection

        def confirmed(value: str | None) -> None:
            value = (value or "").strip().strip("/")
            if not value:
                return
            existing = next((c for c in self.codes if c.path == value), None)
            if existing is not None:
                self.view.select(lo, hi)
                self.apply(existing)
                return

            def applied(ids: tuple[int, int]) -> None:
                self.wb.remember(ids[0])
                self.refresh_data()
                self.view.select(lo, hi)
                self.notify(
                    _("Created {value} and applied it (one undo takes both back)").format(
                        value=value
                    )
                )

            # through the app's write: a busy project waits visibly instead of freezing
            self.wb.write(
                lambda: core.apply_new_code(
                    self.project, self.document_id, value, lo, hi, coder=self.wb.coder
                ),
                applied,
                what=_("the new code"),
            )

        if confirm:
            self.app.push_screen(
                PromptModal(_("New code (Enter creates and applies it, Esc cancels)"), path),
                confirmed,
            )
        else:
            confirmed(path)

    def action_in_vivo(self) -> None:
        """A new code named with the selected words, under the highlighted group."""
        if not self._need_selection():
            return
        lo, hi = self.view.selection
        name = core.in_vivo_name(self.view.text[lo:hi])
        if not name:
            self.notify(_("The selection has no words to name a code with"), severity="warning")
            return
        whole = " ".join(self.view.text[lo:hi].split())
        if len(whole) > len(name) + 2:  # cut at a word: say so, the prompt lets it grow
            self.notify(
                _(
                    "A code name is at most {n} characters: cut to {name!r}; edit it if you like"
                ).format(n=60, name=name),
                timeout=4,
            )
        group = self.new_code_group()
        self.create_and_apply(f"{group}/{name}" if group else name)

    def action_apply_recent(self, n: int) -> None:
        code_id = self.wb.favourites.get(n)
        if code_id not in self.codes_by_id:
            self.notify(
                _("No code on key {n} yet: + pins the highlighted code").format(n=n),
                severity="warning",
            )
            return
        self.apply(self.codes_by_id[code_id])

    def action_pin_favourite(self) -> None:
        """Pin the code at hand to a key 1-9 (or take it off its key)."""
        code = self.panel_code()
        if code is None:
            self.notify(_("Highlight a code in the tree first"), severity="warning")
            return
        slots = list(range(1, 10))
        labels = []
        for n in slots:
            held = self.codes_by_id.get(self.wb.favourites.get(n, -1))
            labels.append(f"{n}  {held.path if held else '(free)'}")
        pinned = [n for n, c in self.wb.favourites.items() if c == code.id]
        if pinned:
            labels.append(_("Take {name} off key {value}").format(name=code.name, value=pinned[0]))

        def chosen(index: int | None) -> None:
            if index is None:
                return
            if index < len(slots):
                if self.wb.pin(slots[index], code.id):
                    self.notify(
                        _("Key {value}: {path}").format(value=slots[index], path=code.path),
                        timeout=2,
                    )
            elif self.wb.pin(pinned[0], None):
                self.notify(_("Key {value} is free").format(value=pinned[0]), timeout=2)
            self.update_side()

        self.app.push_screen(
            ChoiceModal(_("Pin {path} to key").format(path=code.path), labels), chosen
        )
