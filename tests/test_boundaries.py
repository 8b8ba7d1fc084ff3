"""House rules that keep the core usable without the UI and the CLI fast to start."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

UI_MODULES = ("textual", "click", "rich")

# The layer order, written once: each part of the package imports only parts of lower layers
# (docs/architecture.md says why each sits where it does). Parts of one layer are siblings
# that never import each other. A new package or root module must be placed here.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("limits", "cells"),  # the declared limits of input; spreadsheet cells made inert
    ("i18n", "textnorm", "sentences"),  # helpers that know nothing of a project
    ("store",),  # the project file: tables, transactions, reads
    ("files", "palette", "boundary", "guards", "permissions"),  # over the store; who may do what
    ("analysis", "ingest"),  # computations over rows the store reads; transcript readers
    ("ops",),  # what a researcher does (reconciling uses agreement; importing, the readers)
    ("pseudonymise",),  # identifiers and the key; a release written through ops' text edit
    ("interop", "suggest", "export"),  # exchange, suggestions, figures and tables
    ("api", "tui"),  # the Python face and the app
    ("cli",),  # the command line (it opens the app)
    ("__main__",),  # python -m workbench
)
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


def test_the_entry_points_help_does_not_open_the_store():
    """``workbench --help`` as typed (the entry point, which knows the store's errors) loads
    neither sqlite-utils nor numpy: importing ``workbench.store.errors`` stays light."""
    loaded = loaded_after(
        "import sys\nsys.argv = ['workbench', '--help']\nfrom workbench.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert not loaded & {"sqlite_utils", "numpy"}, loaded & {"sqlite_utils", "numpy"}


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
    assert "workbench.interop.qdc" in graph["workbench.interop.codebook_files"]  # inside _qdc()
    assert "workbench.ingest" in graph["workbench.cli.ingest"]  # lazily, in a function
    assert "workbench.store.project" not in graph["workbench.analysis.units"]  # TYPE_CHECKING only


# ------------------------------------------------------------------------------ layers


def test_every_part_of_the_package_has_a_layer():
    from tests.house_helpers import PACKAGE, layer_of, module_names

    unplaced = sorted(
        {m.split(".")[1] for m in module_names() if "." in m and layer_of(m, LAYERS) is None}
    )
    assert unplaced == [], "place these in LAYERS (tests/test_boundaries.py)"
    parts = [p for layer in LAYERS for p in layer]
    assert len(parts) == len(set(parts))
    on_disk = {
        p.stem for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()
    }
    assert set(parts) - {"api"} <= on_disk - {"__init__"}


def test_layers_point_down_even_for_types():
    """Read from the source, ``TYPE_CHECKING`` blocks included: a store module that names an
    analysis type depends on the analysis layer as much as one that calls it."""
    from tests.house_helpers import import_graph, upward_imports

    assert upward_imports(import_graph(type_checking=True), LAYERS) == []


def test_the_package_root_loads_nothing_but_offers_the_api():
    """``import workbench.store`` runs the root ``__init__``: it must stay light, so the API it
    re-exports is imported only when first used (or for type checkers)."""
    import ast

    from tests.house_helpers import PACKAGE

    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    top_level = [
        n.module
        for n in tree.body
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("workbench")
    ] + [a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names]
    assert top_level == []  # only ``if TYPE_CHECKING:`` and the lazy ``__getattr__`` name it
    imported = {
        n.module
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("workbench")
    } | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= {"workbench.api"}
    loaded = loaded_after("import workbench.store.project")
    assert "pandas" not in loaded and "plotly" not in loaded
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, workbench; print('workbench.api' in sys.modules); "
            "workbench.open; print('workbench.api' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["False", "True"]


def test_the_layer_check_catches_an_upward_import(tmp_path):
    """The checker itself on a made-up package: an arrow up inside ``TYPE_CHECKING``, one
    between siblings, one inside a function, and one from a part no layer holds."""
    from tests.house_helpers import import_graph, upward_imports

    root = tmp_path / "workbench"
    files = {
        "__init__.py": "",
        "store/__init__.py": "",
        "store/queries.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from workbench.analysis.units import Unit\n"
        ),
        "analysis/__init__.py": "",
        "analysis/units.py": "from workbench.store import queries\n",
        "ingest/__init__.py": "def f():\n    from workbench.analysis import units\n",
        "ops/__init__.py": "from ..analysis import units\n",
        "ops/codes.py": "def g():\n    import workbench.interop.qdc\n",
        "interop/__init__.py": "",
        "interop/qdc.py": "from workbench.ops import codes\n",
        "newpart/__init__.py": "from workbench.store import queries\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    found = upward_imports(import_graph(root, type_checking=True), LAYERS)
    assert found == [
        "workbench.ingest -> workbench.analysis",
        "workbench.ingest -> workbench.analysis.units",
        "workbench.newpart -> workbench.store",
        "workbench.newpart -> workbench.store.queries",
        "workbench.ops.codes -> workbench.interop",
        "workbench.ops.codes -> workbench.interop.qdc",
        "workbench.store.queries -> workbench.analysis",
        "workbench.store.queries -> workbench.analysis.units",
    ]
    # without the TYPE_CHECKING block the store's arrow is invisible, as it was to the circle test
    assert "workbench.store.queries -> workbench.analysis.units" not in upward_imports(
        import_graph(root), LAYERS
    )
