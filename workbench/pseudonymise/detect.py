"""``pseudonymise detect``: candidates for the key, each with its kind and every occurrence.

Mentions come from the text (``pseudonymise.mentions``), from speaker labels and from case
attributes that name people or places. They are grouped by their folded spelling; a name
part that belongs to one longer name ("Quispe" of "Rosa Quispe") joins it as a variant. Then
every candidate is looked for again in every document with the matcher apply uses, so the
lowercase "quispe" of a transcriber and the "Rosa" that opens a sentence are listed too.
Detection proposes; the researcher decides (docs/pseudonymise.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.pseudonymise.forms import Matcher, fold, name_parts
from workbench.pseudonymise.key import KINDS, Key, KeyEntry
from workbench.pseudonymise.lexicon import (
    GENERIC_SPEAKERS,
    TITLES,
    given_names,
    lexicon,
    words_of,
)
from workbench.pseudonymise.mentions import Mention, MentionFinder
from workbench.store.project import Project

CONTEXT = 35

#: case attributes whose values name people, and those whose values name places
PERSON_ATTRIBUTES = set(
    (
        "name nombre nombres apellido apellidos participant participante interviewee "
        "entrevistado entrevistada respondent informant informante person persona contact "
        "contacto alias pseudonym full_name nombre_completo"
    ).split()
)
PLACE_ATTRIBUTES = set(
    (
        "region district distrito province provincia city ciudad community comunidad "
        "locality localidad department departamento village town municipality municipio "
        "pueblo caserio site sitio location lugar place"
    ).split()
)


@dataclass
class Occurrence:
    """Where a candidate is written: in a document's text, a speaker label or a case
    attribute (``field``), with a little of the text around it."""

    document: str
    start: int
    end: int
    text: str
    context: str
    field: str = "text"

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "context": self.context,
        }


@dataclass
class Candidate:
    text: str
    kind: str
    occurrences: list[Occurrence] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    #: the key entry that already covers it, and that entry's status
    key_entry: str | None = None
    key_status: str | None = None

    @property
    def count(self) -> int:
        return len(self.occurrences)

    def forms(self) -> list[str]:
        return [self.text, *self.variants]

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "count": self.count,
            "variants": list(self.variants),
            "reasons": list(self.reasons),
            "key_entry": self.key_entry,
            "key_status": self.key_status,
            "occurrences": [o.to_json() for o in self.occurrences],
        }


@dataclass
class _Group:
    kinds: Counter
    reasons: Counter
    surfaces: Counter
    mentions: list[tuple[str, int, int]]
    fields: list[Occurrence]
    attribute_kind: str | None = None


def generic_speaker(label: str) -> bool:
    """A speaker label that names a role ("Entrevistadora", "Speaker 2", "P1"), not a person."""
    words = [fold(w) for w in label.replace(":", " ").split()]
    if not words:
        return True
    if all(w in GENERIC_SPEAKERS or w.strip("0123456789#.") == "" for w in words):
        return True
    if len(words) == 1 and words[0].rstrip("0123456789.") in GENERIC_SPEAKERS:
        return True
    # a short label is an abbreviation ("INT", "R1", "Mod"), unless it is a given name
    # ("PAZ", "Ana", "Leo")
    return len(label.strip(" :.")) <= 3 and fold(label.strip(" :.")) not in given_names()


def detect(
    project: Project,
    *,
    documents: Iterable[int] | None = None,
    key: Key | None = None,
) -> list[Candidate]:
    """Candidates over the chosen documents (all by default), marked when ``key`` has them."""
    from workbench.store.model import Document

    chosen = set(documents) if documents is not None else None
    docs: list[Document] = [d for d in project.documents() if chosen is None or d.id in chosen]
    texts = {d.id: project.text(d.id) for d in docs}
    groups: dict[str, _Group] = {}
    titles = words_of("es", TITLES)
    finders: dict[str, MentionFinder] = {}
    lexicons = [lexicon("es"), lexicon("en")]
    for doc in docs:
        lang = doc.language or project.language
        finder = finders.get(lang) or finders.setdefault(lang, MentionFinder(lang, lexicons))
        text = texts[doc.id]
        starts = {
            r[0]
            for r in project.conn.execute(
                "SELECT start FROM sentences WHERE document_id = ? UNION "
                "SELECT start FROM turns WHERE document_id = ?",
                (doc.id, doc.id),
            )
        }
        for m in finder.find(text, starts):
            _add(groups, text[m.start : m.end], m, doc.name)
        for mention in _speaker_mentions(project, doc.id, text, titles, finder):
            _add(groups, text[mention.start : mention.end], mention, doc.name)
    _attribute_mentions(project, docs, groups)
    candidates = _candidates(groups, titles)
    _find_everywhere(candidates, docs, texts)
    candidates = [c for c in candidates if c.occurrences]
    if key is not None:
        mark_known(candidates, key)
    order = {k: i for i, k in enumerate(KINDS)}
    candidates.sort(key=lambda c: (order.get(c.kind, 99), -c.count, fold(c.text)))
    return candidates


def _add(groups: dict[str, _Group], surface: str, m: Mention, document: str) -> None:
    surface = " ".join(surface.split())
    if not surface:
        return
    g = groups.get(fold(surface))
    if g is None:
        g = groups[fold(surface)] = _Group(Counter(), Counter(), Counter(), [], [])
    g.kinds[m.kind] += 1
    g.reasons[m.reason] += 1
    g.surfaces[surface] += 1
    g.mentions.append((document, m.start, m.end))


def _speaker_mentions(
    project: Project, document_id: int, text: str, titles: set[str], finder: MentionFinder
) -> list[Mention]:
    """Speaker labels that name people, at the place each is written before its turn; a
    label of common words is a heading read as a turn ("TRANSCRIBER NOTE:", "Lugar:")."""
    out = []
    gap_start = 0
    names: dict[str, str] = {}  # label -> the name it holds ("" for a role or a heading)
    for start, end, speaker in project.conn.execute(
        'SELECT start, "end", speaker FROM turns WHERE document_id = ? ORDER BY start, seq',
        (document_id,),
    ):
        name = names.get(speaker or "")
        if name is None:
            person = speaker and not generic_speaker(speaker) and not finder.plain_phrase(speaker)
            name = names[speaker] = fold(" ".join(name_parts(speaker, titles))) if person else ""
        if name and gap_start < start:
            at = fold(text[gap_start:start]).rfind(name)  # the label, written before its turn
            if at >= 0:
                out.append(Mention(gap_start + at, gap_start + at + len(name), "person", "speaker"))
        gap_start = max(gap_start, end)
    return out


def _attribute_mentions(project: Project, docs: Sequence[Any], groups: dict[str, _Group]) -> None:
    """Case attributes whose name says they hold a person's name or a place."""
    cases = {d.case_id for d in docs if d.case_id is not None}
    for case_id, case_name, attribute, value in project.conn.execute(
        "SELECT c.id, c.name, a.name, ca.value FROM case_attributes ca "
        "JOIN attributes a ON a.id = ca.attribute_id JOIN cases c ON c.id = ca.case_id"
    ):
        if case_id not in cases or not value or not str(value).strip():
            continue
        name = fold(attribute).replace(" ", "_")
        kind = (
            "person" if name in PERSON_ATTRIBUTES else "place" if name in PLACE_ATTRIBUTES else None
        )
        if kind is None or str(value).replace(".", "").isdigit():
            continue
        value = " ".join(str(value).split())
        g = groups.setdefault(fold(value), _Group(Counter(), Counter(), Counter(), [], []))
        g.kinds[kind] += 1
        g.attribute_kind = kind
        g.reasons["case attribute"] += 1
        g.surfaces[value] += 1
        g.fields.append(
            Occurrence(case_name, 0, len(value), value, f"{attribute}={value}", "attribute")
        )


