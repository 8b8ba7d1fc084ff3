"""The coding app (Textual). Imported lazily: nothing here loads Textual until ``run_app``."""

from __future__ import annotations


def run_app(
    project_path: str,
    coder: str | None = None,
    *,
    read_only: bool = False,
    user: str | None = None,
) -> None:
    """Open the project at ``project_path`` in the coding app and run it until the user quits
    (as the signed-in ``user`` when given)."""
    from workbench.tui.app import run

    run(project_path, coder=coder, read_only=read_only, user=user)
