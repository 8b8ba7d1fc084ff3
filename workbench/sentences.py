"""Sentence boundaries with spaCy's rule-based sentencizer (no model download).

The blank pipeline is built once per language and kept; spaCy is imported only when the first
document is split, so the CLI starts fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

SUPPORTED = ("en", "es", "pt", "fr", "de", "it", "nl", "ca")
CHUNK = 100_000  # characters handed to spaCy at once; bounds memory on huge transcripts


@lru_cache(maxsize=8)
def sentencizer(language: str) -> Any:
    import spacy

    nlp = spacy.blank(language if language in SUPPORTED else "xx")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 100_000_000
    return nlp


def split_spans(
    text: str, spans: Iterable[tuple[int, int]], language: str
) -> Iterator[tuple[int, int]]:
    """Yield sentence (start, end) offsets inside each of ``spans`` of ``text``.

    Splitting inside spans (speaker turns, paragraphs) keeps a sentence from running over a
    change of speaker. Leading and trailing whitespace is left out of each sentence.
    """
    nlp = sentencizer(language)
    spans = [piece for s, e in spans if text[s:e].strip() for piece in _chunks(text, s, e)]
    docs = nlp.pipe((text[s:e] for s, e in spans), batch_size=64)
    for (base, _end), doc in zip(spans, docs, strict=True):
        piece = doc.text  # spaCy rebuilds Doc.text from its tokens on every access: once only
        bounds = [(sent.start_char, sent.end_char) for sent in doc.sents]
        for start, end in _move_opening_marks(piece, bounds):
            chunk = piece[start:end]
            stripped = chunk.strip()
            if not stripped:
                continue
            start += len(chunk) - len(chunk.lstrip())
            end = start + len(stripped)
            yield base + start, base + end


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
