"""Sentence boundaries with spaCy's rule-based sentencizer (no model download).

The blank pipeline is built once per language and kept; spaCy is imported only when the first
document is split, so the CLI starts fast.

spaCy's tokenizer strips prefix and suffix punctuation one character at a time, re-searching
what is left each time: a run of 8,000 ``(`` took 5.7 s, and the time grows with the square of
the run. Runs without whitespace longer than ``MAX_SENTENCE_RUN`` are therefore masked before
spaCy sees them (inner characters replaced by ``x``, first and last kept, offsets unchanged), so
splitting stays linear in the text's length whatever it holds; no sentence boundary is lost by
it, since a sentence never ends inside a run without spaces. Spans holding no sentence-final
mark before their end are one sentence and skip spaCy altogether.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from workbench.limits import MAX_SENTENCE_RUN, SENTENCE_CHUNK

SUPPORTED = ("en", "es", "pt", "fr", "de", "it", "nl", "ca")
CHUNK = SENTENCE_CHUNK  # characters handed to spaCy at once; bounds memory on huge transcripts
_LONG_RUN = re.compile(rf"\S{{{MAX_SENTENCE_RUN + 1},}}")
#: what may follow a sentence's final mark and still belong to the sentence
_CLOSING = "\"'”’»)]}*_"


@lru_cache(maxsize=8)
def sentencizer(language: str) -> Any:
    import spacy

    nlp = spacy.blank(language if language in SUPPORTED else "xx")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 100_000_000
    return nlp


@lru_cache(maxsize=8)
def _final_marks(language: str) -> tuple[re.Pattern[str], str]:
    """Any character the sentencizer may end a sentence at (as a pattern), and what may
    close a sentence after its mark (those marks, closing quotes and brackets, spaces)."""
    marks = "".join(sorted(sentencizer(language).get_pipe("sentencizer").punct_chars))
    return re.compile("[" + re.escape(marks) + "]"), marks + _CLOSING + " \t\n"


def mask_long_runs(text: str) -> str:
    """``text`` with the inside of every whitespace-free run over ``MAX_SENTENCE_RUN``
    characters replaced by ``x`` (same length, same offsets): linear work for spaCy."""
    if len(text) <= MAX_SENTENCE_RUN or not _LONG_RUN.search(text):
        return text
    return _LONG_RUN.sub(lambda m: m[0][0] + "x" * (len(m[0]) - 2) + m[0][-1], text)


def split_spans(
    text: str, spans: Iterable[tuple[int, int]], language: str
) -> Iterator[tuple[int, int]]:
    """Yield sentence (start, end) offsets inside each of ``spans`` of ``text``.

    Splitting inside spans (speaker turns, paragraphs) keeps a sentence from running over a
    change of speaker. Leading and trailing whitespace is left out of each sentence.
    """
    pieces = (piece for s, e in spans for piece in _chunks(text, s, e))
    for base, end, bounds in _bounded(text, pieces, language):
        piece = text[base:end]
        for start, stop in _move_opening_marks(piece, bounds):
            chunk = piece[start:stop]
            stripped = chunk.strip()
            if not stripped:
                continue
            start += len(chunk) - len(chunk.lstrip())
            yield base + start, base + start + len(stripped)


def _bounded(
    text: str, pieces: Iterable[tuple[int, int]], language: str
) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """(start, end, sentence bounds within the piece) for every piece, in order.

    A piece with no sentence-final mark before its closing punctuation is one sentence; the
    others go through spaCy in batches (their masked text, so every piece costs linear time).
    """
    nlp = sentencizer(language)
    marks, closing = _final_marks(language)
    waiting: list[tuple[int, int, str | None]] = []
    pending = 0  # characters waiting for spaCy: its batches hold every Doc of a batch at once

    def flush() -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
        texts = (masked for _s, _e, masked in waiting if masked is not None)
        docs = iter(nlp.pipe(texts, batch_size=64))
        for s, e, masked in waiting:
            if masked is None:
                yield s, e, [(0, e - s)]
            else:
                doc = next(docs)
                yield s, e, [(sent.start_char, sent.end_char) for sent in doc.sents]
        waiting.clear()

    for s, e in pieces:
        piece = text[s:e]
        if not piece.strip():
            continue
        if marks.search(piece.rstrip(closing)) is None:
            waiting.append((s, e, None))
        else:
            waiting.append((s, e, mask_long_runs(piece)))
            pending += e - s
        if len(waiting) >= 256 or pending >= CHUNK:
            yield from flush()
            pending = 0
    yield from flush()


_OPENING = "¿¡"


def _move_opening_marks(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give a Spanish opening ``¿``/``¡`` to the sentence it opens.

    The sentencizer keeps punctuation that follows a full stop with the sentence before, so
    "él. ¿Qué más?" would split as "él. ¿" + "Qué más?".
    """
    fixed = list(bounds)
    for i in range(len(fixed) - 1):
        start, end = fixed[i]
        cut = end
        while cut > start and (text[cut - 1] in _OPENING or text[cut - 1].isspace()):
            cut -= 1
        if cut < end and any(c in _OPENING for c in text[cut:end]) and cut > start:
            fixed[i] = (start, cut)
            fixed[i + 1] = (cut, fixed[i + 1][1])
    return fixed


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut a long span into pieces of about ``CHUNK`` characters at a line break or space.

    A span without paragraph breaks (a 50 MB transcript on one line) would otherwise become
    one spaCy Doc of millions of tokens. A sentence cut at a piece boundary is the price.
    """
    while end - start > CHUNK:
        cut = text.rfind("\n", start + CHUNK // 2, start + CHUNK)
        if cut == -1:
            cut = text.rfind(" ", start + CHUNK // 2, start + CHUNK)
        if cut == -1:
            cut = start + CHUNK
        yield start, cut
        start = cut
    yield start, end