def _candidates(groups: dict[str, _Group], titles: set[str]) -> list[Candidate]:
    """One candidate per group; a name part of exactly one longer person joins it."""
    people = {
        folded: g
        for folded, g in groups.items()
        if _kind(g) == "person" and len(name_parts(folded, titles)) > 1
    }
    parts_of: dict[str, list[str]] = {}
    for folded in people:
        parts = [fold(p) for p in name_parts(folded, titles)]
        for part in set(parts):
            parts_of.setdefault(part, []).append(folded)
        for a, b in zip(parts, parts[1:], strict=False):
            parts_of.setdefault(f"{a} {b}", []).append(folded)
    merged: dict[str, list[str]] = {}
    for folded, g in groups.items():
        owners = parts_of.get(folded, [])
        if folded not in people and len(set(owners)) == 1 and _kind(g) in ("person", "place"):
            merged.setdefault(owners[0], []).append(folded)
    absorbed = {f for parts in merged.values() for f in parts}
    # a part two people share ("Efraín" of Efraín Quispe and Efraín Ccori) is a candidate of
    # its own: written alone it names one of them, and only the reviewer can say which
    for part, owners in parts_of.items():
        if " " in part or len(set(owners)) < 2 or part in groups or len(part) < 2:
            continue
        surface = next(
            (w for o in owners for w in groups[o].surfaces for w in w.split() if fold(w) == part),
            part,
        )
        g = groups[part] = _Group(
            Counter({"person": 1}), Counter({"shared name part": 1}), Counter({surface: 1}), [], []
        )
    out = []
    for folded, g in groups.items():
        if folded in absorbed:
            continue
        members = [g] + [groups[f] for f in merged.get(folded, [])]
        text = _best_surface(g.surfaces)
        variants = [_best_surface(m.surfaces) for m in members[1:]]
        reasons: Counter = Counter()
        kinds: Counter = Counter()
        for m in members:
            reasons.update(m.reasons)
            kinds.update(m.kinds)
        attribute = next((m.attribute_kind for m in members if m.attribute_kind), None)
        kind = _kind(_Group(kinds, reasons, Counter(), [], [], attribute))
        candidate = Candidate(
            text, kind, variants=variants, reasons=[r for r, _ in reasons.most_common()]
        )
        for m in members:
            candidate.occurrences.extend(m.fields)
        out.append(candidate)
    return out


