"""Errors the user can act on.

Every failure caused by the user's input (a file, a code path, an option) is raised as a
``WorkbenchError``. Its message is one line that names the file and the place, so the CLI can
print it verbatim and exit with status 1, and the TUI can show it in a notification.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """A problem with the user's input, reported as one line."""

    def __init__(self, message: str, *, source: str | None = None, place: str | None = None):
        self.reason = message
        self.source = source
        self.place = place
        super().__init__(self.render())

    def render(self) -> str:
        prefix = ""
        if self.source:
            prefix = f"{self.source}"
            if self.place:
                prefix += f":{self.place}"
            prefix += ": "
        return (prefix + self.reason).replace("\n", " ")


class InputFileError(WorkbenchError):
    """A file we were asked to read is broken, empty or of the wrong kind."""


class CodebookError(WorkbenchError):
    """A codebook is malformed or an operation on the code tree is not allowed."""


class UnknownCodeError(WorkbenchError):
    """A code path names no code in the project."""


class UnknownDocumentError(WorkbenchError):
    """A document name or id names no document in the project."""


class DuplicateDocumentError(WorkbenchError):
    """The same text was imported before."""


class ProjectError(WorkbenchError):
    """The project file cannot be opened, is locked for too long, or is inconsistent."""


class ProjectBusy(ProjectError):
    """Another program held the write lock for longer than this write would wait."""


class BusyCancelled(ProjectError):
    """The user stopped waiting for the write lock; nothing was written."""


class PermissionDenied(WorkbenchError):
    """The acting user's role does not allow the operation (``workbench.permissions``)."""
