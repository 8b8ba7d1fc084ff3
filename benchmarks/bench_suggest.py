"""How fast do the suggesters train and score? Targets: train on 5,000 coded sentences in under
60 s and score 100,000 sentences in under 20 s on a 2-core machine.

A deterministic synthetic corpus: sentences of 10 to 24 words drawn from a 3,000-word vocabulary;
each of 10 codes has 15 cue words, and a coded sentence carries two or three cues of its code.
Prints sentences per second for training (10 epochs, the default) and for scoring with the
learned model, and, as the baseline measured in the same process, the scoring speed of the
keyword rules (PhraseMatcher on lemmas and lower case through the lookup pipeline).
"""

from __future__ import annotations

import argparse
import random
import time

N_CODES = 10
VOCAB = 3000


def corpus(n: int, seed: int) -> tuple[list[str], list[dict[str, float]]]:
    rng = random.Random(seed)
    words = [f"w{i}x" for i in range(VOCAB)]
    cues = {c: [f"cue{c}n{j}" for j in range(15)] for c in range(N_CODES)}
    texts, cats = [], []
    for _ in range(n):
        tokens = rng.choices(words, k=rng.randint(10, 24))
        coded = [c for c in range(N_CODES) if rng.random() < 0.08]
        for c in coded:
            for cue in rng.sample(cues[c], rng.randint(2, 3)):
                tokens.insert(rng.randrange(len(tokens) + 1), cue)
        texts.append(" ".join(tokens).capitalize() + ".")
        cats.append({str(c): float(c in coded) for c in range(N_CODES)})
    return texts, cats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="500 / 5,000 sentences")
    quick = parser.parse_args().quick
    n_train, n_score = (500, 5_000) if quick else (5_000, 100_000)

    from workbench import codes
    from workbench.project import Project
    from workbench.suggest.learned import DEFAULT_EPOCHS, fit, score
    from workbench.suggest.rules import KeywordRules

    train_texts, train_cats = corpus(n_train, seed=1)
    score_texts, _ = corpus(n_score, seed=2)
    labels = [str(c) for c in range(N_CODES)]

    t0 = time.perf_counter()
    nlp = fit(train_texts, train_cats, labels, epochs=DEFAULT_EPOCHS)
    t_train = time.perf_counter() - t0

    t0 = time.perf_counter()
    probs = score(nlp, score_texts)
    t_score = time.perf_counter() - t0
    assert probs.shape == (n_score, N_CODES)

    project = Project.memory()
    for c in range(N_CODES):
        codes.add_code(project, f"Code {c}", keywords={"en": [f"cue{c}n0", f"cue{c}n1"]})
    rules = KeywordRules(project, "en", project.codes())
    n_rules = n_score if quick else n_score // 5
    t0 = time.perf_counter()
    fired = rules.match(score_texts[:n_rules])
    t_rules = time.perf_counter() - t0
    assert len(fired) == n_rules

    train_rate = n_train * DEFAULT_EPOCHS / t_train
    score_rate = n_score / t_score
    rules_rate = n_rules / t_rules
    print(f"train  {n_train:>7,} sentences x {DEFAULT_EPOCHS} epochs: {t_train:6.2f} s "
          f"({n_train / t_train:,.0f} sentences/s, {train_rate:,.0f} sentence-updates/s)")
    print(f"score  {n_score:>7,} sentences (model):    {t_score:6.2f} s "
          f"({score_rate:,.0f} sentences/s)")
    print(f"score  {n_rules:>7,} sentences (rules):    {t_rules:6.2f} s "
          f"({rules_rate:,.0f} sentences/s, baseline)")
    print(f"model scoring is {score_rate / rules_rate:.1f}x the rules' speed")
    if not quick:
        print(f"target train < 60 s: {'met' if t_train < 60 else 'NOT met'}; "
              f"target score < 20 s: {'met' if t_score < 20 else 'NOT met'}")
    project.close()


if __name__ == "__main__":
    main()
