"""Sankey, heat map and network of one selection share order, labels, colours and records."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.figure_helpers import demo_workspace, named, plotly_json, run
from workbench.export.provenance import fingerprint
from workbench.store.project import Project


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("shared")
    project = demo_workspace(root)
    run(
        project,
        "sankey",
        str(root / "s.html"),
        "--codes",
        "Decentralization",
        "--codes",
        "Effectiveness",
        "--order",
        "codebook",
    )
    run(
        project,
        "cooccur",
        "--codes",
        "Decentralization",
        "--codes",
        "Effectiveness",
        "--heatmap",
        str(root / "h.html"),
    )
    run(
        project,
        "network",
        str(root / "n.graphml"),
        "--codes",
        "Decentralization",
        "--codes",
        "Effectiveness",
    )
    with Project.open(project) as p:
        order = [
            c.path for c in p.codes() if c.path.startswith(("Decentralization/", "Effectiveness/"))
        ]
        fp = fingerprint(p)
    return root, order, fp


def sankey_colours(root: Path) -> dict[str, str]:
    _d, layout = plotly_json((root / "s.html").read_text(encoding="utf-8"))
    labels = named(layout, "annotations", "label")
    nodes = named(layout, "shapes", "node")
    return {labels[i]["text"].replace("<br>", " "): nodes[i]["fillcolor"] for i in labels}


def test_heatmap_uses_codebook_order_leaf_labels_and_code_colours(made):
    root, order, fp = made
    data, layout = plotly_json((root / "h.html").read_text(encoding="utf-8"))
    # a lower triangle: rows from the second code, columns up to the one before last
    ticks = layout["yaxis"]["ticktext"]
    swatches = [re.search(r"color:(#[0-9A-Fa-f]{6})", t).group(1) for t in ticks]
    names = [re.sub(r"<[^>]+>", "", t).replace("■", "").strip() for t in ticks]
    assert names == [p.rsplit("/", 1)[-1] for p in order[1:]]
    assert layout["xaxis"]["ticktext"] == [p.rsplit("/", 1)[-1] for p in order[:-1]]
    assert data[0]["y"] == order[1:] and data[0]["x"] == order[:-1]
    colours = sankey_colours(root)
    for name, colour in zip(names, swatches, strict=True):
        if name in colours:
            assert colours[name].upper() == colour.upper()
    assert layout["meta"]["workbench"]["fingerprint"] == fp


def test_network_nodes_share_order_labels_colours_and_record(made):
    root, order, fp = made
    tree = ET.parse(root / "n.graphml").getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("attr.name"): k.get("id") for k in tree.findall("g:key", ns)}
    nodes = tree.findall(".//g:node", ns)
    assert [n.get("id") for n in nodes] == order

    def value(el, name):
        return next(d.text for d in el.findall("g:data", ns) if d.get("key") == keys[name])

    labels = [value(n, "label") for n in nodes]
    assert labels == [p.rsplit("/", 1)[-1] for p in order]
    colours = sankey_colours(root)
    shared = [lab for lab in labels if lab in colours]
    assert shared
    for n, lab in zip(nodes, labels, strict=True):
        if lab in colours:
            assert value(n, "colour").upper() == colours[lab].upper()
    graph = tree.find(".//g:graph", ns)
    assert value(graph, "workbench_fingerprint") == fp
    assert value(graph, "workbench_command").startswith("workbench --project ")
    assert " network " in value(graph, "workbench_command")
