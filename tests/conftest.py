"""Fixtures shared by every test module. Area-specific fixtures live in their own modules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from workbench.store.project import Project

# Property tests draw the same examples on every run, so CI is reproducible; set
# HYPOTHESIS_PROFILE=explore for a fresh random search while developing.
settings.register_profile("workbench", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "workbench"))

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch):
    """Tests never see the developer's project, coder, user, theme or language settings, and
    each starts (and leaves the process) speaking English."""
    from workbench.i18n import set_language

    for var in (
        "WORKBENCH_PROJECT",
        "WORKBENCH_CODER",
        "WORKBENCH_USER",
        "WORKBENCH_SESSION_USER",
        "TEXTUAL_THEME",
        "NO_COLOR",
    ):
        monkeypatch.delenv(var, raising=False)
    for var in ("WORKBENCH_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def project() -> Project:
    """An empty in-memory project."""
    p = Project.memory()
    yield p
    p.close()


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    """The path of an empty project file on disk."""
    path = tmp_path / "workbench.db"
    Project.open(path).close()
    return path


def file_bytes(path: Path) -> bytes:
    """The bytes of a project file, for byte-for-byte unchanged checks."""
    return Path(path).read_bytes() if os.path.exists(path) else b""
