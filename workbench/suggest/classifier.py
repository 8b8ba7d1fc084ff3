"""The classifier behind the learned suggester: TF-IDF n-grams of a unit and of its neighbours,
one balanced logistic regression per code, calibrated on held-out documents.

Why this recipe (measured on two real, human-coded studies, cross-validated by document; see
docs/suggestions.md): word 1-2 and character 3-5 gram TF-IDF with one-vs-rest logistic
regression beat spaCy's bag-of-words textcat (micro-F1 0.37 against 0.25); adding the
neighbouring units' text as a second feature block and per-code thresholds chosen by inner
cross-validation raised it to 0.44. Coders code a sentence by what surrounds it.

- Features: ``TfidfVectorizer`` on words 1-2 and ``char_wb`` 3-5, ``sublinear_tf``,
  ``min_df=2``, fitted on the units *and* the codebook texts (else a word that only the
  description uses is dropped). A unit's row is its own block, then a block for its
  neighbours (previous plus next unit of the same document), then a block for the turn it sits
  in (sentence units only). The neighbour blocks are sums of the units' own rows, so scoring
  vectorises each text once.
- One ``LogisticRegression(class_weight="balanced", solver="liblinear", dual=True)`` per code:
  codes cover 2-9 % of units, and without class weights recall collapses. Each code's
  "name. description" (with inclusion criteria and examples) is one extra positive.
- Inner cross-validation grouped by document gives out-of-fold decision values: a sigmoid fit
  on them (Platt scaling) turns the balanced model's output into a calibrated probability, and
  the threshold is the one that maximises F1 out of fold. With fewer than
  ``MIN_TUNING_DOCUMENTS`` training documents a tuned threshold overshoots, so the threshold
  falls back to ranking: it admits as many units out of fold as there are positives (the
  break-even point of precision and recall).
- A unit is positive for a code when coded with it; negative when the document is complete or
  a suggestion of the code on it was rejected; otherwise unknown, and left out of that code's
  training (see ``units.py``).

Nothing here touches the project: ``project_model.py`` builds the inputs from a project.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.i18n import _

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
MIN_DF = 2
C = 1.0
TOL = 1e-3  # liblinear stopping tolerance: 1e-4 took twice as long for the same F1
INNER_FOLDS = 3
MIN_TUNING_DOCUMENTS = 10
CONTEXT_WEIGHT = 1.0
# Threads fitting codes side by side: liblinear releases the GIL, but its random generator is
# shared, so two threads give results that differ in the fifth decimal from run to run. One
# thread keeps evaluations exactly repeatable.
N_JOBS = 1
UNKNOWN = -1  # label of a unit whose value for a code is not known

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class UnitRow:
    """What the classifier reads about one unit: its text, its document and its turn.

    ``turn`` is any hashable that is equal for units of the same turn (None: no turn block).
    Rows of one document must be consecutive and in reading order, so the previous and next
    rows are the neighbouring units.
    """

    text: str
    document: Any
    turn: Any = None


def code_text(code: Any) -> str:
    """A code's own words: "name. description. inclusion. examples", its extra positive."""
    parts = [code.name, code.description or "", getattr(code, "inclusion", None) or ""]
    parts.extend(getattr(code, "examples", ()) or ())
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip()) + "."


def _normalise(m: Any) -> Any:
    from sklearn.preprocessing import normalize

    return normalize(m, norm="l2", copy=False)


