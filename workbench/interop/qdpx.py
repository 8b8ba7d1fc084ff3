"""REFI-QDA projects (``.qdpx``): ``export_qdpx`` writes one, ``import_qdpx`` reads one.

The two directions live in ``qdpx_export`` and ``qdpx_import`` (with ``qdpx_read`` and
``qdpx_report``); this module is the one name the command line and other code use.
"""

from __future__ import annotations

from workbench.guards.archive import Limits
from workbench.interop.qdpx_export import ExportSummary, export_qdpx
from workbench.interop.qdpx_import import import_qdpx
from workbench.interop.qdpx_read import read_qdpx
from workbench.interop.qdpx_report import ImportReport

__all__ = ["ExportSummary", "ImportReport", "Limits", "export_qdpx", "import_qdpx", "read_qdpx"]
