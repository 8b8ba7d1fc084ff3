"""The learned suggester on a project: build the training set, train, save, load, score.

The classifier itself (features, regressions, calibration) is ``classifier.py``; this module
turns a project's units and codings into its inputs and its scores into candidates that say
why: the calibrated probability against the code's threshold, the n-grams that pushed hardest,
and the nearest passage coded with the code.

The model is saved in ``<project>.spacy/classifier/`` as ``classifier.joblib`` (scikit-learn
objects, pickled: load only folders you made) with ``workbench-model.json`` (unit, coders,
codes, thresholds, the ids and hash of the codings it saw, the rules' precision).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workbench.files import replace_folder
from workbench.i18n import _
from workbench.store.connection import now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.suggest.candidates import Candidate
from workbench.suggest.classifier import (
    UNKNOWN,
    Classifier,
    Progress,
    TrainingSet,
    UnitRow,
    code_text,
    fit,
)
from workbench.suggest.pipelines import storage_dir
from workbench.suggest.units import LabelledUnit, check_unit, coder_ids, labelled_units, unit_spans

MODEL_DIR = "classifier"
META = "workbench-model.json"
MODEL_FILE = "classifier.joblib"
MODEL_VERSION = 2
SNIPPET = 70


def turn_keys(
    project: Project, document_id: int, spans: Sequence[tuple[int, int]]
) -> list[int | None]:
    """For each unit span, the sequence number of the turn it starts in (None: no turns)."""
    turns = project.turns(document_id)
    if not turns:
        return [None] * len(spans)
    starts = [t.start for t in turns]
    return [turns[max(bisect.bisect_right(starts, s) - 1, 0)].seq for s, _unused in spans]


def rows_of(project: Project, units: Sequence[LabelledUnit], unit: str) -> list[UnitRow]:
    """Classifier rows of ``units`` (consecutive per document, in reading order)."""
    rows: list[UnitRow] = []
    by_doc: dict[int, list[LabelledUnit]] = {}
    for u in units:
        by_doc.setdefault(u.document_id, []).append(u)
    for doc_id, us in by_doc.items():
        keys = (
            turn_keys(project, doc_id, [(u.start, u.end) for u in us])
            if unit == "sentence"
            else [None] * len(us)
        )
        rows.extend(UnitRow(u.text, doc_id, k) for u, k in zip(us, keys, strict=True))
    return rows


def label_arrays(units: Sequence[LabelledUnit], codes: Sequence[int]) -> dict[int, np.ndarray]:
    """Per code: 1 (coded), 0 (known not: document complete or rejected), UNKNOWN."""
    out = {}
    for c in codes:
        y = np.full(len(units), UNKNOWN, dtype=np.int8)
        for i, u in enumerate(units):
            if c in u.positive:
                y[i] = 1
            elif u.complete or c in u.negative:
                y[i] = 0
        out[c] = y
    return out


def training_set(
    project: Project, units: Sequence[LabelledUnit], unit: str, codes: Sequence[int] | None = None
) -> TrainingSet:
    """Rows, labels and codebook texts for ``units`` (``codes`` default: those coded)."""
    if codes is None:
        codes = sorted({c for u in units for c in u.positive})
    texts = {c: code_text(project.code_by_id(c)) for c in codes}
    return TrainingSet(rows_of(project, units, unit), label_arrays(units, codes), texts, unit)


@dataclass
class TrainResult:
    folder: Path
    units: int
    codes: int
    codings: int
    thresholds: dict[str, float] = field(default_factory=dict)


class TrainedModel:
    """A classifier with what the project knows about it: code ids, exemplars, meta data."""

    def __init__(
        self,
        classifier: Classifier,
        meta: dict[str, Any],
        exemplars: dict[int, tuple[Any, list[tuple[int, int, int]]]],
    ):
        self.classifier = classifier
        self.meta = meta
        self.unit: str = meta["unit"]
        self.code_ids: list[int] = [int(c) for c in classifier.codes]
        #: per code: own-block rows of its coded units and their (document, start, end)
        self.exemplars = exemplars

    def rows_for(
        self, project: Project, document_id: int
    ) -> tuple[list[tuple[int, int]], list[UnitRow]]:
        text = project.text(document_id)
        spans = unit_spans(project, document_id, self.unit)
        keys = (
            turn_keys(project, document_id, spans)
            if self.unit == "sentence"
            else [None] * len(spans)
        )
        return spans, [
            UnitRow(text[s:e], document_id, k) for (s, e), k in zip(spans, keys, strict=True)
        ]

    def nearest(self, project: Project, own_row: Any, code_id: int) -> str | None:
        """The coded passage of ``code_id`` most like ``own_row`` (cosine), as a reason."""
        ex = self.exemplars.get(code_id)
        if ex is None or ex[0].shape[0] == 0:
            return None
        sims = np.asarray((ex[0] @ own_row.T).todense()).ravel()
        i = int(np.argmax(sims))
        doc_id, start, end = ex[1][i]
        try:
            doc = project.document(doc_id)
            passage = project.text(doc_id)[start:end]
        except Exception:  # the document was deleted since training
            return None
        if len(passage) > SNIPPET:
            passage = passage[: SNIPPET - 1] + "…"
        return f'like {doc.name} [{start}, {end}) "{passage}" ({sims[i]:.2f})'

    def candidates(
        self,
        project: Project,
        document_id: int,
        *,
        min_score: float = 0.0,
        code_ids: set[int] | None = None,
    ) -> list[Candidate]:
        """Units whose calibrated probability reaches the code's threshold and ``min_score``."""
        spans, rows = self.rows_for(project, document_id)
        if not rows:
            return []
        clf = self.classifier
        x = clf.featurizer.transform(rows)
        probs = clf.calibrate(clf.decision(x))
        width = clf.featurizer.width
        out = []
        for j, code_id in enumerate(self.code_ids):
            if code_ids is not None and code_id not in code_ids:
                continue
            cut = max(float(clf.thresholds[j]), min_score)
            for i in np.flatnonzero(probs[:, j] >= cut):
                p = float(probs[i, j])
                grams = clf.strongest(x[i], j)
                reason = f"model {p:.2f} (threshold {clf.thresholds[j]:.2f})"
                if grams:
                    reason += ": " + ", ".join(grams)
                near = self.nearest(project, x[i][:, :width], code_id)
                if near:
                    reason += f"; {near}"
                start, end = spans[i]
                out.append(
                    Candidate(document_id, code_id, start, end, round(p, 4), "learned", reason)
                )
        return out