class Featurizer:
    """Word and character n-gram TF-IDF, plus neighbour and turn blocks built from it."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        self.union = FeatureUnion(
            [
                (
                    "word",
                    TfidfVectorizer(
                        analyzer="word",
                        ngram_range=WORD_NGRAMS,
                        sublinear_tf=True,
                        min_df=MIN_DF,
                        dtype=np.float32,
                    ),
                ),
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=CHAR_NGRAMS,
                        sublinear_tf=True,
                        min_df=MIN_DF,
                        dtype=np.float32,
                    ),
                ),
            ]
        )
        self.turn_block = False
        self._names: np.ndarray | None = None
        self._cache: dict[str, list[int]] = {}
        self._analyze: Callable[[str], list[str]] | None = None
        #: "wordllama": add dense static embeddings of the unit and its neighbours
        self.embeddings: str | None = None
        self._embedder: Any = None

    def fit(
        self, texts: Sequence[str], turn_block: bool, embeddings: str | None = None
    ) -> Featurizer:
        self.union.fit(list(texts))
        self.turn_block = turn_block
        self.embeddings = embeddings
        return self

    def embed(self, texts: Sequence[str]) -> Any:
        """Unit-length static embeddings (``wordllama``, loaded from its wheel, offline)."""
        import scipy.sparse as sp

        if self._embedder is None:
            self._embedder = load_wordllama()
        e = np.nan_to_num(np.asarray(self._embedder.embed(list(texts)), dtype=np.float32))
        return _normalise(sp.csr_matrix(e))

    def own(self, texts: Sequence[str]) -> Any:
        """The unit block alone (rows of unit length), for similarity."""
        import scipy.sparse as sp

        texts = list(texts)
        word = self.union.transformer_list[0][1]
        return _normalise(sp.hstack([word.transform(texts), self._char(texts)], format="csr"))

    def _char(self, texts: list[str]) -> Any:
        """What the ``char_wb`` vectorizer's ``transform`` gives, about three times faster.

        ``char_wb`` n-grams never cross a space, so a text's n-grams are its words' n-grams:
        each distinct word is analysed and looked up in the vocabulary once and its column
        indices cached; a text's counts are then its words' indices summed. Sublinear tf,
        idf and the l2 norm follow as in ``TfidfTransformer``. Scoring 100,000 sentences
        spends most of its time here (a test checks the result equals ``transform``).
        """
        import scipy.sparse as sp

        vec = self.union.transformer_list[1][1]
        vocab = vec.vocabulary_
        if self._analyze is None:
            self._analyze = vec.build_analyzer()
        analyze, cache = self._analyze, self._cache
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            for w in text.lower().split():
                ids = cache.get(w)
                if ids is None:
                    ids = cache[w] = [vocab[g] for g in analyze(w) if g in vocab]
                indices.extend(ids)
            indptr.append(len(indices))
        m = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr),
            shape=(len(texts), len(vocab)),
        )
        m.sum_duplicates()
        np.log(m.data, m.data)
        m.data += 1
        m = m @ sp.diags(vec.idf_.astype(np.float32))
        return _normalise(m.tocsr())

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_cache": {}, "_analyze": None, "_embedder": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("embeddings", None)
        state.setdefault("_embedder", None)
        self.__dict__.update(state)

    @property
    def width(self) -> int:
        return sum(len(v.vocabulary_) for _unused, v in self.union.transformer_list)

    def names(self) -> np.ndarray:
        """Readable names of the unit block's columns ("word funds", "char  fun")."""
        if self._names is None:
            out = []
            for kind, vec in self.union.transformer_list:
                out.extend(f"{kind} {n}" for n in vec.get_feature_names_out())
            self._names = np.asarray(out, dtype=object)
        return self._names

    def transform(self, rows: Sequence[UnitRow]) -> Any:
        """Every block for ``rows`` side by side: own, neighbours (previous + next), turn."""
        import scipy.sparse as sp

        x = sp.hstack(self.blocks(self.own([r.text for r in rows]), rows), format="csr")
        x.sort_indices()  # once here, not in every regression's input check
        return x

    def blocks(self, own: Any, rows: Sequence[UnitRow]) -> list[Any]:
        """The blocks as separate matrices (scoring multiplies them one by one: no copy)."""
        import scipy.sparse as sp

        n = len(rows)
        docs = [r.document for r in rows]
        after = [i for i in range(1, n) if docs[i - 1] == docs[i]]
        before = [i - 1 for i in after]
        # (shift @ own)[i] = own[i - 1] + own[i + 1], within the same document
        shift = sp.csr_matrix(
            (np.ones(2 * len(after), dtype=np.float32), (after + before, before + after)),
            shape=(n, n),
        )
        parts = [own, _normalise(shift @ own) * CONTEXT_WEIGHT]
        if self.turn_block:
            keys: dict[Any, int] = {}
            ids = [keys.setdefault((r.document, r.turn), len(keys)) for r in rows]
            member = sp.csr_matrix(
                (np.ones(n, dtype=np.float32), (ids, range(n))), shape=(len(keys), n)
            )
            parts.append(_normalise(member @ own)[ids] * CONTEXT_WEIGHT)
        if self.embeddings:
            e = self.embed([r.text for r in rows])
            parts += [e, _normalise(shift @ e) * CONTEXT_WEIGHT]
        return parts

    def code_rows(self, texts: Sequence[str]) -> Any:
        """Codebook texts as rows: the own block set, the neighbour blocks empty."""
        import scipy.sparse as sp

        own = self.own(texts)
        blocks = 3 if self.turn_block else 2
        parts = [own] + [sp.csr_matrix(own.shape, dtype=np.float32)] * (blocks - 1)
        if self.embeddings:
            e = self.embed(texts)
            parts += [e, sp.csr_matrix(e.shape, dtype=np.float32)]
        return sp.hstack(parts, format="csr")


