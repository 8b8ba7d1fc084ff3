"""Which codings an analysis looks at: coders, codes, documents, case attributes, roll-up.

Every analysis, export, agreement, suggestion evaluation and app screen answers the same
questions first: whose codings, which codes, which documents, and at what depth of the code
tree. This module answers them once (the meaning is written in ``docs/selection.md``), so a
filter means the same thing everywhere and a typo is the same one-line error everywhere.
``parse_where`` is the one reader of ``--where`` items; ``Selection`` holds a selection;
``document_scope``, ``coder_ids`` and ``code_scope`` resolve its parts against a project.
``select`` reads the codings in one query per project and returns plain tuples (fast paths use
them directly); ``select_codings`` returns the same selection as records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.i18n import _

# Colours for codes that have none of their own (nor an ancestor with one): the palette the
# app uses too, readable in print and for the common forms of colour blindness.
from workbench.palette import PALETTE
from workbench.store.errors import UnknownCodeError, WorkbenchError
from workbench.store.model import Code
from workbench.store.project import Project
from workbench.store.queries import normalise_path


@dataclass(frozen=True)
class Selection:
    """What to include. Empty tuples mean "everything"; ``depth=None`` means no roll-up.

    - ``coders``: coder names; only their codings count.
    - ``codes``: code paths; each includes its whole subtree.
    - ``depth``: roll each code up to its ancestor at this depth (1 = top-level groups).
    - ``where``: ``(attribute, value)`` pairs on the document's case. Pairs with the same
      attribute are alternatives (region=Piura or region=Cusco); different attributes must
      all hold (region=Piura and sector=government). The key ``case`` names the case itself.
    - ``documents``: document names (alternatives; ``--where document=NAME`` lands here).
    """

    coders: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    depth: int | None = None
    where: tuple[tuple[str, str], ...] = ()
    documents: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        coders: Iterable[str] = (),
        codes: Iterable[str] = (),
        depth: int | None = None,
        where: Iterable[str | tuple[str, str]] = (),
        documents: Iterable[str] = (),
    ) -> Selection:
        """A selection from user input; ``where`` items may be ``"key=value"`` strings, and
        ``document=NAME`` items join ``documents``. Empty names are dropped."""
        if depth is not None and depth < 1:
            raise WorkbenchError(_("depth must be 1 or more, not {depth}").format(depth=depth))
        pairs = parse_where_items(where)
        names = [n.strip() for n in documents if n.strip()]
        names += [value for key, value in pairs if key == DOCUMENT_KEY]
        return cls(
            coders=tuple(dict.fromkeys(c.strip() for c in coders if c and c.strip())),
            codes=tuple(dict.fromkeys(c.strip() for c in codes if c and c.strip())),
            depth=depth,
            where=tuple(p for p in pairs if p[0] != DOCUMENT_KEY),
            documents=tuple(dict.fromkeys(names)),
        )

    @property
    def filters_documents(self) -> bool:
        """True when the selection narrows the documents (by name or by case)."""
        return bool(self.where or self.documents)


EVERYTHING = Selection()

# ``--where`` keys that name a document or a case instead of a case attribute.
DOCUMENT_KEY = "document"
CASE_KEY = "case"


def parse_where(item: str) -> tuple[str, str]:
    """``"region=Piura"`` -> ``("region", "Piura")``: the one reader of a ``--where`` item."""
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise WorkbenchError(_("--where expects attribute=value, not {item!r}").format(item=item))
    return key.strip(), value.strip()


def parse_where_items(
    items: Iterable[str | tuple[str, str]] | dict[str, str] | None,
) -> tuple[tuple[str, str], ...]:
    """``--where`` items (strings, pairs, or a mapping from older callers) as pairs."""
    if not items:
        return ()
    if isinstance(items, dict):
        return tuple((str(k).strip(), str(v).strip()) for k, v in items.items())
    return tuple(
        parse_where(w) if isinstance(w, str) else (w[0].strip(), w[1].strip()) for w in items
    )


def rollup_path(path: str, depth: int | None) -> str:
    """The ancestor of ``path`` at ``depth`` (the path itself when it is not deeper)."""
    if depth is None:
        return path
    return "/".join(path.split("/")[:depth])


@dataclass(frozen=True, slots=True)
class SelectedCoding:
    """One coding in a selection, with its code already rolled up."""

    id: int
    document_id: int
    coder_id: int
    code_id: int
    code: str
    start: int
    end: int


@dataclass
class CodingSelection:
    """The outcome of ``select``: the codings plus what is needed to name and draw them.

    ``rows`` are ``(document_id, coder_id, start, end, code_id, coding_id)`` ordered by
    document, coder and start (without ``coding_id`` when selected with ``ids=False``); ``code_id`` is the stored code, ``rollup`` maps it to the index of
    its rolled-up path in ``codes``.
    """

    codes: list[str]
    colours: dict[str, str]
    rollup: dict[int, int]
    coders: dict[int, str]
    documents: dict[int, str]
    # (document, coder, start, end, code, coding id); without the id when read with ids=False
    rows: list[tuple[int, ...]] = field(default_factory=list)
    #: only ``coders``' codings count, though the selection named none (blind coding)
    coders_limited: bool = False

    def codings(self) -> list[SelectedCoding]:
        codes, rollup = self.codes, self.rollup
        return [
            SelectedCoding(cid, doc, coder, code, codes[rollup[code]], s, e)
            for doc, coder, s, e, code, cid in self.rows
        ]


def code_scope(
    project: Project,
    paths: Sequence[str] = (),
    depth: int | None = None,
    codes: Sequence[Code] | None = None,
) -> tuple[list[str], dict[int, int], dict[str, str]]:
    """Rolled-up code paths in codebook order, a map from code id to their index, colours.

    ``paths`` restricts to those codes and their subtrees (unknown paths are an error).
    """
    codes = list(codes) if codes is not None else project.codes()
    by_path = {c.path: c for c in codes}
    wanted: list[str] = []
    for raw in paths:
        path = normalise_path(raw)
        if path not in by_path:
            raise UnknownCodeError(
                _("no code {raw!r} in the codebook").format(raw=raw), source=str(project.path)
            )
        wanted.append(path)

    def included(path: str) -> bool:
        return not wanted or any(path == w or path.startswith(w + "/") for w in wanted)

    order: list[str] = []
    index: dict[str, int] = {}
    rollup: dict[int, int] = {}
    for code in codes:
        if not included(code.path):
            continue
        target = rollup_path(code.path, depth)
        if target not in index:
            index[target] = len(order)
            order.append(target)
        rollup[code.id] = index[target]
    colours = code_colours(codes, order)
    return order, rollup, colours


def code_colours(codes: Sequence[Code], paths: Sequence[str]) -> dict[str, str]:
    """A colour for each path: its own, else the nearest ancestor's, else one from PALETTE
    chosen by its top-level group (so subcodes of one group share a colour)."""
    own = {c.path: c.colour for c in codes if c.colour}
    groups = list(dict.fromkeys(c.path.split("/")[0] for c in codes))
    out: dict[str, str] = {}
    for path in paths:
        parts = path.split("/")
        colour = None
        for depth in range(len(parts), 0, -1):
            colour = own.get("/".join(parts[:depth]))
            if colour:
                break
        if not colour:
            group = parts[0]
            colour = PALETTE[(groups.index(group) if group in groups else 0) % len(PALETTE)]
        out[path] = colour.upper()
    return out


def coder_ids(project: Project, names: Sequence[str]) -> dict[int, str]:
    """Coder id -> name for ``names`` (all coders when empty); unknown names are an error."""
    known = {c.name: c.id for c in project.coders()}
    if not names:
        return {cid: name for name, cid in known.items()}
    out: dict[int, str] = {}
    for name in names:
        name = name.strip()
        if name not in known:
            listed = ", ".join(sorted(known)) or "none yet"
            raise WorkbenchError(
                _("no coder named {name!r} (coders: {listed})").format(name=name, listed=listed),
                source=str(project.path),
            )
        out[known[name]] = name
    return out


def case_values(project: Project, attribute: str) -> dict[int, str]:
    """Document id -> the value of ``attribute`` on its case (documents without one left out)."""
    check_attribute(project, attribute)
    rows = project.conn.execute(
        "SELECT d.id, ca.value FROM documents d "
        "JOIN case_attributes ca ON ca.case_id = d.case_id "
        "JOIN attributes a ON a.id = ca.attribute_id "
        "WHERE a.name = ? AND ca.value IS NOT NULL AND ca.value != ''",
        (attribute,),
    )
    return {doc: str(value) for doc, value in rows}


def check_attribute(project: Project, attribute: str) -> None:
    names = [r[0] for r in project.conn.execute("SELECT name FROM attributes ORDER BY name")]
    if attribute not in names:
        listed = ", ".join(names) or "none; import a cases file first"
        raise WorkbenchError(
            _("no case attribute {attribute!r} (attributes: {listed})").format(
                attribute=attribute, listed=listed
            ),
            source=str(project.path),
        )


def document_names(project: Project) -> dict[int, str]:
    """Document id -> name, reading only those two columns (the text sits between the rest)."""
    return dict(project.conn.execute("SELECT id, name FROM documents"))


def document_scope(
    project: Project, where: Sequence[tuple[str, str]] = (), names: Sequence[str] = ()
) -> dict[int, str]:
    """Document id -> name for the documents named in ``names`` (any of them, when given)
    whose case matches every ``where`` attribute (any of the values given for it).

    Values compare without regard to letter case or surrounding spaces. An unknown document,
    attribute or value is a one-line error naming what exists, so a typo never silently gives
    an empty table.
    """
    docs = document_names(project)
    if names:
        wanted = {project.document(n).id for n in names}
        docs = {i: n for i, n in docs.items() if i in wanted}
    alternatives: dict[str, dict[str, str]] = {}
    for key, value in where:
        alternatives.setdefault(key, {})[value.strip().casefold()] = value
    for key, wanted_values in alternatives.items():
        by_doc = case_names(project) if key == CASE_KEY else case_values(project, key)
        existing = {v.strip().casefold(): v for v in by_doc.values()}
        for folded, original in wanted_values.items():
            if folded not in existing:
                listed = ", ".join(sorted(set(existing.values()))) or "none"
                raise WorkbenchError(
                    _("no case has {key}={original!r} (values: {listed})").format(
                        key=key, original=original, listed=listed
                    ),
                    source=str(project.path),
                )
        values = set(wanted_values)
        docs = {
            i: n for i, n in docs.items() if i in by_doc and by_doc[i].strip().casefold() in values
        }
    return docs


def case_names(project: Project) -> dict[int, str]:
    """Document id -> the name of its case (documents without a case left out)."""
    return dict(
        project.conn.execute(
            "SELECT d.id, c.name FROM documents d JOIN cases c ON c.id = d.case_id"
        )
    )


def selected_documents(project: Project, selection: Selection = EVERYTHING) -> dict[int, str]:
    """Document id -> name of every document ``selection`` keeps (all when it names none)."""
    return document_scope(project, selection.where, selection.documents)


def without_models(project: Project, coders: Sequence[str]) -> tuple[str, ...]:
    """``coders`` less the coders that are the suggestion model (``suggest as-coder``); when
    none are named, every person. Unchanged when the project has no model coder."""
    everyone = project.coders()
    models = {c.name for c in everyone if c.is_model}
    if not models:
        return tuple(coders)
    if coders:
        return tuple(c for c in coders if c.strip() not in models)
    return tuple(c.name for c in everyone if c.name not in models)


def check_selection(project: Project, selection: Selection) -> None:
    """Raise the one-line error for the first unknown coder, code, document, attribute or
    value in ``selection``, before any work is done."""
    code_scope(project, selection.codes, selection.depth)
    coder_ids(project, selection.coders)
    if selection.filters_documents:
        selected_documents(project, selection)


def scope(
    project: Project, selection: Selection = EVERYTHING, *, names: bool = True
) -> CodingSelection:
    """Everything ``select`` returns except the codings themselves (``rows`` left empty).

    For analyses that read the codings their own way (``read_columns``) but name, colour and
    roll up codes exactly as ``select`` does. ``names=False`` leaves ``documents`` empty
    unless a document filter needs it, for analyses that never name a document.
    """
    codes, rollup, colours = code_scope(project, selection.codes, selection.depth)
    coders, limited = viewer_coders(project, selection.coders)
    if selection.where or selection.documents:
        documents = document_scope(project, selection.where, selection.documents)
    else:
        documents = document_names(project) if names else {}
    return CodingSelection(codes, colours, rollup, coders, documents, coders_limited=limited)


def viewer_coders(project: Project, names: Sequence[str]) -> tuple[dict[int, str], bool]:
    """``coder_ids`` for what the acting user may see: a coder under blind coding gets their
    own codings when the selection names no coder, and a one-line refusal when it names
    another (``workbench.permissions``). The flag says the coders were narrowed to their own."""
    from workbench.permissions import require, visible_coders

    seen = visible_coders(project)
    if seen is None:
        return coder_ids(project, names), False
    for name in names:
        if name.strip() not in seen:
            require(project, "work.read", owner=name.strip())
    if names:
        return coder_ids(project, names), False
    known = {c.name: c.id for c in project.coders()}
    return {known[n]: n for n in sorted(seen) if n in known} or {-1: ""}, True


def where_sql(selection: Selection, chosen: CodingSelection) -> tuple[str, list[str]]:
    """The ``WHERE`` clause (or ``""``) and its parameters for the codings ``selection`` keeps.

    Filters only what was asked for: with no code filter every code is in ``chosen.rollup``
    anyway, and listing thousands of ids would only slow the query down. The unary ``+`` on
    the coder and code tests keeps SQLite from answering them through the codings_coder or
    codings_code index, which means a table lookup per coding and then a sort; walking the
    covering codings_sweep index and skipping rows is 3 to 5 times faster on 200,000 codings.
    """
    clauses, params = [], []
    if selection.coders or chosen.coders_limited:
        clauses.append("+coder_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(chosen.coders)))
    if selection.codes:
        clauses.append("+code_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(chosen.rollup)))
    if selection.where or selection.documents:
        clauses.append("document_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(chosen.documents)))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


# The order the co-occurrence sweep reads codings in. The codings_sweep index (migration 0002)
# covers it, so SQLite walks the index and neither sorts nor looks up the table.
SWEEP_ORDER = ' ORDER BY document_id, coder_id, start, "end", code_id'
SWEEP_COLUMNS = ("document_id", "coder_id", "start", '"end"', "code_id")


def select(
    project: Project, selection: Selection = EVERYTHING, *, ids: bool = True
) -> CodingSelection:
    """The codings ``selection`` includes, read in one query, ordered by document, coder, start.

    ``ids=False`` leaves the coding id out of each row (5-tuples): a little faster for
    analyses that only count.
    """
    result = scope(project, selection)
    where, params = where_sql(selection, result)
    sql = "SELECT " + ", ".join(SWEEP_COLUMNS) + (", id" if ids else "")
    sql += " FROM codings" + where + SWEEP_ORDER
    result.rows = project.conn.execute(sql, params).fetchall()
    return result


# Packed reads put ``start`` in the low 32 bits of one number; offsets must stay below 2**31
# (room for ``end + reach`` in a search key). Texts in SQLite are shorter than that anyway.
PACK = 1 << 32
LIMIT = 1 << 31


def read_columns(
    project: Project, selection: Selection, chosen: CodingSelection
) -> tuple[Any, Any, Any, Any]:
    """The selected codings as four numpy int64 arrays ``(group, start, end, code_id)``,
    ordered by group then start; ``group`` is one number per (document, coder), ascending in
    document-then-coder order.

    Fetching a row at a time builds a Python tuple and five ints per coding, which costs more
    than everything else an analysis does with it. Here SQLite walks the covering index once
    and joins two packed numbers per coding into two comma-separated strings
    (``group_concat``): (document, coder, start) and (end, code). numpy parses each string in
    C and unpacks. The packing needs the id ranges, read in the same read transaction from the
    ends of the indexes; where a number would not fit (ids or offsets beyond 2**31) the five
    columns are read unpacked instead. About 0.3x the time of ``fetchall`` on 200,000
    codings (benchmarks/bench_cooccur.py). SQLite does not promise the order of
    ``group_concat``, so the order is checked and restored if needed, and the counts checked.
    """
    conn = project.conn
    where, params = where_sql(selection, chosen)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # one snapshot for the id ranges and the codings
    try:
        columns = _read_packed(conn, where, params)
        if columns is None:
            columns = _read_plain(project, where, params)
    finally:
        if own:
            conn.execute("COMMIT")
    return columns


def _parse(text: str | bytes | None) -> Any:
    """A comma-separated string of integers -> an int64 array (shorter if one is not an int)."""
    import warnings

    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # numpy's "could not read to end"
        return np.fromstring(text or "", dtype=np.int64, sep=",")


def _read_packed(conn: Any, where: str, params: list[str]) -> tuple[Any, ...] | None:
    import numpy as np

    doc0, doc1, coder0, coder1, code0, code1 = conn.execute(
        "SELECT (SELECT min(document_id) FROM codings), (SELECT max(document_id) FROM codings),"
        " (SELECT min(coder_id) FROM codings), (SELECT max(coder_id) FROM codings),"
        " (SELECT min(code_id) FROM codings), (SELECT max(code_id) FROM codings)"
    ).fetchone()
    if doc0 is None:
        return tuple(np.zeros(0, dtype=np.int64) for _unused in range(4))
    # ids are positive in practice; each subtraction left out saves SQLite work per coding
    doc0, coder0, code0 = (min(v, 0) for v in (doc0, coder0, code0))
    coders = coder1 - coder0 + 1
    codes = 1 << (code1 - code0).bit_length()  # a power of two: unpacked by shift and mask
    if (doc1 - doc0 + 1) * coders >= LIMIT or codes >= LIMIT:
        return None
    group = f"(document_id + {-doc0}) * {coders}" if doc0 else f"document_id * {coders}"
    group += f" + coder_id + {-coder0}" if coder0 else " + coder_id"
    code_id = f"code_id + {-code0}" if code0 else "code_id"
    # as BLOBs: numpy parses the bytes as they are, with no UTF-8 decoding into a str first
    n, first, second = conn.execute(
        f"SELECT count(*), CAST(group_concat(({group}) * {PACK} + start) AS BLOB),"
        f' CAST(group_concat("end" * {codes} + {code_id}) AS BLOB) FROM codings{where}',
        params,
    ).fetchone()
    packed, tail = _parse(first), _parse(second)
    if len(packed) != n or len(tail) != n:
        return None  # a product too large for 64 bits came back as a float
    end, code = tail >> (codes.bit_length() - 1), tail & (codes - 1)
    if n and int(end.max()) >= LIMIT:
        return None  # start < end (a CHECK constraint), so every start fitted too
    if n > 1 and not (packed[1:] >= packed[:-1]).all():
        order = np.argsort(packed, kind="stable")
        packed, end, code = packed[order], end[order], code[order]
    return packed >> 32, packed & (PACK - 1), end, code + code0


def _read_plain(project: Project, where: str, params: list[str]) -> tuple[Any, ...]:
    import numpy as np

    aggregates = ", ".join(f"group_concat({c})" for c in SWEEP_COLUMNS)
    n, *texts = project.conn.execute(
        f"SELECT count(*), {aggregates} FROM codings{where}", params
    ).fetchone()
    columns = tuple(_parse(t) for t in texts)
    if any(len(c) != n for c in columns):
        raise WorkbenchError(
            _("could not read the codings ({n} expected)").format(n=n), source=str(project.path)
        )
    doc, coder, start, end, code = in_sweep_order(columns)
    group = np.zeros(n, dtype=np.int64)
    if n > 1:
        np.cumsum((doc[1:] != doc[:-1]) | (coder[1:] != coder[:-1]), out=group[1:])
    return group, start, end, code


def in_sweep_order(columns: tuple[Any, ...]) -> tuple[Any, ...]:
    """``(document_id, coder_id, start, end, code_id)`` arrays ordered by document, coder and
    start: returned as they are when they already are (one vectorised check), else sorted."""
    import numpy as np

    doc, coder, start = columns[:3]
    if len(doc) < 2:
        return columns
    d, k = np.diff(doc), np.diff(coder)
    if ((d > 0) | ((d == 0) & ((k > 0) | ((k == 0) & (np.diff(start) >= 0))))).all():
        return columns
    order = np.lexsort(columns[::-1])  # the last key sorts first: document, coder, start, ...
    return tuple(c[order] for c in columns)


def select_codings(project: Project, selection: Selection = EVERYTHING) -> list[SelectedCoding]:
    """The selected codings as records, each carrying its rolled-up code path."""
    return select(project, selection).codings()
