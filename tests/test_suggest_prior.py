"""The code's own text as a prior in the classifier (``classifier.PRIOR_SCALE``)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from workbench.suggest import classifier as cl
from workbench.suggest.classifier import TrainingSet, UnitRow


def test_folding_the_similarity_columns_gives_the_same_decisions():
    rng = np.random.default_rng(0)
    width = 7
    x = sp.csr_matrix(rng.random((5, 3 * width)) * (rng.random((5, 3 * width)) > 0.5))
    prior = rng.random(width).astype(np.float32)
    augmented = cl._with_prior(x, prior, width)
    assert augmented.shape == (5, 3 * width + 2)
    coef = rng.normal(size=3 * width + 2).astype(np.float32)
    folded = cl._fold_prior(coef, prior, width)
    assert folded.shape == (3 * width,)
    np.testing.assert_allclose(x @ folded, augmented @ coef, rtol=1e-5)
    # the two columns are the unit's and its neighbours' similarity, scaled
    np.testing.assert_allclose(
        augmented[:, -2].toarray().ravel(), (x[:, :width] @ prior) * cl.PRIOR_SCALE, rtol=1e-5
    )
    np.testing.assert_allclose(
        augmented[:, -1].toarray().ravel(),
        (x[:, width : 2 * width] @ prior) * cl.PRIOR_SCALE,
        rtol=1e-5,
    )


def _data(unit: str = "turn") -> TrainingSet:
    """Eight documents; code 0's positives say 'harvest', its description says 'drought' (as
    does code 1's, so the word is in two texts and kept by ``min_df``)."""
    rows, labels = [], []
    filler = "we talked about many things in the village that year and later on"
    for d in range(8):
        for i in range(12):
            positive = i in (3, 8)
            word = "harvest season" if positive else "market road"
            rows.append(UnitRow(f"{filler} {word} number {i}.", f"doc{d}"))
            labels.append(int(positive))
    other = [int(i % 12 == 5) for i in range(len(rows))]
    return TrainingSet(
        unit=unit,
        rows=rows,
        labels={0: np.asarray(labels, dtype=np.int8), 1: np.asarray(other, dtype=np.int8)},
        code_texts={
            0: "Crisis. Talk of drought, drought years and failed rains.",
            1: "Weather. Rain, drought and floods.",
        },
    )


def test_the_turn_recipe_lifts_units_that_use_the_descriptions_words():
    test = [
        UnitRow("we talked about many things in the village that year and later on drought.", "t"),
        UnitRow("we talked about many things in the village that year and later on road.", "t"),
    ]
    plain = cl.fit(_data("sentence"))  # the sentence recipe has no prior
    without = plain.decision(plain.featurizer.transform(test))
    model = cl.fit(_data("turn"))
    with_prior = model.decision(model.featurizer.transform(test))
    gap_without = float(without[0, 0] - without[1, 0])
    gap_with = float(with_prior[0, 0] - with_prior[1, 0])
    assert gap_with > gap_without + 0.5


def test_sentences_keep_the_last_releases_recipe():
    model = cl.fit(_data("sentence"))
    assert model.featurizer.context_weight == cl.CONTEXT_WEIGHT == 1.0
    turn = cl.fit(_data("turn"))
    assert turn.featurizer.context_weight == cl.TURN_CONTEXT_WEIGHT < 1.0
