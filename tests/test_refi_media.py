"""REFI-QDA round trip of a media-linked project: AudioSource, Transcript, SyncPoint and
TranscriptSelection, checked against the published schema in ``../shared/refi-qda``."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from media_helpers import interview_recording, needs_tools

from workbench.interop.qdpx import export_qdpx, import_qdpx
from workbench.ops.codes import add_code
from workbench.ops.coding import apply_code
from workbench.ops.imports import import_files
from workbench.ops.media import add_sync_point, link_media, media_links, media_status
from workbench.ops.media_time import timeline
from workbench.store.project import Project

pytestmark = needs_tools

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent.parent / "shared" / "refi-qda" / "Project.xsd"
SCHEMA = SHARED if SHARED.exists() else REPO / "workbench" / "interop" / "schemas" / "Project.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}

VTT = """WEBVTT

00:00:00.000 --> 00:00:03.000
Ana: Hello and welcome to the interview.

00:00:03.000 --> 00:00:07.000
Luis: Thank you. I work at the regional health office.

00:00:07.000 --> 00:00:10.000
Ana: How are the representatives chosen? Tell me everything.
"""


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("refi-recording")
    return interview_recording(
        folder,
        [
            ("Hello and welcome to the interview.", 3.0),
            ("Thank you. I work at the regional health office.", 4.0),
            ("How are the representatives chosen?", 3.0),
        ],
        "DRS01.wav",
    )


def media_project(folder: Path, recording: Path) -> Path:
    """A project with a linked recording (offset 0.5 s), a sync point by hand, two codings
    on the transcript, and a plain text document beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "DRS01.vtt").write_text(VTT)
    (folder / "notes.txt").write_text("Rosa: We held an election in each province.")
    (folder / "audio").mkdir()
    shutil.copyfile(recording, folder / "audio" / "DRS01.wav")
    path = folder / "workbench.db"
    with Project.open(path) as p:
        import_files(p, [folder / "DRS01.vtt", folder / "notes.txt"])
        link_media(p, "DRS01", folder / "audio" / "DRS01.wav", offset=0.5)
        add_code(p, "Participation/Office")
        add_code(p, "Representation/Elections")
        text = p.text(p.document("DRS01").id)
        third = p.turns(p.document("DRS01").id)[2]
        add_sync_point(p, "DRS01", third.start + 20, 8.9)
        start = text.index("I work")
        apply_code(p, "DRS01", "Participation/Office", start, start + 30, coder="maria")
        apply_code(
            p, "DRS01", "Representation/Elections", third.start + 8, third.end, coder="james"
        )
        apply_code(p, "notes", "Representation/Elections", 6, 13, coder="maria")
    return path


def coding_times(p: Project) -> dict[tuple[str, str], tuple[float, float]]:
    out = {}
    for coding in p.codings():
        doc = p.document(coding.document_id)
        text = p.text(doc.id)
        line = timeline(p, doc.id)
        out[(doc.name, text[coding.start : coding.end])] = line.span(coding.start, coding.end)
    return out


def test_media_project_round_trips_with_its_sync_points_and_times(tmp_path, recording):
    path = media_project(tmp_path / "study", recording)
    out = tmp_path / "study.qdpx"
    with Project.open(path) as p:
        export_qdpx(p, out)
        before = coding_times(p)
        syncs = p.conn.execute("SELECT position, time FROM sync_points").fetchall()
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde")
        assert not any(n.endswith(".wav") for n in zf.namelist())  # linked, not embedded
    root = etree.fromstring(qde)
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(root)
    [audio] = root.findall(".//q:AudioSource", NS)
    assert audio.get("name") == "DRS01" and audio.get("path") == "relative://audio/DRS01.wav"
    assert root.get("basePath") == str(tmp_path / "study")
    [transcript] = audio.findall("q:Transcript", NS)
    points = {p.get("guid"): p for p in transcript.findall("q:SyncPoint", NS)}
    # turn times shifted by the offset (0.5 s), in milliseconds
    stamps = sorted(int(p.get("timeStamp")) for p in points.values())
    assert 500 in stamps and 3500 in stamps and 8900 in stamps
    selections = transcript.findall("q:TranscriptSelection", NS)
    assert len(selections) == 2
    for sel in selections:
        start, end = points[sel.get("fromSyncPoint")], points[sel.get("toSyncPoint")]
        assert int(start.get("position")) < int(end.get("position"))
        assert sel.find("q:Coding/q:CodeRef", NS) is not None
    assert len(root.findall(".//q:TextSource", NS)) == 1  # the plain document stays text

    # into a new project elsewhere: the same codings, times, sync points and recording
    other = tmp_path / "colleague"
    other.mkdir()
    with Project.open(other / "workbench.db") as q:
        report = import_qdpx(q, out)
        assert report.codings == 3, report.skipped
        assert coding_times(q) == before
        assert q.conn.execute("SELECT position, time FROM sync_points").fetchall() == syncs
        [link] = media_links(q)
        assert link.offset == 0.5 and link.document == "DRS01"
        assert [s.status for s in media_status(q, verify=True)] == ["ok"]


