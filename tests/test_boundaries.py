"""House rules that keep the core usable without the UI and the CLI fast to start."""

from __future__ import annotations

import json
import subprocess
import sys

UI_MODULES = ("textual", "click", "rich")
HEAVY_MODULES = ("spacy", "plotly", "networkx", "pandas", "textual", "krippendorff", "openpyxl",
                 "lxml", "kaleido", "docx")


def loaded_after(code: str) -> set[str]:
    script = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


def core_modules() -> list[str]:
    """Every module of the package except the two faces (tui, cli) and the entry point."""
    import pkgutil

    import workbench

    return sorted(
        m.name for m in pkgutil.walk_packages(workbench.__path__, "workbench.")
        if not m.name.startswith(("workbench.tui", "workbench.cli")) and
        m.name != "workbench.__main__"
    )


CORE = core_modules()

# Records which file first asked for each UI library. sqlite-utils itself imports click (for
# its own command line); that is not the core importing it, so the check is on the importer.
SPY = """
import sys, traceback
importers = {}
class Spy:
    def find_spec(self, name, path=None, target=None):
        top = name.split('.')[0]
        if top in %r and top not in importers:
            frames = [f.filename for f in traceback.extract_stack()[:-1]
                      if not f.filename.startswith('<')]
            importers[top] = frames[-1]
        return None
sys.meta_path.insert(0, Spy())
"""


def test_the_core_list_covers_the_package():
    assert len(CORE) > 40 and "workbench.analysis.cooccurrence" in CORE
    assert not any(m.startswith(("workbench.tui", "workbench.cli")) for m in CORE)


def test_core_modules_do_not_import_ui_libraries():
    script = SPY % (UI_MODULES,) + "\n".join(f"import {m}" for m in CORE)
    script += "\nimport json; print(json.dumps(importers))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    importers = json.loads(out.splitlines()[-1])
    offenders = {lib: f for lib, f in importers.items() if "sqlite_utils" not in f}
    assert offenders == {}
    assert "textual" not in importers and "rich" not in importers


def test_help_imports_no_heavy_library():
    loaded = loaded_after(
        "from workbench.cli import cli\n"
        "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass"
    )
    assert not loaded & set(HEAVY_MODULES), loaded & set(HEAVY_MODULES)
