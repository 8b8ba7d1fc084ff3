"""The co-occurrence network as a file for Gephi, Cytoscape or networkx (GraphML, GEXF).

Codes are nodes (label, frequency, colour), meeting pairs are edges (count, c, conditional
shares; weight = count). GEXF also carries each node's colour in its visual attributes, so
Gephi shows codebook colours without further work. Nodes come in codebook order with the
labels and colours the Sankey and heat map use; the file records the command that made it
(GraphML: graph attributes ``workbench_command``, ``workbench_fingerprint`` and
``workbench_record``; GEXF: the ``<meta>`` description and keywords).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.i18n import _
from workbench.store.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.analysis.cooccurrence import CooccurrenceResult
    from workbench.export.record import Record

NETWORK_FORMATS = (".graphml", ".gexf")


def rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def write_network(
    result: CooccurrenceResult, path: str | Path, labels: str = "leaf", record: Record | None = None
) -> Path:
    """Write the result's graph to ``path`` (format from the extension); return the path."""
    import networkx as nx

    from workbench.export.figures import display_labels

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in NETWORK_FORMATS:
        raise WorkbenchError(
            _("unknown network format {value!r}; use {items}").format(
                value=suffix or "(none)", items=", ".join(NETWORK_FORMATS)
            ),
            source=str(path),
        )
    if not path.parent.exists():
        raise WorkbenchError(_("the folder does not exist"), source=str(path))
    if not result.codes:
        raise WorkbenchError(_("nothing to draw: no codings in the selection"), source=str(path))
    graph = result.graph()
    for code, name in zip(result.codes, display_labels(result.codes, labels), strict=True):
        graph.nodes[code]["label"] = name
        graph.nodes[code]["path"] = code
    import tempfile

    from workbench.files import write_atomic

    with tempfile.TemporaryDirectory(prefix="workbench-network-") as scratch:
        tmp = Path(scratch) / f"network{suffix}"
        if suffix == ".graphml":
            if record is not None:
                graph.graph.update(
                    workbench_command=record.command,
                    workbench_fingerprint=record.fingerprint,
                    workbench_record=record.to_json(),
                )
            nx.write_graphml(graph, tmp)
        else:
            for _node, data in graph.nodes(data=True):
                r, g, b = rgb(data["colour"])
                data["viz"] = {
                    "color": {"r": r, "g": g, "b": b, "a": 1.0},
                    "size": float(data["frequency"]),
                }
            nx.write_gexf(graph, tmp)
            _gexf_meta(tmp, record)
        write_atomic(path, tmp.read_bytes())
    return path


def _gexf_meta(path: Path, record: Record | None) -> None:
    """Put the record in GEXF's ``<meta>``: description (JSON) and keywords (fingerprint);
    without a creation time when the record has none (a deterministic rerun)."""
    import re
    from xml.sax.saxutils import escape

    text = path.read_text(encoding="utf-8")
    if record is None or not record.created:
        text = re.sub(r'\s*lastmodifieddate="[^"]*"', "", text, count=1)
    if record is None:
        path.write_text(text, encoding="utf-8")
        return
    block = (
        f"<description>{escape(record.to_json())}</description>"
        f"<keywords>{escape(record.fingerprint)}</keywords>"
    )
    head, sep, tail = text.partition("</meta>")
    if not sep:
        raise WorkbenchError(_("networkx wrote no <meta> element"), source=str(path))
    path.write_text(head + block + sep + tail, encoding="utf-8")
