"""Filling a DataTable in pages: the first page at once, the rest a page at a time between
other events.

A DataTable measures every cell as rows are added (about 0.1 ms a cell here), so 2,000
documents or 5,000 segments would hold the screen for seconds. The first page is what the
window shows; later pages follow from timers, so keys and redraws stay responsive meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.widgets import DataTable

FIRST, PAGE = 80, 250


class PagedRows:
    """Rows ``(key, cells)`` going into ``table``; ``done`` once all are in."""

    def __init__(
        self,
        table: DataTable,
        rows: Sequence[tuple[str | None, Sequence[Any]]],
        *,
        on_done: Callable[[], None] | None = None,
    ) -> None:
        self.table = table
        self.rows = rows
        self.loaded = 0
        self.on_done = on_done
        self.cancelled = False

    @property
    def done(self) -> bool:
        return self.loaded >= len(self.rows)

    def start(self, at_least: int = 0) -> None:
        self.add(max(FIRST, at_least))
        self._next()

    def add(self, count: int = PAGE) -> None:
        upto = min(len(self.rows), self.loaded + count)
        for key, cells in self.rows[self.loaded : upto]:
            self.table.add_row(*cells, key=key)
        self.loaded = upto

    def finish(self) -> None:
        """Add every row left now (before a change that needs them all)."""
        self.add(len(self.rows))

    def cancel(self) -> None:
        self.cancelled = True

    def _next(self) -> None:
        if self.cancelled:
            return
        if self.done:
            if self.on_done is not None:
                self.on_done()
            return
        self.table.set_timer(0.01, self._step)

    def _step(self) -> None:
        if not self.cancelled and self.table.is_attached:
            self.add()
            self._next()
