"""The previous learned suggester, kept as "old" for comparison: spaCy's bag-of-words textcat.

The suggester in use is ``trained.py`` (TF-IDF and logistic regression, which measured twice
as good on real coded studies); ``workbench suggest train --model old`` still trains this one
and ``suggest evaluate`` reports it beside the new one.

spaCy's ``textcat_multilabel`` with the ``spacy.TextCatBOW.v3`` architecture (a sparse linear
model over hashed word n-grams; one independent probability per code). It needs no word vectors,
trains in seconds on a few thousand units and scores tens of thousands of sentences a second.
Units are lower-cased and split by the multi-language tokenizer, so one model serves a project
whose interviews mix English and Spanish.

The trained model lives in ``<project>.spacy/model/`` with ``workbench-model.json``: the unit,
the coders, the codes (label -> id and path), the ids of the codings it saw and a hash of them,
so ``model_status`` can say when the codings changed since training.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.files import replace_folder
from workbench.i18n import _
from workbench.store.connection import now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project
from workbench.suggest.candidates import Candidate
from workbench.suggest.pipelines import storage_dir
from workbench.suggest.units import cats_for, check_unit, coder_ids, labelled_units, unit_spans

MODEL_DIR = "model"
META = "workbench-model.json"
MODEL_VERSION = 1
DEFAULT_EPOCHS = 10
DEFAULT_THRESHOLD = 0.5
NGRAM_SIZE = 2
HASH_LENGTH = 2**16  # feature buckets: ample for interview vocabularies, and 4x less to update
BATCH_SIZE = 128
LEARN_RATE = 0.01
SCORE_BATCH = 2000
SEED = 0

Progress = Callable[[int, int], None]  # (units done, units total) over all epochs


def features(text: str) -> str:
    """What the classifier reads: the lower-cased text (so "Budget" and "budget" agree)."""
    return text.lower()


def blank_classifier(
    labels: Sequence[str], ngram_size: int = NGRAM_SIZE, length: int = HASH_LENGTH
) -> Any:
    import spacy

    nlp = spacy.blank("xx")
    textcat: Any = nlp.add_pipe(  # a TrainablePipe, typed by spaCy as a plain callable
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": ngram_size,
                "no_output_layer": False,
                "length": length,
            },
        },
    )
    for label in labels:
        textcat.add_label(label)
    nlp.max_length = 100_000_000
    return nlp


def fit(
    texts: Sequence[str],
    cats: Sequence[dict[str, float]],
    labels: Sequence[str],
    *,
    epochs: int = DEFAULT_EPOCHS,
    seed: int = SEED,
    progress: Progress | None = None,
) -> Any:
    """Train a fresh classifier on ``texts`` with their ``cats``; return the pipeline."""
    import spacy
    from spacy.training import Example
    from thinc.api import Adam

    if not labels:
        raise WorkbenchError(_("nothing to learn from: no unit is coded with any code"))
    spacy.util.fix_random_seed(seed)
    nlp = blank_classifier(labels)
    docs = nlp.tokenizer.pipe((features(t) for t in texts), batch_size=1000)
    examples = [Example.from_dict(doc, {"cats": c}) for doc, c in zip(docs, cats, strict=True)]
    nlp.initialize(lambda: examples[:1])
    textcat = nlp.get_pipe("textcat_multilabel")
    # Plain Adam without parameter averaging: the averages cost as much as the update itself.
    optimizer = Adam(LEARN_RATE, use_averages=False)
    rng = random.Random(seed)
    total, done = len(examples) * epochs, 0
    for _unused in range(epochs):
        rng.shuffle(examples)
        for batch in spacy.util.minibatch(examples, size=BATCH_SIZE):
            # textcat.update directly: nlp.update would copy every example first.
            textcat.update(batch, sgd=optimizer, drop=0.0)
            done += len(batch)
            if progress:
                progress(done, total)
    return nlp


def score(nlp: Any, texts: Sequence[str], batch_size: int = SCORE_BATCH) -> Any:
    """Probabilities, one row per text and one column per label (numpy array).

    Docs are made by the tokenizer alone and scored with ``textcat.predict`` in large batches:
    nothing else in the pipeline is needed, and this is several times faster than ``nlp.pipe``.
    """
    import numpy

    textcat = nlp.get_pipe("textcat_multilabel")
    n_labels = len(textcat.labels)
    rows = []
    lowered = [features(t) for t in texts]
    for i in range(0, len(lowered), batch_size):
        docs = list(nlp.tokenizer.pipe(lowered[i : i + batch_size], batch_size=batch_size))
        rows.append(numpy.asarray(textcat.predict(docs)))
    if not rows:
        return numpy.zeros((0, n_labels), dtype="float32")
    return numpy.concatenate(rows)


# ---------------------------------------------------------------- training on a project


def codings_fingerprint(project: Project, coders: Sequence[int] | None) -> tuple[list[int], str]:
    """The ids of the codings a model would see and a hash of their content."""
    rows = project.conn.execute(
        'SELECT id, document_id, code_id, coder_id, start, "end" FROM codings ORDER BY id'
    ).fetchall()
    if coders is not None:
        rows = [r for r in rows if r[3] in coders]
    digest = hashlib.sha256("\n".join(":".join(map(str, r)) for r in rows).encode()).hexdigest()
    return [r[0] for r in rows], digest


@dataclass
class TrainResult:
    folder: Path
    units: int
    codes: int
    codings: int
    epochs: int
    positives: dict[str, int]


def train(
    project: Project,
    *,
    unit: str = "sentence",
    coders: Sequence[str] | None = None,
    epochs: int = DEFAULT_EPOCHS,
    progress: Progress | None = None,
) -> TrainResult:
    """Train on every document's units and save the model beside the project."""
    from workbench.permissions import require
    from workbench.suggest.owner import training_coders

    require(project, "suggest.train")
    coders = training_coders(project, coders)
    check_unit(unit)
    if epochs < 1:
        raise WorkbenchError(_("--epochs must be at least 1"))
    ids = coder_ids(project, coders)
    units = labelled_units(project, unit, coders=coders)
    labels = sorted({c for u in units for c in u.positive})
    paths = {c.id: c.path for c in project.codes()}
    train_units = [(u, cats_for(u, labels)) for u in units]
    train_units = [(u, c) for u, c in train_units if c]
    if not labels or not train_units:
        raise WorkbenchError(_("nothing to learn from: code some passages first"))
    nlp = fit(
        [u.text for u, _unused in train_units],
        [c for _unused, c in train_units],
        [str(c) for c in labels],
        epochs=epochs,
        progress=progress,
    )
    coding_ids, digest = codings_fingerprint(project, ids)
    positives = {paths[c]: sum(1 for u, _unused in train_units if c in u.positive) for c in labels}
    meta = {
        "version": MODEL_VERSION,
        "created_at": now(),
        "unit": unit,
        "coders": list(coders) if coders else None,
        "epochs": epochs,
        "threshold": DEFAULT_THRESHOLD,
        "features": "lower-case words and word pairs",
        "units": len(train_units),
        "codes": [
            {"label": str(c), "id": c, "path": paths[c], "positives": positives[paths[c]]}
            for c in labels
        ],
        "codings": {"count": len(coding_ids), "sha256": digest, "ids": coding_ids},
    }
    folder = storage_dir(project) / MODEL_DIR

    def fill(tmp: Path) -> None:
        nlp.to_disk(tmp)
        (tmp / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    replace_folder(folder, fill)
    return TrainResult(folder, len(train_units), len(labels), len(coding_ids), epochs, positives)


class LearnedModel:
    """A trained model read back from disk, with its meta data."""

    def __init__(self, nlp: Any, meta: dict[str, Any], folder: Path):
        self.nlp = nlp
        self.meta = meta
        self.folder = folder
        self.unit: str = meta["unit"]
        self.labels: list[str] = list(nlp.get_pipe("textcat_multilabel").labels)
        by_label = {c["label"]: c for c in meta["codes"]}
        self.code_ids = [int(by_label[label]["id"]) for label in self.labels]

    def scores(self, texts: Sequence[str]) -> Any:
        return score(self.nlp, texts)

    def candidates(
        self,
        project: Project,
        document_id: int,
        *,
        min_score: float,
        code_ids: set[int] | None = None,
    ) -> list[Candidate]:
        text = project.text(document_id)
        spans = unit_spans(project, document_id, self.unit)
        probs = self.scores([text[s:e] for s, e in spans])
        out = []
        for row, (start, end) in zip(probs, spans, strict=True):
            for j, code_id in enumerate(self.code_ids):
                p = float(row[j])
                if p >= max(min_score, DEFAULT_THRESHOLD) and (
                    code_ids is None or code_id in code_ids
                ):
                    out.append(
                        Candidate(
                            document_id,
                            code_id,
                            start,
                            end,
                            round(p, 4),
                            "learned",
                            f"model {p:.2f} ({self.unit})",
                        )
                    )
        return out


def model_folder(project: Project) -> Path:
    """The team's model, or a coder's own under blind coding (``suggest.owner``)."""
    from workbench.suggest.owner import folder_suffix

    return storage_dir(project) / (MODEL_DIR + folder_suffix(project))


def load_model(project: Project) -> LearnedModel | None:
    """The saved model, or None when none has been trained for this project."""
    import spacy

    folder = model_folder(project)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("version") != MODEL_VERSION:
        return None
    try:
        nlp = spacy.load(folder)
    except Exception as exc:  # a damaged folder: say so instead of a traceback
        raise WorkbenchError(
            _("cannot load the trained model ({exc}); run 'workbench suggest train' again").format(
                exc=exc
            ),
            source=str(folder),
        ) from exc
    return LearnedModel(nlp, meta, folder)


def model_status(project: Project) -> dict[str, Any] | None:
    """When and on what the model was trained, and whether the codings changed since."""
    folder = model_folder(project)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return status_from_meta(project, meta)


def status_from_meta(
    project: Project, meta: dict[str, Any], adjust: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """A saved model's status from its metadata (either model): what it was trained on and
    whether the project's codings changed since. ``adjust`` folds more into the digest (the
    new model also learns from rejected suggestions)."""
    ids = coder_ids(project, meta.get("coders"))
    current_ids, digest = codings_fingerprint(project, ids)
    if adjust is not None:
        digest = adjust(digest)
    seen = set(meta["codings"]["ids"])
    return {
        "created_at": meta["created_at"],
        "unit": meta["unit"],
        "coders": meta.get("coders"),
        "codes": len(meta["codes"]),
        "units": meta["units"],
        "codings": len(seen),
        "stale": digest != meta["codings"]["sha256"],
        "new_codings": len(set(current_ids) - seen),
        "removed_codings": len(seen - set(current_ids)),
    }
