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
    add_codes,
    add_doc,
    code,
    small_study,
)
from workbench.analysis.cooccurrence import cooccurrence, frequencies_by
from workbench.analysis.filters import Selection, case_values, code_scope
from workbench.export import figures
from workbench.export.figures import FigureStyle, find_browser, write_figure
from workbench.export.sankey import sankey_figure
from workbench.export.sankey_flows import (
    attribute_flows,
    code_flows,
    group_flows,
    order_columns,
    stage_flows,
)
from workbench.palette import translucent
from workbench.store.errors import WorkbenchError

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason="headless Chromium not installed at /usr/bin/chromium (apt-get install chromium)",
)


@pytest.fixture
def study(project):
    return small_study(project)


def links_of(data):
    return {
        (data.labels[s], data.labels[t]): v
        for s, t, v in zip(data.sources, data.targets, data.values, strict=True)
    }


def test_code_flows_left_to_right(study):
    result = cooccurrence(study)
    left = code_scope(study, [DEC])[0]
    right = code_scope(study, [PAR])[0]
    data = code_flows(result, left, right)
    assert data.labels == [BUDGET, AUTONOMY, CIVIL, BARRIERS]
    assert data.columns == [0, 0, 1, 1]
    assert links_of(data) == {(BUDGET, CIVIL): 2, (AUTONOMY, CIVIL): 1, (AUTONOMY, BARRIERS): 1}
    assert data.texts == ["2", "1", "1"]
    # subcodes without a colour of their own take their group's
    assert data.colours == [GROUP_COLOURS[DEC]] * 2 + [GROUP_COLOURS[PAR]] * 2


def test_each_unordered_pair_is_drawn_once(study):
    data = code_flows(cooccurrence(study))
    # small_study: Budget-Civil 2, Budget-Autonomy 1, Autonomy-Civil 1, Autonomy-Barriers 1;
    # codebook order Budget, Autonomy, Civil, Barriers: each pair from the earlier code
    assert links_of(data) == {
        (BUDGET, CIVIL): 2,
        (BUDGET, AUTONOMY): 1,
        (AUTONOMY, CIVIL): 1,
        (AUTONOMY, BARRIERS): 1,
    }
    assert data.column_labels(0) == [BUDGET, AUTONOMY]
    assert data.column_labels(1) == [AUTONOMY, CIVIL, BARRIERS]


def test_group_flows_are_one_groups_codes_with_each_other(study):
    result = cooccurrence(study, selection=Selection.build(codes=[DEC], depth=2))
    data = group_flows(result, DEC)
    assert links_of(data) == {(BUDGET, AUTONOMY): 1}
    assert data.headings == [DEC, f"with {DEC}"]
    with pytest.raises(WorkbenchError, match="no two codes of Participation co-occur"):
        group_flows(cooccurrence(study, selection=Selection.build(codes=[PAR], depth=2)), PAR)


def test_values_printed_as_count_c_or_conditional(study):
    result = cooccurrence(study)
    data = code_flows(result, [BUDGET], [CIVIL], values="c")
    # Budget 2 codings, Civil 2, 2 meetings: c = 2 / (2 + 2 - 2) = 1
    assert data.texts == ["1.00"]
    data = code_flows(result, [AUTONOMY], [BARRIERS], values="conditional")
    assert data.texts == ["50%"]  # 1 of Autonomy's 2 codings meets Barriers
    assert code_flows(result, [AUTONOMY], [BARRIERS], values="none").texts == [""]


def test_c_measure_and_group_rollup(study):
    result = cooccurrence(study, selection=Selection.build(depth=1))
    data = code_flows(result, [DEC], [PAR], measure="c")
    assert data.labels == [DEC, PAR]
    # rolled up: Decentralization 4 codings, Participation 3, 4 cross-group pairs; c is
    # ATLAS.ti's n12 / (n1 + n2 - n12), uncapped
    assert data.values == [round(4 / (4 + 3 - 4), 4)]
    with pytest.raises(WorkbenchError):
        code_flows(result, measure="conditional")


def test_an_undefined_c_prints_a_dash_and_refuses_to_size_a_band(project):
    """Two codings of A each overlap two of B: n12 = 4 >= n1 + n2 = 4, so c is undefined."""
    add_doc(project, "d1")
    add_codes(project, "A", "B")
    for start, end in ((0, 10), (20, 30)):
        code(project, "d1", "A", start, end)
    for start, end in ((5, 25), (8, 28)):
        code(project, "d1", "B", start, end)
    result = cooccurrence(project)
    assert result.pair("A", "B").c is None
    data = code_flows(result, ["A"], ["B"], values="c")
    assert data.values == [4] and data.texts == ["–"]
    assert "c = –" in data.hovers[0]
    with pytest.raises(WorkbenchError, match="c is undefined for A – B.*--measure count"):
        code_flows(result, ["A"], ["B"], measure="c")


