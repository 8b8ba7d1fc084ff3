"""The store: one SQLite file per project.

``project`` opens it (locks, busy retries, read-only) and runs the transactions;
``migrations`` holds the numbered schema steps; ``actionlog`` records every change so it can be
undone and redone; ``queries`` reads documents, codes, codings, cases and memos as the
dataclasses of ``model``; ``errors`` names what can go wrong. Nothing here knows about a
researcher's workflow: that is ``workbench.ops``.

sqlite-utils is imported (without pandas) by ``sqlite_utils_lean`` when a project is first
opened, not here: ``workbench --help`` and a command's one-line error never load it.
"""
