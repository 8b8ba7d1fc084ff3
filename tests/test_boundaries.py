"""House rules that keep the core usable without the UI and the CLI fast to start."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

UI_MODULES = ("textual", "click", "rich")
HEAVY_MODULES = (
    "spacy",
    "plotly",
    "networkx",
    "pandas",
    "textual",
    "krippendorff",
    "openpyxl",
    "lxml",
    "kaleido",
    "docx",
)


def loaded_after(code: str) -> set[str]:
    script = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


def core_modules() -> list[str]:
    """Every module of the package except the two faces (tui, cli) and the entry point."""
    import pkgutil

    import workbench

    return sorted(
        m.name
        for m in pkgutil.walk_packages(workbench.__path__, "workbench.")
        if not m.name.startswith(("workbench.tui", "workbench.cli"))
        and m.name != "workbench.__main__"
    )


CORE = core_modules()

# Runs in a fresh interpreter: imports every core module with ``__import__`` wrapped, so every
# import statement that runs is seen with the module that ran it, even when the library is
# already loaded (sqlite-utils loads click for its own command line first, which hid a core
# module importing click too).
GUARD = """
import builtins, importlib, json, sys
UI = %r
seen = []
real = builtins.__import__
def spy(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name.split('.')[0] in UI:
        seen.append([(globals or {}).get('__name__', '?'), name.split('.')[0]])
    return real(name, globals, locals, fromlist, level)
builtins.__import__ = spy
loaded_by = {}
for module in %r:
    before = {m.split('.')[0] for m in sys.modules}
    importlib.import_module(module)
    for lib in UI:
        if lib in sys.modules and lib not in before:
            loaded_by.setdefault(lib, module)
print(json.dumps({"seen": seen, "loaded_by": loaded_by}))
"""


def core_import_report(modules: list[str]) -> dict:
    script = GUARD % (UI_MODULES, modules)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.splitlines()[-1])


def test_the_core_list_covers_the_package():
    assert len(CORE) > 40 and "workbench.analysis.cooccurrence" in CORE
    assert not any(m.startswith(("workbench.tui", "workbench.cli")) for m in CORE)


def test_core_modules_do_not_import_ui_libraries():
    report = core_import_report(CORE)
    offenders = sorted(
        {
            f"{importer} imports {lib}"
            for importer, lib in report["seen"]
            if importer in CORE or importer == "workbench"
        }
    )
    assert offenders == []
    # only sqlite-utils (its own command line) may bring click in; nothing brings the others
    assert set(report["loaded_by"]) <= {"click"}, report["loaded_by"]


def test_no_core_source_imports_ui_libraries_even_lazily():
    """Imports inside functions run only when called; read them from the source instead."""
    import ast
    from pathlib import Path

    import workbench

    root = Path(workbench.__file__).parent
    offenders = []
    for module in CORE:
        parts = module.split(".")[1:]
        path = root.joinpath(*parts).with_suffix(".py")
        if not path.exists():
            path = root.joinpath(*parts, "__init__.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            offenders += [
                f"{module}:{node.lineno} {n}" for n in names if n.split(".")[0] in UI_MODULES
            ]
    assert offenders == []


def test_help_imports_no_heavy_library():
    loaded = loaded_after(
        "from workbench.cli import cli\n"
        "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass"
    )
    assert not loaded & set(HEAVY_MODULES), loaded & set(HEAVY_MODULES)


def test_a_commands_help_and_the_store_import_no_heavy_library():
    """A command's help imports the store, and the store sqlite-utils, which imports pandas
    whenever it is installed (the gamma extra): the store hides it for that import only."""
    loaded = loaded_after(
        "from workbench.cli import cli\n"
        "try:\n    cli.main(['agree', '--help'], standalone_mode=False)\nexcept SystemExit:\n"
        "    pass\n"
        "import workbench.store.project"
    )
    assert "sqlite_utils" in loaded
    assert not loaded & set(HEAVY_MODULES), loaded & set(HEAVY_MODULES)


def test_pandas_imports_normally_after_the_store():
    from importlib.metadata import PackageNotFoundError, version

    try:  # installed? (asked of the metadata: this process has imported the store already)
        version("pandas")
    except PackageNotFoundError:
        pytest.skip("pandas is not installed (the gamma extra brings it)")
    loaded = loaded_after(
        "import workbench.store.project\nimport pandas\nassert pandas.DataFrame({'a': [1]}).size"
    )
    assert "pandas" in loaded


def test_no_import_circle_outside_the_app():
    """Lazy imports inside functions count; ``if TYPE_CHECKING:`` imports do not."""
    from tests.house_helpers import import_circles, import_graph

    circles = [
        c
        for c in import_circles(import_graph())
        if not all(m.startswith("workbench.tui") for m in c)
    ]
    assert circles == []


def test_the_import_graph_sees_lazy_and_package_imports():
    from tests.house_helpers import import_graph

    graph = import_graph()
    assert "workbench.interop.qdc" in graph["workbench.ops.codebook"]  # imported inside _qdc()
    assert "workbench.ingest" in graph["workbench.cli.ingest"]  # lazily, in a function
    assert "workbench.store.project" not in graph["workbench.analysis.units"]  # TYPE_CHECKING only
