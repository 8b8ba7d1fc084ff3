"""Each transcript format read into text + speaker turns, and the all-or-nothing import."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest
from ingest_helpers import utterances, write_docx, write_odt

from workbench.ingest import read_transcript
from workbench.ops.imports import import_files
from workbench.store.errors import DuplicateDocumentError, InputFileError
from workbench.store.project import Project

INTERVIEW = (
    "Entrevista DRS01 — Piura\n"
    "\n"
    "ENTREVISTADORA:\t¿Cómo fue la participación de la sociedad civil este año?\n"
    "Dr. Rosa Quispe: Hubo mucha participación. Sin embargo, faltó presupuesto.\n"
    "Las comunidades pidieron más información.\n"
    "ENTREVISTADORA: ¿Y el gobierno central?\n"
    "Dr. Rosa Quispe: Dependemos de él. ¿Qué más podemos hacer?\n"
)
EXPECTED = [
    (None, "Entrevista DRS01 — Piura"),
    ("ENTREVISTADORA", "¿Cómo fue la participación de la sociedad civil este año?"),
    (
        "Dr. Rosa Quispe",
        "Hubo mucha participación. Sin embargo, faltó presupuesto.\n"
        "Las comunidades pidieron más información.",
    ),
    ("ENTREVISTADORA", "¿Y el gobierno central?"),
    ("Dr. Rosa Quispe", "Dependemos de él. ¿Qué más podemos hacer?"),
]


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
        lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
        lambda s: s.replace("—", "-").encode("cp1252"),
        lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16le", "utf16be", "cp1252", "crlf"],
)
def test_txt_in_every_encoding_gives_the_same_turns(tmp_path: Path, encode) -> None:
    path = tmp_path / "DRS01.txt"
    path.write_bytes(encode(INTERVIEW))
    parsed = read_transcript(path)
    expected = [(s, u.replace("—", "-")) if s is None else (s, u) for s, u in EXPECTED]
    got = [(s, u.replace("—", "-")) for s, u in utterances(parsed)]
    assert got == expected
    assert "\r" not in parsed.text and "Ã" not in parsed.text
    assert parsed.source_format == "txt"


def test_markdown_keeps_its_text_and_finds_bold_labels(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Interview\n\n**Ana:** Hola.\n\n**Luis:** Buenas.\n", encoding="utf-8")
    parsed = read_transcript(path)
    assert parsed.source_format == "md"
    assert parsed.text.startswith("# Interview")
    assert utterances(parsed) == [(None, "# Interview"), ("Ana", "Hola."), ("Luis", "Buenas.")]


def test_docx_paragraphs_runs_and_tables(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "COM01.docx",
        [
            "ENTREVISTADOR:\t¿Qué pasó con la participación?",
            [("Sra. Ana Huamán: ", False), ("Mucho ", True), ("cambió.", False)],
            "Segundo párrafo de Ana.",
            "ENTREVISTADOR: Gracias.",
        ],
        table=[("Sra. Ana Huamán", "De nada.")],
    )
    parsed = read_transcript(path)
    assert parsed.source_format == "docx"
    assert "\n\nSegundo párrafo de Ana.\n\n" in parsed.text  # paragraph breaks kept
    assert utterances(parsed) == [
        ("ENTREVISTADOR", "¿Qué pasó con la participación?"),
        ("Sra. Ana Huamán", "Mucho cambió.\n\nSegundo párrafo de Ana."),
        ("ENTREVISTADOR", "Gracias."),
        ("Sra. Ana Huamán", "De nada."),
    ]


def test_odt_paragraphs_headings_spans_tabs_spaces_and_line_breaks(tmp_path: Path) -> None:
    path = write_odt(
        tmp_path / "NGO01.odt",
        [
            ["INTERVIEWER:", "TAB", "How did ", ("SPAN", "participation"), " change?"],
            ["NGO:", " It grew,", ("S", 3), "slowly.", "BR", "Then it stalled."],
            ["INTERVIEWER: Why?"],
            ["NGO: Funding."],
        ],
        heading="Interview NGO01",
    )
    parsed = read_transcript(path)
    assert parsed.text.startswith("Interview NGO01\n\nINTERVIEWER:\tHow did participation change?")
    assert utterances(parsed) == [
        (None, "Interview NGO01"),
        ("INTERVIEWER", "How did participation change?"),
        ("NGO", "It grew,   slowly.\nThen it stalled."),
        ("INTERVIEWER", "Why?"),
        ("NGO", "Funding."),
    ]


VTT = """WEBVTT
Kind: captions
Language: es

NOTE grabado en Lima

intro-1
00:00:01.000 --> 00:00:04.000 align:start
<v Entrevistadora>¿Cómo describe la <i>participación</i>?

00:00:04.500 --> 00:00:08.250
<v Dr. Rosa Quispe>Fue limitada &amp; desigual.

00:00:08.250 --> 00:00:10.000
<v Dr. Rosa Quispe>Sobre todo en el año 2021.

00:01:10.000 --> 00:01:12.000
<v.loud Entrevistadora>¿Por qué?</v>

