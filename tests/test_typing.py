"""The core is type-checked in CI: what mypy covers, how strictly, and that CI runs it.

mypy itself runs in ``.ci/run`` (about 30 s cold), not here; these tests keep its settings
from drifting away from what the house rules promise.
"""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO

CHECKED = ("store", "ops", "ingest", "analysis", "suggest", "interop", "export", "api")
STRICT = ("store", "ops", "analysis")  # every function typed (disallow_untyped_defs)


def settings() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_mypy_covers_the_core_and_not_the_faces():
    files = settings()["tool"]["mypy"]["files"]
    assert {f"workbench/{part}" for part in CHECKED} | {"workbench/files.py"} <= set(files)
    assert not [f for f in files if f.startswith(("workbench/tui", "workbench/cli"))]


def test_store_ops_and_analysis_must_type_every_function():
    strict = [
        o for o in settings()["tool"]["mypy"]["overrides"] if o.get("disallow_untyped_defs") is True
    ]
    modules = {m for o in strict for m in o["module"]}
    assert {f"workbench.{part}.*" for part in STRICT} <= modules


def test_ci_runs_mypy_with_the_settings_of_the_project():
    run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    calls = re.findall(r"^\.venv/bin/mypy(.*)$", run, flags=re.MULTILINE)
    # no paths on the command line: they would replace the checked list in pyproject.toml
    assert calls == [" || rc=1"]


def test_the_test_extra_installs_mypy_and_the_stubs_the_core_needs():
    extra = " ".join(settings()["project"]["optional-dependencies"]["test"])
    for package in ("mypy", "lxml-stubs", "types-PyYAML", "types-openpyxl", "types-networkx"):
        assert re.search(rf"\b{re.escape(package)}\b", extra), package
