"""Speaker turns in plain text: the label conventions we recognise and the look-alikes we don't."""

from __future__ import annotations

from workbench.ingest.speakers import detect_turns, find_labels
from workbench.textnorm import normalise


def turns(text: str) -> list[tuple[str | None, str]]:
    text = normalise(text)
    result = [(t.speaker, text[t.start : t.end]) for t in detect_turns(text)]
    for t in detect_turns(text):  # offsets are half-open and never include the label
        assert 0 <= t.start <= t.end <= len(text)
        assert not text[t.start : t.end].startswith((" ", "\t", "\n"))
    return result


def test_name_and_capitals_with_spaces_or_tabs_after_the_colon() -> None:
    assert turns("ENTREVISTADOR:\t¿Cómo empezó?\nAna: Bien.\nENTREVISTADOR:   ¿Y luego?\n") == [
        ("ENTREVISTADOR", "¿Cómo empezó?"),
        ("Ana", "Bien."),
        ("ENTREVISTADOR", "¿Y luego?"),
    ]


def test_multi_word_names_titles_and_roles() -> None:
    text = (
        "Entrevistador: ¿Cuál es su cargo?\n"
        "Dr. Rosa Quispe: Directora regional.\n"
        "Entrevistador: Gracias.\n"
        "María de la Cruz: Yo también estuve.\n"
        "Dr. Rosa Quispe: Así es.\n"
        "María de la Cruz: Sí.\n"
    )
    assert [s for s, _ in turns(text)] == [
        "Entrevistador",
        "Dr. Rosa Quispe",
        "Entrevistador",
        "María de la Cruz",
        "Dr. Rosa Quispe",
        "María de la Cruz",
    ]


def test_bracketed_names_and_numbered_speakers() -> None:
    assert turns("[Interviewer] What changed?\n[Ana] The budget.\n") == [
        ("Interviewer", "What changed?"),
        ("Ana", "The budget."),
    ]
    assert turns("Speaker 1: hello\nSpeaker 2: hi there\nSpeaker 1: so\n") == [
        ("Speaker 1", "hello"),
        ("Speaker 2", "hi there"),
        ("Speaker 1", "so"),
    ]


def test_continuation_lines_and_paragraphs_belong_to_the_current_turn() -> None:
    text = "Ana: First line.\nsecond line.\n\nA new paragraph.\nLuis: Reply.\n\n\n"
    assert turns(text) == [
        ("Ana", "First line.\nsecond line.\n\nA new paragraph."),
        ("Luis", "Reply."),
    ]


def test_header_before_the_first_label_is_a_turn_without_speaker() -> None:
    assert turns("Interview DRS01\nLima, 2023\n\nAna: Hola.\nLuis: Chau.") == [
        (None, "Interview DRS01\nLima, 2023"),
        ("Ana", "Hola."),
        ("Luis", "Chau."),
    ]


def test_notes_urls_times_and_sentences_with_colons_are_not_speakers() -> None:
    text = (
        "Ana: We met in March.\n"
        "Note: the recorder stopped here.\n"
        "http://example.org/report was cited.\n"
        "10:30 was the time.\n"
        "The problem was simple: there was no money.\n"
        "Nota: pausa.\n"
        "Luis: Understood.\n"
        "Ana: Good.\n"
        "Luis: Yes.\n"
    )
    result = turns(text)
    assert [s for s, _ in result] == ["Ana", "Luis", "Ana", "Luis"]
    assert result[0][1].endswith("Nota: pausa.")


def test_a_one_off_label_is_not_a_speaker_when_others_repeat() -> None:
    text = "Ana: one\nLuis: two\nResult: a heading\nAna: three\nLuis: four\n"
    assert [s for s, _ in turns(text)] == ["Ana", "Luis", "Ana", "Luis"]


def test_a_one_off_label_that_is_unmistakably_a_speaker_is_kept() -> None:
    text = (
        "Ana: one\nLuis: two\nSpeaker 3: interrupting\nDR. LÓPEZ: also once\nAna: end\nLuis: ok\n"
    )
    assert [s for s, _ in turns(text)] == ["Ana", "Luis", "Speaker 3", "DR. LÓPEZ", "Ana", "Luis"]


def test_long_names_and_many_words_are_not_labels() -> None:
    assert turns("This sentence has far too many words: yes\nAna: hi\nAna: hi\n")[0][0] is None
    assert find_labels("A" * 41 + ": text\n") == []


def test_timestamps_before_a_label_give_the_turn_its_start_time() -> None:
    text = normalise("[00:01:05] Ana: Hola.\n(1:02:03.5) Luis: Buenas.\n12:30 Ana: Otra vez.\n")
    found = detect_turns(text)
    assert [(t.speaker, t.time_start) for t in found] == [
        ("Ana", 65.0),
        ("Luis", 3723.5),
        ("Ana", 750.0),
    ]
    assert text[found[0].start : found[0].end] == "Hola."


def test_markdown_bold_labels() -> None:
    assert turns("**Ana:** Hola.\n**Luis**: Buenas.\n") == [("Ana", "Hola."), ("Luis", "Buenas.")]


def test_no_labels_means_no_turns() -> None:
    assert turns("Just a memo about the project.\nNothing else.") == []


def test_a_label_with_nothing_said_makes_no_empty_turn() -> None:
    assert turns("Ana:\nLuis: hola\nAna:   \nLuis: chau") == [("Luis", "hola"), ("Luis", "chau")]


def test_a_generic_role_in_a_header_is_not_a_one_off_speaker() -> None:
    text = (
        "Participant: ACA01 (health policy researcher)\nDate: 14 March 2024\n\n"
        "Interviewer: Hello.\nDr. Quispe: Hello.\nInterviewer: Begin.\nDr. Quispe: Yes.\n"
        "Participant 4: Me too.\n"
    )
    assert [s for s, _ in turns(text)] == [
        None,
        "Interviewer",
        "Dr. Quispe",
        "Interviewer",
        "Dr. Quispe",
        "Participant 4",
    ]
