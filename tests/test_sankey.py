"""Sankey figures: their data, offline HTML read back from headless Chromium, static files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cooccur_helpers import (
    AUTONOMY,
    BARRIERS,
    BUDGET,
    CIVIL,
    DEC,
    GROUP_COLOURS,
    PAR,
    small_study,
)
from workbench.analysis.cooccurrence import cooccurrence, frequencies_by
from workbench.analysis.filters import Selection, case_values, code_scope
from workbench.errors import WorkbenchError
from workbench.export import figures
from workbench.export.figures import FigureStyle, find_browser, write_figure
from workbench.export.sankey import attribute_flows, code_flows, sankey_figure

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason="headless Chromium not installed at /usr/bin/chromium (apt-get install chromium)",
)


@pytest.fixture
def study(project):
    return small_study(project)


def test_code_flows_left_to_right(study):
    result = cooccurrence(study)
    left = code_scope(study, [DEC])[0]
    right = code_scope(study, [PAR])[0]
    data = code_flows(result, left, right)
    assert data.labels == [BUDGET, AUTONOMY, CIVIL, BARRIERS]
    links = {(data.labels[s], data.labels[t]): v
             for s, t, v in zip(data.sources, data.targets, data.values, strict=True)}
    assert links == {(BUDGET, CIVIL): 2, (AUTONOMY, CIVIL): 1, (AUTONOMY, BARRIERS): 1}
    # subcodes without a colour of their own take their group's
    assert data.colours == [GROUP_COLOURS[DEC]] * 2 + [GROUP_COLOURS[PAR]] * 2


def test_codes_on_both_sides_are_listed_twice(study):
    data = code_flows(cooccurrence(study))
    # 4 pairs, each drawn both ways (rows -> columns of the symmetric table)
    assert data.link_count == 8
    assert data.node_count == 8
    assert all(t >= 4 for t in data.targets) and all(s < 4 for s in data.sources)


def test_c_measure_and_group_rollup(study):
    result = cooccurrence(study, selection=Selection.build(depth=1))
    data = code_flows(result, [DEC], [PAR], measure="c")
    assert data.labels == [DEC, PAR]
    # rolled up: Decentralization 4 codings, Participation 3, 4 cross-group pairs; c is
    # ATLAS.ti's n12 / (n1 + n2 - n12), uncapped
    assert data.values == [round(4 / (4 + 3 - 4), 4)]
    with pytest.raises(WorkbenchError):
        code_flows(result, measure="conditional")


def test_attribute_flows(study):
    groups = case_values(study, "region")
    chosen, counts = frequencies_by(study, groups, selection=Selection.build(codes=[DEC]))
    data = attribute_flows(counts, chosen.codes, chosen.colours)
    links = {(data.labels[s], data.labels[t]): v
             for s, t, v in zip(data.sources, data.targets, data.values, strict=True)}
    assert links == {("Loreto", BUDGET): 1, ("Loreto", AUTONOMY): 1,
                     ("Piura", BUDGET): 1, ("Piura", AUTONOMY): 1}
    assert data.colours[:2] == ["#7F7F7F", "#7F7F7F"]


def test_html_is_offline(study, tmp_path):
    out = write_figure(sankey_figure(code_flows(cooccurrence(study))), tmp_path / "s.html")
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=\"https?://", html)
    assert "https://cdn" not in " ".join(re.findall(r"<script[^>]*>", html))
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js inline


def test_unknown_format_and_missing_browser(study, tmp_path, monkeypatch):
    fig = sankey_figure(code_flows(cooccurrence(study)))
    with pytest.raises(WorkbenchError, match="unknown figure format"):
        write_figure(fig, tmp_path / "s.jpeg")
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chrome"))
    assert find_browser() is None
    with pytest.raises(WorkbenchError, match="no Chrome/Chromium found for SVG/PDF/PNG export; "
                                             "install chromium or export .html"):
        write_figure(fig, tmp_path / "s.svg")
    assert list(tmp_path.iterdir()) == []


def test_style_is_checked():
    with pytest.raises(WorkbenchError):
        FigureStyle(width=10)
    with pytest.raises(WorkbenchError):
        FigureStyle(scale=0)


@pytest.mark.browser
@needs_chromium
def test_headless_chromium_renders_every_node_and_link(study, tmp_path):
    data = code_flows(cooccurrence(study))
    page = write_figure(sankey_figure(data), tmp_path / "s.html")
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
         "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    assert len(re.findall(r'class="sankey-node"', dom)) == data.node_count == 8
    assert len(re.findall(r'class="sankey-link"', dom)) == data.link_count == 8
    for label in (BUDGET, CIVIL):
        assert label in dom


@pytest.fixture(scope="module")
def static_files(tmp_path_factory):
    """One figure written as SVG, PDF and PNG through one shared kaleido server."""
    if find_browser() is None:
        pytest.skip("no Chrome/Chromium for kaleido (apt-get install chromium)")
    from workbench.project import Project

    project = small_study(Project.memory())
    data = code_flows(cooccurrence(project))
    style = FigureStyle(title="Decentralization and participation", width=900, height=600,
                        font_size=14, scale=2)
    fig = sankey_figure(data, style)
    folder = tmp_path_factory.mktemp("figures")
    try:
        files = {ext: write_figure(fig, folder / f"sankey.{ext}", style)
                 for ext in ("svg", "pdf", "png")}
    finally:
        figures.close_server()
        project.close()
    return data, files


@pytest.mark.browser
def test_svg_is_the_figure(static_files):
    data, files = static_files
    root = ET.parse(files["svg"]).getroot()
    assert root.tag.endswith("svg") and root.get("width") == "900"
    texts = {"".join(el.itertext()) for el in root.iter() if el.tag.endswith("text")}
    assert set(data.labels) <= texts
    assert "Decentralization and participation" in texts
    assert len([el for el in root.iter() if el.get("class") == "sankey-link"]) == data.link_count


@pytest.mark.browser
def test_pdf_and_png_are_valid(static_files):
    _data, files = static_files
    assert files["pdf"].read_bytes()[:5] == b"%PDF-"
    png = files["png"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1800, 1200)  # 900 x 600 at scale 2
    assert len(png) > 10_000


def test_no_temporary_files_left(tmp_path, study):
    write_figure(sankey_figure(code_flows(cooccurrence(study))), tmp_path / "x.html")
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["x.html"]


def test_chromium_on_path_is_found(monkeypatch, tmp_path):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    if not os.access(CHROMIUM, os.X_OK) and shutil.which("chromium") is None:
        pytest.skip("no chromium installed")
    assert find_browser() is not None
