"""Finding speaker turns in transcript text.

Transcribers mark who speaks in a handful of ways: ``Name:`` or ``NAME:`` at the start of a
line (often with a tab after the colon), multi-word labels such as ``Dr. Rosa Quispe:`` or
``Entrevistador:``, ``[Name]`` prefixes, ``Speaker 1:``, sometimes after a timestamp such as
``[00:12:31]`` and, in Markdown, in bold (``**Ana:**``). Transcription services add their own:

- ``[id1] hello, I like the course`` (QualCoder's example transcripts): a bracketed id, the
  text on the same line;
- ``Ana Pérez  0:05`` alone on a line, the text on the next lines (Otter);
- ``Ana Pérez (00:00:05):`` and ``Speaker 1 (00:00):`` with the text on the same or the next
  lines (Rev, Descript);
- ``[00:01:23] Ana: text`` (a timestamp before the label).

A timestamp in any of these becomes the turn's start time. A line without a label continues
the turn of the last speaker.

The difficulty is what is *not* a speaker: ``Note: ...``, ``http://...``, ``10:30``, or a
sentence that happens to contain a colon ("The problem was simple: ..."). Labels must look like
names (short, few words, starting with a letter, capitalised), obvious non-speakers are
listed, and once two labels repeat (a dialogue is established) a label that occurs only once
is trusted only when it looks unmistakably like a speaker label (``Speaker 3``, ``DR. LÓPEZ``).
A header block at the top (a title or a ``Date:`` line, then a blank line) may list people as
``Interviewer: Daniel Ferreyra (research team)``: such a line, whose value is a name or an id
rather than something said, is part of the header, not a turn.

Turn offsets cover what was said, after the label: ``text[turn.start:turn.end]`` is the
utterance, while the text itself keeps the label visible.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from workbench.ingest.base import ParsedTurn

MAX_NAME_CHARS = 40
MAX_NAME_WORDS = 5

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_NAME = rf"[^\W\d_][^:\n*_\[\]]{{0,{MAX_NAME_CHARS - 1}}}?"
_LABEL = re.compile(
    rf"""
    ^[ \t]*
    (?:[\[(](?P<time>{_TIME})[\])][ \t]*[-–]?[ \t]*   # [00:12:31] or (12:31) before the label
      |(?P<time2>{_TIME})[ \t]+[-–]?[ \t]*)?
    (?:
        \[(?P<bracket>[^\]\n]{{1,{MAX_NAME_CHARS}}})\](?:[ \t]*:)?   # [Name] or [Name]:
      | (?P<lone>{_NAME})[ \t]+(?P<time4>{_TIME})[ \t]*$            # Name  0:05 (a line)
      | (?:\*\*|__)?(?P<name>{_NAME})
        (?:[ \t]*[\[(](?P<time3>{_TIME})[\])])?                      # Name (00:00:05):
        (?:\*\*|__)?:(?:\*\*|__)?                                   # Name:  **Name:**
    )
    (?=[ \t]|$)
    """,
    re.VERBOSE | re.MULTILINE,
)

# Words that end in a colon at the start of a line without naming anyone.
NOT_SPEAKERS = frozenset(
    """
    note notes nota notas nb n.b ps p.s url http https ftp mailto www email e-mail correo tel
    teléfono telefono phone fax date fecha time hora duration duración duracion location lugar
    place subject asunto re fwd title título titulo summary resumen keywords source fuente
    transcript transcripción transcripcion transcription interview entrevista project proyecto
    file archivo recording grabación grabacion example ejemplo important importante warning
    tip topic tema context contexto code código codigo participants participantes attendees
    asistentes observation observación observacion observations comment comentario comments
    translation traducción traduccion inaudible laughs laughter laughing risas risa crosstalk
    pause pausa silence silencio music música musica noise ruido applause aplausos end fin start
    inicio see ver cf answer total edit editado edited update unclear indistinct inaudible
    background cough coughs sighs sigh overlapping overlap incomprehensible ininteligible
    """.split()
)
_CONNECTORS = frozenset("de del la las los y e van von da das do dos di du le el al bin".split())
_TITLES = frozenset(
    "dr dra dr. dra. sr sra srta sr. sra. srta. prof prof. lic lic. ing ing. mr mrs ms mr. "
    "mrs. ms. don doña dona".split()
)
# Roles that are speakers even alone; the generic ones ("Participant: ACA01" is often a
# header line) only with a number.
_ROLE = re.compile(
    r"^(?:interviewer|entrevistador|entrevistadora|moderator|moderador|moderadora|"
    r"facilitator|facilitador|facilitadora)\s*\d*$"
    r"|^(?:speaker|hablante|locutor|locutora|participant|participante|interviewee|"
    r"entrevistado|entrevistada|respondent|informant|informante)\s*\d+$"
    r"|^(?:[a-z]{1,3}\d+|[a-z])$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Label:
    """A speaker label found at the start of a line."""

    line_start: int
    content_start: int
    speaker: str
    bracketed: bool
    time: float | None


def parse_clock(value: str) -> float:
    """``"1:02:03.5"`` -> 3723.5 seconds (``,`` or ``.`` before the fraction)."""
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def clean_name(name: str) -> str:
    return " ".join(name.split())


def plausible_name(name: str) -> bool:
    """Hard limits every speaker label must meet."""
    if not name or len(name) > MAX_NAME_CHARS or not name[0].isalpha():
        return False
    if len(name.split()) > MAX_NAME_WORDS:
        return False
    if "//" in name or "@" in name or name[-1] in ",;!?¿¡\"'“”«»":
        return False
    return name.lower().rstrip(".") not in NOT_SPEAKERS and name.lower() not in NOT_SPEAKERS


def name_like(name: str) -> bool:
    """Capitalised like a name or a role: ``Ana``, ``Dr. Rosa Quispe``, ``María de la Cruz``."""
    words = name.split()
    if not words[0][0].isupper():
        return False
    return all(
        w[0].isupper() or w[0].isdigit() or w.lower() in _CONNECTORS or w.startswith("(")
        for w in words[1:]
    )


def unmistakable(name: str) -> bool:
    """Labels that are speakers even when they occur once: roles, titles, ALL CAPS."""
    words = name.split()
    if _ROLE.match(name):
        return True
    if words[0].lower() in _TITLES and len(words) > 1:
        return True
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def find_labels(text: str, known: frozenset[str] | set[str] = frozenset()) -> list[Label]:
    """Every speaker label in ``text`` that passes the heuristics, in order.

    ``known`` names are speakers already (WebVTT voices): their labels are always taken.
    """
    # (start, end, name, bracketed, lone, clock) rather than match objects: a transcript of
    # a million short turns held a gigabyte of matches
    candidates: list[tuple[int, int, str, bool, bool, str | None]] = []
    for match in _LABEL.finditer(text):
        bracketed = match.group("bracket") is not None
        raw = match.group("bracket") if bracketed else match.group("name") or match.group("lone")
        name = clean_name(raw)
        if plausible_name(name):
            clock = (
                match.group("time")
                or match.group("time2")
                or match.group("time3")
                or match.group("time4")
            )
            lone = match.group("lone") is not None
            candidates.append((match.start(), match.end(), name, bracketed, lone, clock))
    if not candidates:
        return []
    counts = Counter(c[2] for c in candidates)
    # A dialogue is established once two labels repeat; one-off labels are then suspect.
    dialogue = sum(1 for c in counts.values() if c >= 2) >= 2

    def accepted(name: str, bracketed: bool) -> bool:
        if name in known:
            return True
        if bracketed:  # [Ana], [Interviewer], and ids such as [id1] or [P2]
            return name_like(name) or bool(_ROLE.match(name)) or counts[name] >= 2
        if counts[name] >= 2:
            return name_like(name) or len(name.split()) <= 2
        if not name_like(name):
            return False
        return not dialogue or unmistakable(name)

    labels = []
    header_end = _header_end(text)
    lone_lines = sum(1 for c in candidates if c[4])
    for start, end, name, bracketed, lone, clock in candidates:
        if not accepted(name, bracketed):
            continue
        if start < header_end and _header_value(text, end):
            continue
        if lone and not (lone_lines >= 2 and (name_like(name) or _ROLE.match(name))):
            continue  # "Name  0:05" lines must look like a name, and come more than once
        labels.append(Label(start, end, name, bracketed, parse_clock(clock) if clock else None))
    return labels


_HEADER_KEY = re.compile(r"^[ \t]*(?:\*\*)?([^\W\d_][\w .-]{0,20}?)(?:\*\*)?:", re.MULTILINE)
_CODE_ID = re.compile(r"^[A-Z]{2,}[-_]?\d+$")


def _header_end(text: str) -> int:
    """Where a header block ends (0 when the text has none).

    A header is the text before the first blank line, at most 8 lines and not the whole text,
    that has a title line without a label, or a ``Date:``-like field.
    """
    blank = re.search(r"\n[ \t]*\n", text)
    if blank is None:
        return 0
    lines = [line for line in text[: blank.start()].split("\n") if line.strip()]
    if not lines or len(lines) > 8:
        return 0
    keys = [
        m.group(1).strip().lower() for line in lines if (m := _HEADER_KEY.match(line)) is not None
    ]
    titled = any(_HEADER_KEY.match(line) is None and _LABEL.match(line) is None for line in lines)
    fields = any(k in NOT_SPEAKERS for k in keys)
    return blank.start() if titled or fields else 0


def _header_value(text: str, pos: int) -> bool:
    """Whether the rest of the line at ``pos`` is a header value (a name or an id), not speech.

    ``Daniel Ferreyra (research team)``, ``ACA01``: yes. ``Hello.``, ``Good morning``: no.
    """
    end = text.find("\n", pos)
    value = text[pos : end if end >= 0 else len(text)].strip()
    if not value or re.search(r"[.?!¿¡…]", value):
        return False
    bare = re.sub(r"\([^)]*\)", "", value).split(",")[0].strip()
    if _CODE_ID.match(bare):
        return True
    words = bare.split()
    return (
        2 <= len(words) <= 5
        and name_like(bare)
        or (bare != value and bool(words) and name_like(bare))
    )


def detect_turns(text: str) -> list[ParsedTurn]:
    """Speaker turns of ``text``; empty when the text has no speaker labels at all.

    Text before the first label (a header, a title) becomes a turn without a speaker, so
    every part of the transcript belongs to some turn.
    """
    labels = find_labels(text)
    if not labels:
        return []
    turns: list[ParsedTurn] = []
    head = _trimmed(text, 0, labels[0].line_start)
    if head:
        turns.append(ParsedTurn(head[0], head[1]))
    for i, label in enumerate(labels):
        stop = labels[i + 1].line_start if i + 1 < len(labels) else len(text)
        span = _trimmed(text, label.content_start, stop)
        if span:
            turns.append(ParsedTurn(span[0], span[1], label.speaker, label.time))
    return turns


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` narrowed to exclude surrounding whitespace; None if nothing is left."""
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return None
    lead = len(chunk) - len(chunk.lstrip())
    return start + lead, start + lead + len(stripped)