def _kind(g: _Group) -> str:
    """The kind most reasons point to; a title, a speaker label or a person attribute make a
    person whatever the capitals suggested."""
    if g.reasons.get("title") or g.reasons.get("speaker"):
        return "person"
    for strong in ("e-mail", "phone"):
        if g.reasons.get(strong):
            return "contact"
    if g.reasons.get("id number"):
        return "number"
    if g.reasons.get("case attribute"):
        return g.attribute_kind or "place"
    if g.reasons.get("institution"):
        return "organisation"
    return g.kinds.most_common(1)[0][0]


def _best_surface(surfaces: Counter) -> str:
    """The spelling to show: the most frequent one written in mixed case, if any."""
    ranked = [s for s, _ in surfaces.most_common()]
    mixed = [s for s in ranked if not s.isupper() and not s.islower()]
    return (mixed or ranked)[0]


def _find_everywhere(
    candidates: list[Candidate], docs: Sequence[Any], texts: dict[int, str]
) -> None:
    """Every occurrence of every candidate, in every chosen document (apply's matcher)."""
    entries = [KeyEntry(c.text, "x", c.kind, tuple(c.variants)) for c in candidates]
    matcher = Matcher(entries)
    for doc in docs:
        text = texts[doc.id]
        for hit in matcher.find(text, doc.language):
            candidates[hit.entry].occurrences.append(
                Occurrence(
                    doc.name,
                    hit.start,
                    hit.end,
                    text[hit.start : hit.end],
                    context(text, hit.start, hit.end),
                )
            )


def context(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """The text around a span on one line, the span in brackets."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return " ".join(f"{before}[{text[start:end]}]{after}".split())


def mark_known(candidates: list[Candidate], key: Key) -> None:
    """Mark each candidate the key covers (as an entry, a variant, or a part of a name)."""
    matcher = Matcher(key.entries)
    for c in candidates:
        entry = key.find(c.text)
        if entry is None:
            hits = matcher.find(c.text)
            if len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(c.text):
                entry = key.entries[hits[0].entry]
        if entry is not None:
            c.key_entry, c.key_status = entry.original, entry.status
