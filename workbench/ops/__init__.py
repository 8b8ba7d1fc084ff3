"""The researcher's operations on a project, one module per noun.

Codebook, codes, codings, documents, cases, memos, merge, reconciliation, backup, check, users:
what a researcher does to a project. They use the store (``workbench.store``) and hold every
rule, so the two faces (``workbench.tui``, ``workbench.cli``) and scripts get the same
behaviour. No module here imports a UI library.
"""
