"""workbench: code qualitative interviews offline, from a terminal or a script.

``workbench.open(path)`` opens a project for scripts and notebooks (``workbench.api``; see
docs/python.md). The API is imported on first use, so importing any part of the package
stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from workbench.api import Project, open

__all__ = ["Project", "__version__", "open"]


def __getattr__(name: str) -> Any:
    """``workbench.open`` and ``workbench.Project``, from ``workbench.api`` when first used."""
    if name in ("open", "Project"):
        import workbench.api

        return getattr(workbench.api, name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