01:00:00.000 --> 01:00:03.500
Dr. Rosa Quispe: Por el presupuesto.
Entrevistadora: Entiendo.
"""


def test_vtt_voices_labels_merged_cues_and_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "DRS02.vtt"
    path.write_text(VTT, encoding="utf-8")
    parsed = read_transcript(path)
    assert parsed.text == (
        "Entrevistadora: ¿Cómo describe la participación?\n\n"
        "Dr. Rosa Quispe: Fue limitada & desigual. Sobre todo en el año 2021.\n\n"
        "Entrevistadora: ¿Por qué?\n\n"
        "Dr. Rosa Quispe: Por el presupuesto.\n\n"
        "Entrevistadora: Entiendo."
    )
    assert [
        (t.speaker, parsed.text[t.start : t.end], t.time_start, t.time_end) for t in parsed.turns
    ] == [
        ("Entrevistadora", "¿Cómo describe la participación?", 1.0, 4.0),
        ("Dr. Rosa Quispe", "Fue limitada & desigual. Sobre todo en el año 2021.", 4.5, 10.0),
        ("Entrevistadora", "¿Por qué?", 70.0, 72.0),
        ("Dr. Rosa Quispe", "Por el presupuesto.", 3600.0, 3603.5),
        ("Entrevistadora", "Entiendo.", 3600.0, 3603.5),
    ]
    assert parsed.metadata["cues"] == 5


def test_vtt_cues_without_speaker_continue_the_last_one(tmp_path: Path) -> None:
    path = tmp_path / "x.vtt"
    path.write_text(
        "WEBVTT\n\n00:01.000 --> 00:02.000\nAna: hola\n\n"
        "00:02.000 --> 00:03.000\nsigo yo\n\n00:03.000 --> 00:04.000\nLuis: bien\n"
        "\n00:04.000 --> 00:05.000\nAna: ok\n\n00:05.000 --> 00:06.000\nLuis: ya\n",
        encoding="utf-8",
    )
    parsed = read_transcript(path)
    assert [
        (t.speaker, parsed.text[t.start : t.end], t.time_start, t.time_end) for t in parsed.turns
    ][0] == ("Ana", "hola sigo yo", 1.0, 3.0)


SRT = """1
00:00:01,000 --> 00:00:03,500
Entrevistador: ¿Cuál fue su <i>rol</i>?

2
00:00:03,600 --> 00:00:07,000
Señora Núñez: Coordiné la mesa de concertación.

3
00:00:07,000 --> 00:00:09,000
Señora Núñez: Durante dos años.