EMBEDDINGS = (None, "wordllama")


def check_embeddings(embeddings: str | None) -> str | None:
    if embeddings not in EMBEDDINGS:
        raise WorkbenchError(
            _("unknown embeddings {embeddings!r}; use wordllama (or none)").format(
                embeddings=embeddings
            )
        )
    return embeddings


def train(
    project: Project,
    *,
    unit: str = "sentence",
    coders: Sequence[str] | None = None,
    embeddings: str | None = None,
    progress: Progress | None = None,
) -> TrainResult:
    """Train on every document's units and save the model beside the project."""
    import joblib

    from workbench.permissions import require
    from workbench.suggest.learned import codings_fingerprint
    from workbench.suggest.owner import training_coders
    from workbench.suggest.rules import rule_precision

    require(project, "suggest.train")
    coders = training_coders(project, coders)
    check_unit(unit)
    check_embeddings(embeddings)
    ids = coder_ids(project, coders)
    units = labelled_units(project, unit, coders=coders)
    data = training_set(project, units, unit)
    if not data.labels:
        raise WorkbenchError(
            _("nothing to learn from: code some passages first"), source=str(project.path)
        )
    clf = fit(data, progress=progress, embeddings=embeddings)
    own = clf.featurizer.own([u.text for u in units])
    exemplars = {}
    for c, y in data.labels.items():
        idx = np.flatnonzero(y == 1)
        exemplars[c] = (
            own[idx],
            [(units[i].document_id, units[i].start, units[i].end) for i in idx],
        )
    coding_ids, digest = codings_fingerprint(project, ids)
    digest = _with_rejections(project, digest, ids)
    paths = {c.id: c.path for c in project.codes()}
    meta = {
        "version": MODEL_VERSION,
        "kind": "tfidf-logistic",
        "created_at": now(),
        "unit": unit,
        "coders": list(coders) if coders else None,
        "embeddings": embeddings,
        "units": len(units),
        "codes": [
            {
                "id": m.code,
                "path": paths[m.code],
                "positives": m.positives,
                "documents": m.documents,
                "threshold": round(m.threshold, 4),
                "threshold_from": m.how,
            }
            for m in clf.models
        ],
        "codings": {"count": len(coding_ids), "sha256": digest, "ids": coding_ids},
        "rule_precision": [
            [c, r, p, n] for (c, r), (p, n) in rule_precision(project, coders=coders).items()
        ],
    }
    folder = model_folder(project)

    def fill(tmp: Path) -> None:
        tmp.mkdir()
        joblib.dump({"classifier": clf, "exemplars": exemplars}, tmp / MODEL_FILE)
        (tmp / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    replace_folder(folder, fill)
    return TrainResult(
        folder,
        len(units),
        len(clf.models),
        len(coding_ids),
        {paths[m.code]: round(m.threshold, 4) for m in clf.models},
    )


def _with_rejections(project: Project, digest: str, coders: Sequence[int] | None = None) -> str:
    """The codings' hash extended by the rejected suggestions (of ``coders``, default all): a
    rejection teaches the model too, so one since training makes it stale."""
    import hashlib

    rejected = [
        r[0]
        for r in project.conn.execute(
            "SELECT id, coder_id FROM suggestions WHERE status = 'rejected' ORDER BY id"
        )
        if coders is None or r[1] in coders
    ]
    return hashlib.sha256(f"{digest}:{rejected}".encode()).hexdigest()


def model_folder(project: Project) -> Path:
    """The team's model, or a coder's own under blind coding (``suggest.owner``)."""
    from workbench.suggest.owner import folder_suffix

    return storage_dir(project) / (MODEL_DIR + folder_suffix(project))


def read_meta(project: Project) -> dict[str, Any] | None:
    try:
        meta = json.loads((model_folder(project) / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if meta.get("version") == MODEL_VERSION else None


def load_model(project: Project) -> TrainedModel | None:
    """The saved model, or None when none has been trained for this project."""
    import joblib

    meta = read_meta(project)
    if meta is None:
        return None
    folder = model_folder(project)
    try:
        saved = joblib.load(folder / MODEL_FILE)
    except Exception as exc:  # a damaged folder: say so instead of a traceback
        raise WorkbenchError(
            _("cannot load the trained model ({exc}); run 'workbench suggest train' again").format(
                exc=exc
            ),
            source=str(folder),
        ) from exc
    return TrainedModel(saved["classifier"], meta, saved["exemplars"])


def model_status(project: Project) -> dict[str, Any] | None:
    """When and on what the model was trained, and whether the codings changed since."""
    from workbench.suggest.learned import status_from_meta
    from workbench.suggest.units import coder_ids

    meta = read_meta(project)
    if meta is None:
        return None
    ids = coder_ids(project, meta.get("coders"))
    return status_from_meta(project, meta, lambda digest: _with_rejections(project, digest, ids))
