"""The time of any position in a transcript: one timeline per document.

What is known exactly: each turn's start (and end, when the transcript gave one) from the
file's timestamps (WebVTT, SRT, Otter, Rev, Zoom, Teams), shifted by the recording's offset,
and the sync points a researcher placed by hand (already in the recording's time). Those are
the anchors. Between two anchors, time runs linearly with the text; before the first and after
the last it runs at the document's own pace (the seconds per character between its first and
last anchors), never below zero nor past the recording's end when its length is known. A
document with one anchor or none runs at the recording's length over the text, else at an
ordinary speaking pace (``DEFAULT_SECONDS_PER_CHAR``).

Anchors that contradict each other (a caption whose end overlaps the next turn's start, a
turn timestamp out of order, a hand-placed point the timestamps disagree with) cannot all
hold on a timeline that only moves forward. They are weighed in this order: sync points by
hand, then turn starts, then turn ends; an anchor is kept only when it agrees with those kept
before it (its time lies between its neighbours' times). So a correction by hand always wins,
and playing "from this turn" starts where the transcript says the turn starts.

Everything here is pure: ``Timeline`` is built from numbers and answers in microseconds of
work, so the app can ask it on every key and tick of the player.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.i18n import _

if TYPE_CHECKING:
    from workbench.store.project import Project

#: about 150 words a minute, six characters a word (spaces included)
DEFAULT_SECONDS_PER_CHAR = 1 / 15

# where an anchor came from, strongest first
SYNC, TURN_START, TURN_END = "sync", "turn-start", "turn-end"
_RANK = {SYNC: 0, TURN_START: 1, TURN_END: 2}


@dataclass(frozen=True, slots=True)
class Anchor:
    """The text at ``position`` is heard at ``time`` seconds of the recording."""

    position: int
    time: float
    source: str


@dataclass(frozen=True, slots=True)
class TimePoint:
    """The answer for one position: its time and how it is known."""

    position: int
    time: float
    #: ``sync`` / ``turn-start`` / ``turn-end`` when exact, else ``interpolated`` or
    #: ``extrapolated``
    source: str

    @property
    def exact(self) -> bool:
        return self.source in _RANK


def choose_anchors(candidates: Iterable[Anchor]) -> list[Anchor]:
    """The anchors that hold together, in position order (see the module's doc for why).

    Candidates are taken strongest first (sync, turn start, turn end; then by position); each
    is kept when no kept anchor shares its position and its time lies between the times of
    the kept anchors before and after it.
    """
    ordered = sorted(candidates, key=lambda a: (_RANK[a.source], a.position, a.time))
    positions: list[int] = []
    kept: list[Anchor] = []
    for anchor in ordered:
        if anchor.position < 0 or anchor.time < 0:
            continue
        i = bisect.bisect_left(positions, anchor.position)
        if i < len(positions) and positions[i] == anchor.position:
            continue
        if i > 0 and kept[i - 1].time > anchor.time:
            continue
        if i < len(kept) and kept[i].time < anchor.time:
            continue
        positions.insert(i, anchor.position)
        kept.insert(i, anchor)
    return kept


class Timeline:
    """Time of a position and position of a time, for one document's text."""

    def __init__(
        self, length: int, anchors: Iterable[Anchor], *, duration: float | None = None
    ) -> None:
        self.length = max(int(length), 0)
        self.duration = duration if duration and duration > 0 else None
        self.anchors = [a for a in choose_anchors(anchors) if a.position <= self.length]
        self._positions = [a.position for a in self.anchors]
        self._times = [a.time for a in self.anchors]
        self.pace = self._pace()

    def _pace(self) -> float:
        """Seconds per character outside the anchors (see the module's doc)."""
        if len(self.anchors) >= 2:
            first, last = self.anchors[0], self.anchors[-1]
            if last.position > first.position and last.time > first.time:
                return (last.time - first.time) / (last.position - first.position)
        if self.duration and self.length:
            return self.duration / self.length
        return DEFAULT_SECONDS_PER_CHAR

    def _clamp(self, time: float) -> float:
        time = max(time, 0.0)
        if self.duration is not None:
            time = min(time, self.duration)
        return time

    def point(self, position: int) -> TimePoint:
        """The time at ``position`` (clamped into the text) and how it is known."""
        position = min(max(int(position), 0), self.length)
        anchors = self.anchors
        if not anchors:
            return TimePoint(position, self._clamp(position * self.pace), "extrapolated")
        i = bisect.bisect_right(self._positions, position) - 1
        if i >= 0 and anchors[i].position == position:
            return TimePoint(position, anchors[i].time, anchors[i].source)
        if i < 0:
            first = anchors[0]
            time = first.time - (first.position - position) * self.pace
            return TimePoint(position, self._clamp(min(time, first.time)), "extrapolated")
        if i == len(anchors) - 1:
            last = anchors[-1]
            time = last.time + (position - last.position) * self.pace
            return TimePoint(position, self._clamp(max(time, last.time)), "extrapolated")
        a, b = anchors[i], anchors[i + 1]
        share = (position - a.position) / (b.position - a.position)
        return TimePoint(position, a.time + share * (b.time - a.time), "interpolated")

    def time_at(self, position: int) -> float:
        return self.point(position).time

    def span(self, start: int, end: int) -> tuple[float, float]:
        """The times of ``[start, end)``: where it begins and where its last character ends."""
        return self.time_at(start), self.time_at(max(end, start))

    def position_at(self, time: float) -> int:
        """The last position reached by ``time`` (the inverse of ``time_at``): at a turn's
        start time, the turn that starts, not the end of the one before, which shares it."""
        lo, hi = 0, self.length
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.time_at(mid) <= time:
                lo = mid
            else:
                hi = mid - 1
        return lo


def turn_anchors(
    turns: Sequence[tuple[int, int, float | None, float | None]], offset: float = 0.0
) -> list[Anchor]:
    """Anchors from turns given as (start, end, time_start, time_end), shifted by ``offset``."""
    out: list[Anchor] = []
    for start, end, time_start, time_end in turns:
        if time_start is not None:
            out.append(Anchor(start, time_start + offset, TURN_START))
        if time_end is not None:
            out.append(Anchor(end, time_end + offset, TURN_END))
    return out


def timeline(project: Project, document_id: int) -> Timeline:
    """The document's timeline: its turns' times, its recording's offset and length, and the
    sync points placed by hand."""
    conn = project.conn
    length = conn.execute("SELECT length FROM documents WHERE id = ?", (document_id,)).fetchone()
    if length is None:
        from workbench.store.errors import WorkbenchError

        raise WorkbenchError(_("no document with id {document_id}").format(document_id=document_id))
    media = conn.execute(
        "SELECT time_offset, duration FROM media WHERE document_id = ?", (document_id,)
    ).fetchone()
    offset, duration = (media[0], media[1]) if media else (0.0, None)
    turns = conn.execute(
        'SELECT start, "end", time_start, time_end FROM turns WHERE document_id = ? ORDER BY start',
        (document_id,),
    ).fetchall()
    syncs = conn.execute(
        "SELECT position, time FROM sync_points WHERE document_id = ?", (document_id,)
    ).fetchall()
    anchors = turn_anchors(turns, offset) + [Anchor(p, t, SYNC) for p, t in syncs]
    return Timeline(length[0], anchors, duration=duration)


def timed(project: Project, document_id: int) -> Timeline | None:
    """The document's timeline when it has any time to tell (a recording, a timestamped turn
    or a sync point), else None: a plain transcript shows no invented times."""
    line = timeline(project, document_id)
    linked = project.conn.execute(
        "SELECT 1 FROM media WHERE document_id = ?", (document_id,)
    ).fetchone()
    return line if linked or line.anchors else None


def format_clock(seconds: float, *, tenths: bool = False) -> str:
    """``00:12:03`` (or ``00:12:03.4``): how times are shown in the app and in exports."""
    if tenths:
        tenth = round(max(seconds, 0.0) * 10)
        whole, rest = divmod(tenth, 10)
    else:
        whole, rest = round(max(seconds, 0.0)), 0
    hours, remainder = divmod(int(whole), 3600)
    minutes, secs = divmod(remainder, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.{rest}" if tenths else text


def format_span(start: float, end: float) -> str:
    """``[00:12:03-00:12:41]``, the time span shown beside a coding or a quotation."""
    return f"[{format_clock(start)}-{format_clock(end)}]"


def parse_clock(text: str) -> float:
    """Seconds from ``00:12:03.4``, ``12:03``, ``723.4`` or ``1:02:03,5``; ValueError if not
    (its message in the language spoken)."""
    value = text.strip().replace(",", ".")
    if not value:
        raise ValueError(_("empty time"))
    not_a_time = _("not a time: {text!r}").format(text=text)
    parts = value.split(":")
    if len(parts) > 3:
        raise ValueError(not_a_time)
    seconds = 0.0
    for i, part in enumerate(parts):
        if not part or part.startswith(("-", "+")):
            raise ValueError(not_a_time)
        try:
            number = float(part)
        except ValueError:
            raise ValueError(not_a_time) from None
        if number != number or number in (float("inf"),):  # NaN, infinity
            raise ValueError(not_a_time)
        if i > 0 and number >= 60:
            raise ValueError(
                _("not a time: {text!r} (minutes and seconds run to 59)").format(text=text)
            )
        if i < len(parts) - 1 and not part.isdigit():
            raise ValueError(not_a_time)
        seconds = seconds * 60 + number
    return seconds