@dataclass
class CodeModel:
    """One code's regression, its calibration and its threshold."""

    code: Any
    coef: np.ndarray
    intercept: float
    a: float = 1.0  # calibrated probability = sigmoid(a * decision + b)
    b: float = 0.0
    threshold: float = 0.5
    positives: int = 0
    documents: int = 0
    how: str = "ranking"  # "tuned" (F1 out of fold), "ranking" (break-even), "none" (see
    # _fit_code: coded in fewer than two documents)


def _batches(rows: Sequence[UnitRow], size: int) -> list[Sequence[UnitRow]]:
    """``rows`` cut into runs of about ``size``, never inside a document."""
    out, start = [], 0
    while start < len(rows):
        end = min(start + size, len(rows))
        while end < len(rows) and rows[end].document == rows[end - 1].document:
            end += 1
        out.append(rows[start:end])
        start = end
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def _regression() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        class_weight="balanced",
        solver="liblinear",
        dual=True,
        C=C,
        max_iter=1000,
        random_state=0,
        tol=TOL,
    )


def _fit_one(x: Any, y: np.ndarray, extra: Any) -> tuple[np.ndarray, float]:
    import scipy.sparse as sp

    if extra is not None:
        x = sp.vstack([x, extra], format="csr")
        y = np.concatenate([y, np.ones(extra.shape[0], dtype=y.dtype)])
    if y.min() == y.max():  # one class only: a model that says the same everywhere
        return np.zeros(x.shape[1], dtype=np.float32), 10.0 if y[0] else -10.0
    clf = _regression().fit(x, y)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def _platt(d: np.ndarray, y: np.ndarray, steps: int = 50) -> tuple[float, float]:
    """Platt scaling: ``a, b`` of sigmoid(a * d + b) fitted to out-of-fold decisions ``d``.

    Newton's method on the log loss with Platt's smoothed targets ((N+ + 1) / (N+ + 2) and
    1 / (N- + 2)), which keep a handful of positives from pushing the fit to 0 or 1. Two
    parameters, so this is a few milliseconds where a general solver takes a hundred.
    """
    pos = int(y.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return 1.0, 0.0
    t = np.where(y == 1, (pos + 1) / (pos + 2), 1 / (neg + 2)).astype(np.float64)
    d = d.astype(np.float64)
    a, b = 1.0, 0.0
    for _unused in range(steps):
        p = _sigmoid(a * d + b)
        w = np.maximum(p * (1 - p), 1e-12)
        g = np.array([np.dot(p - t, d), np.sum(p - t)])
        h = np.array([[np.dot(w, d * d), np.dot(w, d)], [np.dot(w, d), np.sum(w)]])
        h += np.eye(2) * 1e-9
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-7:
            break
    return (float(a), float(b)) if a > 0 else (1.0, 0.0)


def choose_threshold(p: np.ndarray, y: np.ndarray, tune: bool) -> float:
    """The F1-best threshold on out-of-fold probabilities ``p`` (``tune``), else the
    break-even one: the k-th highest probability, k = number of positives."""
    k = int(y.sum())
    if k == 0 or len(p) == 0:
        return 0.5
    if tune:
        from sklearn.metrics import precision_recall_curve

        prec, rec, thr = precision_recall_curve(y, p)
        f1 = 2 * prec[:-1] * rec[:-1] / np.maximum(prec[:-1] + rec[:-1], 1e-12)
        return float(thr[int(np.argmax(f1))])
    return float(np.sort(p)[::-1][min(k, len(p)) - 1])


class Classifier:
    """Featurizer plus one ``CodeModel`` per code; ``scores`` gives calibrated probabilities."""

    def __init__(self, featurizer: Featurizer, models: list[CodeModel]):
        self.featurizer = featurizer
        self.models = models
        self.codes = [m.code for m in models]
        self._w = np.stack([m.coef for m in models], axis=1) if models else None
        self._b = np.asarray([m.intercept for m in models], dtype=np.float32)
        self._a = np.asarray([m.a for m in models], dtype=np.float32)
        self._c = np.asarray([m.b for m in models], dtype=np.float32)
        self.thresholds = np.asarray([m.threshold for m in models], dtype=np.float32)

    def decision(self, x: Any) -> np.ndarray:
        if self._w is None:
            return np.zeros((x.shape[0], 0), dtype=np.float32)
        return np.asarray(x @ self._w) + self._b

    def calibrate(self, d: np.ndarray) -> np.ndarray:
        return _sigmoid(d * self._a + self._c)

    def scores(self, rows: Sequence[UnitRow], batch: int = 20_000) -> np.ndarray:
        """Calibrated probabilities, one row per unit and one column per code.

        Each block is multiplied by its slice of the weights, so the blocks are never
        copied side by side; batches (whole documents) bound the memory.
        """
        out = []
        for chunk in _batches(rows, batch):
            if self._w is None:
                out.append(np.zeros((len(chunk), 0), dtype=np.float32))
                continue
            blocks = self.featurizer.blocks(self.featurizer.own([r.text for r in chunk]), chunk)
            d, at = self._b, 0
            for b in blocks:
                d = d + np.asarray(b @ self._w[at : at + b.shape[1]])
                at += b.shape[1]
            out.append(self.calibrate(d))
        if not out:
            return np.zeros((0, len(self.models)), dtype=np.float32)
        return np.concatenate(out)

    def predict(self, probs: np.ndarray) -> np.ndarray:
        return probs >= self.thresholds

    def strongest(self, x_row: Any, j: int, n: int = 3) -> list[str]:
        """The n-grams that push this unit hardest towards code ``j`` (words first)."""
        w = self.models[j].coef
        row = x_row.tocsr()
        width = self.featurizer.width
        contrib = row.data * w[row.indices]
        order = np.argsort(-contrib)
        names = self.featurizer.names()
        words, chars = [], []
        blocks = 3 if self.featurizer.turn_block else 2
        for i in order:
            if contrib[i] <= 0:
                break
            col = int(row.indices[i])
            if col >= blocks * width:  # an embedding dimension: no words to show
                continue
            where = "" if col < width else " (nearby)"
            kind, _unused, gram = str(names[col % width]).partition(" ")
            label = f"'{gram.strip()}'{where}"
            (words if kind == "word" else chars).append(label)
            if len(words) >= n:
                break
        picked = list(dict.fromkeys(words))[:n]
        return picked if picked else list(dict.fromkeys(chars))[:n]


@dataclass
class TrainingSet:
    rows: list[UnitRow]
    labels: dict[Any, np.ndarray]  # code -> 1 / 0 / UNKNOWN per row
    code_texts: dict[Any, str] = field(default_factory=dict)  # extra positives


def load_wordllama() -> Any:
    """WordLlama's small static embeddings, from the weights inside its wheel.

    Its default ``load()`` looks in a folder the wheel does not ship and then downloads;
    pointing ``cache_dir`` at the package and disabling downloads keeps it offline.
    """
    from pathlib import Path

    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError as exc:
        from workbench.store.errors import WorkbenchError

        raise WorkbenchError(
            _(
                "static embeddings need the optional package wordllama (pip install "
                "'workbench[embeddings]')"
            )
        ) from exc
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def fit(
    data: TrainingSet,
    *,
    inner_folds: int = INNER_FOLDS,
    progress: Progress | None = None,
    turn_block: bool | None = None,
    embeddings: str | None = None,
) -> Classifier:
    """Fit the featurizer and one calibrated regression per code of ``data.labels``."""
    rows = data.rows
    if turn_block is None:
        turn_block = any(r.turn is not None for r in rows)
    featurizer = Featurizer().fit(
        [r.text for r in rows] + list(data.code_texts.values()), turn_block, embeddings
    )
    x = featurizer.transform(rows)
    ids: dict[Any, int] = {}  # not hash(): string hashes change from process to process
    groups = np.asarray([ids.setdefault(r.document, len(ids)) for r in rows])
    codes = list(data.labels)
    done = [0]

    def one(code: Any) -> CodeModel:
        model = _fit_code(code, x, groups, data, featurizer, inner_folds)
        done[0] += 1
        if progress:
            progress(done[0], len(codes))
        return model

    from joblib import Parallel, delayed

    models = Parallel(n_jobs=N_JOBS, prefer="threads")(delayed(one)(c) for c in codes)
    return Classifier(featurizer, list(models))


def _fit_code(
    code: Any,
    x: Any,
    groups: np.ndarray,
    data: TrainingSet,
    featurizer: Featurizer,
    inner_folds: int,
) -> CodeModel:
    """One code: the regression on its known rows plus its codebook text, then calibration
    and threshold from out-of-fold decisions (inner folds grouped by document)."""
    from sklearn.model_selection import GroupKFold

    y_all = data.labels[code]
    known = np.flatnonzero(y_all != UNKNOWN)
    y = (y_all[known] == 1).astype(np.int32)
    text = data.code_texts.get(code)
    extra = featurizer.code_rows([text]) if text else None
    xc = x[known]
    coef, intercept = _fit_one(xc, y, extra)
    model = CodeModel(code, coef, intercept, positives=int(y.sum()))
    g = groups[known]
    model.documents = len(set(g[y == 1].tolist()))
    n_groups = len(set(g.tolist()))
    splits = min(inner_folds, n_groups)
    if not (y.sum() and splits >= 2 and model.documents >= 2):
        # Coded in one interview only: nothing to calibrate on across interviews. Admit as
        # many units as it has positives by the model's own (optimistic) scores, so such a
        # code suggests sparingly instead of everywhere.
        model.how = "none"
        if y.sum():
            d = np.asarray(xc @ coef) + intercept
            model.threshold = choose_threshold(_sigmoid(d), y, tune=False)
        return model
    oof = np.zeros(len(y), dtype=np.float32)
    for tr, te in GroupKFold(n_splits=splits).split(xc, y, g):
        c, i = _fit_one(xc[tr], y[tr], extra)
        oof[te] = np.asarray(xc[te] @ c) + i
    model.a, model.b = _platt(oof, y)
    p = _sigmoid(oof * model.a + model.b)
    tune = n_groups >= MIN_TUNING_DOCUMENTS
    model.threshold = choose_threshold(p, y, tune)
    model.how = "tuned" if tune else "ranking"
    return model
