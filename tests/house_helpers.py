"""Reading the package's own source for the house tests: its modules and who imports whom."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workbench"


def module_names(root: Path = PACKAGE) -> list[str]:
    """Every module of the package, dotted (``workbench.analysis.filters``)."""
    out = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def import_graph(root: Path = PACKAGE, *, type_checking: bool = False) -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere in its file.

    Lazy imports inside functions count (a circle is a circle even when deferred), and so does
    the package ``__init__`` that importing a submodule runs. Imports under ``if
    TYPE_CHECKING:`` count only with ``type_checking``: they never run, so they make no import
    circle, but a layer that names a higher one even for its types depends on it.
    """
    names = set(module_names(root))
    graph: dict[str, set[str]] = {n: set() for n in names}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        package = name if is_package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = (
            set()
            if type_checking
            else {id(n) for top in ast.walk(tree) if _type_checking(top) for n in ast.walk(top)}
        )
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in names else base for a in node.names
                ]
            for target in targets:
                while target and target not in names:
                    target = target.rpartition(".")[0]
                while target and target != root.name:
                    if target != name and not name.startswith(target + "."):
                        graph[name].add(target)
                    target = target.rpartition(".")[0]
    return graph


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def layer_of(module: str, layers: tuple[tuple[str, ...], ...]) -> int | None:
    """The index in ``layers`` of the part of the package ``module`` belongs to (``store`` for
    ``workbench.store.queries``, ``files`` for ``workbench.files``), or None if unplaced."""
    part = module.split(".")[1] if "." in module else ""
    for index, parts in enumerate(layers):
        if part in parts:
            return index
    return None


def upward_imports(graph: dict[str, set[str]], layers: tuple[tuple[str, ...], ...]) -> list[str]:
    """Every import from a module to a part of the package in the same or a higher layer.

    Parts of one layer are siblings that do not import each other. Imports of the package root
    (its version) are not in the graph; the root itself is checked on its own.
    """
    out = []
    for module in sorted(graph):
        if "." not in module:
            continue
        mine = layer_of(module, layers)
        for target in sorted(graph[module]):
            if "." not in target or target.split(".")[1] == module.split(".")[1]:
                continue
            theirs = layer_of(target, layers)
            if mine is None or theirs is None or theirs >= mine:
                out.append(f"{module} -> {target}")
    return out
