"""What a duplicate coding is, and what every writer does about one.

A coding is the same as another when it has the same document, code, coder and span: the
second says nothing the first did not, yet it would be drawn twice, counted twice by
frequencies and co-occurrence, and weigh twice in agreement. So the project holds at most one
of each (migration 0006 backs this with a unique index). A person applying a code that is
already there is refused with one line (``refuse_duplicate``); a bulk writer (the codings CSV
import, qdpx import, ``merge``, merging two codes) folds them with a ``Folding`` and says how
many it folded.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.i18n import _, ngettext
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

#: (document id, code id, coder id, start, end): what makes two codings the same
CodingKey = tuple[int, int, int, int, int]


class DuplicateCoding(WorkbenchError):
    """The coder already applied this code to exactly this span."""


def duplicate_of(project: Project, key: CodingKey, *, besides: int | None = None) -> int | None:
    """The id of the coding equal to ``key`` (other than ``besides``), or None: the rule."""
    row = project.conn.execute(
        "SELECT id FROM codings WHERE document_id = ? AND code_id = ? AND coder_id = ? "
        'AND start = ? AND "end" = ? AND id IS NOT ?',
        (*key, besides),
    ).fetchone()
    return None if row is None else row[0]


def refuse_duplicate(project: Project, key: CodingKey, *, besides: int | None = None) -> None:
    """Raise a one-line ``DuplicateCoding`` when ``key`` is already coded (by that coder)."""
    if duplicate_of(project, key, besides=besides) is None:
        return
    document_id, code_id, coder_id, start, end = key
    coder = project.conn.execute("SELECT name FROM coders WHERE id = ?", (coder_id,)).fetchone()
    raise DuplicateCoding(
        _("{code} is already applied to [{start}, {end}) by {coder}: nothing added").format(
            code=project.code_by_id(code_id).path,
            start=start,
            end=end,
            coder=coder[0] if coder else "?",
        ),
        source=project.document(document_id).name,
    )


class Folding:
    """The codings a bulk write has seen (the project's and its own): ``seen(key)`` is True for
    one already there, which the writer leaves out and ``folded`` counts."""

    def __init__(self, project: Project | None = None, keys: Iterable[CodingKey] = ()) -> None:
        self.present: set[CodingKey] = set(keys)
        if project is not None:
            self.present.update(
                tuple(r)
                for r in project.conn.execute(
                    'SELECT document_id, code_id, coder_id, start, "end" FROM codings'
                )
            )
        self.folded = 0

    def seen(self, key: CodingKey) -> bool:
        """True (and counted) when ``key`` is already there; else remember it and say False."""
        if key in self.present:
            self.folded += 1
            return True
        self.present.add(key)
        return False


def folded_message(folded: int) -> str:
    """How an import or merge says what it folded (empty when nothing was)."""
    if not folded:
        return ""
    return ngettext(
        "{n} coding already present was folded (not added twice)",
        "{n} codings already present were folded (not added twice)",
        folded,
    ).format(n=folded)
