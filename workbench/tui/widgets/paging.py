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
        cell: Callable[[Any], Any] | None = None,
    ) -> None:
        self.table = table
        #: rows not in the table yet keep their plain values: ``cell`` makes each one what
        #: the table shows (a rich Text, say) only as its page goes in
        self.rows = rows
        self.cell = cell
        self.loaded = 0
        self.on_done = on_done
        self.cancelled = False

    @property
    def done(self) -> bool:
        return self.loaded >= len(self.rows)

    def start(self, at_least: int = 0, first: int = FIRST) -> None:
        """Add the first page now (``first`` rows, or ``at_least``), the rest by timers."""
        self.add(max(first, at_least))
        self._next()

    def add(self, count: int = PAGE) -> None:
        upto = min(len(self.rows), self.loaded + count)
        make = self.cell
        for key, cells in self.rows[self.loaded : upto]:
            self.table.add_row(*(cells if make is None else map(make, cells)), key=key)
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