def test_another_tool_reading_only_the_standard_keeps_the_codings_times(tmp_path, recording):
    """Without our extension (as any other tool reads the file), every SyncPoint becomes a
    sync point, so each coding on the transcript keeps its time span (to the millisecond)."""
    path = media_project(tmp_path / "study", recording)
    out = tmp_path / "study.qdpx"
    with Project.open(path) as p:
        export_qdpx(p, out, media="embed")
        before = coding_times(p)
    bare = tmp_path / "bare.qdpx"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bare, "w") as dst:
        names = src.namelist()
        assert any(n.startswith("sources/") and n.endswith(".wav") for n in names)
        for name in names:
            if not name.startswith("workbench/"):
                dst.writestr(name, src.read(name))
    other = tmp_path / "colleague"
    other.mkdir()
    with Project.open(other / "workbench.db") as q:
        report = import_qdpx(q, bare)
        assert report.codings == 3
        after = coding_times(q)
        assert after.keys() == before.keys()
        for key, (start, end) in before.items():
            assert after[key][0] == pytest.approx(start, abs=0.001)
            assert after[key][1] == pytest.approx(end, abs=0.001)
        # the embedded recording was written beside the new project and linked
        [state] = media_status(q, verify=True)
        assert state.status == "ok" and state.file.parent == other / "recordings"
        assert state.file.read_bytes() == recording.read_bytes()


def test_a_foreign_audio_source_with_sync_points_and_a_missing_recording(tmp_path):
    """An AudioSource as other tools write one: inline transcript, sync points in
    milliseconds, a selection between two of them, the recording not at hand."""
    text = "Interviewer: Where do you work?\nNurse: At the clinic in Cusco."
    at = text.index("At the clinic")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="NVivo 14">
 <CodeBook><Codes><Code guid="A0000000-0000-0000-0000-00000000000A" name="Place"
   isCodable="true"/></Codes></CodeBook>
 <Sources>
  <AudioSource guid="B0000000-0000-0000-0000-00000000000B" name="Nurse"
      path="C:\\\\Recordings\\\\nurse.m4a">
   <Transcript guid="C0000000-0000-0000-0000-00000000000C">
    <PlainTextContent>{text}</PlainTextContent>
    <SyncPoint guid="D0000000-0000-0000-0000-00000000000D" timeStamp="0" position="0"/>
    <SyncPoint guid="E0000000-0000-0000-0000-00000000000E" timeStamp="61500" position="{at}"/>
    <SyncPoint guid="F0000000-0000-0000-0000-00000000000F" timeStamp="64000"
        position="{len(text)}"/>
    <TranscriptSelection guid="10000000-0000-0000-0000-000000000001"
        fromSyncPoint="E0000000-0000-0000-0000-00000000000E"
        toSyncPoint="F0000000-0000-0000-0000-00000000000F">
     <Coding guid="20000000-0000-0000-0000-000000000002">
      <CodeRef targetGUID="A0000000-0000-0000-0000-00000000000A"/></Coding>
    </TranscriptSelection>
   </Transcript>
   <AudioSelection guid="30000000-0000-0000-0000-000000000003" begin="0" end="1000"/>
  </AudioSource>
 </Sources>
</Project>"""
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(etree.fromstring(qde.encode()))
    archive = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("project.qde", qde)
    with Project.open(tmp_path / "workbench.db") as q:
        report = import_qdpx(q, archive)
        doc = q.document("Nurse")
        [coding] = q.codings()
        assert q.text(doc.id)[coding.start : coding.end] == "At the clinic in Cusco."
        assert timeline(q, doc.id).span(coding.start, coding.end) == (61.5, 64.0)
        assert media_links(q) == []
        assert any("not found" in n and "media link" in n for n in report.notes)
        assert any("AudioSelection" in s for s in report.skipped)
        assert not report.ignored  # everything else of the media source was read
