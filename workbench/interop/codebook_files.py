"""A codebook file in either format, chosen by its suffix: YAML (the project's own) or
REFI-QDA ``.qdc``.

The choice lives here, above the operations, because the ``.qdc`` side is REFI-QDA's (and
needs lxml, imported only when such a file is named); ``workbench.ops.codebook`` reads and
``workbench.ops.codebook_export`` writes YAML alone, and neither knows other tools' formats.
The command line and the Python API both call these two functions.
"""

from __future__ import annotations

import os
from types import ModuleType

from workbench.ops.codebook import load_codebook
from workbench.ops.codebook_export import export_codebook
from workbench.ops.codebook_load import LoadReport
from workbench.store.project import Project


def is_qdc(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a REFI-QDA codebook (by suffix, in any case)."""
    return str(path).lower().endswith(".qdc")


def load_codebook_file(project: Project, path: str | os.PathLike[str]) -> LoadReport:
    """Load a codebook file (YAML, or REFI-QDA ``.qdc``) into the project, as one action."""
    if is_qdc(path):
        return _qdc().load_qdc(project, path)
    return load_codebook(project, path)


def export_codebook_file(project: Project, path: str | os.PathLike[str]) -> int:
    """Write the codebook to ``path`` (YAML, or REFI-QDA ``.qdc``); the number of codes."""
    if is_qdc(path):
        return _qdc().export_qdc(project, path)
    return export_codebook(project, path)


def _qdc() -> ModuleType:
    """The REFI-QDA codebook module, imported only when a .qdc file is named (it needs lxml)."""
    from workbench.interop import qdc

    return qdc
