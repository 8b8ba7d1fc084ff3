"""Code suggestions, offline: keyword and speaker rules, a classifier trained on the project's
own codings, held-out evaluation, "more like this", and the review calls.

Nothing here imports spaCy or scikit-learn at module import time, so the CLI and the TUI can
import the review API without paying for it. The entry points most callers need:

- ``workbench.suggest.review``: ``list_suggestions``, ``accept``, ``reject``, ``reject_all``.
- ``workbench.suggest.run``: ``run_suggestions`` (score documents, store open suggestions),
  ``retrain_and_run`` (the active-learning step).
- ``workbench.suggest.trained``: ``train`` (fit and save the classifier of ``classifier.py``).
- ``workbench.suggest.evaluate``: ``evaluate`` (grouped cross-validation of every suggester).
- ``workbench.suggest.similar``: ``similar_units`` (uncoded passages like a code or passage).
- ``workbench.suggest.learned``: the previous spaCy textcat model, kept for comparison.
"""
