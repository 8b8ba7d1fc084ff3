"""Figures for print, read back from the files: HTML (plotly JSON), SVG text, PDF pages.

Every figure is made by the command line on a fresh demo workspace, as a user would. The
checks do not trust the figure's own records: pairs come from the band geometry, counts from
``workbench cooccur --format json``, label boxes from the annotations' anchors and a generous
width per character.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.figure_helpers import (
    band_ends,
    demo_workspace,
    has_poppler,
    named,
    plotly_json,
    run,
    text_box,
)
from workbench.export.figures import find_browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("print"))


def codebook_paths(project: Path) -> list[str]:
    from workbench.store.project import Project

    with Project.open(project) as p:
        return [c.path for c in p.codes()]


def geometry(layout):
    """Node rectangles, bands (with their source and target node), label and value boxes."""
    nodes = {
        i: (s["x0"], s["x1"], s["y0"], s["y1"]) for i, s in named(layout, "shapes", "node").items()
    }
    bands = {}
    for k, shape in named(layout, "shapes", "link").items():
        x0, x1, ytop0, ytop1, _w = band_ends(shape["path"])
        src = [
            i
            for i, (a, b, y0, y1) in nodes.items()
            if abs(b - x0) < 0.01 and y0 - 0.01 <= ytop0 <= y1 + 0.01
        ]
        tgt = [
            i
            for i, (a, b, y0, y1) in nodes.items()
            if abs(a - x1) < 0.01 and y0 - 0.01 <= ytop1 <= y1 + 0.01
        ]
        assert len(src) == 1 and len(tgt) == 1, shape["path"]
        bands[k] = (src[0], tgt[0], x0, x1)
    labels = named(layout, "annotations", "label")
    return nodes, bands, labels


@pytest.fixture(scope="module")
def all_codes(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "codes.html"
    run(demo, "sankey", str(out), "--labels", "path")
    data, layout = plotly_json(out.read_text(encoding="utf-8"))
    return layout


def test_no_pair_is_drawn_twice_and_values_are_the_counts(demo, all_codes):
    nodes, bands, labels = geometry(all_codes)
    name = {i: a["text"].replace("<br>", " ") for i, a in labels.items()}
    pairs = [frozenset((name[s], name[t])) for s, t, _x0, _x1 in bands.values()]
    assert len(pairs) == len(set(pairs))
    table = json.loads(run(demo, "cooccur", "--format", "json"))
    expected = {frozenset((p["a"], p["b"])): p["count"] for p in table["pairs"]}
    assert set(pairs) == set(expected)  # every meeting pair, once
    values = named(all_codes, "annotations", "value")
    assert set(values) == set(bands)
    for k, (s, t, _x0, _x1) in bands.items():
        assert int(values[k]["text"]) == expected[frozenset((name[s], name[t]))]


def test_first_column_in_codebook_order(demo, all_codes):
    nodes, bands, labels = geometry(all_codes)
    left = [
        i for i, (x0, _x1, _y0, _y1) in nodes.items() if x0 == min(n[0] for n in nodes.values())
    ]
    name = {i: a["text"].replace("<br>", " ") for i, a in labels.items()}
    top_down = [name[i] for i in sorted(left, key=lambda i: nodes[i][2])]
    order = codebook_paths(demo)
    assert len(top_down) > 10 and top_down == sorted(top_down, key=order.index)
    # a pair runs from the code earlier in the codebook
    for s, t, _x0, _x1 in bands.values():
        assert order.index(name[s]) < order.index(name[t])


def assert_labels_beside_nodes(layout):
    nodes, bands, labels = geometry(layout)
    for i, ann in labels.items():
        left, right, top, bottom = text_box(ann, layout)
        x0, x1, y0, y1 = nodes[i]
        # the label box meets no band's horizontal extent (bands run between node columns)
        for _s, _t, bx0, bx1 in bands.values():
            assert right <= bx0 + 0.5 or left >= bx1 - 0.5, (ann["text"], bx0, bx1)
        # and sits beside its own node: level with it, next to it or inside its column
        assert top <= y1 + 2 and bottom >= y0 - 2, ann["text"]
        assert right <= x0 + 0.5 or left >= x1 - 0.5 or (x0 - 0.5 <= left and right <= x1 + 0.5)
        # no two labels overlap
        for j, other in labels.items():
            if j > i:
                ol, orr, ot, ob = text_box(other, layout)
                assert right <= ol or orr <= left or bottom <= ot or ob <= top, (
                    ann["text"],
                    other["text"],
                )


def test_labels_are_beside_the_nodes_never_on_bands(all_codes):
    assert_labels_beside_nodes(all_codes)


def test_stages_have_headings_and_labels_off_the_bands(demo, tmp_path):
    out = tmp_path / "stages.html"
    run(
        demo,
        "sankey",
        str(out),
        "--stages",
        "region,Decentralization,Effectiveness",
        "--size",
        "double",
    )
    _data, layout = plotly_json(out.read_text(encoding="utf-8"))
    headings = [a["text"] for a in named(layout, "annotations", "heading").values()]
    assert headings == ["<b>region</b>", "<b>Decentralization</b>", "<b>Effectiveness</b>"]
    nodes, bands, labels = geometry(layout)
    assert len({n[0] for n in nodes.values()}) == 3
    assert_labels_beside_nodes(layout)
    # attribute bands take their region's colour, not grey
    colours = {s["fillcolor"] for s in named(layout, "shapes", "link").values()}
    assert not any("127,127,127" in c for c in colours) and len(colours) >= 5


def test_group_figure_has_leaf_labels(demo, tmp_path):
    out = tmp_path / "group.html"
    run(demo, "sankey", str(out), "--group", "Effectiveness", "--values", "c")
    _data, layout = plotly_json(out.read_text(encoding="utf-8"))
    texts = {a["text"].replace("<br>", " ") for a in named(layout, "annotations", "label").values()}
    assert texts and all("/" not in t for t in texts)
    assert texts <= {"Results and outcomes", "Capacity and resources", "Continuity of policy"}
    values = [a["text"] for a in named(layout, "annotations", "value").values()]
    assert values and all(v.startswith("0.") for v in values)


@pytest.fixture(scope="module")
def static(demo, tmp_path_factory):
    """One print figure as SVG, PDF and PNG, all through one kaleido session."""
    if find_browser() is None:
        pytest.skip("no Chrome/Chromium for kaleido (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("static")
    for ext in ("svg", "pdf", "png"):
        run(
            demo,
            "sankey",
            str(folder / f"groups.{ext}"),
            "--depth",
            "1",
            "--size",
            "single",
            "--title",
            "Code groups",
        )
    return folder


@pytest.mark.browser
def test_svg_has_headings_labels_and_values(static):
    root = ET.parse(static / "groups.svg").getroot()
    texts = ["".join(el.itertext()) for el in root.iter() if el.tag.endswith("text")]
    assert "Code" in texts and "Code groups" in texts
    assert {"Representation", "Decentralization", "Effectiveness"} <= set(texts)
    assert "16" in texts  # Decentralization-Effectiveness meet 16 times in the demo
    assert float(root.get("width")) == pytest.approx(85 / 25.4 * 96, abs=1)


@pytest.mark.browser
@pytest.mark.skipif(not has_poppler(), reason="poppler-utils (pdftoppm) not installed")
def test_pdf_page_is_85_mm_and_renders_with_its_text(static, tmp_path):
    info = subprocess.run(
        ["pdfinfo", str(static / "groups.pdf")], capture_output=True, text=True, check=True
    ).stdout
    width_pt = float(info.split("Page size:")[1].split()[0])
    assert width_pt == pytest.approx(85 / 25.4 * 72, abs=1.5)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "300",
            "-png",
            "-singlefile",
            str(static / "groups.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    png = (tmp_path / "page.png").read_bytes()
    assert int.from_bytes(png[16:20], "big") == pytest.approx(1004, abs=3)
    # the page is drawn, not blank: a grey-scale rendering has ink on a good share of it
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "72",
            "-gray",
            "-singlefile",
            str(static / "groups.pdf"),
            str(tmp_path / "grey"),
        ],
        check=True,
    )
    pgm = (tmp_path / "grey.pgm").read_bytes()
    magic, width, height, _maxval, pixels = pgm.split(maxsplit=4)
    assert magic == b"P5" and len(pixels) == int(width) * int(height)
    ink = sum(1 for b in pixels if b < 200) / len(pixels)
    assert 0.05 < ink < 0.8
    text = subprocess.run(
        ["pdftotext", str(static / "groups.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for word in ("Code", "Representation", "Intersectorality", "16"):
        assert word in text


@pytest.mark.browser
def test_png_is_85_mm_at_300_dpi(static):
    png = (static / "groups.png").read_bytes()
    width = int.from_bytes(png[16:20], "big")
    assert width == pytest.approx(85 / 25.4 * 300, abs=3)
