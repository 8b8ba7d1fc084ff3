"""Places in one transcript that may name someone or something identifying.

Rules over spaCy's tokenizer (no trained model) and the lexicon (``pseudonymise.lexicon``):

- a title or honorific and the capitalised words after it ("Dr. Quispe", "doña Juana");
- an institution word and the name after it ("Red de Salud Huamanga", "Ministry of Health"),
  whose last capitalised words usually name a place ("Huamanga");
- a post with the place or body it serves ("alcalde de Huanta", "director of the Trust");
- words capitalised mid-sentence that are not ordinary words written with a capital
  ("Quispe", "Piura", "Claire Dunmore"; not "Estado"), and at the start of a sentence those
  that are no ordinary word at all ("Ernesto dijo ...");
- e-mail addresses, phone numbers and national ID numbers.

Each ``Mention`` carries a reason and a guess of its kind; ``pseudonymise.detect`` groups them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.pseudonymise.folding import fold, fold_word
from workbench.pseudonymise.lexicon import (
    CONNECTORS,
    INSTITUTIONS,
    NOT_IDENTIFYING,
    PLACE_CUES,
    POST_WORDS,
    POSTS,
    TITLES,
    Lexicon,
    given_names,
    surnames,
    words_of,
)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: Peru's DNI and other 8-digit ID numbers, 11-digit RUC, passports, UK NI and US SSN
ID_NUMBERS = re.compile(
    r"(?<![\w.,])(?:\d{8}|(?:10|15|17|20)\d{9}|[A-Z]{2}\d{6}[A-D]|\d{3}-\d{2}-\d{4}|"
    r"[A-Z]{1,2}\d{6,8})(?![\w.,]\d|\w)"
)
ID_CUE = re.compile(
    r"\b(?:DNI|D\.N\.I\.|RUC|documento|carn[eé]t?|pasaporte|passport|ID|NI|SSN)\b", re.I
)
PHONE_FALLBACK = re.compile(r"(?<![\d\w])(?:\+?\d{2,3}[ .-]?)?9\d{2}[ .-]?\d{3}[ .-]?\d{3}(?!\d)")
#: stretches that may hold a phone number: six digits or more, with separators
DIGIT_RUN = re.compile(r"\+?\(?\d[\d ().\-]{4,}\d")
#: words that say a number which follows is a phone, in any country's format
PHONE_CUE = re.compile(
    r"\b(?:phone|telephone|tel|mobile|cell|cellphone|number|whatsapp|call|ring|fax|"
    r"tel[eé]fono|celular|cel|m[oó]vil|n[uú]mero|fono|llame|ll[aá]meme|llamar|whatsapp)\b",
    re.I,
)
SENTENCE_END = set(".!?:;…\n")
#: titles written abbreviated, whose full stop ends no sentence
ABBREVIATED = set(
    "dr dra sr sra srta sres ing lic prof mg abog obst enf tec gral cap mr mrs ms mx rev st sto".split()
)
NAME_OPENERS = {"saint", "st", "san", "santa", "santo", "sao", "mount", "mt", "lake", "port"}
OPENERS = set("¿¡\"'“‘«([—–-")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    kind: str
    reason: str


#: mentions found from one token on, and the index of the last token they use
Found = tuple[list[Mention], int]


class Token:
    __slots__ = ("start", "end", "text", "folded", "initial", "index", "joined")

    def __init__(
        self, start: int, end: int, text: str, initial: bool, index: int, joined: bool
    ) -> None:
        self.start, self.end, self.text = start, end, text
        self.folded = fold_word(text.rstrip("."))
        self.initial = initial
        self.index = index
        #: only spaces (no line break, no punctuation) separate it from the word before
        self.joined = joined

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()  # tokens kept start with a letter or digit


def tokens_of(text: str, lang: str, sentence_starts: set[int]) -> list[Token]:
    """spaCy's tokens of ``text`` (words and numbers), each marked when it opens a sentence.

    The tokenizer's offsets are read as one array (``Doc.to_array``): creating a spaCy
    ``Token`` object per word costs more than all the rules together.
    """
    from spacy.attrs import IDX, LENGTH

    from workbench.sentences import sentencizer

    doc = sentencizer(lang).tokenizer(text)
    out: list[Token] = []
    initial = True
    last_end = 0
    for idx, length in doc.to_array([IDX, LENGTH]).tolist():
        t = text[idx : idx + length]
        gap = text[last_end:idx]
        if "\n" in gap:
            initial = True
        if idx in sentence_starts:
            initial = True
        if not t[0].isalnum():
            if not any(c.isalnum() for c in t):
                if t.isspace():
                    if "\n" in t:
                        initial = True
                elif any(c in SENTENCE_END for c in t):
                    initial = True
                continue
        if out:
            before = out[-1]
            between = text[before.end : idx]
            joined = (between == "" or between.isspace()) and "\n" not in between
            abbreviation = before.folded in ABBREVIATED or len(before.folded) == 1
            if abbreviation and (between == ". " or (before.text.endswith(".") and between == " ")):
                joined = True  # "Dr. Quispe", "R. Quispe": the full stop ends no sentence
        else:
            joined = False
        out.append(Token(idx, idx + length, t, initial, len(out), joined))
        initial = False
        last_end = idx + length
    return out


class MentionFinder:
    """The rules for one language (with the other's lists too: interviews mix them)."""

    def __init__(self, lang: str, lexicons: list[Lexicon]) -> None:
        self.lang = lang
        self.lexicons = lexicons
        self.lexicon = next((lex for lex in lexicons if lex.lang == lang), lexicons[0])
        self.titles = words_of(lang, TITLES)
        self.institutions = words_of(lang, INSTITUTIONS)
        self.place_cues = words_of(lang, PLACE_CUES)
        self.posts = words_of(lang, POSTS)
        self.given = given_names()
        self.surnames = surnames()
        #: words that may start a title, institution or post pattern
        self.triggers = self.titles | self.institutions | self.posts

    # ------------------------------------------------------------- word tests

    def is_word(self, word: str) -> bool:
        """An ordinary word of the document's language ("Rosa" is one in Spanish text only)."""
        return self.lexicon.is_word(word)

    def name_like(self, word: str) -> bool:
        return self.lexicon.name_like(word)

    def opens_names(self, tok: Token) -> bool:
        """A word that, capitalised at a sentence start, mostly begins a name."""
        if tok.folded in NAME_OPENERS:
            return True
        share = self.lexicon.capitalised_share(tok.text)
        return share is not None and share > 0.5

    def known_name(self, folded: str) -> bool:
        return folded in self.given or folded in self.surnames

    def strong_name(self, word: str) -> bool:
        """Even at the start of a sentence, this word is a name: a known given name or
        surname, or a word written capitalised far more often than not. (A name seen only
        at sentence starts but capitalised elsewhere is found by the search for every
        candidate that follows.)"""
        if self.is_word(word):
            return False
        if self.known_name(fold(word)):
            return True
        shares = [
            s for s in (lex.capitalised_share(word) for lex in self.lexicons) if s is not None
        ]
        return bool(shares) and max(shares) > 2.0

    # ----------------------------------------------------------------- finding

    def find(self, text: str, sentence_starts: set[int]) -> list[Mention]:
        tokens = tokens_of(text, self.lang, sentence_starts)
        out: list[Mention] = []
        used = [False] * len(tokens)
        triggers = self.triggers
        i = 0
        while i < len(tokens):
            if tokens[i].folded not in triggers:
                i += 1
                continue
            found = self._titled(tokens, i) or self._institution(tokens, i) or self._post(tokens, i)
            if found:
                mentions, last = found
                out.extend(mentions)
                for k in range(i, last + 1):
                    used[k] = True
                i = last + 1
                continue
            i += 1
        out.extend(self._capitalised(tokens, used))
        out.extend(self._patterns(text))
        return out

    def _name_run(self, tokens: list[Token], i: int, limit: int = 4) -> int:
        """Index past the capitalised words (joined by connectors) starting at ``i``."""
        j = i
        count = 0
        while j < len(tokens) and count < limit:
            tok = tokens[j]
            if j > i and not tok.joined:
                break
            title = tok.folded in self.titles
            if (
                tok.capitalised
                and len(tok.text) > 1
                and not (title and (j == i or tok.text.endswith(".")))
            ):
                j += 1
                count += 1
                continue
            if (
                tok.folded in CONNECTORS
                and j + 1 < len(tokens)
                and tokens[j + 1].capitalised
                and j > i
            ):
                j += 1
                continue
            break
        while j > i and tokens[j - 1].folded in CONNECTORS:
            j -= 1
        return j

    def _titled(self, tokens: list[Token], i: int) -> Found | None:
        tok = tokens[i]
        if tok.folded not in self.titles or i + 1 >= len(tokens) or not tokens[i + 1].joined:
            return None
        start = i + 1
        end = self._name_run(tokens, start, limit=4)
        if end == start:
            return None
        # "Dr. Quispe" or "doctor Quispe", but not "Director Regional": the name must look
        # like a name, not like ordinary capitalised words
        names = tokens[start:end]
        if all(self.is_word(t.text) and not self.known_name(t.folded) for t in names):
            return None
        return [Mention(names[0].start, names[-1].end, "person", "title")], end - 1

    def _institution(self, tokens: list[Token], i: int) -> Found | None:
        tok = tokens[i]
        if not tok.capitalised or tok.folded not in self.institutions:
            return None
        end = self._name_run(tokens, i, limit=7)
        if end - i < 2:
            return None
        mentions = [Mention(tok.start, tokens[end - 1].end, "organisation", "institution")]
        # the last capitalised words after a connector usually name the place it serves
        tail = end
        while tail > i + 1 and tokens[tail - 1].folded not in CONNECTORS:
            tail -= 1
        tail = max(tail, i + 1)
        names = [t for t in tokens[tail:end] if t.folded not in self.institutions]
        if names and not all(self.is_word(t.text) for t in names):
            mentions.append(Mention(names[0].start, names[-1].end, "place", "institution place"))
        return mentions, end - 1

    def _post(self, tokens: list[Token], i: int) -> Found | None:
        tok = tokens[i]
        if tok.folded not in self.posts:
            return None
        j = i + 1
        while (
            j < len(tokens)
            and j - i <= 5
            and tokens[j].joined
            and not tokens[j].capitalised
            and (tokens[j].folded in CONNECTORS or tokens[j].folded in POST_WORDS)
        ):
            j += 1
        if (
            j >= len(tokens)
            or j == i + 1
            or not tokens[j].joined
            or tokens[j - 1].folded not in CONNECTORS
        ):
            return None
        end = self._name_run(tokens, j, limit=4)
        if end == j:
            return None
        names = tokens[j:end]
        if all(self.is_word(t.text) for t in names):
            return None
        return [
            Mention(tok.start, tokens[end - 1].end, "post", "post"),
            Mention(names[0].start, names[-1].end, self._guess(names, tokens, j), "post place"),
        ], end - 1

    def _capitalised(self, tokens: list[Token], used: list[bool]) -> list[Mention]:
        out = []
        i = 0
        while i < len(tokens):
            if used[i] or not tokens[i].capitalised or len(tokens[i].text) < 2:
                i += 1
                continue
            end = self._name_run(tokens, i, limit=6)
            run = tokens[i:end]
            if not run:
                i += 1
                continue
            # an ordinary word opening a sentence is no part of a name ("Pero Rosa ..."),
            # unless it is a word that mostly starts names ("San Martín", "Saint Vincent's")
            while (
                run
                and run[0].initial
                and self.is_word(run[0].text)
                and not self.opens_names(run[0])
            ):
                run = run[1:]
            while run and run[0].folded in CONNECTORS and not run[0].capitalised:
                run = run[1:]
            i = max(end, i + 1)
            if not run:
                continue
            if len(run) == 1:
                mention = self._single(run[0], tokens)
                if mention:
                    out.append(mention)
                continue
            if all(t.folded in NOT_IDENTIFYING for t in run):
                continue
            out.append(
                Mention(run[0].start, run[-1].end, self._guess(run, tokens, None), "capitalised")
            )
        return out

    def _single(self, tok: Token, tokens: list[Token]) -> Mention | None:
        word = tok.text
        if tok.folded in NOT_IDENTIFYING or tok.folded in self.titles:
            return None
        if word.isupper() and len(word) > 1 or (word[:-1].isupper() and word.endswith("s")):
            if not word.isalpha() or self.is_word(word.lower()) or len(word) > 10:
                return None
            return Mention(tok.start, tok.end, "organisation", "acronym")
        if tok.initial:
            if not self.strong_name(word):
                return None
        elif not self.name_like(word):
            return None
        return Mention(tok.start, tok.end, self._guess([tok], tokens, None), "capitalised")

    def _guess(self, run: list[Token], tokens: list[Token], at: int | None) -> str:
        """Person or place (or organisation) for a name found by its capitals."""
        first = run[0]
        index = at if at is not None else first.index
        before = tokens[index - 1].folded if index > 0 else ""
        if any(t.folded in self.institutions for t in run):
            return "organisation"
        if first.folded in self.given or (
            len(run) > 1 and any(t.folded in self.surnames for t in run[1:])
        ):
            return "person"
        if before in self.place_cues and before not in ("de", "of"):
            return "place"
        if len(run) == 1 and first.folded in self.surnames:
            return "person"
        if before in self.place_cues:
            return "place"
        names = [t for t in run if t.folded not in CONNECTORS]
        if len(run) > 1 and len(names) == len(run) and not any(self.is_word(t.text) for t in names):
            return "person"
        return "place"

    def _patterns(self, text: str) -> list[Mention]:
        out = [Mention(m.start(), m.end(), "contact", "e-mail") for m in EMAIL.finditer(text)]
        taken = [(m.start, m.end) for m in out]
        for start, end in phone_spans(text, self.lang):
            if not any(a < end and start < b for a, b in taken):
                out.append(Mention(start, end, "contact", "phone"))
                taken.append((start, end))
        for m in ID_NUMBERS.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            cue = ID_CUE.search(text, max(0, m.start() - 30), m.start())
            digits_only = m.group().isdigit()
            if cue or (digits_only and len(m.group()) in (8, 11)):
                out.append(Mention(m.start(), m.end(), "number", "id number"))
        return out


def phone_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Phone numbers by libphonenumber's matcher (Peru for Spanish text, the US and the UK
    for English), and Peruvian mobiles written any way. The matcher reads only the stretches
    around runs of digits (it is slow over a whole transcript)."""
    import phonenumbers

    regions = ("PE",) if lang == "es" else ("US", "GB")
    spans: list[tuple[int, int]] = []
    for run in DIGIT_RUN.finditer(text):
        start = max(0, run.start() - 4)
        window = text[start : run.end() + 1]
        for region in regions:
            for match in phonenumbers.PhoneNumberMatcher(window, region):
                span = (start + match.start, start + match.end)
                if span not in spans:
                    spans.append(span)
    for m in PHONE_FALLBACK.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in spans):
            spans.append(m.span())
    # any other country's number: 7 to 15 digits written as one run, after "+" or a word
    # such as "phone", "celular" or "his number is" (a sum of money has no such word)
    for run in DIGIT_RUN.finditer(text):
        a, b = run.span()
        if any(x < b and a < y for x, y in spans):
            continue
        digits = sum(c.isdigit() for c in run.group())
        cued = run.group().startswith("+") or PHONE_CUE.search(text, max(0, a - 40), a)
        if 7 <= digits <= 15 and cued:
            spans.append((a, b))
    return spans