def test_attribute_flows_are_coloured_by_their_value(study):
    groups = case_values(study, "region")
    chosen, counts = frequencies_by(study, groups, selection=Selection.build(codes=[DEC]))
    data = attribute_flows(counts, chosen.codes, chosen.colours, attribute="region")
    assert links_of(data) == {
        ("Loreto", BUDGET): 1,
        ("Loreto", AUTONOMY): 1,
        ("Piura", BUDGET): 1,
        ("Piura", AUTONOMY): 1,
    }
    assert data.headings == ["region", "Code"]
    loreto, piura = data.colours[:2]
    assert loreto != piura and "#7F7F7F" not in (loreto, piura)
    fig = sankey_figure(data)
    bands = [s for s in fig.layout.shapes if s.name.startswith("link:")]
    assert {b.fillcolor for b in bands} == {translucent(loreto, 0.45), translucent(piura, 0.45)}


def test_stages_run_from_an_attribute_through_two_groups(study):
    data = stage_flows(study, ["region", DEC, PAR])
    assert data.headings == ["region", DEC, PAR]
    assert data.column_labels(0) == ["Loreto", "Piura"]
    assert data.column_labels(1) == [BUDGET, AUTONOMY]
    assert data.column_labels(2) == [CIVIL, BARRIERS]
    assert links_of(data) == {
        ("Loreto", BUDGET): 1,
        ("Loreto", AUTONOMY): 1,
        ("Piura", BUDGET): 1,
        ("Piura", AUTONOMY): 1,
        (BUDGET, CIVIL): 2,
        (AUTONOMY, CIVIL): 1,
        (AUTONOMY, BARRIERS): 1,
    }
    with pytest.raises(WorkbenchError, match="only come first"):
        stage_flows(study, [DEC, "region", PAR])
    with pytest.raises(WorkbenchError, match="same level"):
        stage_flows(study, ["region", DEC, BUDGET])


def crossings(data) -> int:
    """Pairs of links between the same two columns whose ends swap order (counted directly)."""
    pos = {}
    for col in set(data.columns):
        for rank, label in enumerate(i for i, c in enumerate(data.columns) if c == col):
            pos[label] = rank
    links = list(zip(data.sources, data.targets, strict=True))
    n = 0
    for i, (s1, t1) in enumerate(links):
        for s2, t2 in links[i + 1 :]:
            if (
                data.columns[s1] == data.columns[s2]
                and (pos[s1] - pos[s2]) * (pos[t1] - pos[t2]) < 0
            ):
                n += 1
    return n


def test_barycentric_order_removes_a_crossing_and_keeps_the_first_column():
    from workbench.export.sankey_flows import SankeyData

    # codebook order A, B | X, Y, Z with A->Z, B->X, B->Y: barycentres X 1, Y 1, Z 0
    data = SankeyData(
        labels=["A", "B", "X", "Y", "Z"],
        colours=["#000000"] * 5,
        sources=[0, 1, 1],
        targets=[4, 2, 3],
        values=[1, 1, 1],
        columns=[0, 0, 1, 1, 1],
    )
    assert crossings(data) == 2
    ordered = order_columns(data)
    assert ordered.column_labels(0) == ["A", "B"]
    assert ordered.column_labels(1) == ["Z", "X", "Y"]  # ties X, Y keep codebook order
    assert crossings(ordered) == 0
    assert links_of(ordered) == links_of(data)


def test_ordering_never_adds_crossings_on_the_study(study):
    data = code_flows(cooccurrence(study))
    assert crossings(order_columns(data)) <= crossings(data)


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
    with pytest.raises(
        WorkbenchError,
        match="no Chrome/Chromium found for SVG/PDF/PNG export; install chromium or export .html",
    ):
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
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    # nodes and bands are shapes, one <path> each, in the shape layers plotly.js draws
    shapes = re.findall(r'<path[^>]*data-index="\d+"', dom)
    assert len(shapes) == data.node_count + data.link_count == 5 + 4
    for label in ("Budget execution", "Civil society inclusion"):
        assert label in dom


@pytest.fixture(scope="module")
def static_files(tmp_path_factory):
    """One figure written as SVG, PDF and PNG through one shared kaleido server."""
    if find_browser() is None:
        pytest.skip("no Chrome/Chromium for kaleido (apt-get install chromium)")
    from workbench.store.project import Project

    project = small_study(Project.memory())
    data = code_flows(cooccurrence(project))
    style = FigureStyle(
        title="Decentralization and participation", width=900, height=600, font_size=14, scale=2
    )
    fig = sankey_figure(data, style)
    folder = tmp_path_factory.mktemp("figures")
    try:
        files = {
            ext: write_figure(fig, folder / f"sankey.{ext}", style) for ext in ("svg", "pdf", "png")
        }
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
    assert {label.rsplit("/", 1)[-1] for label in data.labels} <= texts  # leaf labels
    assert "Decentralization and participation" in texts
    assert {t for t in data.texts} <= texts  # link values


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
