"""Coding stripes: the margin beside the transcript, one column ("lane") per overlapping coding.

Like the coding stripes of MAXQDA or ATLAS.ti's margin: each coding gets a lane for its whole
vertical extent (its first display line to its last), drawn as a bar in the code's colour, and
its name (short code name, plus the coder's initials when several coders are shown) in the
same colour beside the bars on the line where it starts. Lanes are assigned once per layout by
greedy interval colouring, so a bar never jumps column between lines; names are placed once
per layout too (``place_labels``). Kept free of Textual so the rules can be tested on their
own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: below this many columns of transcript the margin shows bars only (compact mode)
COMPACT_BELOW = 72
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


#: columns per lane beside the text: the bar and a gap
LANE_STEP = 2
#: the narrowest room worth a name (shorter ones read as noise)
LABEL_MIN = 5
#: how many lines below its first one a coding's name may move to find room
LABEL_REACH = 4
#: a name that could move down stays on its first line only with this much room (or whole)
COMFORTABLE = 12


@dataclass(frozen=True, slots=True)
class MarginShape:
    """How the margin is laid out: its width, the columns per lane, how many lanes are drawn,
    whether only bars are drawn, and the room left for names after the bars."""

    width: int
    lane: int
    compact: bool
    lanes: int = 0

    @property
    def bars(self) -> int:
        """Columns the bars take."""
        return self.lanes * self.lane

    @property
    def label_room(self) -> int:
        """Columns after the separator and the bars, for the codes' names."""
        return 0 if self.compact else max(self.width - 1 - self.bars, 0)

    @property
    def named(self) -> bool:
        """Whether stripes carry names (else a legend names the codes on screen)."""
        return self.label_room >= LABEL_MIN


def margin_shape(width: int, lanes: int) -> MarginShape:
    """The margin for a transcript ``width`` columns wide whose codings need ``lanes`` lanes.

    The margin grows with the window (a quarter of it, 20 to 64 columns). Each lane is a bar
    and a gap; the bars take at most half the margin and the rest is for the codes' names,
    written beside the bars on the line where each coding starts (``place_labels``). Under
    ``COMPACT_BELOW`` columns it keeps one column per lane (2 to 4) with bars only, so
    overlaps still show on an 80-column terminal. The width never depends on ``lanes`` (the
    text would reflow whenever a coding adds a lane); only how many bars are drawn does.
    """
    lanes = max(lanes, 1)
    if width < 24:
        return MarginShape(0, 0, True, 0)
    if width < COMPACT_BELOW:
        margin = min(4, max(2, width // 12))
        return MarginShape(margin, 1, True, min(lanes, margin - 1) if lanes > 1 else 1)
    margin = min(max(width // 4, 20), 64)
    cap = max(1, (margin - 1) // 2 // LANE_STEP)
    return MarginShape(margin, LANE_STEP, False, min(lanes, cap))


def place_labels(
    codings: Iterable[tuple[int, int, int, int]],
    room: int,
    wanted: Mapping[int, int],
    *,
    used: Mapping[int, int] | None = None,
) -> dict[int, list[tuple[int, int, int]]]:
    """Where each coding's name goes: ``line -> [(column, width, id)]`` in the name area.

    ``codings`` are ``(id, first line, last line, lane)``; ``wanted`` the width each name
    would like. A name goes on its coding's first line. When several start on one line, the
    codings that end there come first (they have nowhere else to go) and share the room,
    each cut to its share but never under ``LABEL_MIN`` columns; a longer coding's name moves
    down a line (at most ``LABEL_REACH`` lines, never past the coding) unless it fits whole
    or at least ``COMFORTABLE`` columns of it do. Names on a line are ordered by lane, as
    the bars are. A coding whose name finds no room keeps its bar (its colour and the panel
    still tell it). ``used`` gives columns already taken on some lines (placing one more
    coding among those placed before).
    """
    taken = dict(used or {})
    placed: dict[int, list[tuple[int, int, int]]] = {}
    if room < LABEL_MIN:
        return placed
    # line -> names waiting there: (id, first line, last line, lane)
    waiting: dict[int, list[tuple[int, int, int, int]]] = {}
    for item in codings:
        waiting.setdefault(item[1], []).append(item)
    while waiting:
        line = min(waiting)
        here = sorted(waiting.pop(line), key=lambda c: (c[2], c[3], c[0]))
        free = room - taken.get(line, 0)
        # ending here, or at the end of its reach: no later line to go to
        stuck = [c for c in here if line >= min(c[2], c[1] + LABEL_REACH)]
        chosen = _fit(stuck, free, wanted)
        left = free - sum(size + 1 for _, size in chosen)
        for c in here:
            if c in stuck:
                continue
            want = min(wanted.get(c[0], LABEL_MIN), room)
            if left >= min(want, COMFORTABLE):
                size = min(want, left)
                chosen.append((c, size))
                left -= size + 1
            else:
                waiting.setdefault(line + 1, []).append(c)  # try the next line
        column = taken.get(line, 0)
        for c, size in sorted(chosen, key=lambda cs: (cs[0][3], cs[0][0])):
            placed.setdefault(line, []).append((column, size, c[0]))
            column += size + 1
        taken[line] = column
    return placed


def _fit(
    names: list[tuple[int, int, int, int]], free: int, wanted: Mapping[int, int]
) -> list[tuple[tuple[int, int, int, int], int]]:
    """Share ``free`` columns among ``names`` (as many as get ``LABEL_MIN`` each, in order),
    each growing towards the width it wants, one column at a time in turn."""
    count = 0
    while count < len(names) and (count + 1) * (LABEL_MIN + 1) - 1 <= free:
        count += 1
    chosen = names[:count]
    wants = [max(min(wanted.get(c[0], LABEL_MIN), free), 1) for c in chosen]
    sizes = [min(LABEL_MIN, w) for w in wants]
    spare = free - sum(sizes) - max(count - 1, 0)
    while spare > 0:
        grew = False
        for i, want in enumerate(wants):
            if spare > 0 and sizes[i] < want:
                sizes[i] += 1
                spare -= 1
                grew = True
        if not grew:
            break
    return list(zip(chosen, sizes, strict=True))


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
