""" "More like this": rank the project's uncoded units by likeness to a code or a passage.

A keyword search finds what was named; this finds what was said the same way. The units are
read with the learned suggester's features (``classifier.Featurizer``: word and character
n-gram TF-IDF of the unit and of its neighbours and turn), taken from the trained model when
there is one, else fitted on the project's units for the occasion. The query is the mean of
the rows of the units coded with the code (plus the code's own "name. description" row), or of
the units the passage touches; a unit's score is the cosine between its row and the query
(the neighbour and turn blocks weighed ``CONTEXT_SHARE``: they count, the unit's own words
more).
Units that any coding touches are left out (they are coded already), and so are the passage's
own units. Under blind coding a coder's codings alone count, both ways (``suggest.owner``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.i18n import _
from workbench.permissions import visible_coders
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.suggest.candidates import intersects
from workbench.suggest.units import check_unit, unit_spans

DEFAULT_LIMIT = 20
CONTEXT_SHARE = 0.5  # the neighbours count, but a passage's own words count more


@dataclass(frozen=True, slots=True)
class Similar:
    document_id: int
    document: str
    start: int
    end: int
    score: float
    text: str


def _all_units(project: Project, unit: str) -> tuple[list[tuple[int, int, int]], list[Any]]:
    from workbench.suggest.classifier import UnitRow
    from workbench.suggest.trained import turn_keys

    spans, rows = [], []
    for doc in project.documents():
        text = project.text(doc.id)
        us = unit_spans(project, doc.id, unit)
        keys = turn_keys(project, doc.id, us) if unit == "sentence" else [None] * len(us)
        for (s, e), k in zip(us, keys, strict=True):
            spans.append((doc.id, s, e))
            rows.append(UnitRow(text[s:e], doc.id, k))
    return spans, rows


def similar_units(
    project: Project,
    *,
    code: str | None = None,
    document: str | int | None = None,
    start: int | None = None,
    end: int | None = None,
    unit: str = "sentence",
    limit: int = DEFAULT_LIMIT,
) -> list[Similar]:
    """The ``limit`` uncoded units most like ``code`` or like the passage
    ``document[start:end]``, best first."""
    from workbench.suggest.classifier import Featurizer, code_text
    from workbench.suggest.trained import load_model

    check_unit(unit)
    if (code is None) == (document is None):
        raise WorkbenchError(_("give a code, or a document with --start and --end"))
    if limit < 1:
        raise WorkbenchError(_("--limit must be at least 1"))
    spans, rows = _all_units(project, unit)
    if not rows:
        raise WorkbenchError(_("the project has no documents"), source=str(project.path))
    model = load_model(project)
    featurizer = model.classifier.featurizer if model is not None else None
    if featurizer is None:
        featurizer = Featurizer().fit([r.text for r in rows], turn_block=unit == "sentence")
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    x = featurizer.transform(rows)
    weights = np.full(x.shape[1], CONTEXT_SHARE, dtype=np.float32)
    weights[: featurizer.width] = 1.0
    x = normalize(x @ sp.diags(weights))
    codings: dict[int, list[tuple[int, int, int]]] = {}
    seen = visible_coders(project)  # a coder under blind coding: their own codings only
    names = {c.id: c.name for c in project.coders()}
    for c in project.codings():
        if seen is None or names.get(c.coder_id) in seen:
            codings.setdefault(c.document_id, []).append((c.start, c.end, c.code_id))
    query_idx: list[int] = []
    extra = None
    if code is not None:
        wanted = project.code(code)
        query_idx = [
            i
            for i, (d, s, e) in enumerate(spans)
            if any(cid == wanted.id and intersects(s, e, a, b) for a, b, cid in codings.get(d, ()))
        ]
        extra = featurizer.code_rows([code_text(wanted)])
    else:
        assert document is not None  # exactly one of code and document, checked above
        doc = project.document(document)
        if start is None or end is None or not 0 <= start < end <= doc.length:
            raise WorkbenchError(
                _("--start and --end must give a passage inside the text (0 to {length})").format(
                    length=doc.length
                ),
                source=doc.name,
            )
        query_idx = [
            i for i, (d, s, e) in enumerate(spans) if d == doc.id and intersects(s, e, start, end)
        ]
        if not query_idx:
            raise WorkbenchError(
                _("no {unit} lies in [{start}, {end})").format(unit=unit, start=start, end=end),
                source=doc.name,
            )
    parts = [x[query_idx]] if query_idx else []
    if extra is not None:
        parts.append(normalize(extra))

    query = np.asarray(sp.vstack(parts).mean(axis=0)).ravel()
    norm = np.linalg.norm(query)
    if norm == 0:
        return []
    scores = np.asarray(x @ (query / norm)).ravel()
    own = set(query_idx)
    order = np.argsort(-scores, kind="stable")
    out: list[Similar] = []
    names = {d.id: d.name for d in project.documents()}
    for i in order:
        if len(out) >= limit or scores[i] <= 0:
            break
        d, s, e = spans[i]
        if i in own or any(intersects(s, e, a, b) for a, b, _unused in codings.get(d, ())):
            continue
        out.append(Similar(d, names[d], s, e, round(float(scores[i]), 4), rows[i].text))
    return out
