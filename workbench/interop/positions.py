"""Deciding in which unit another tool counted a source's selection positions.

REFI-QDA says positions count characters, but tools disagree on what a character is: NVivo for
Windows counts UTF-16 code units (an emoji is two) and a CRLF as two, ATLAS.ti counts a CRLF as
one, some writers count UTF-8 bytes, and most count Unicode code points. Nothing in the file
says which, so each source is judged by its evidence: every reading (unit x CRLF counting) is
applied to the source's selections, and the one whose boundaries fall where people select wins.

A reading is penalised, in this order of weight, for

1. boundaries beyond the end of the text (the reading cannot be right),
2. boundaries between the units of one character (half an emoji, the middle of a UTF-8 byte
   sequence: impossible too),
3. selections whose quoted text (the ``name`` our export and several tools give a selection)
   does not match the text the reading selects (3 points each), boundaries inside a CRLF (2),
   boundaries inside a word (1) and selections that start or end with a space (1 each).

Readings that select exactly the same text for every boundary are one choice; the preferred
name is given (code points before UTF-16 before bytes, CRLF as two before one, unless the
file's origin says otherwise). The evidence is *weak* when the best and the runner-up differ by
less than one quote mismatch: the import then says so.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from workbench.i18n import _
from workbench.interop.textmap import UNITS, SourceText

UNIT_NAMES = {"codepoints": "code points", "utf16": "UTF-16 code units", "bytes": "UTF-8 bytes"}
WEAK_MARGIN = 3
QUOTE_CHARS = 30


@dataclass(frozen=True)
class Reading:
    """One way of counting: a unit, and whether a CRLF counts as one."""

    unit: str = "codepoints"
    crlf_as_one: bool = False

    def describe(self, *, crlf: bool = True) -> str:
        name = UNIT_NAMES[self.unit]
        if crlf:
            name += ", CRLF as one" if self.crlf_as_one else ", CRLF as two"
        return name


@dataclass(frozen=True)
class Span:
    """A selection as written in the file, with the text it quotes (if any)."""

    start: int
    end: int
    quote: str | None = None


@dataclass
class Score:
    """How well a reading fits: counts of each kind of misplaced boundary."""

    boundaries: int = 0
    outside: int = 0  # beyond the end of the text
    split: int = 0  # between the units of one character
    midword: int = 0  # inside a word
    in_crlf: int = 0  # between a CR and its LF
    edges: int = 0  # a selection starting or ending with a space
    quotes: int = 0  # selections that carry a quote
    quotes_wrong: int = 0  # ... whose quote is not the selected text

    @property
    def penalty(self) -> int:
        return WEAK_MARGIN * self.quotes_wrong + 2 * self.in_crlf + self.midword + self.edges

    def key(self) -> tuple[int, int, int]:
        """Impossible boundaries first, then the penalty: lower is better."""
        return self.outside, self.split, self.penalty

    def describe(self) -> str:
        """``3 of 606 boundaries inside a word, 0 of 303 quotes differ``."""
        parts = [f"{self.midword} of {self.boundaries} boundaries inside a word"]
        if self.quotes:
            parts.append(
                _("{quotes_wrong} of {quotes} quotes differ").format(
                    quotes_wrong=self.quotes_wrong, quotes=self.quotes
                )
            )
        for count, what in (
            (self.outside, "beyond the text"),
            (self.split, "inside a character"),
            (self.in_crlf, "inside a CRLF"),
            (self.edges, "selection edges on a space"),
        ):
            if count:
                parts.append(f"{count} {what}")
        return ", ".join(parts)


@dataclass
class Choice:
    """The reading chosen for one source, and how sure the choice is."""

    reading: Reading
    distinct: int  # how many readings select different text for this source
    scores: dict[Reading, Score] = field(default_factory=dict)
    runner_up: Reading | None = None
    weak: bool = False

    @property
    def mattered(self) -> bool:
        """Whether another reading would have put some boundary elsewhere."""
        return self.distinct > 1

    def describe(self, has_crlf: bool) -> str:
        return self.reading.describe(crlf=has_crlf)

    def evidence(self) -> str:
        """The winner's score, then the runner-up's, and the standard reading's when it is
        neither: ``3 of 606 boundaries inside a word; as code points, CRLF as two: 335 of
        606 boundaries inside a word``."""
        text = self.scores[self.reading].describe()
        others = [self.runner_up] if self.runner_up is not None else []
        if Reading() in self.scores and Reading() not in (self.reading, *others):
            others.append(Reading())
        for other in others:
            text += f"; as {other.describe()}: {self.scores[other].describe()}"
        return text


def readings(unit: str | None = None) -> list[Reading]:
    """Every reading, or those of one ``unit``, in the default order of preference."""
    units = [unit] if unit else list(UNITS)
    return [Reading(u, one) for u in units for one in (False, True)]


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _quote_key(quote: str | None) -> str | None:
    if not quote:
        return None
    q = _squash(quote)
    for ellipsis in ("...", "…"):  # a quote cut short by the writer
        q = q.removesuffix(ellipsis).rstrip()
    return q[:QUOTE_CHARS] if len(q) >= 3 else None


def _midword(text: str, pos: int) -> bool:
    return 0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum()


def score(src: SourceText, spans: list[Span], reading: Reading) -> Score:
    """How well ``reading`` puts ``spans`` on ``src`` (see the module doc)."""
    inside_crlf = (
        _inside_crlf(src, reading.unit) if src.has_crlf and not reading.crlf_as_one else set()
    )
    size = src.length(crlf_as_one=reading.crlf_as_one, unit=reading.unit)
    result = Score()
    for span in spans:
        mapped = []
        for pos in (span.start, span.end):
            result.boundaries += 1
            where = src.map(pos, crlf_as_one=reading.crlf_as_one, unit=reading.unit)
            if where is None:
                if 0 <= pos <= size:
                    result.split += 1
                else:
                    result.outside += 1
                continue
            mapped.append(where)
            result.midword += _midword(src.text, where)
            result.in_crlf += pos in inside_crlf
        if len(mapped) == 2 and mapped[1] > mapped[0]:
            chosen = src.text[mapped[0] : mapped[1]]
            result.edges += chosen[0].isspace() + chosen[-1].isspace()
        quote = _quote_key(span.quote)
        if quote is not None:
            result.quotes += 1
            got = _squash(src.text[mapped[0] : mapped[1]]) if len(mapped) == 2 else ""
            result.quotes_wrong += got[: len(quote)] != quote
    return result


def _inside_crlf(src: SourceText, unit: str) -> set[int]:
    """Offsets (counted in ``unit``, CRLF as two) of the positions between a CR and its LF."""
    inside: set[int] = set()
    i = src.raw.find("\r\n")
    while i >= 0:
        inside.add(src.units_at(i + 1, crlf_as_one=False, unit=unit))
        i = src.raw.find("\r\n", i + 2)
    return inside


def _signature(src: SourceText, spans: list[Span], reading: Reading) -> tuple:
    return tuple(
        src.map(p, crlf_as_one=reading.crlf_as_one, unit=reading.unit)
        for s in spans
        for p in (s.start, s.end)
    )


def choose(
    src: SourceText, spans: list[Span], *, unit: str | None = None, prefer: Reading | None = None
) -> Choice:
    """The reading of ``spans`` that best fits ``src`` (see the module doc).

    ``unit`` restricts the choice to one unit (the user's ``--positions``); ``prefer`` wins
    ties (a reading the file's origin is known to use).
    """
    candidates = readings(unit)
    if prefer is not None and prefer in candidates:
        candidates.remove(prefer)
        candidates.insert(0, prefer)
    if not spans:
        return Choice(candidates[0], 1, {candidates[0]: Score()})
    # Readings that select the same text for every boundary are one choice.
    groups: dict[tuple, Reading] = {}
    for reading in candidates:
        groups.setdefault(_signature(src, spans, reading), reading)
    options = list(groups.values())
    scores = {r: score(src, spans, r) for r in options}
    ranked = sorted(options, key=lambda r: (scores[r].key(), options.index(r)))
    best = ranked[0]
    choice = Choice(best, len(options), scores)
    if len(ranked) > 1:
        second = ranked[1]
        choice.runner_up = second
        a, b = scores[best].key(), scores[second].key()
        choice.weak = a[:2] == b[:2] and b[2] - a[2] < WEAK_MARGIN
    return choice
