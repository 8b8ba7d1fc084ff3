"""How good and how fast are the learned suggesters? Targets: train on 5,000 coded sentences in
under 30 s and score 100,000 sentences in under 20 s on a 2-core machine.

A deterministic synthetic corpus of interviews (documents of 50 sentences): sentences of 10 to
24 words drawn from a 3,000-word vocabulary; each of 10 codes has 15 cue words. A coded
sentence carries one or two cues of its code (inflected: a cue may end in -s, -ed or -ing),
and half of the codes are "answers": their sentence carries no cue at all, the sentence before
it does. Uncoded sentences carry a stray cue now and then.

Quality: 4-fold cross-validation grouped by document on 4,000 sentences, micro and macro F1
and MAP (average precision within each held-out fold, averaged) for the new classifier, the old
spaCy textcat (at 0.5) and the suggest-everything floor. Speed: training the new classifier on
5,000 sentences, scoring 100,000 with it, and, as the baseline measured in the same process,
the old model's training and scoring.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

N_CODES = 10
VOCAB = 3000
DOC_LEN = 50
ENDINGS = ("", "s", "ed", "ing")


def corpus(n: int, seed: int) -> tuple[list, list[set[int]]]:
    """``n`` sentences as classifier rows (documents of DOC_LEN) and their codes."""
    from workbench.suggest.classifier import UnitRow

    rng = random.Random(seed)
    words = [f"w{i}x" for i in range(VOCAB)]
    cues = {c: [f"cue{c}n{j}" for j in range(15)] for c in range(N_CODES)}
    rows, codes = [], []
    pending: list[int] = []  # "answer" codes of this sentence, cued in the previous one
    for i in range(n):
        tokens = rng.choices(words, k=rng.randint(10, 24))
        coded = set(pending)
        pending = []
        for c in range(N_CODES):
            if rng.random() < 0.04:
                if c % 2:  # an answer: this sentence carries the cue, the next one the code
                    pending.append(c)
                else:
                    coded.add(c)
        cued = [c for c in coded if c % 2 == 0] + pending
        if rng.random() < 0.1:
            cued.append(rng.randrange(N_CODES))
        for c in cued:
            for cue in rng.sample(cues[c], rng.randint(1, 2)):
                tokens.insert(rng.randrange(len(tokens) + 1), cue + rng.choice(ENDINGS))
        rows.append(UnitRow(" ".join(tokens).capitalize() + ".", f"d{seed}-{i // DOC_LEN}"))
        codes.append(coded)
    return rows, codes


def training_set(rows, codes):
    from workbench.suggest.classifier import TrainingSet

    labels = {c: np.asarray([int(c in cs) for cs in codes], dtype=np.int8) for c in range(N_CODES)}
    return TrainingSet(list(rows), labels, {c: f"Code {c}." for c in range(N_CODES)})


def quality(n: int, folds: int) -> dict[str, dict[str, float]]:
    from workbench.suggest import learned
    from workbench.suggest.classifier import fit
    from workbench.suggest.evaluate import ModelScores

    rows, codes = corpus(n, seed=3)
    docs = sorted({r.document for r in rows}, key=lambda d: int(d.split("-")[1]))
    fold_of = {d: i % folds for i, d in enumerate(docs)}
    scores = {"new": ModelScores(), "old": ModelScores(), "floor": ModelScores()}
    support = dict.fromkeys(range(N_CODES), 0)
    for f in range(folds):
        tr = [i for i, r in enumerate(rows) if fold_of[r.document] != f]
        te = [i for i, r in enumerate(rows) if fold_of[r.document] == f]
        clf = fit(training_set([rows[i] for i in tr], [codes[i] for i in tr]))
        probs = clf.scores([rows[i] for i in te])
        nlp = learned.fit(
            [rows[i].text for i in tr],
            [{str(c): float(c in codes[i]) for c in range(N_CODES)} for i in tr],
            [str(c) for c in range(N_CODES)],
        )
        old = np.asarray(learned.score(nlp, [rows[i].text for i in te]))
        for j in range(N_CODES):
            actual = np.asarray([j in codes[i] for i in te])
            support[j] += int(actual.sum())
            scores["new"].add(j, probs[:, j] >= clf.thresholds[j], actual, probs[:, j])
            scores["old"].add(j, old[:, j] >= 0.5, actual, old[:, j])
            scores["floor"].add(j, np.ones(len(te), bool), actual, np.ones(len(te)))
    paths = {c: f"code {c}" for c in range(N_CODES)}
    return {k: s.report(paths, support) for k, s in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller corpora")
    quick = parser.parse_args().quick
    n_quality, n_train, n_score = (1_000, 1_000, 10_000) if quick else (4_000, 5_000, 100_000)

    from workbench.suggest import learned
    from workbench.suggest.classifier import fit

    t0 = time.perf_counter()
    q = quality(n_quality, folds=4)
    t_quality = time.perf_counter() - t0
    print(f"held-out quality, {n_quality:,} sentences, 4 folds by document ({t_quality:.1f} s):")
    for name, m in q.items():
        print(
            f"  {name:6} micro F1 {m['micro_f1']:.3f}  macro F1 {m['macro_f1']:.3f}  "
            f"MAP {m['map']:.3f}"
        )

    train_rows, train_codes = corpus(n_train, seed=1)
    score_rows, _ = corpus(n_score, seed=2)
    data = training_set(train_rows, train_codes)
    t0 = time.perf_counter()
    clf = fit(data)
    t_train = time.perf_counter() - t0
    t0 = time.perf_counter()
    probs = clf.scores(score_rows)
    t_score = time.perf_counter() - t0
    assert probs.shape == (n_score, N_CODES)

    t0 = time.perf_counter()
    nlp = learned.fit(
        [r.text for r in train_rows],
        [{str(c): float(c in cs) for c in range(N_CODES)} for cs in train_codes],
        [str(c) for c in range(N_CODES)],
    )
    t_old_train = time.perf_counter() - t0
    t0 = time.perf_counter()
    learned.score(nlp, [r.text for r in score_rows])
    t_old_score = time.perf_counter() - t0

    print(
        f"train  {n_train:>7,} sentences (new): {t_train:6.2f} s   "
        f"(old, baseline: {t_old_train:.2f} s; ratio {t_train / t_old_train:.1f}x)"
    )
    print(
        f"score  {n_score:>7,} sentences (new): {t_score:6.2f} s   "
        f"({n_score / t_score:,.0f} sentences/s; old, baseline: {t_old_score:.2f} s; "
        f"ratio {t_score / t_old_score:.1f}x)"
    )
    if not quick:
        print(
            f"target train < 30 s: {'met' if t_train < 30 else 'NOT met'}; "
            f"target score < 20 s: {'met' if t_score < 20 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