4
00:00:09,500 --> 00:00:11,000
Entrevistador: ¿Y después?
"""


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_srt_labels_merged_cues_timestamps_and_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "MIN01.srt"
    path.write_bytes(SRT.encode(encoding))
    parsed = read_transcript(path)
    assert [
        (t.speaker, parsed.text[t.start : t.end], t.time_start, t.time_end) for t in parsed.turns
    ] == [
        ("Entrevistador", "¿Cuál fue su rol?", 1.0, 3.5),
        ("Señora Núñez", "Coordiné la mesa de concertación. Durante dos años.", 3.6, 9.0),
        ("Entrevistador", "¿Y después?", 9.5, 11.0),
    ]
    assert "Señora Núñez: Coordiné" in parsed.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "a.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhola\n\n00:00:03 --> 00:00:04.000\nx\n",
            "a.vtt:line 6: malformed cue timing",
        ),
        (
            "b.vtt",
            "00:00:01.000 --> 00:00:02.000\nhola\n",
            "b.vtt:line 1: not a WebVTT file (the first line must be WEBVTT)",
        ),
        (
            "c.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nhola\n\n2\n00:00:05,000 --> 00:00:04,000\nx\n",
            "c.srt:line 6: cue ends before it starts",
        ),
        (
            "d.srt",
            "just some words\nno timing\n",
            "d.srt:line 1: caption text before the first cue timing",
        ),
        ("e.srt", "1\n00:00:01,000 --> 00:00:02,000\n\n", "e.srt: the captions have no text"),
        (
            "f.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:75.000\nhola\n",
            "f.vtt:line 3: malformed cue timing (00:00:75.000)",
        ),
    ],
)
def test_caption_errors_name_the_file_and_line(tmp_path: Path, name, content, message) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_transcript(path)
    assert str(info.value) == message


def test_bad_files_are_refused_with_one_line_naming_them(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    good = write_docx(tmp_path / "good.docx", ["Ana: hola"])
    (tmp_path / "interview.docx").write_bytes(good.read_bytes()[:700])
    (tmp_path / "fake.docx").write_text("not a zip at all", encoding="utf-8")
    (tmp_path / "fake.odt").write_text("not a zip at all", encoding="utf-8")
    (tmp_path / "audio.mp3").write_bytes(b"ID3")
    with zipfile.ZipFile(tmp_path / "hollow.docx", "w") as archive:
        archive.writestr("hello.txt", "no word document inside")
    cases = {
        "empty.txt": "empty.txt: empty file",
        "image.txt": "image.txt: binary data at byte 8, not a transcript",
        "interview.docx": "interview.docx: not a valid .docx (truncated or not a zip)",
        "fake.docx": "fake.docx: not a valid .docx (truncated or not a zip)",
        "fake.odt": "fake.odt: not a valid .odt (truncated or not a zip)",
        "audio.mp3": "audio.mp3: unsupported file type '.mp3' "
        "(use .txt, .md, .markdown, .docx, .odt, .vtt, .srt)",
        "missing.txt": f"{tmp_path / 'missing.txt'}: no such file",
    }
    for name, message in cases.items():
        with pytest.raises(InputFileError) as info:
            read_transcript(tmp_path / name)
        assert str(info.value) == message
        assert "\n" not in str(info.value)
    with pytest.raises(InputFileError, match=r"^hollow\.docx: not a valid \.docx"):
        read_transcript(tmp_path / "hollow.docx")


# ------------------------------------------------------------------ import_files


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_stores_text_turns_sentences_and_spanish_questions(tmp_path: Path) -> None:
    project = Project.memory()
    project.set_setting("language", "es")
    [doc] = import_files(project, [_write(tmp_path, "DRS01.txt", INTERVIEW)])
    assert doc.name == "DRS01" and doc.source_format == "txt" and doc.language == "es"
    text = project.text(doc.id)
    stored = [(t.speaker, text[t.start : t.end]) for t in project.turns(doc.id)]
    assert stored == EXPECTED
    sentences = [text[u.start : u.end] for u in project.units(doc.id, "sentence")]
    assert sentences == [
        "Entrevista DRS01 — Piura",
        "¿Cómo fue la participación de la sociedad civil este año?",
        "Hubo mucha participación.",
        "Sin embargo, faltó presupuesto.",
        "Las comunidades pidieron más información.",
        "¿Y el gobierno central?",
        "Dependemos de él.",
        "¿Qué más podemos hacer?",
    ]


def test_vtt_timestamps_are_stored_on_turns(tmp_path: Path) -> None:
    project = Project.memory()
    [doc] = import_files(project, [_write(tmp_path, "DRS02.vtt", VTT)])
    assert [(t.time_start, t.time_end) for t in project.turns(doc.id)][:2] == [
        (1.0, 4.0),
        (4.5, 10.0),
    ]


def test_one_bad_file_means_nothing_is_imported(tmp_path: Path) -> None:
    project = Project.memory()
    good = _write(tmp_path, "good.txt", "Ana: hola\nLuis: chau\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    with pytest.raises(InputFileError, match="bad.txt: empty file"):
        import_files(project, [good, bad])
    assert project.documents() == []
    assert project.conn.execute("SELECT count(*) FROM actions").fetchone()[0] == 0


def test_reimport_of_the_same_text_is_refused_unless_forced(tmp_path: Path) -> None:
    project = Project.memory()
    first = _write(tmp_path, "DRS01.txt", INTERVIEW)
    copy = _write(tmp_path, "copy.txt", INTERVIEW)
    import_files(project, [first])
    with pytest.raises(DuplicateDocumentError, match=r"^copy\.txt: the same text is already"):
        import_files(project, [copy])
    with pytest.raises(DuplicateDocumentError, match=r"^DRS01\.txt: the same text"):
        import_files(project, [first])
    forced = import_files(project, [first], force=True)
    assert [d.name for d in forced] == ["DRS01 (2)"]
    assert len(project.documents()) == 2


def test_two_files_with_the_same_text_in_one_import_are_refused(tmp_path: Path) -> None:
    project = Project.memory()
    a = _write(tmp_path, "a.txt", "Ana: hola\n")
    b = _write(tmp_path, "b.txt", "Ana: hola\n")
    with pytest.raises(DuplicateDocumentError, match=r"^b\.txt: the same text as a\.txt"):
        import_files(project, [a, b])
    assert project.documents() == []


def test_name_case_and_automatic_case_link(tmp_path: Path) -> None:
    project = Project.memory()
    project.case_id("NGO01")
    [named] = import_files(
        project, [_write(tmp_path, "raw.txt", "Ana: uno\n")], name="ACA01", case="ACA01"
    )
    [auto] = import_files(project, [_write(tmp_path, "NGO01.txt", "Ana: dos\n")])
    [loose] = import_files(project, [_write(tmp_path, "other.txt", "Ana: tres\n")])
    cases = {c.id: c.name for c in project.cases()}
    assert named.name == "ACA01" and cases[named.case_id] == "ACA01"
    assert cases[auto.case_id] == "NGO01"
    assert loose.case_id is None


def test_progress_reports_reading_then_storing(tmp_path: Path) -> None:
    project = Project.memory()
    paths = [_write(tmp_path, f"{i}.txt", f"Ana: texto {i}\n") for i in range(3)]
    seen: list[tuple[str, int, int]] = []
    import_files(project, paths, progress=lambda *args: seen.append(args))
    assert seen == [
        ("read", 1, 3),
        ("read", 2, 3),
        ("read", 3, 3),
        ("store", 1, 3),
        ("store", 2, 3),
        ("store", 3, 3),
    ]
