"""Sentence boundaries with spaCy's rule-based sentencizer (no model download).

The blank pipeline is built once per language and kept; spaCy is imported only when the first
document is split, so the CLI starts fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

SUPPORTED = ("en", "es", "pt", "fr", "de", "it", "nl", "ca")


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
    spans = [(s, e) for s, e in spans if text[s:e].strip()]
    docs = nlp.pipe((text[s:e] for s, e in spans), batch_size=64)
    for (base, _end), doc in zip(spans, docs, strict=True):
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            chunk = doc.text[start:end]
            stripped = chunk.strip()
            if not stripped:
                continue
            start += len(chunk) - len(chunk.lstrip())
            end = start + len(stripped)
            yield base + start, base + end
