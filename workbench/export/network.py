"""The co-occurrence network as a file for Gephi, Cytoscape or networkx (GraphML, GEXF).

Codes are nodes (label, frequency, colour), meeting pairs are edges (count, c, conditional
shares; weight = count). GEXF also carries each node's colour in its visual attributes, so
Gephi shows codebook colours without further work.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.analysis.cooccurrence import CooccurrenceResult

NETWORK_FORMATS = (".graphml", ".gexf")


def rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def write_network(result: CooccurrenceResult, path: str | Path) -> Path:
    """Write the result's graph to ``path`` (format from the extension); return the path."""
    import networkx as nx

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in NETWORK_FORMATS:
        raise WorkbenchError(
            f"unknown network format {suffix or '(none)'!r}; use {', '.join(NETWORK_FORMATS)}",
            source=str(path),
        )
    if not path.parent.exists():
        raise WorkbenchError("the folder does not exist", source=str(path))
    graph = result.graph()
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if suffix == ".graphml":
            nx.write_graphml(graph, tmp)
        else:
            for _node, data in graph.nodes(data=True):
                r, g, b = rgb(data["colour"])
                data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0},
                               "size": float(data["frequency"])}
            nx.write_gexf(graph, tmp)
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
