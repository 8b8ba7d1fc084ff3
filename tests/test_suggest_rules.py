"""The rule suggester: keywords on lemmas and lower case (English, Spanish), regexes, speakers."""

from __future__ import annotations

import pytest

from tests.suggest_helpers import add_text
from workbench.ops import codes
from workbench.store.errors import WorkbenchError
from workbench.suggest.rules import RuleSuggester, add_speaker_rule, remove_speaker_rule


def fired(project, doc_name):
    """{sentence text: [reasons]} of the rule suggestions for a document."""
    doc = project.document(doc_name)
    text = project.text(doc.id)
    out: dict[str, list[str]] = {}
    for c in RuleSuggester(project).candidates(doc.id):
        out.setdefault(text[c.start : c.end], []).append(
            f"{project.code_by_id(c.code_id).path}: {c.reason}"
        )
    return out


def test_english_keywords_match_inflected_forms(project):
    codes.add_code(
        project,
        "Representation/Selecting representatives",
        keywords={"en": ["representative", "election", "ministry of economy"]},
    )
    add_text(
        project,
        "en1",
        (
            "Rosa: The representatives met in the hall. Nothing else happened that day. "
            "Elections were held in May. The Ministry of Economy decided the rest. "
            "We represent nobody."
        ),
        language="en",
    )
    hits = fired(project, "en1")
    assert hits == {
        "The representatives met in the hall.": [
            "Representation/Selecting representatives: keyword 'representative' (lemma)"
        ],
        "Elections were held in May.": [
            "Representation/Selecting representatives: keyword 'election' (lemma)"
        ],
        "The Ministry of Economy decided the rest.": [
            "Representation/Selecting representatives: keyword 'ministry of economy' (lemma)"
        ],
    }


# Spanish forms checked against the lookup tables of spacy-lookups-data:
#   descentralizado/-a/-os/-as -> descentralizar; descentralizaciones -> descentralización;
#   representantes -> representante; elecciones -> elección; votaciones -> votación.
SPANISH = {
    "La gestión está descentralizada desde hace años.": "descentralizado",
    "Los hospitales descentralizados no tienen plata.": "descentralizado",
    "Las redes descentralizadas compran sus insumos.": "descentralizado",
    "Hubo varias descentralizaciones a medias.": "descentralización",
    "Descentralización sin recursos no sirve.": "descentralización",
    "Los representantes no vinieron.": "representante",
    "Elecciones hubo, pero nadie votó.": "elección",
    "Las votaciones fueron a mano alzada.": "votación",
}


def test_spanish_keywords_match_inflected_forms(project):
    codes.add_code(
        project,
        "Decentralization/Transfer of powers",
        keywords={"es": ["descentralizado", "descentralización"]},
    )
    codes.add_code(
        project,
        "Representation/Selecting representatives",
        keywords={"es": ["representante", "elección", "votación"]},
    )
    neutral = "El clima estuvo templado."
    add_text(project, "es1", "Dr. Ramírez: " + " ".join([*SPANISH, neutral]), language="es")
    hits = fired(project, "es1")
    assert neutral not in hits
    assert set(hits) == set(SPANISH)
    for sentence, keyword in SPANISH.items():
        assert any(f"keyword '{keyword}' (lemma)" in r for r in hits[sentence]), hits[sentence]


def test_lower_case_match_when_the_lemma_table_does_not_know_the_word(project):
    codes.add_code(project, "Transparency/Reporting and monitoring", keywords={"en": ["SIAF"]})
    add_text(project, "en2", "Rosa: Everything is in the siaf now. The rest is not.", language="en")
    hits = fired(project, "en2")
    assert list(hits) == ["Everything is in the siaf now."]
    assert "keyword 'SIAF'" in hits["Everything is in the siaf now."][0]


def test_regex_keywords_and_a_bad_regex(project):
    codes.add_code(project, "Transparency/Corruption", keywords={"en": [r"re:\bbrib\w*"]})
    add_text(
        project,
        "en3",
        "Rosa: They bribed the judge. Bribery is common. Tribes vary.",
        language="en",
    )
    hits = fired(project, "en3")
    assert set(hits) == {"They bribed the judge.", "Bribery is common."}
    assert hits["Bribery is common."] == ["Transparency/Corruption: pattern '\\bbrib\\w*'"]
    codes.add_code(project, "Transparency/Broken", keywords={"en": ["re:(unclosed"]})
    with pytest.raises(WorkbenchError, match="Transparency/Broken"):
        RuleSuggester(project).candidates(project.document("en3").id)


def test_speaker_and_role_rules(project):
    codes.add_code(project, "Participation/Community participation")
    codes.add_code(project, "Representation")
    add_text(
        project,
        "com",
        (
            "Entrevistadora: ¿Cómo participan?\n\n"
            "Juana: Vamos a todas las asambleas.\n\n"
            "Entrevistadora: ¿Y el alcalde?\n\n"
            "Juana: No viene nunca."
        ),
        language="es",
        case="COM01",
    )
    with project.transaction():
        project.conn.execute("INSERT INTO attributes (name) VALUES ('role')")
        project.conn.execute(
            "INSERT INTO case_attributes VALUES (?, (SELECT id FROM attributes), ?)",
            (project.case_id("COM01"), "community activist"),
        )
    add_speaker_rule(project, "Participation/Community participation", role="Community Activist")
    add_speaker_rule(project, "Representation", speaker="entrevista*")
    hits = fired(project, "com")
    assert hits == {
        "Vamos a todas las asambleas.": [
            "Participation/Community participation: role 'Community Activist'"
        ],
        "No viene nunca.": ["Participation/Community participation: role 'Community Activist'"],
        "¿Cómo participan?": ["Representation: speaker 'entrevista*'"],
        "¿Y el alcalde?": ["Representation: speaker 'entrevista*'"],
    }
    removed = remove_speaker_rule(project, 2)
    assert removed.speaker == "entrevista*"
    assert "¿Y el alcalde?" not in fired(project, "com")
    with pytest.raises(WorkbenchError):
        add_speaker_rule(project, "No/Such code", speaker="x")
    with pytest.raises(WorkbenchError, match="exactly one"):
        add_speaker_rule(project, "Representation", speaker="x", role="y")


def test_malformed_speaker_rules_setting_is_a_one_line_error(project):
    project.set_setting("suggest.speaker_rules", "{not json")
    with pytest.raises(WorkbenchError, match="suggest.speaker_rules"):
        RuleSuggester(project)
