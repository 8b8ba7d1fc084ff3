"""Caption files (WebVTT and SubRip) turned into a transcript with timed speaker turns.

Both formats are blocks of cues separated by blank lines, each with a timing line
(``00:01:02.500 --> 00:01:05.000``) and caption text. The reader is our own, small and strict
where it matters: a malformed timing line is an error naming its line number, instead of a
cue silently dropped (webvtt-py skips such cues and cannot say where a problem is).

Speakers come from WebVTT voice tags (``<v Ana>``, ``<v.loud Ana>``) and from ``Name:`` at
the start of a caption line (decided with the same heuristics as plain text, see
``workbench.ingest.speakers``). A caption without a speaker continues the last speaker's
turn, and consecutive cues of one speaker merge into one turn that keeps the start time of
its first cue and the end time of its last. Captions with no speaker at all (an SRT file from
a subtitle tool) are cut into turns at pauses of ``PAUSE`` seconds or more, so their times
still place each passage. The stored text shows one turn per paragraph as
``Name: what was said``; turn offsets cover what was said, not the label.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from workbench.i18n import _
from workbench.ingest.base import ParsedTranscript, ParsedTurn
from workbench.ingest.encoding import decode_bytes
from workbench.ingest.speakers import find_labels
from workbench.store.errors import InputFileError
from workbench.textnorm import normalise

_CLOCK = r"(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*({_CLOCK})\s*-->\s*({_CLOCK})(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)*(?:\s+([^>]*))?>|</v>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
PAUSE = 2.0


@dataclass(slots=True)
class Cue:
    line: int
    start: float
    end: float
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Piece:
    """One line of caption text, with the voice tag it was spoken under (if any)."""

    cue: Cue
    voice: str | None
    text: str


def parse_vtt(data: bytes, source: str) -> ParsedTranscript:
    decoded = decode_bytes(data, source)
    lines = normalise(decoded.text).split("\n")
    first = lines[0].strip()
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise InputFileError(
            _("not a WebVTT file (the first line must be WEBVTT)"), source=source, place="line 1"
        )
    cues = _cues(lines, source, skip_first_block=True)
    return _transcript(cues, "vtt", decoded.encoding, source)


def parse_srt(data: bytes, source: str) -> ParsedTranscript:
    decoded = decode_bytes(data, source)
    lines = normalise(decoded.text).split("\n")
    cues = _cues(lines, source, skip_first_block=False)
    return _transcript(cues, "srt", decoded.encoding, source)


def _blocks(lines: list[str]):
    """(line number of the first line, lines) of each run of non-blank lines."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _cues(lines: list[str], source: str, *, skip_first_block: bool) -> list[Cue]:
    cues: list[Cue] = []
    for index, (first_line, block) in enumerate(_blocks(lines)):
        if skip_first_block and index == 0:
            continue  # the WEBVTT header and its metadata lines
        head = block[0].strip()
        if re.match(r"^(NOTE|STYLE|REGION)(\s|$)", head) and "-->" not in head:
            continue
        at = 0 if "-->" in block[0] else 1 if len(block) > 1 and "-->" in block[1] else None
        if at is None:
            if not cues:
                raise InputFileError(
                    _("caption text before the first cue timing"),
                    source=source,
                    place=f"line {first_line}",
                )
            cues[-1].lines.extend(block)  # a blank line inside a caption: keep the text
            continue
        number = first_line + at
        match = _TIMING.match(block[at])
        if match is None:
            raise InputFileError(_("malformed cue timing"), source=source, place=f"line {number}")
        start, end = (_seconds(match.group(i), source, number) for i in (1, 2))
        if end < start:
            raise InputFileError(
                _("cue ends before it starts"), source=source, place=f"line {number}"
            )
        cues.append(Cue(number, start, end, block[at + 1 :]))
    if not cues:
        raise InputFileError(_("no captions in the file"), source=source)
    return cues


def _seconds(clock: str, source: str, line: int) -> float:
    parts = clock.replace(",", ".").split(":")
    *bigger, seconds = parts
    if any(int(p) >= 60 for p in bigger[-1:]) or float(seconds) >= 60:
        raise InputFileError(
            _("malformed cue timing ({clock})").format(clock=clock),
            source=source,
            place=f"line {line}",
        )
    total = 0.0
    for part in bigger:
        total = total * 60 + int(part)
    return round(total * 60 + float(seconds), 3)


def _pieces(cues: list[Cue]) -> list[Piece]:
    """Split caption text at voice tags and lines; strip the remaining markup."""
    pieces: list[Piece] = []
    for cue in cues:
        voice: str | None = None
        for raw in cue.lines:
            pos = 0
            for match in _VOICE.finditer(raw):
                _add(pieces, cue, voice, raw[pos : match.start()])
                voice = " ".join(match.group(1).split()) or None if match.group(1) else None
                pos = match.end()
            _add(pieces, cue, voice, raw[pos:])
    return pieces


def _add(pieces: list[Piece], cue: Cue, voice: str | None, raw: str) -> None:
    text = " ".join(html.unescape(_TAG.sub("", raw)).split())
    if text:
        pieces.append(Piece(cue, voice, text))


def _transcript(cues: list[Cue], fmt: str, encoding: str, source: str) -> ParsedTranscript:
    pieces = _pieces(cues)
    if not pieces:
        raise InputFileError(_("the captions have no text"), source=source)
    # Speaker labels inside caption text, judged over the whole file like plain text.
    joined = "\n".join(p.text for p in pieces)
    starts, pos = {}, 0
    for i, piece in enumerate(pieces):
        starts[pos] = i
        pos += len(piece.text) + 1
    labelled = {
        starts[label.line_start]: (label.speaker, label.content_start - label.line_start)
        for label in find_labels(joined, {p.voice for p in pieces if p.voice})
    }
    groups: list[tuple[str | None, list[str], float, float]] = []
    speaker: str | None = None
    for i, piece in enumerate(pieces):
        text = piece.text
        if piece.voice is not None:
            speaker = piece.voice
        elif i in labelled:
            speaker, skip = labelled[i]
            text = text[skip:].strip()
            if not text:
                continue
        pause = speaker is None and groups and piece.cue.start - groups[-1][3] >= PAUSE
        if groups and groups[-1][0] == speaker and not pause:
            name, texts, start, _end = groups[-1]
            texts.append(text)
            groups[-1] = (name, texts, start, max(_end, piece.cue.end))
        else:
            groups.append((speaker, [text], piece.cue.start, piece.cue.end))
    parts: list[str] = []
    turns: list[ParsedTurn] = []
    length = 0
    for name, texts, start, end in groups:
        if parts:
            parts.append("\n\n")
            length += 2
        label = f"{name}: " if name else ""
        utterance = normalise(" ".join(texts))
        parts.append(label + utterance)
        begin = length + len(label)
        length = begin + len(utterance)
        turns.append(ParsedTurn(begin, length, name, start, end))
    return ParsedTranscript("".join(parts), turns, fmt, {"encoding": encoding, "cues": len(cues)})
