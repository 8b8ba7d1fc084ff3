"""The codebook as a tree: colour swatch, name and number of codings, with a quick filter."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from workbench.i18n import _
from workbench.store.model import Code


def filter_codes(codes: Sequence[Code], query: str) -> list[Code]:
    """Codes whose path holds every word of ``query`` (any case), with their ancestors."""
    words = query.lower().split()
    if not words:
        return list(codes)
    by_id = {c.id: c for c in codes}
    keep: set[int] = set()
    for code in codes:
        path = code.path.lower()
        if all(w in path for w in words):
            node: Code | None = code
            while node is not None and node.id not in keep:
                keep.add(node.id)
                node = by_id.get(node.parent_id) if node.parent_id is not None else None
    return [c for c in codes if c.id in keep]


class CodeTree(Tree[Code]):
    """Codes as a tree; Enter selects a code (the screen decides what that does)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(_("Codes"), id=id, classes=classes)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self.codes: list[Code] = []
        self.counts: dict[int, int] = {}
        self.colours: dict[int, str] = {}
        self.nodes_by_code: dict[int, TreeNode[Code]] = {}
        self.query_text = ""

    def label_for(self, code: Code) -> Text:
        label = Text()
        label.append("■ ", style=self.colours.get(code.id, "#888888"))
        label.append(code.name)
        count = self.counts.get(code.id, 0)
        if count:
            label.append(f" {count}", style="dim")
        return label

    def populate(
        self,
        codes: Sequence[Code],
        counts: dict[int, int],
        colours: dict[int, str],
        query: str | None = None,
    ) -> None:
        """(Re)build the tree, keeping the highlighted code when it is still shown."""
        current = self.cursor_node.data if self.cursor_node is not None else None
        self.codes, self.counts, self.colours = list(codes), dict(counts), dict(colours)
        if query is not None:
            self.query_text = query
        shown = filter_codes(self.codes, self.query_text)
        self.clear()
        self.nodes_by_code = {}
        for code in shown:
            parent = (
                self.nodes_by_code.get(code.parent_id) if code.parent_id is not None else None
            ) or self.root
            has_children = any(c.parent_id == code.id for c in shown)
            node = parent.add(
                self.label_for(code), data=code, expand=True, allow_expand=has_children
            )
            self.nodes_by_code[code.id] = node
        best = self.first_match() if self.query_text else None
        if best is not None:
            self.select_code(best.id)
        elif current is not None and current.id in self.nodes_by_code:
            self.select_code(current.id)

    def first_match(self) -> Code | None:
        """The first code that matches the filter itself (not only as an ancestor)."""
        words = self.query_text.lower().split()
        for code in self.codes:
            if words and all(w in code.path.lower() for w in words):
                return code
        return None

    def select_code(self, code_id: int) -> None:
        node = self.nodes_by_code.get(code_id)
        if node is not None:
            # node line numbers exist only once the tree is built; Tree builds lazily on idle
            _ = self._tree_lines  # Textual is pinned exactly, so this private hook is stable
            self.move_cursor(node)

    def set_count(self, code_id: int, count: int) -> None:
        """Update one code's count without rebuilding the tree."""
        self.counts[code_id] = count
        node = self.nodes_by_code.get(code_id)
        if node is not None and node.data is not None:
            node.set_label(self.label_for(node.data))

    @property
    def highlighted_code(self) -> Code | None:
        node = self.cursor_node
        return node.data if node is not None else None
