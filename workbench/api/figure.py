"""The figure the Python API returns: a plotly Figure that knows the command that draws it.

Imported only when a figure is asked for (it imports plotly).
"""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go

from workbench.export.record import Record


class Figure(go.Figure):
    """A plotly ``Figure`` (it displays inline in a notebook) carrying ``command``, the
    ``workbench`` command line that writes the same figure to a file, and ``provenance``.

    The record also sits in ``layout.meta["workbench"]``, where exported figures keep it, so
    ``fig.write_html(...)`` carries it too.
    """

    def __init__(self, figure: Any = None, provenance: Record | None = None) -> None:
        super().__init__(figure, _validate=False)  # drawn by the core, known good
        if provenance is not None:
            meta = self.layout.meta if isinstance(self.layout.meta, dict) else {}
            self.update_layout(meta={**meta, "workbench": json.loads(provenance.to_json())})

    @property
    def provenance(self) -> Record:
        """How the figure was made (the record exported figures carry)."""
        meta = self.layout.meta if isinstance(self.layout.meta, dict) else {}
        return Record.from_json(json.dumps(meta.get("workbench") or {}))

    @property
    def command(self) -> str:
        """The command line that writes the same figure to a file."""
        return self.provenance.command
