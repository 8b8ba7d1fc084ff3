"""Linking recordings to documents, made on the spot with espeak-ng and sox."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from media_helpers import INTERVIEW_TURNS, INTERVIEW_VTT, interview_recording, needs_tools, speak

from workbench.ops import media
from workbench.ops.imports import import_files
from workbench.ops.media_time import timeline
from workbench.store.errors import InputFileError, WorkbenchError
from workbench.store.project import Project

pytestmark = needs_tools

VTT = INTERVIEW_VTT


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    """A ten-second interview: turns start at 0, 3 and 7 seconds, as the VTT says."""
    folder = tmp_path_factory.mktemp("recording")
    return interview_recording(folder, INTERVIEW_TURNS, "DRS01.wav")


@pytest.fixture
def study(tmp_path, recording) -> Path:
    """A project folder with the transcript and its recording side by side."""
    folder = tmp_path / "study"
    (folder / "recordings").mkdir(parents=True)
    (folder / "DRS01.vtt").write_text(VTT, encoding="utf-8")
    shutil.copyfile(recording, folder / "recordings" / "DRS01.wav")
    return folder


def sha256sum(path: Path) -> str:
    done = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True, text=True)
    return done.stdout.split()[0]


def test_link_stores_relative_path_size_and_checksum_of_the_media(study):
    with Project.open(study / "workbench.db") as p:
        import_files(p, [study / "DRS01.vtt"])
        link = media.link_media(p, "DRS01", study / "recordings" / "DRS01.wav", offset=0)
        wav = study / "recordings" / "DRS01.wav"
        assert link.path == "recordings/DRS01.wav"
        assert link.size == wav.stat().st_size
        assert link.sha256 == sha256sum(wav)  # of the media file, not of the project
        assert link.kind == "audio"
        assert link.duration == pytest.approx(10.0, abs=0.01)
        # the project holds no audio: it stays a few tens of kilobytes
        row = p.conn.execute("SELECT * FROM media").fetchone()
        assert not any(isinstance(v, bytes) for v in row)
        # undoable like every action
        assert p.undo() is not None and media.media_link(p, link.document_id) is None


def test_time_of_a_position_exact_at_turns_and_sync_points(study):
    with Project.open(study / "workbench.db") as p:
        [doc] = import_files(p, [study / "DRS01.vtt"])
        media.link_media(p, doc.id, study / "recordings" / "DRS01.wav")
        turns = p.turns(doc.id)
        line = timeline(p, doc.id)
        assert [line.time_at(t.start) for t in turns] == [0.0, 3.0, 7.0]
        second = turns[1]
        middle = (second.start + second.end) // 2
        share = (middle - second.start) / (second.end - second.start)
        assert line.time_at(middle) == pytest.approx(3.0 + 4.0 * share)
        # a sync point by hand inside the second turn: exact there, linear on each side
        at = second.start + 20
        media.add_sync_point(p, doc.id, at, 6.0)
        line = timeline(p, doc.id)
        assert line.point(at).time == 6.0 and line.point(at).source == "sync"
        assert line.time_at(second.start + 10) == pytest.approx(4.5)
        # moving it: the same position gets the new time; time may not run backwards
        media.add_sync_point(p, doc.id, at, 5.0)
        assert media.sync_points(p, doc.id) == [(at, 5.0)]
        with pytest.raises(WorkbenchError, match="backwards"):
            media.add_sync_point(p, doc.id, at + 5, 4.0)
        with pytest.raises(WorkbenchError, match="only 10.0 seconds"):
            media.add_sync_point(p, doc.id, at + 5, 60.0)
        with pytest.raises(WorkbenchError, match="character position"):
            media.add_sync_point(p, doc.id, doc.length + 1, 9.0)


def test_list_reports_missing_and_changed_files_and_relink_finds_moved_ones(study):
    with Project.open(study / "workbench.db") as p:
        import_files(p, [study / "DRS01.vtt"])
        wav = study / "recordings" / "DRS01.wav"
        media.link_media(p, "DRS01", wav)
        assert [s.status for s in media.media_status(p)] == ["ok"]
        # moved (and renamed) deeper into the folder: missing, then found by checksum
        moved = study / "archive" / "2024" / "interview-one.wav"
        moved.parent.mkdir(parents=True)
        wav.rename(moved)
        assert [s.status for s in media.media_status(p)] == ["missing"]
        # a decoy of the same size but other content is not taken
        decoy = study / "archive" / "decoy.wav"
        data = bytearray(moved.read_bytes())
        data[-1] ^= 0xFF
        decoy.write_bytes(bytes(data))
        [moved_row] = media.relink(p)
        assert moved_row.new_path == "archive/2024/interview-one.wav"
        assert [s.status for s in media.media_status(p)] == ["ok"]
        # the same size but changed content: "changed" once the checksum is read
        moved.write_bytes(bytes(data))
        assert [s.status for s in media.media_status(p, verify=True)] == ["changed"]
        assert media.relink(p) == []  # nothing with the recorded checksum anywhere now
        # a folder that is not there is said, whether or not anything is missing
        with pytest.raises(WorkbenchError, match="not a folder"):
            media.relink(p, [study / "no-such-folder"])
        moved.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
        media.relink(p)
        assert [s.status for s in media.media_status(p)] == ["ok"]
        with pytest.raises(WorkbenchError, match="not a folder"):
            media.relink(p, [study / "no-such-folder"])


def test_a_moved_project_with_its_recordings_still_finds_them(study, tmp_path):
    with Project.open(study / "workbench.db") as p:
        import_files(p, [study / "DRS01.vtt"])
        media.link_media(p, "DRS01", study / "recordings" / "DRS01.wav")
    elsewhere = tmp_path / "copied"
    shutil.copytree(study, elsewhere)
    shutil.rmtree(study)
    with Project.open(elsewhere / "workbench.db") as p:
        [state] = media.media_status(p)
        assert state.status == "ok" and state.file == elsewhere / "recordings" / "DRS01.wav"


def test_import_links_the_recording_of_the_same_name(study):
    shutil.copyfile(study / "recordings" / "DRS01.wav", study / "DRS01.wav")
    (study / "NGO02.vtt").write_text(VTT.replace("Hello", "Good morning"), encoding="utf-8")
    with Project.open(study / "workbench.db") as p:
        docs = import_files(p, [study / "DRS01.vtt", study / "NGO02.vtt"], link_media=True)
        assert [d.name for d in docs] == ["DRS01", "NGO02"]
        [link] = media.media_links(p)
        assert link.document == "DRS01" and link.path == "DRS01.wav"


def test_bad_recordings_are_refused_with_one_line_and_nothing_changes(study, tmp_path):
    with Project.open(study / "workbench.db") as p:
        import_files(p, [study / "DRS01.vtt"])
        before = p.conn.execute("SELECT count(*) FROM actions").fetchone()[0]
        fake = tmp_path / "notes.mp3"
        fake.write_text("these are my notes, not a recording")
        cases = [
            (fake, "not an audio or video file"),
            (tmp_path / "none.wav", "no such file"),
            (study / "DRS01.vtt", "not a recording this project can link"),
            (study / "workbench.db", "not a recording this project can link"),
            (tmp_path, "not a recording"),
        ]
        empty = tmp_path / "empty.ogg"
        empty.write_bytes(b"")
        cases.append((empty, "empty file"))
        for path, message in cases:
            with pytest.raises(InputFileError, match=message) as info:
                media.link_media(p, "DRS01", path)
            assert "\n" not in str(info.value) and str(path) in str(info.value)
        with pytest.raises(WorkbenchError, match="no document"):
            media.link_media(p, "NOBODY", study / "recordings" / "DRS01.wav")
        assert p.conn.execute("SELECT count(*) FROM actions").fetchone()[0] == before
        assert media.media_links(p) == []


def test_other_containers_are_linked_with_their_kind_and_length(tmp_path):
    spoken = speak("one two three", tmp_path / "a.wav")
    subprocess.run(["sox", str(spoken), str(tmp_path / "a.flac")], check=True)
    subprocess.run(["sox", str(spoken), str(tmp_path / "a.ogg")], check=True)
    with Project.open(tmp_path / "workbench.db") as p:
        from core_helpers import add_interview

        add_interview(p, "rosa")
        for suffix in (".flac", ".ogg"):
            link = media.link_media(p, "rosa", tmp_path / f"a{suffix}")
            assert link.kind == "audio" and link.path == f"a{suffix}"
            assert link.duration == pytest.approx(media.duration_of(spoken), abs=0.05)


def test_the_server_address_and_what_it_serves(study):
    with Project.open(study / "workbench.db") as p:
        [doc] = import_files(p, [study / "DRS01.vtt"])
        wav = study / "recordings" / "DRS01.wav"
        media.link_media(p, "DRS01", wav)
        guid = p.conn.execute("SELECT guid FROM documents").fetchone()[0]
        assert media.listen_address(p, doc.id, 3.04, 7.0) == f"/listen/{guid}?start=3.0&end=7.0"
        link, file = media.media_by_guid(p, guid)
        assert file == wav and link.content_type == "audio/wav"
        assert media.media_by_guid(p, "NOT-A-GUID") is None
        # a file put in the recording's place since (another size) is not served
        wav.write_bytes(wav.read_bytes() + b"more")
        assert media.media_by_guid(p, guid) is None


FFMPEG_FORMATS = {
    # suffix: (ffmpeg arguments for the container, kind)
    ".mp3": (["-c:a", "libmp3lame"], "audio"),
    ".m4a": (["-c:a", "aac"], "audio"),
    ".webm": (["-f", "lavfi", "-i", "color=c=black:s=64x48:r=5", "-shortest", "-c:v", "libvpx",
               "-c:a", "libopus"], "video"),
    ".mp4": (["-f", "lavfi", "-i", "color=c=black:s=64x48:r=5", "-shortest", "-c:v", "mpeg4",
              "-c:a", "aac"], "video"),
}  # fmt: skip


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the compressed files")
@pytest.mark.parametrize("suffix", sorted(FFMPEG_FORMATS))
def test_compressed_recordings_and_videos_are_linked_with_their_kind_and_length(
    tmp_path: Path, suffix: str
) -> None:
    """The containers recorders and phones write (mp3, m4a, mp4, webm) link like wav does:
    their kind read from the file and their length within a tenth of a second (webm's length
    is left unknown: its container is not read for it)."""
    spoken = speak("one two three four", tmp_path / "a.wav")
    extra, kind = FFMPEG_FORMATS[suffix]
    out = tmp_path / f"a{suffix}"
    video_input = extra[: extra.index("-shortest")] if kind == "video" else []
    codecs = extra[extra.index("-shortest") :] if kind == "video" else extra
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(spoken), *video_input, *codecs, str(out)],
        check=True,
    )
    with Project.open(tmp_path / "workbench.db") as p:
        from core_helpers import add_interview

        add_interview(p, "rosa")
        link = media.link_media(p, "rosa", out)
        assert (link.kind, link.path) == (kind, f"a{suffix}")
        if suffix == ".webm":  # Matroska's length is not read (mutagen): said as unknown
            assert link.duration is None
        else:
            assert link.duration == pytest.approx(media.duration_of(spoken), abs=0.1)
