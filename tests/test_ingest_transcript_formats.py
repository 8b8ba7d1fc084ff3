"""Speaker turns in the shapes transcription services and tools write.

Each file in ``fixtures/transcripts`` was written for this project in the shape of one
tool's output (QualCoder's example, Markdown, Otter, Rev, Descript-like numbered speakers, a
timestamped log, Zoom and Teams WebVTT, SubRip with and without speakers). Expected speakers,
texts and times are read off the files by eye.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.ingest import read_transcript

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"


def turns(name: str) -> list[tuple[str | None, str, float | None]]:
    parsed = read_transcript(FIXTURES / name)
    return [(t.speaker, parsed.text[t.start : t.end], t.time_start) for t in parsed.turns]


def test_bracketed_ids_with_text_on_the_same_line():
    got = turns("qualcoder_ids.txt")
    assert [s for s, _, _ in got] == ["id1", "id2", "id1", "id2", "id1"]
    assert got[0][1] == "hello, I like the course and the teacher explains things well."


def test_markdown_bold_names():
    got = turns("markdown_bold.md")
    assert [s for s, _, _ in got] == [
        None,
        "Moderadora",
        "Elsa Panduro",
        "Moderadora",
        "Elsa Panduro",
    ]
    assert got[2][1] == "Yo soy Elsa, promotora de salud hace doce años en Pucallpa."


def test_otter_speaker_line_with_time_then_text():
    got = turns("otter.txt")
    assert [(s, t) for s, _, t in got] == [
        ("Daniel Ferreyra", 5.0),
        ("Patricia Salas", 12.0),
        ("Daniel Ferreyra", 63.0),
        ("Patricia Salas", 69.0),
    ]
    assert got[1][1] == (
        "Sure. I coordinate the decentralisation office. We work with the "
        "regional directorates\non budget transfers and on the annual plans."
    )


def test_rev_name_with_time_in_parentheses():
    got = turns("rev.txt")
    assert [(s, t) for s, _, t in got] == [
        ("Daniel Ferreyra", 5.0),
        ("Patricia Salas", 12.0),
        ("Daniel Ferreyra", 63.0),
        ("Patricia Salas", 69.0),
    ]
    assert got[3][1] == "Twice a year in person."


def test_numbered_speakers_with_short_times():
    got = turns("speaker_numbers.txt")
    assert [(s, t) for s, _, t in got] == [
        ("Speaker 1", 0.0),
        ("Speaker 2", 4.0),
        ("Speaker 1", 72.0),
        ("Speaker 2", 80.0),
    ]
    assert got[0][1] == "Okay, we are recording. Thank you for your time today."


def test_timestamp_before_the_name():
    got = turns("timestamped.txt")
    assert [(s, t) for s, _, t in got] == [
        ("Interviewer", 3.0),
        ("Carmen Vela", 9.0),
        ("Interviewer", 83.0),
        ("Carmen Vela", 91.0),
    ]


def test_header_naming_the_interviewer_is_not_a_turn():
    got = turns("header.txt")
    assert [s for s, _, _ in got] == [
        None,
        "Interviewer",
        "Dr. Inés Quispe",
        "Interviewer",
        "Dr. Inés Quispe",
    ]
    assert "Daniel Ferreyra (research team)" in got[0][1]
    assert got[1][1] == "Thank you for agreeing to this interview. Shall we start?"


def test_zoom_vtt_names_in_cue_text():
    got = turns("zoom.vtt")
    assert [(s, t) for s, _, t in got] == [
        ("Ana Pérez", 1.14),
        ("Luis Torres", 10.02),
        ("Ana Pérez", 15.0),
        ("Luis Torres", 18.9),
    ]
    assert got[0][1] == (
        "Hola a todos, gracias por conectarse. Hoy hablamos del consejo regional de salud."
    )


def test_teams_vtt_voice_tags():
    parsed = read_transcript(FIXTURES / "teams.vtt")
    assert [(t.speaker, t.time_start, t.time_end) for t in parsed.turns] == [
        ("Ana Pérez", 1.234, 8.1),
        ("Luis Torres", 9.0, 12.5),
    ]


def test_srt_with_speakers():
    got = turns("speakers.srt")
    assert [(s, t) for s, _, t in got] == [
        ("Entrevistadora", 3.2),
        ("Rosa Sernaqué", 14.79),
        ("Entrevistadora", 24.0),
    ]
    assert got[0][1].endswith("¿Le parece si empezamos con que me cuente quién es usted?")


def test_srt_without_speakers_is_cut_at_pauses():
    parsed = read_transcript(FIXTURES / "plain.srt")
    assert [(t.speaker, t.time_start, t.time_end) for t in parsed.turns] == [
        (None, 1.0, 7.5),
        (None, 12.0, 18.0),
    ]  # 4.5 s of silence between cues 2 and 3
    assert parsed.text[parsed.turns[1].start : parsed.turns[1].end] == (
        "The first item is the transfer to the provinces. It arrived two months late."
    )


@pytest.mark.parametrize(
    "line, speaker",
    [
        ("Ana: hola\nLuis: chau\nAna: bien\n", "Ana"),
        ("ANA: hola\nLUIS: chau\nANA: bien\n", "ANA"),
        ("[Ana] hola\n[Luis] chau\n", "Ana"),
        ("Speaker 1: hola\nSpeaker 2: chau\n", "Speaker 1"),
    ],
)
def test_existing_formats_still_work(line, speaker, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(line, encoding="utf-8")
    parsed = read_transcript(path)
    assert parsed.turns[0].speaker == speaker
    assert parsed.text[parsed.turns[0].start : parsed.turns[0].end] == "hola"


def test_import_dry_run_shows_speakers_and_writes_nothing(tmp_path):
    db = tmp_path / "p.db"
    result = CliRunner().invoke(
        cli,
        [
            "-p",
            str(db),
            "import",
            "--dry-run",
            str(FIXTURES / "otter.txt"),
            str(FIXTURES / "teams.vtt"),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "otter (txt): 387 characters, 4 turns, 2 speakers"
    assert lines[1].startswith("  Daniel Ferreyra: 2 turns; first [0:00:05]: Thanks for joining.")
    assert "  Luis Torres: 1 turn; first [0:00:09]: Gracias, Ana. Yo participo desde 2019." in lines
    assert not db.exists()


def test_dry_run_warns_when_no_turns(tmp_path):
    path = tmp_path / "memo.txt"
    path.write_text("Just notes about the visit.\nNothing else.", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["-p", str(tmp_path / "p.db"), "import", "--dry-run", str(path)]
    )
    assert "no speaker turns found" in result.output


def test_a_first_block_of_timestamped_turns_is_not_a_header(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(
        "[00:00:03] Ana: Hola Luis\n[00:00:05] Luis: Hola Ana\n\n"
        "[00:00:09] Ana: Empecemos.\n[00:00:12] Luis: Bien.\n",
        encoding="utf-8",
    )
    parsed = read_transcript(path)
    assert [(t.speaker, parsed.text[t.start : t.end]) for t in parsed.turns][:2] == [
        ("Ana", "Hola Luis"),
        ("Luis", "Hola Ana"),
    ]


def test_a_single_line_ending_in_a_time_is_not_a_speaker(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(
        "Notes from the visit to Piura.\nMeeting 2:30\nWe met the director.\n", encoding="utf-8"
    )
    assert read_transcript(path).turns == []
