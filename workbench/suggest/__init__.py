"""Code suggestions, offline: keyword and speaker rules, a classifier trained on the project's
own codings, held-out evaluation, and the review calls (list, accept, reject).

Nothing here imports spaCy at module import time, so the CLI and the TUI can import the review
API without paying for it. The entry points most callers need:

- ``workbench.suggest.review``: ``list_suggestions``, ``accept``, ``reject``, ``Suggestion``.
- ``workbench.suggest.run``: ``run_suggestions`` (score documents, store open suggestions).
- ``workbench.suggest.learned``: ``train`` (fit and save the classifier).
- ``workbench.suggest.evaluate``: ``evaluate`` (grouped cross-validation against the rules).
"""
