"""The Python API: a project as researchers script it in a notebook or a script.

``workbench.open(path)`` returns a ``Project`` whose methods mirror the commands
(``documents``, ``codes``, ``codings``, ``cooccurrence``, ``agreement``, ``sankey``,
``suggest``), take the same options, and return typed records with ``to_pandas()``, each
carrying the command line that gives the same result. ``docs/python.md`` is the guide; the
names exported here are a public contract, kept like the command line's.
"""

from __future__ import annotations

from workbench.api.project import Project, open
from workbench.api.records import (
    Agreement,
    Code,
    CodeAgreement,
    CodePair,
    Coding,
    Cooccurrence,
    Document,
    Records,
    Suggestion,
)

__all__ = [
    "Agreement",
    "Code",
    "CodeAgreement",
    "CodePair",
    "Coding",
    "Cooccurrence",
    "Document",
    "Project",
    "Records",
    "Suggestion",
    "open",
]
