"""What a reviewer of a paper's figures would check, each point as it went wrong once:
codes missing from a figure, captions counting the wrong thing, one caption for several
files, hand edits lost, a heat map whose labels pile up, network edges the wrong way round,
reruns that stop half-way or differ byte for byte, files without resolution or title, and
numbers stored as text."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from tests.figure_helpers import demo_workspace, measure, plotly_json, run
from workbench.export.figures import find_browser

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("review"))


@pytest.fixture(scope="module")
def codings(demo) -> list[dict]:
    return json.loads(run(demo, "codings", "--format", "json"))


def workbench(project: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it: its exit status and its own stderr."""
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--project", str(project), *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=300,
    )


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def caption(path: Path) -> str:
    return path.with_name(path.name + ".caption.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ completeness


def test_a_group_figure_names_the_codes_that_meet_none_of_the_others(demo, codings, tmp_path):
    n = Counter(c["code"] for c in codings)
    out = tmp_path / "dec.html"
    run(demo, "sankey", str(out), "--group", "Decentralization")
    text = caption(out)
    # Budget execution meets no other Decentralization code in the demo
    assert f"Decentralization/Budget execution ({n['Decentralization/Budget execution']} " in text
    assert "Not co-occurring" in text
    out = tmp_path / "par.html"
    run(demo, "sankey", str(out), "--group", "Participation")
    assert "Participation/Community participation (" in caption(out)
    _data, layout = plotly_json(out.read_text(encoding="utf-8"))
    drawn = set(layout["meta"]["sankey"]["labels"]) | set(layout["meta"]["sankey"]["unlinked"])
    assert drawn == {c for c in n if c.startswith("Participation/")}  # every code accounted for


def test_a_group_with_one_link_is_a_band_not_a_block(tmp_path):
    from workbench.export.figures import preset_style
    from workbench.export.sankey import sankey_figure
    from workbench.export.sankey_flows import SankeyData

    data = SankeyData(
        labels=["Access", "Corruption"],
        colours=["#0072B2", "#D55E00"],
        sources=[0],
        targets=[1],
        values=[4],
        columns=[0, 1],
        headings=["Transparency", "with Transparency"],
        texts=["4"],
    )
    layout = sankey_figure(data, preset_style("single")).to_plotly_json()["layout"]
    band = next(s for s in layout["shapes"] if s["name"] == "link:0")
    numbers = [float(v) for v in re.findall(r"-?\d+\.\d+", band["path"])]
    thickness = numbers[9] - numbers[7]
    font = 7 * 96 / 72
    assert thickness <= 4 * 1.3 * font  # a few lines of text, not the canvas
    assert layout["height"] < 0.75 * layout["width"]


def test_the_aspect_figure_puts_one_group_against_every_other_code(demo, tmp_path):
    out = tmp_path / "aspect.html"
    run(demo, "sankey", str(out), "--aspect", "Participation")
    _data, layout = plotly_json(out.read_text(encoding="utf-8"))
    meta = layout["meta"]["sankey"]
    left = {meta["labels"][i] for i in meta["sources"]}
    right = {meta["labels"][i] for i in meta["targets"]}
    assert left and all(c.startswith("Participation/") for c in left)
    assert right and not any(c.startswith("Participation/") for c in right)
    headings = [a["text"] for a in layout["annotations"] if a["name"].startswith("heading:")]
    assert headings == ["<b>Participation</b>", "<b>Co-occurring codes</b>"]
    table = json.loads(run(demo, "cooccur", "--depth", "2", "--format", "json"))
    expected = {
        (p["a"], p["b"]) if p["a"].startswith("Participation/") else (p["b"], p["a"]): p["count"]
        for p in table["pairs"]
        if p["a"].startswith("Participation/") != p["b"].startswith("Participation/")
    }
    drawn = {
        (meta["labels"][s], meta["labels"][t]): v
        for s, t, v in zip(meta["sources"], meta["targets"], meta["values"], strict=True)
    }
    assert drawn == expected
    text = caption(out)
    assert "Participation aspect (left) with every code outside it" in text
    assert f"{len(drawn)} links" in text and f"{sum(drawn.values())} co-occurrences" in text


# ------------------------------------------------------------------ captions


def test_captions_count_what_each_figure_draws(demo, codings, tmp_path):
    n = Counter(c["code"] for c in codings)
    dec = sum(v for k, v in n.items() if k.startswith("Decentralization/"))
    out = tmp_path / "regions.html"
    run(demo, "sankey", str(out), "--attribute", "region", "--right", "Decentralization")
    text = caption(out)
    assert f"({dec} codings)" in text and f"{dec} codings in all" in text
    assert f"{len(codings)} codings" not in text
    assert "co-occurrence" not in text.lower().split("- command")[0]
    out = tmp_path / "lr.html"
    run(demo, "sankey", str(out), "--left", "Decentralization", "--right", "Effectiveness")
    _d, layout = plotly_json(out.read_text(encoding="utf-8"))
    labels = set(layout["meta"]["sankey"]["labels"])
    assert f"({sum(n[c] for c in labels)} codings)" in caption(out)
    assert f"{len(codings)} codings" not in caption(out)
    out = tmp_path / "stages.html"
    run(demo, "sankey", str(out), "--stages", "region,Decentralization,Effectiveness")
    text = caption(out)
    assert "“region” to “Decentralization”" in text and f"{dec} codings in all" in text
    table = json.loads(run(demo, "cooccur", "--depth", "2", "--format", "json"))
    between = sum(
        p["count"]
        for p in table["pairs"]
        if {p["a"].split("/")[0], p["b"].split("/")[0]} == {"Decentralization", "Effectiveness"}
    )
    assert "“Decentralization” to “Effectiveness”: " in text
    assert f"{between} co-occurrences in all" in text


def test_each_output_file_has_its_own_caption(demo, tmp_path):
    run(demo, "network", str(tmp_path / "net.graphml"))
    run(demo, "network", str(tmp_path / "net.gexf"), "--depth", "1")
    assert caption(tmp_path / "net.graphml").startswith("# net.graphml")
    assert caption(tmp_path / "net.gexf").startswith("# net.gexf")
    assert "depth 1" in caption(tmp_path / "net.gexf")
    assert "depth 1" not in caption(tmp_path / "net.graphml")


def test_a_caption_edited_by_hand_is_kept_on_rerun(demo, tmp_path):
    out = tmp_path / "g.html"
    run(demo, "sankey", str(out), "--group", "Transparency")
    side = tmp_path / "g.html.caption.md"
    edited = side.read_text(encoding="utf-8").replace("Draft caption:", "Figure 3.")
    side.write_text(edited, encoding="utf-8")
    done = workbench(demo, "figures", "rerun", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert side.read_text(encoding="utf-8") == edited
    new = tmp_path / "g.html.caption.new.md"
    assert new.read_text(encoding="utf-8").startswith("# g.html")
    assert "kept the edited caption" in done.stderr and str(new) in done.stderr
    # an untouched draft is simply replaced
    new.unlink()
    side.unlink()
    run(demo, "sankey", str(out), "--group", "Transparency")
    run(demo, "sankey", str(out), "--group", "Transparency")
    assert not new.exists()


# ------------------------------------------------------------------ heat map


def test_heat_map_too_wide_for_a_column_is_refused(demo, tmp_path):
    out = tmp_path / "heat.html"
    line = one_line_error(workbench(demo, "cooccur", "--heatmap", str(out), "--size", "single"))
    assert "the heat map of 22 codes needs" in line and "321 px wide" in line
    assert not out.exists()


def test_heat_map_is_a_lower_triangle_with_blank_zeros_and_room_for_labels(demo, tmp_path):
    out = tmp_path / "heat.html"
    run(demo, "cooccur", "--heatmap", str(out), "--size", "double")
    data, layout = plotly_json(out.read_text(encoding="utf-8"))
    table = json.loads(run(demo, "cooccur", "--format", "json"))
    count = {frozenset((p["a"], p["b"])): p["count"] for p in table["pairs"]}
    rows, cols, text = data[0]["y"], data[0]["x"], data[0]["text"]
    codes = table["codes"]
    assert rows == codes[1:] and cols == codes[:-1]
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            if codes.index(c) >= codes.index(r):
                assert text[i][j] == "" and data[0]["z"][i][j] is None  # upper half: none
            else:
                n = count.get(frozenset((r, c)), 0)
                assert text[i][j] == (str(n) if n else "")  # zeros blank, never "0"
    # labels fit their margins, measured in the figure's font
    size = layout["yaxis"]["tickfont"]["size"]
    assert size >= 8 * 96 / 72 - 0.01
    row_w = max(measure(re.sub(r"<[^>]+>", "", t), size) for t in layout["yaxis"]["ticktext"])
    col_h = max(measure(t, size) for t in layout["xaxis"]["ticktext"])
    assert row_w <= layout["margin"]["l"] and col_h <= layout["margin"]["b"]
    cell = (layout["width"] - layout["margin"]["l"] - layout["margin"]["r"]) / len(cols)
    assert max(measure(t, size) for row in text for t in row) < cell  # "0.00" never runs on


@pytest.mark.parametrize(
    "args",
    [
        ("cooccur", "--heatmap", "{out}.html"),
        ("sankey", "{out}.html"),
        ("network", "{out}.graphml"),
    ],
)
def test_nothing_to_draw_is_exit_1_and_no_file(tmp_path, args):
    from workbench.store.project import Project

    empty = tmp_path / "empty.db"
    Project.open(empty).close()
    out = tmp_path / "fig"
    done = workbench(empty, *(a.format(out=out) for a in args))
    assert "nothing to draw" in one_line_error(done)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


# ------------------------------------------------------------------ network


def test_network_conditional_runs_from_source_to_target(demo, tmp_path):
    out = tmp_path / "n.graphml"
    run(demo, "network", str(out))
    table = json.loads(run(demo, "cooccur", "--format", "json"))
    freq = table["frequencies"]
    count = {frozenset((p["a"], p["b"])): p["count"] for p in table["pairs"]}
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(out).getroot()
    keys = {k.get("attr.name"): k.get("id") for k in root.findall("g:key", ns)}
    edges = root.findall(".//g:edge", ns)
    assert len(edges) == len(count)
    for edge in edges:
        a, b = edge.get("source"), edge.get("target")
        values = {d.get("key"): d.text for d in edge.findall("g:data", ns)}
        n = count[frozenset((a, b))]
        assert float(values[keys["conditional_ab"]]) == pytest.approx(min(n, freq[a]) / freq[a])
        assert float(values[keys["conditional_ba"]]) == pytest.approx(min(n, freq[b]) / freq[b])


def test_an_unwritable_folder_is_one_line(demo, tmp_path):
    import os

    if os.geteuid() == 0:
        folder = Path("/proc")  # exists, and nobody may create files in it
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
    for args in (("network", str(folder / "n.graphml")), ("sankey", str(folder / "s.html"))):
        line = one_line_error(workbench(demo, *args))
        assert "cannot write" in line and str(folder) in line


# ------------------------------------------------------------------ rerun


def test_rerun_runs_everything_and_reports_failed_and_stale(tmp_path):
    project = demo_workspace(tmp_path)
    folder = tmp_path / "paper"
    folder.mkdir()
    run(project, "sankey", str(folder / "a.html"), "--group", "Transparency")
    run(project, "sankey", str(folder / "b.html"), "--group", "Participation")
    run(project, "network", str(folder / "c.graphml"), "--codes", "Intersectorality")
    before = (folder / "c.graphml").read_text(encoding="utf-8")
    run(project, "codebook", "delete", "Participation", "--force")
    done = workbench(project, "figures", "rerun", str(folder), cwd=tmp_path)
    assert done.returncode == 1
    assert "failed: b.html" in done.stderr and "stale: b.html" in done.stderr
    assert "failed: a.html" not in done.stderr and "stale: a.html" not in done.stderr
    # the commands after the failing one ran all the same
    assert (folder / "c.graphml").read_text(encoding="utf-8") != before
    assert done.stderr.strip().splitlines()[-1].startswith("error: 1 failed, 1 stale")


def test_rerun_follows_a_renamed_code(tmp_path):
    project = demo_workspace(tmp_path)
    folder = tmp_path / "paper"
    folder.mkdir()
    run(project, "sankey", str(folder / "e.html"), "--group", "Effectiveness")
    run(project, "codebook", "rename", "Effectiveness", "Efficacy")
    run(project, "figures", "rerun", str(folder))
    _d, layout = plotly_json((folder / "e.html").read_text(encoding="utf-8"))
    record = layout["meta"]["workbench"]
    assert record["args"][2:4] == ["--group", "Efficacy"]
    assert all(label.startswith("Efficacy/") for label in layout["meta"]["sankey"]["labels"])


def test_a_deterministic_rerun_with_no_change_is_byte_identical(tmp_path):
    project = demo_workspace(tmp_path)
    folder = tmp_path / "paper"
    folder.mkdir()
    rel = project.relative_to(tmp_path)
    made = [
        ("sankey", "paper/s.html", "--group", "Transparency"),
        ("cooccur", "--depth", "1", "--format", "xlsx", "--out", "paper/t.xlsx"),
        ("report", "codebook", "paper/cb.docx"),
        ("report", "frequencies", "paper/f.md", "--by", "region"),
        ("network", "paper/n.gexf"),
    ]
    if find_browser() is not None:
        made += [("sankey", "paper/s.svg", "--depth", "1"), ("sankey", "paper/s.pdf")]
    for args in made:
        assert workbench(rel, *args, cwd=tmp_path).returncode == 0
    first = workbench(tmp_path / rel, "figures", "rerun", "paper", "--deterministic", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    snapshot = {p.name: p.read_bytes() for p in folder.iterdir()}
    second = workbench(tmp_path / rel, "figures", "rerun", "paper", "--deterministic", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == snapshot
    for name, data in snapshot.items():
        assert str(tmp_path).encode() not in data, name  # no absolute path recorded


# ------------------------------------------------------------------ files


def test_points_are_points(demo, tmp_path):
    out = tmp_path / "s.html"
    run(demo, "sankey", str(out), "--depth", "1", "--font-size", "10")
    _d, layout = plotly_json(out.read_text(encoding="utf-8"))
    labels = [a for a in layout["annotations"] if a["name"].startswith("label:")]
    assert {a["font"]["size"] for a in labels} == {round(10 * 96 / 72, 2)}


def test_tables_keep_numbers_as_numbers_and_size_columns_by_content(demo, tmp_path):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from openpyxl import load_workbook

    run(demo, "report", "codebook", str(tmp_path / "cb.xlsx"), "--unit", "sentence")
    agree = json.loads(run(demo, "agree", "--unit", "sentence", "--format", "json"))
    kappa = {c["code"]: c["kappa"] for c in agree["codes"]}
    ws = load_workbook(tmp_path / "cb.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    k = header.index("Cohen's κ")
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "Budget execution")
    assert isinstance(row[k].value, float) and row[k].number_format == "0.00"
    assert row[k].value == pytest.approx(kappa["Decentralization/Budget execution"])
    run(demo, "report", "codebook", str(tmp_path / "cb.docx"))
    table = Document(str(tmp_path / "cb.docx")).tables[0]
    names = [c.text for c in table.rows[0].cells]
    widths = {name: table.columns[i].width for i, name in enumerate(names)}
    assert widths["Definition"] > 2 * widths["Codings"]
    codings_col = names.index("Codings")
    for r in table.rows[1:]:
        assert r.cells[codings_col].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert r.cells[names.index("Definition")].paragraphs[0].alignment is None
    assert all(r.cells[1].text or r.cells[0].text for r in table.rows[1:])


def test_kaleido_trouble_is_one_line_and_exit_1(demo, tmp_path, monkeypatch, capsys):
    import logging

    import kaleido

    from workbench.cli import main

    if find_browser() is None:
        pytest.skip("no Chrome/Chromium")

    def broken(fig, path, opts):
        logging.getLogger("choreographer.channels.pipe").exception(
            "JSONError decoding message. Ignoring"
        )
        Path(path).write_bytes(b"\x89PNG\r\n\x1a\n")

    monkeypatch.setattr(kaleido, "write_fig_sync", broken)
    monkeypatch.setattr("workbench.export.figures._ensure_server", lambda: None)
    out = tmp_path / "g.png"
    monkeypatch.setattr(sys, "argv", ["workbench", "--project", str(demo), "sankey", str(out)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"error: {out}: static export failed: the browser reported: "
        "JSONError decoding message. Ignoring"
    ]
    assert "Traceback" not in err and not out.exists()


@pytest.mark.browser
def test_png_pdf_carry_resolution_text_chunks_and_title(demo, tmp_path):
    from pypdf import PdfReader

    if find_browser() is None:
        pytest.skip("no Chrome/Chromium")
    run(demo, "sankey", str(tmp_path / "s.png"), "--depth", "1")  # no --size
    run(demo, "sankey", str(tmp_path / "s.pdf"), "--depth", "1", "--title", "Code groups")
    chunks = {}
    data = (tmp_path / "s.png").read_bytes()
    pos = 8
    while pos < len(data):
        n = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        chunks.setdefault(kind, []).append(body)
        pos += 12 + n
    assert int.from_bytes(chunks[b"pHYs"][0][:4], "big") == round(96 / 0.0254)
    keys = {body.split(b"\0", 1)[0] for body in chunks[b"tEXt"]}
    assert {b"workbench-record", b"Comment", b"Title", b"Software"} <= keys
    info = PdfReader(str(tmp_path / "s.pdf")).metadata
    assert info["/Title"] == "Code groups"
    shutil.rmtree(tmp_path)
