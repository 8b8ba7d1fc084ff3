"""Coding stripes: the margin beside the transcript, one column ("lane") per overlapping coding.

Like the coding stripes of MAXQDA or ATLAS.ti's margin: each coding gets a lane for its whole
vertical extent (its first display line to its last), drawn as a bar in the code's colour with
the code's short name and the coder's initials on its first line. Lanes are assigned once per
layout by greedy interval colouring, so a bar never jumps column between lines. Kept free of
Textual so the rules can be tested on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: below this many columns of transcript the margin shows bars only (compact mode)
COMPACT_BELOW = 72
#: the widest a lane gets, and the narrowest
LANE_MAX, LANE_MIN = 18, 2
#: words left out of short names when room is short
_SMALL = {
    "of",
    "the",
    "and",
    "a",
    "an",
    "to",
    "in",
    "on",
    "for",
    "vs",
    "de",
    "del",
    "la",
    "el",
    "los",
    "las",
    "y",
    "en",
    "por",
    "con",
}


@dataclass(frozen=True, slots=True)
class MarginShape:
    """How wide the margin is, how wide each lane, and whether only bars are drawn."""

    width: int
    lane: int
    compact: bool

    @property
    def lanes(self) -> int:
        """How many lanes fit."""
        return self.width // self.lane if self.lane else 0


def margin_shape(width: int, lanes: int) -> MarginShape:
    """The margin for a transcript ``width`` columns wide whose codings need ``lanes`` lanes.

    The margin grows with the window (a quarter of it, 20 to 64 columns); under
    ``COMPACT_BELOW`` columns it keeps one column per lane (2 to 4 lanes) with bars only, so
    overlaps still show on an 80-column terminal. The width never depends on ``lanes`` (the
    text would reflow whenever a coding adds a lane); only the lane width does.
    """
    lanes = max(lanes, 1)
    if width < 24:
        return MarginShape(0, 0, True)
    if width < COMPACT_BELOW:
        return MarginShape(min(4, max(2, width // 12)), 1, True)
    margin = min(max(width // 4, 20), 64)
    lane = max(LANE_MIN, min(LANE_MAX, margin // lanes))
    return MarginShape(margin, lane, False)


def assign_lanes(extents: Iterable[tuple[int, int, int]]) -> dict[int, int]:
    """``(id, first line, last line)`` -> ``id -> lane``: the lowest lane free over the whole
    extent, taking longer codings first where they start on the same line."""
    ends: list[int] = []
    lanes: dict[int, int] = {}
    for key, first, last in sorted(extents, key=lambda e: (e[1], -e[2], e[0])):
        for lane, end in enumerate(ends):
            if end < first:
                ends[lane] = last
                lanes[key] = lane
                break
        else:
            lanes[key] = len(ends)
            ends.append(last)
    return lanes


def short_name(name: str, width: int) -> str:
    """``name`` in at most ``width`` characters, cut at words rather than mid-word.

    "Transfer of powers" -> "Transfer powers" -> "Transfer pow" -> "Tra pow" -> "TP".
    """
    name = " ".join(name.split())
    if width <= 0:
        return ""
    if len(name) <= width:
        return name
    words = [w for w in name.split() if w.lower() not in _SMALL] or name.split()
    if len(" ".join(words)) <= width:
        return " ".join(words)
    if len(words) == 1:
        return words[0][: width - 1] + "…" if width > 1 else words[0][:1]
    # every word keeps its first three letters; the room left goes to the first words
    room = width - (len(words) - 1)
    sizes = [min(len(w), 3) for w in words]
    if sum(sizes) <= room:
        spare = room - sum(sizes)
        for i, word in enumerate(words):
            more = min(len(word) - sizes[i], spare)
            sizes[i] += more
            spare -= more
        return " ".join(w[:n] for w, n in zip(words, sizes, strict=True))
    initials = "".join(w[0].upper() for w in words)
    return initials[:width]


def coder_initials(names: Mapping[int, str]) -> dict[int, str]:
    """``coder id -> initials``: one letter per word ("Maria Lopez" -> "ML"), or the first
    two letters of a one-word name, longer where two coders would otherwise look alike."""

    def make(name: str, size: int) -> str:
        words = name.replace("_", " ").replace("-", " ").split() or ["?"]
        if len(words) > 1:
            return "".join(w[0] for w in words)[: size + 1].upper()
        return words[0][:size].capitalize()

    sizes = {k: 2 for k in names}
    out = {k: make(v, 2) for k, v in names.items()}
    for _ in range(12):
        seen: dict[str, list[int]] = {}
        for k, v in out.items():
            seen.setdefault(v, []).append(k)
        clashes = [k for ks in seen.values() if len(ks) > 1 for k in ks]
        if not clashes:
            break
        for k in clashes:
            sizes[k] += 1
            out[k] = make(names[k], sizes[k])
    return out
