"""What turn detection found in a transcript, shown before anything is imported.

``workbench import --dry-run`` prints, per file, the speakers found with their number of turns
and the first turn of each (with its time when the file has one), so a wrong guess (a header
taken for a speaker, a format not recognised) is seen before the project is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.i18n import _, ngettext
from workbench.ingest.base import ParsedTranscript

SHOWN_CHARS = 70


@dataclass
class SpeakerSummary:
    speaker: str | None
    turns: int
    first_text: str
    first_time: float | None


@dataclass
class TurnReport:
    """Speakers and first turns of one parsed transcript."""

    name: str
    source_format: str
    characters: int
    turns: int
    speakers: list[SpeakerSummary] = field(default_factory=list)

    def lines(self) -> list[str]:
        named = [s for s in self.speakers if s.speaker is not None]
        out = [
            _(
                "{name} ({format}): {characters} characters, {turns} turns, {speakers} speakers"
            ).format(
                name=self.name,
                format=self.source_format,
                characters=self.characters,
                turns=self.turns,
                speakers=len(named),
            )
        ]
        if not self.turns:
            out.append(_("  no speaker turns found: the text will be one passage"))
        for s in self.speakers:
            who = s.speaker if s.speaker is not None else _("(no speaker)")
            when = f" [{clock(s.first_time)}]" if s.first_time is not None else ""
            count = ngettext("{n} turn", "{n} turns", s.turns).format(n=s.turns)
            out.append(
                _("  {who}: {count}; first{when}: {first_text}").format(
                    who=who, count=count, when=when, first_text=s.first_text
                )
            )
        return out


def clock(seconds: float) -> str:
    """``83.5`` -> ``0:01:23``."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def turn_report(name: str, parsed: ParsedTranscript) -> TurnReport:
    """Summarise ``parsed``'s turns: each speaker in order of first appearance."""
    by_speaker: dict[str | None, SpeakerSummary] = {}
    for turn in parsed.turns:
        entry = by_speaker.get(turn.speaker)
        if entry is None:
            text = " ".join(parsed.text[turn.start : turn.end].split())
            if len(text) > SHOWN_CHARS:
                text = text[: SHOWN_CHARS - 1].rstrip() + "…"
            by_speaker[turn.speaker] = SpeakerSummary(turn.speaker, 1, text, turn.time_start)
        else:
            entry.turns += 1
    return TurnReport(
        name, parsed.source_format, len(parsed.text), len(parsed.turns), list(by_speaker.values())
    )
