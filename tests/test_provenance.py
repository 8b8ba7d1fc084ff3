"""Every exported figure says how it was made, and ``figures rerun`` makes it again."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.figure_helpers import demo_workspace, plotly_json, run
from workbench.export.figures import find_browser
from workbench.export.provenance import fingerprint
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("prov"))


def project_fingerprint(path: Path) -> str:
    with Project.open(path) as p:
        return fingerprint(p)


def png_text(path: Path) -> dict[str, str]:
    """tEXt and iTXt chunks of a PNG, read with a loop of our own."""
    data = path.read_bytes()
    out, pos = {}, 8
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        if kind == b"tEXt":
            key, text = body.split(b"\0", 1)
            out[key.decode()] = text.decode("latin-1")
        if kind == b"iTXt":
            key, rest = body.split(b"\0", 1)
            # flag, method, language\0, translated keyword\0, text
            _language, _translated, text = rest[2:].split(b"\0", 2)
            out[key.decode()] = text.decode("utf-8")
        if kind == b"pHYs":
            out["pHYs"] = str(struct.unpack(">IIB", body))
        pos += 12 + n
    return out


def test_fingerprint_follows_the_coding(tmp_path):
    project = demo_workspace(tmp_path)
    before = project_fingerprint(project)
    assert project_fingerprint(project) == before
    run(
        project,
        "code",
        "apply",
        "--doc",
        "DRS01",
        "--code",
        "Decentralization/Budget execution",
        "--start",
        "10",
        "--end",
        "20",
        "--coder",
        "maria",
    )
    assert project_fingerprint(project) != before


def test_html_carries_command_fingerprint_and_caption(demo, tmp_path):
    out = tmp_path / "groups.html"
    run(demo, "sankey", str(out), "--depth", "1")
    page = out.read_text(encoding="utf-8")
    _data, layout = plotly_json(page)
    record = layout["meta"]["workbench"]
    assert record["command"] == f"workbench --project {demo} sankey {out} --depth 1"
    assert record["fingerprint"] == project_fingerprint(demo)
    assert 'name="workbench:command"' in page
    caption = (tmp_path / "groups.html.caption.md").read_text(encoding="utf-8")
    codings = json.loads(run(demo, "codings", "--format", "json"))
    assert "From 8 documents, 2 coders (james, maria)." in caption
    # every code is drawn here: the codings drawn are all the codings
    assert f"Drawn: 7 codes ({len(codings)} codings)" in caption
    assert "overlap" in caption and "number of co-occurrences" in caption
    assert record["command"] in caption


@pytest.fixture(scope="module")
def static(demo, tmp_path_factory):
    if find_browser() is None:
        pytest.skip("no Chrome/Chromium for kaleido (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("static-prov")
    for ext in ("svg", "pdf", "png"):
        run(
            demo, "sankey", str(folder / f"g.{ext}"), "--group", "Effectiveness", "--size", "single"
        )
    run(demo, "cooccur", "--depth", "1", "--heatmap", str(folder / "heat.png"))
    return folder


@pytest.mark.browser
def test_svg_pdf_png_carry_the_record(demo, static):
    fp = project_fingerprint(demo)
    root = ET.parse(static / "g.svg").getroot()
    meta = [el for el in root.iter() if el.tag.endswith("workbench-record")]
    assert json.loads(meta[0].text)["fingerprint"] == fp
    from pypdf import PdfReader

    info = PdfReader(str(static / "g.pdf")).metadata
    assert fp in info["/Keywords"] and "sankey" in info["/Subject"]
    texts = png_text(static / "g.png")
    assert json.loads(texts["workbench-record"])["args"][0] == "sankey"
    assert fp in texts["Comment"]
    assert texts["pHYs"] == str((11811, 11811, 1))  # 300 dpi
    heat = json.loads(png_text(static / "heat.png")["workbench-record"])
    assert heat["args"][:3] == ["cooccur", "--depth", "1"]


def test_rerun_makes_every_figure_again_from_its_record(tmp_path):
    project = demo_workspace(tmp_path)
    folder = tmp_path / "paper"
    folder.mkdir()
    run(
        project,
        "sankey",
        str(folder / "a.html"),
        "--left",
        "Decentralization",
        "--right",
        "Effectiveness",
        "--labels",
        "path",
    )
    run(project, "sankey", str(folder / "b.html"), "--group", "Transparency")
    (folder / "notes.md").write_text("not a figure\n", encoding="utf-8")
    old = {
        name: plotly_json((folder / name).read_text(encoding="utf-8"))[1]
        for name in ("a.html", "b.html")
    }
    # a new coding of Budget execution over a Results and outcomes passage
    coded = json.loads(run(project, "codings", "--format", "json"))
    budget = {
        (c["document"], c["start"], c["end"], c["coder"])
        for c in coded
        if c["code"] == "Decentralization/Budget execution"
    }
    target = next(  # not coded so by that coder already: that would be refused as a duplicate
        c
        for c in coded
        if c["code"] == "Effectiveness/Results and outcomes"
        and (c["document"], c["start"], c["end"], c["coder"]) not in budget
    )
    run(
        project,
        "code",
        "apply",
        "--doc",
        target["document"],
        "--code",
        "Decentralization/Budget execution",
        "--start",
        str(target["start"]),
        "--end",
        str(target["end"]),
        "--coder",
        target["coder"],
    )
    listed = run(project, "figures", "rerun", str(folder), "--dry-run")
    assert len(listed.strip().splitlines()) == 2
    run(project, "figures", "rerun", str(folder))
    new = {
        name: plotly_json((folder / name).read_text(encoding="utf-8"))[1]
        for name in ("a.html", "b.html")
    }
    fp = project_fingerprint(project)
    for name in new:
        assert new[name]["meta"]["workbench"]["fingerprint"] == fp
        assert old[name]["meta"]["workbench"]["fingerprint"] != fp
        assert new[name]["meta"]["workbench"]["args"][1] == str(folder / name)

    def value(layout, a, b):
        s = layout["meta"]["sankey"]
        for src, tgt, v in zip(s["sources"], s["targets"], s["values"], strict=True):
            if (s["labels"][src], s["labels"][tgt]) == (a, b):
                return v
        return 0

    pair = ("Decentralization/Budget execution", "Effectiveness/Results and outcomes")
    assert value(new["a.html"], *pair) == value(old["a.html"], *pair) + 1
    assert (folder / "notes.md").read_text(encoding="utf-8") == "not a figure\n"


def test_reference_figures_are_the_demos_and_rerun(tmp_path):
    """docs/figures holds small PNGs made from the demo; each names its command."""
    pngs = sorted((REPO / "docs" / "figures").glob("*.png"))
    assert len(pngs) >= 3
    doc = (REPO / "docs" / "cooccurrence.md").read_text(encoding="utf-8")
    project = demo_workspace(tmp_path)
    fp = project_fingerprint(project)
    for png in pngs:
        assert png.stat().st_size < 400_000, png.name
        assert f"figures/{png.name}" in doc
        record = json.loads(png_text(png)["workbench-record"])
        assert record["fingerprint"] == fp, (
            f"{png.name} is stale: workbench figures rerun docs/figures"
        )
        assert record["project"] == "workbench-demo/workbench.db"
    copy = tmp_path / "figures"
    shutil.copytree(REPO / "docs" / "figures", copy)
    listed = run(project, "figures", "rerun", str(copy), "--dry-run").strip().splitlines()
    assert len(listed) == len(pngs)
    assert all(re.search(r"figures/\S+\.png", line) for line in listed)


def test_tables_carry_the_record_and_rerun(demo, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    run(demo, "export", "matrix", str(tmp_path / "m.xlsx"), "--by", "region")
    run(demo, "export", "matrix", str(tmp_path / "m.csv"))
    run(
        demo, "export", "quotations", str(tmp_path / "q.docx"), "--codes", "Transparency/Corruption"
    )
    run(demo, "export", "quotations", str(tmp_path / "q.md"), "--codes", "Transparency/Corruption")
    fp = project_fingerprint(demo)
    book = load_workbook(tmp_path / "m.xlsx")
    assert book.properties.keywords == fp
    assert json.loads(book.properties.description)["args"][:2] == ["export", "matrix"]
    assert [r[0].value for r in book["about"].iter_rows()] == ["command", "project fingerprint"]
    props = Document(str(tmp_path / "q.docx")).core_properties
    assert props.keywords == fp and json.loads(props.comments)["args"][1] == "quotations"
    md = (tmp_path / "q.md").read_text(encoding="utf-8")
    assert md.startswith("# Quotations by code") and f"fingerprint {fp}" in md
    assert "workbench-record" not in (tmp_path / "m.csv").read_text(encoding="utf-8")
    listed = run(demo, "figures", "rerun", str(tmp_path), "--dry-run").splitlines()
    assert sorted(shlex.split(line)[5] for line in listed) == [
        str(tmp_path / name) for name in ("m.xlsx", "q.docx", "q.md")
    ]


def test_rerun_moves_every_output_of_one_command_together(demo, tmp_path):
    made = tmp_path / "made"
    made.mkdir()
    run(
        demo,
        "cooccur",
        "--depth",
        "1",
        "--format",
        "xlsx",
        "--out",
        str(made / "t.xlsx"),
        "--heatmap",
        str(made / "h.html"),
    )
    moved = tmp_path / "moved"
    made.rename(moved)
    listed = run(demo, "figures", "rerun", str(moved), "--dry-run").strip().splitlines()
    assert len(listed) == 1  # one command wrote both files
    assert str(moved / "t.xlsx") in listed[0] and str(moved / "h.html") in listed[0]
    run(demo, "figures", "rerun", str(moved))
    assert not made.exists()


def test_a_caption_counts_as_edited_when_its_text_or_its_mark_changed():
    from workbench.export.captions import caption_edited, caption_text
    from workbench.export.record import Record

    record = Record(
        "workbench sankey out.html",
        ["sankey", "out.html"],
        "out.html",
        "study.db",
        "sha256:0123456789abcdef",
        counts={"documents": 2, "coders": ["ana"], "codings": 5},
    )
    draft = caption_text(record, "Codes by region")
    assert not caption_edited(draft)
    assert caption_edited(draft.replace("Codes by region", "Codes by province"))
    body, mark, _ = draft.rpartition("\n<!-- workbench-caption ")
    assert mark and caption_edited(body + "\n")  # the mark deleted with the draft's end
