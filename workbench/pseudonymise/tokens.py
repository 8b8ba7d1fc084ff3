"""The words of a transcript, as detection reads them.

One regex reads the words (spaCy's tokenizer, and a Python object per punctuation mark,
cost a third of detection); what lies between two words says whether the second opens a
sentence and whether the two are joined by spaces or a hyphen only (as the words of one name
are).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from workbench.pseudonymise.folding import fold_word

SENTENCE_END = set(".!?:;…\n")
#: titles written abbreviated, whose full stop ends no sentence
ABBREVIATED = set(
    "dr dra sr sra srta sres ing lic prof mg abog obst enf tec gral cap mr mrs ms mx rev st sto".split()
)
#: marks after which a capital opens speech or a note, as at a sentence start: quotations
#: ("She said, "Go home""), a transcriber's notes ("[Laughs]", "(inaudible) We ...")
SPEECH_MARKS = set('¿¡"“«[(])')
#: a character between two words that makes the second open a sentence
BREAKS = re.compile("[" + re.escape("".join(sorted(SENTENCE_END | SPEECH_MARKS))) + "]")
_DIGIT = re.compile(r"\d")


class Token:
    __slots__ = ("start", "end", "text", "folded", "initial", "index", "joined", "capitalised")

    def __init__(
        self, start: int, end: int, text: str, initial: bool, index: int, joined: bool
    ) -> None:
        self.start, self.end, self.text = start, end, text
        self.folded = fold_word(text.rstrip("."))
        self.initial = initial
        self.index = index
        #: only spaces (no line break, no punctuation) separate it from the word before
        self.joined = joined
        #: written with a capital, and with no digit (a code, "RASH720514", names no one by
        #: its capitals; the ID patterns find it)
        self.capitalised = text[:1].isupper() and (text.isalpha() or not _DIGIT.search(text))


#: a word: letters and digits, joined across an apostrophe before a capital ("O'Brien", not
#: "I'm" or the possessive "'s"); or dotted ("EE.UU.", "U.K.", "34.545.218"); or a code with
#: digits and hyphens; with a title's or an initial's full stop ("Dr.", "R."), which ends no
#: sentence
WORD_TOKEN = re.compile(
    r"(?=[\w-]*\d)[^\W_]+(?:-[^\W_]+)+"  # a code with digits: "AYA-03", "UG-KII-03"
    r"|[^\W_]+(?:\.[^\W_]+)+\.?"  # dotted: "EE.UU.", "U.K.", "34.545.218"
    r"|[^\W_]+(?:['’](?=[A-ZÀ-ÖØ-Þ])[^\W_]+)*(?:\.(?=\s))?"  # "O'Brien", not "I'm"
)


#: letters and digits with what may join them ("O'Brien", "EE.UU.", "AYA-03", "Dr."):
#: ``_words_of`` splits what ``WORD_TOKEN`` would not join
WORD_RUN = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*\.?")


def tokens_of(text: str, sentence_starts: set[int]) -> list[Token]:
    """The words of ``text``, each marked when it opens a sentence (a line, a sentence the
    project split, or what follows a full stop, a colon, a quotation mark or a bracket).

    One regex reads the words (spaCy's tokenizer, and a Python object per punctuation
    mark, cost a third of detection); what lies between two words decides the rest. A
    full stop is kept with the word before it only for a title or an initial ("Dr.
    Quispe", "R. Quispe"), where it ends no sentence. The rules are the same in Spanish and
    English.
    """
    out: list[Token] = []
    last_end = 0
    previous: Token | None = None
    for start, end, word in _words_of(text):
        if word.endswith(".") and "." not in word[:-1]:
            bare = word[:-1]
            if not ((len(bare) == 1 and bare.isalpha()) or fold_word(bare) in ABBREVIATED):
                word, end = bare, end - 1  # the full stop of a sentence
        gap = text[last_end:start]
        if gap == " " and previous is not None:  # most words: no need to look further
            initial, joined = start in sentence_starts, True
        else:
            initial = previous is None or start in sentence_starts or bool(BREAKS.search(gap))
            # spaces, or the hyphen of a compound name ("Owusu-Ansah", "IMSS-Bienestar")
            joined = previous is not None and (gap == "-" or (gap.isspace() and "\n" not in gap))
        token = Token(start, end, word, initial, len(out), joined)
        out.append(token)
        previous = token
        last_end = end
    return out


def _words_of(text: str) -> Iterator[tuple[int, int, str]]:
    """``WORD_TOKEN``'s words: a plain word is read by one simple pattern (``WORD_RUN``, which
    takes in apostrophes, dots and hyphens too); only a run holding one of those is read
    again with ``WORD_TOKEN``, whose three patterns cost three times as much."""
    for m in WORD_RUN.finditer(text):
        word = m.group()
        if word.isalnum() or (word[-1] == "." and word[:-1].isalnum()):
            yield m.start(), m.end(), word
        else:
            start, end = m.span()
            for piece in WORD_TOKEN.finditer(text, start, min(len(text), end + 1)):
                yield piece.start(), piece.end(), piece.group()
