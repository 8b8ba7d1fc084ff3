"""What an agreement run compares: the coders, the documents every one of them marked done (or
the ones named), the codes, and their codings as one array.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from workbench.analysis import filters
from workbench.analysis.units import (
    check_unit,
)
from workbench.i18n import _
from workbench.permissions import require
from workbench.store.errors import WorkbenchError
from workbench.store.model import Code, Coder, Document
from workbench.store.project import Project


@dataclass(frozen=True)
class Selection:
    """What is compared: coders, documents, unit, and the codes reported (one row each).

    ``available[d, k]`` says whether coder ``k`` has values in document ``d``; False is missing
    data (only possible for documents named with ``docs``). ``row_of`` maps every selected code
    id to the row it counts for (itself, or its ancestor at the roll-up depth).
    """

    unit: str
    coders: tuple[Coder, ...]
    documents: tuple[Document, ...]
    available: np.ndarray
    rows: tuple[Code, ...]
    row_of: dict[int, int]
    codings: np.ndarray = field(
        repr=False
    )  # columns: id, doc pos, row, coder pos, start, end, code id

    @property
    def coder_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.coders)


def code_selection(
    project: Project, codes: Sequence[str] | None = None, depth: int | None = None
) -> tuple[list[Code], dict[int, int]]:
    """Rows (codes reported) and the code id -> row index map for a subtree filter and roll-up.

    ``codes`` are paths; each selects that code and everything under it. ``depth`` rolls every
    code deeper than it up to its ancestor at that depth (1 = the top-level groups). The same
    subtree and roll-up rules as every other analysis (``analysis.filters.code_scope``).
    """
    if depth is not None and depth < 1:
        raise WorkbenchError(_("--depth must be 1 or more, not {depth}").format(depth=depth))
    all_codes = project.codes()
    order, row_of, _unused = filters.code_scope(project, codes or (), depth, codes=all_codes)
    by_path = {c.path: c for c in all_codes}
    return [by_path[path] for path in order], row_of


def _coder_list(project: Project, names: Sequence[str]) -> list[Coder]:
    known = {c.name: c for c in project.coders()}
    out: list[Coder] = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name not in known:
            listed = ", ".join(sorted(known)) or "none yet"
            raise WorkbenchError(
                _("no coder named {name!r} (coders: {listed})").format(name=name, listed=listed)
            )
        if known[name] not in out:
            out.append(known[name])
    return out


def _done(project: Project) -> dict[int, set[int]]:
    done: dict[int, set[int]] = {}
    for doc_id, coder_id in project.conn.execute(
        "SELECT document_id, coder_id FROM document_status WHERE done = 1"
    ):
        done.setdefault(coder_id, set()).add(doc_id)
    return done


def _coded(project: Project) -> dict[int, set[int]]:
    coded: dict[int, set[int]] = {}
    for coder_id, doc_id in project.conn.execute(
        "SELECT DISTINCT coder_id, document_id FROM codings"
    ):
        coded.setdefault(coder_id, set()).add(doc_id)
    return coded


def select(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    unit: str = "char",
    codes: Sequence[str] | None = None,
    depth: int | None = None,
    docs: Sequence[str] | None = None,
    where: Sequence[str | tuple[str, str]] = (),
    exclude_models: bool = False,
) -> Selection:
    """Decide what to compare, with a one-line error when the comparison cannot be made.

    ``exclude_models`` leaves out coders marked as the suggestion model (``suggest as-coder``),
    whether named or chosen by default.

    ``where`` narrows the compared documents exactly as in every other command
    (``analysis.filters``, ``docs/selection.md``): case attributes and ``document=NAME``.
    Comparing coders is the lead's (and a reviewer's): it shows every coder's work.
    """
    require(project, "agreement.read")
    check_unit(unit)
    scope = filters.Selection.build(coders=coders or (), codes=codes or (), where=where)
    filters.coder_ids(project, scope.coders)  # the same one-line errors as every command
    in_scope = filters.selected_documents(project, scope) if scope.filters_documents else None
    done, coded = _done(project), _coded(project)
    if in_scope is not None:
        done = {k: v & in_scope.keys() for k, v in done.items()}
        coded = {k: v & in_scope.keys() for k, v in coded.items()}
    chosen = _coder_list(project, coders) if coders else None
    if chosen is not None and exclude_models:
        chosen = [c for c in chosen if not c.is_model]
    people = (lambda c: not c.is_model) if exclude_models else (lambda c: True)
    if docs:
        documents: list[Document] = []
        for name in docs:
            doc = project.document(name.strip())
            if doc not in documents and (in_scope is None or doc.id in in_scope):
                documents.append(doc)
        doc_ids = {d.id for d in documents}
        if chosen is None:
            chosen = [c for c in project.coders() if people(c) and coded.get(c.id, set()) & doc_ids]
    else:
        if chosen is None:
            chosen = [
                c
                for c in project.coders()
                if people(c) and done.get(c.id, set()) & coded.get(c.id, set())
            ]
        if len(chosen) >= 2:
            common = set.intersection(*(done.get(c.id, set()) for c in chosen))
            if not common:
                names = ", ".join(c.name for c in chosen)
                within = " among the selected documents" if in_scope is not None else ""
                raise WorkbenchError(
                    _(
                        "no document{within} is marked done by every coder compared ({names}); mark them "
                        "with 'workbench done DOC --coder NAME' or name them with --docs"
                    ).format(within=within, names=names)
                )
            documents = [d for d in project.documents() if d.id in common]
        else:
            documents = []
    if len(chosen) < 2:
        who = ", ".join(repr(c.name) for c in chosen) or "no coder"
        raise WorkbenchError(
            _(
                "agreement needs at least two coders; only {who} can be compared here (name them "
                "with --coders A,B)"
            ).format(who=who)
        )
    available = np.array(
        [
            [
                doc.id in done.get(c.id, set()) or doc.id in coded.get(c.id, set()) or not docs
                for c in chosen
            ]
            for doc in documents
        ],
        dtype=bool,
    ).reshape(len(documents), len(chosen))
    rows, row_of = code_selection(project, codes, depth)
    codings = _load_codings(project, documents, chosen, row_of, available)
    # parents without codings of their own are left out unless the roll-up lands on them
    used_rows = set(codings[:, 2].tolist())
    parents = {c.parent_id for c in rows if c.parent_id is not None}
    keep = [i for i, c in enumerate(rows) if i in used_rows or c.id not in parents]
    renumber = {old: new for new, old in enumerate(keep)}
    rows = [rows[i] for i in keep]
    row_of = {cid: renumber[r] for cid, r in row_of.items() if r in renumber}
    if codings.size:
        codings[:, 2] = np.array([renumber[r] for r in codings[:, 2].tolist()], dtype=np.int64)
    return Selection(unit, tuple(chosen), tuple(documents), available, tuple(rows), row_of, codings)


def _load_codings(
    project: Project,
    documents: Sequence[Document],
    coders: Sequence[Coder],
    row_of: dict[int, int],
    available: np.ndarray,
) -> np.ndarray:
    doc_pos = {d.id: i for i, d in enumerate(documents)}
    coder_pos = {c.id: i for i, c in enumerate(coders)}
    out: list[tuple[int, ...]] = []
    marks = ",".join("?" * len(coder_pos))
    for cid, doc_id, code_id, coder_id, start, end in project.conn.execute(
        f'SELECT id, document_id, code_id, coder_id, start, "end" FROM codings '
        f'WHERE coder_id IN ({marks}) ORDER BY document_id, start, "end", id',
        list(coder_pos),
    ):
        d = doc_pos.get(doc_id)
        row = row_of.get(code_id)
        if d is None or row is None or not available[d, coder_pos[coder_id]]:
            continue
        out.append((cid, d, row, coder_pos[coder_id], start, end, code_id))
    return np.array(out, dtype=np.int64).reshape(-1, 7)
