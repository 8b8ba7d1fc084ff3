"""Builders for the suggestion tests: small interviews and a deterministic coded corpus."""

from __future__ import annotations

import random

from tests.core_helpers import turns_of
from workbench.ingest.base import ParsedTranscript
from workbench.ops import codes
from workbench.ops.coding import mark_done
from workbench.ops.documents import add_document
from workbench.store.connection import new_guid, now
from workbench.store.project import Project

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
FILL = {
    "a": ["regional", "provincial", "local", "new", "old"],
    "b": ["district", "province", "river", "valley", "coast"],
    "m": ["March", "June", "October", "December"],
}


def _sentence(rng: random.Random, template: str) -> str:
    return template.format(**{k: rng.choice(v) for k, v in FILL.items()})


def coded_corpus(project: Project, n_docs: int = 12, seed: int = 7, coder: str = "ana") -> None:
    """``n_docs`` interviews in English, coded by ``coder`` and marked done.

    Codes: Finance/Spending (keyword "budget") and Health/Clinics (keyword "hospital").
    """
    codes.add_code(project, "Finance/Spending", keywords={"en": ["budget"]})
    codes.add_code(project, "Health/Clinics", keywords={"en": ["hospital"]})
    spending = project.code("Finance/Spending").id
    clinics = project.code("Health/Clinics").id
    rng = random.Random(seed)
    for d in range(n_docs):
        items = (
            [(_sentence(rng, t), spending) for t in rng.sample(SPENDING, 4)]
            + [(_sentence(rng, t), clinics) for t in rng.sample(CLINICS, 3)]
            + [(_sentence(rng, t), None) for t in rng.sample(NEUTRAL, 8)]
        )
        rng.shuffle(items)
        add_coded_document(project, f"doc{d:02d}", items, coder)


def add_coded_document(
    project: Project,
    name: str,
    items: list[tuple[str, int | None]],
    coder: str,
    case: str | None = None,
) -> None:
    """A document of ``items`` (sentence, code id or None), three sentences a turn, turns
    alternating between Rosa and the interviewer; the coded sentences are coded by ``coder``
    and the document is marked done."""
    coder_id = project.coder_id(coder)
    paragraphs, spans, pos = [], [], 0
    for i in range(0, len(items), 3):
        label = "Interviewer" if (i // 3) % 2 else "Rosa"
        head = f"{label}: "
        chunk = items[i : i + 3]
        offset = pos + len(head)
        for sentence, code_id in chunk:
            spans.append((offset, offset + len(sentence), code_id))
            offset += len(sentence) + 1
        para = head + " ".join(s for s, _ in chunk)
        paragraphs.append(para)
        pos += len(para) + 2
    text = "\n\n".join(paragraphs)
    add_document(project, ParsedTranscript(text, turns_of(text)), name=name, case=case or name)
    with project.transaction():
        for start, end, code_id in spans:
            assert text[start:end].endswith(".")
            if code_id is not None:
                project.conn.execute(
                    "INSERT INTO codings (guid, document_id, code_id, coder_id, start, "
                    '"end", created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
                    (new_guid(), project.document(name).id, code_id, coder_id, start, end, now()),
                )
    mark_done(project, name, coder)


# "Politics/Complaint" is coded on a plain sentence ("Nobody listened to us.") when it answers a
# sentence about the mayor or the council; the same plain sentences after small talk are not
# coded. Only a model that reads the neighbouring sentences can tell the two apart. The code's
# keyword, "complaint", occurs in small talk only.
TRIGGERS = [
    "The mayor promised a new road for the {b}.",
    "The council said the {a} office would open in {m}.",
    "The mayor's people came to the {b} before the election.",
    "Councillors visited the {b} and took photographs.",
]
PLAIN = [
    "Nobody listened to us.",
    "That was the end of it.",
    "We are still waiting.",
    "Nothing happened after that.",
    "It was the same as always.",
]
SMALL_TALK = [
    "My cousin sells bread at the {a} market.",
    "We planted maize near the {b} in {m}.",
    "The children walk to school every morning.",
    "The bus to the {b} leaves at six.",
    "A complaint about the noise reached the school in {m}.",
    "My grandmother made soup for everyone.",
]


def context_corpus(project: Project, n_docs: int = 9, seed: int = 3, coder: str = "ana") -> None:
    """``n_docs`` interviews where "Politics/Complaint" depends on the previous sentence,
    plus "Finance/Spending" as in ``coded_corpus``. Codes carry descriptions."""
    codes.add_code(
        project,
        "Politics/Complaint",
        keywords={"en": ["complaint"]},
        description="Dissatisfaction with the mayor or the council",
    )
    codes.add_code(
        project,
        "Finance/Spending",
        keywords={"en": ["budget"]},
        description="Public money: funds, transfers, spending",
    )
    complaint = project.code("Politics/Complaint").id
    spending = project.code("Finance/Spending").id
    rng = random.Random(seed)
    for d in range(n_docs):
        blocks: list[list[tuple[str, int | None]]] = []
        for _ in range(4):  # a trigger, then a coded plain sentence
            blocks.append(
                [(_sentence(rng, rng.choice(TRIGGERS)), None), (rng.choice(PLAIN), complaint)]
            )
        for _ in range(4):  # small talk, then an uncoded plain sentence
            blocks.append(
                [(_sentence(rng, rng.choice(SMALL_TALK)), None), (rng.choice(PLAIN), None)]
            )
        for t in rng.sample(SPENDING, 3):
            blocks.append([(_sentence(rng, t), spending)])
        rng.shuffle(blocks)
        add_coded_document(project, f"ctx{d:02d}", [i for b in blocks for i in b], coder)


def add_text(
    project: Project, name: str, text: str, *, language: str | None = None, case: str | None = None
):
    """A document of ``Speaker: text`` paragraphs."""
    return add_document(
        project, ParsedTranscript(text, turns_of(text)), name=name, language=language, case=case
    )
