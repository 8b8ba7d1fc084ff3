"""Builders for the suggestion tests: small interviews and a deterministic coded corpus."""

from __future__ import annotations

import random

from tests.core_helpers import turns_of
from workbench import codes
from workbench.coding import mark_done
from workbench.documents import add_document
from workbench.ingest.base import ParsedTranscript
from workbench.project import Project, new_guid, now

# The code "Finance/Spending" has the keyword "budget", but what coders actually code are
# sentences about money, funds and transfers, which rarely say "budget"; and sentences that do
# say "budget" are often about something else. A model that reads the coded sentences should
# beat the keyword.
SPENDING = [
    "The {a} budget for the {b} never arrived on time.",
    "Most of the funds were spent on salaries, not on the {b}.",
    "The treasury transfers came late again this year for the {b}.",
    "We had money left over because the funds arrived in {m}.",
    "They cut the transfers for the {b} and the money stopped.",
    "Funds for the {b} were frozen until {m}.",
]
CLINICS = [
    "The {a} clinic had no nurse for months.",
    "Doctors left the clinic in {m} and nobody replaced them.",
    "The nurse at the clinic covered three villages near the {b}.",
    "A clinic without doctors is just a building by the {b}.",
]
NEUTRAL = [
    "We talked about the weather in {m}.",
    "My family moved to the city when I was young.",
    "The meeting room was cold and the coffee was bad.",
    "I studied at the {a} university for four years.",
    "The road to the {b} was closed after the rain.",
    "Everybody knew each other in that small town.",
    "The budget meeting was moved to {m} because of the holidays.",
    "I read the budget report on the bus, it was long.",
    "The hospital meeting was cancelled in {m}.",
    "We played football near the {b} every weekend.",
]
FILL = {"a": ["regional", "provincial", "local", "new", "old"],
        "b": ["district", "province", "river", "valley", "coast"],
        "m": ["March", "June", "October", "December"]}


def _sentence(rng: random.Random, template: str) -> str:
    return template.format(**{k: rng.choice(v) for k, v in FILL.items()})


def coded_corpus(project: Project, n_docs: int = 12, seed: int = 7,
                 coder: str = "ana") -> None:
    """``n_docs`` interviews in English, coded by ``coder`` and marked done.

    Codes: Finance/Spending (keyword "budget") and Health/Clinics (keyword "hospital").
    """
    codes.add_code(project, "Finance/Spending", keywords={"en": ["budget"]})
    codes.add_code(project, "Health/Clinics", keywords={"en": ["hospital"]})
    spending = project.code("Finance/Spending").id
    clinics = project.code("Health/Clinics").id
    coder_id = project.coder_id(coder)
    rng = random.Random(seed)
    for d in range(n_docs):
        items = ([(_sentence(rng, t), spending) for t in rng.sample(SPENDING, 4)]
                 + [(_sentence(rng, t), clinics) for t in rng.sample(CLINICS, 3)]
                 + [(_sentence(rng, t), None) for t in rng.sample(NEUTRAL, 8)])
        rng.shuffle(items)
        paragraphs, spans, pos = [], [], 0
        for i in range(0, len(items), 3):
            label = "Interviewer" if (i // 3) % 2 else "Rosa"
            head = f"{label}: "
            chunk = items[i:i + 3]
            offset = pos + len(head)
            for sentence, code_id in chunk:
                spans.append((offset, offset + len(sentence), code_id))
                offset += len(sentence) + 1
            para = head + " ".join(s for s, _ in chunk)
            paragraphs.append(para)
            pos += len(para) + 2
        text = "\n\n".join(paragraphs)
        name = f"doc{d:02d}"
        add_document(project, ParsedTranscript(text, turns_of(text)), name=name, case=name)
        with project.transaction():
            for start, end, code_id in spans:
                assert text[start:end].endswith(".")
                if code_id is not None:
                    project.conn.execute(
                        "INSERT INTO codings (guid, document_id, code_id, coder_id, start, "
                        '"end", created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
                        (new_guid(), project.document(name).id, code_id, coder_id, start, end,
                         now()),
                    )
        mark_done(project, name, coder)


def add_text(project: Project, name: str, text: str, *, language: str | None = None,
             case: str | None = None):
    """A document of ``Speaker: text`` paragraphs."""
    return add_document(project, ParsedTranscript(text, turns_of(text)), name=name,
                        language=language, case=case)
