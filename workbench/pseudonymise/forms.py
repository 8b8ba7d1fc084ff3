"""Finding every written form of a key entry in a text: the one matcher apply and check share.

A key entry stands for all the ways the text may write it:

- letter case and accents: "Ramírez", "RAMIREZ" and "ramirez" are one name (folded to the
  same length, so positions in the folded text are positions in the text);
- spacing: "Red de Salud  Huamanga", "Red de Salud\\nHuamanga" and "Quispe-Mamani" match;
- a person's name in parts: first name alone, each surname alone, first name with a surname,
  an initial with a surname ("R. Quispe"), with or without a title before it;
- possessives and other endings after an apostrophe ("Rosa's", "Quispe's"): only whole words
  are replaced, and the apostrophe ends a word;
- numbers (phones, ID numbers) whatever their separators ("984 123 456", "984-123-456").

A one-word form that is also an ordinary word of Spanish or English ("Rosa": pink, "Flores":
flowers) matches only when written capitalised; every other form matches in any case, so a
transcriber's lowercase "quispe" is found. A part shared by two people of the key ("Rosa" in
"Rosa Quispe" and "Rosa Vela") is left to the full names: it cannot say which one is meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.pseudonymise.folding import APOSTROPHES, fold, fold_word

__all__ = ["fold", "fold_word"]

if TYPE_CHECKING:
    from workbench.pseudonymise.key import KeyEntry

WORD = re.compile(r"\w+")
NUMBER_RUN = re.compile(r"\+?\d[\d .()/\-]*\d")
LANGUAGES = ("es", "en")
#: small words inside names that are no name alone ("Rosa de la Cruz", "El Sayed")
PARTICLES = set("de del la las los el al y e da das do dos van von".split())


def gap_key(gap: str) -> str:
    """What separates two words of a form, spaces and hyphens aside ("Dr. " -> ".")."""
    return "".join(c for c in gap if not c.isspace() and c not in "-‐‑–")


@dataclass(frozen=True, slots=True)
class Form:
    """One written form of a key entry, as folded words and what lies between them."""

    words: tuple[str, ...]
    gaps: tuple[str, ...]
    entry: int
    #: languages in which this one-word form is also an ordinary word: there it matches
    #: only when written capitalised
    ordinary_in: frozenset[str] = frozenset()
    #: an acronym that is also a word ("HIS", "SUS"): it matches only written in capitals,
    #: never the "His" that opens a sentence
    acronym: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    entry: int
    words: tuple[str, ...]


def split_form(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    folded = fold(text)
    spans = [m.span() for m in WORD.finditer(folded)]
    words = tuple(folded[a:b] for a, b in spans)
    gaps = tuple(gap_key(folded[b : spans[i + 1][0]]) for i, (_a, b) in enumerate(spans[:-1]))
    return words, gaps


def name_parts(text: str, titles: set[str]) -> list[str]:
    """The words of a person's name, titles and particles left out ("Dr. Rosa de la Cruz"
    -> Rosa, Cruz); hyphenated surnames give both halves."""
    words = [w for w in WORD.findall(text.translate(APOSTROPHES)) if not w.isdigit()]
    while words and fold(words[0]) in titles:
        words = words[1:]
    return [w for w in words if fold(w) not in PARTICLES and fold(w) not in titles]


def person_forms(original: str, titles: set[str]) -> list[str]:
    """The parts a person's name is written in: each name alone, first name with each
    surname, each pair of names in order, an initial with each surname, the name without
    its title."""
    parts = name_parts(original, titles)
    out = [p for p in parts if len(p) > 1] + [" ".join(parts)]
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            out.append(f"{a} {b}")
    if parts and len(parts) > 1:
        for surname in parts[1:]:
            out.append(f"{parts[0][0]}. {surname}")
    return out


def number_digits(text: str) -> str | None:
    """The digits of a phone or ID number written with separators, else None."""
    if not re.fullmatch(r"[\d\s().+/\-]+", text):
        return None
    digits = re.sub(r"\D", "", text)
    return digits if len(digits) >= 5 else None


class Matcher:
    """Every form of the given key entries, found in a text as whole words."""

    def __init__(
        self,
        entries: Sequence[KeyEntry],
        *,
        is_word: Callable[[str, str], bool] | None = None,
        shared: bool = False,
    ) -> None:
        """``shared``: also find the name parts two people of the key share ("Rosa" of
        "Rosa Quispe" and "Rosa Vela"). Each such part becomes an entry of its own, after the
        given ones (``self.shared`` maps its index to the entries that share it): it cannot
        say who is meant, but it is still a name that must not be left in a release."""
        from workbench.pseudonymise.lexicon import TITLES, words_of

        titles = words_of("es", TITLES)
        self.entries = list(entries)
        self.given = len(self.entries)
        self.shared: dict[int, tuple[int, ...]] = {}
        self.by_first: dict[str, list[Form]] = {}
        self.numbers: dict[str, int] = {}
        explicit: dict[tuple[str, ...], int] = {}
        derived: dict[tuple[tuple[str, ...], tuple[str, ...]], set[int]] = {}
        spelled: dict[tuple[str, ...], str] = {}  # a one-word form as the key writes it
        for index, entry in enumerate(self.entries):
            for text in entry.forms():
                digits = number_digits(text)
                if digits is not None:
                    self.numbers[digits] = index
                    continue
                words, gaps = split_form(text)
                if words:
                    explicit[words] = index
                    derived.setdefault((words, gaps), set()).add(index)
                    spelled.setdefault(words, text.strip())
            if entry.kind == "person":
                for text in person_forms(entry.original, titles):
                    words, gaps = split_form(text)
                    if words:
                        derived.setdefault((words, gaps), set()).add(index)
                        spelled.setdefault(words, text.strip())
        word_check = is_word or _is_ordinary_word
        for (words, gaps), owners in derived.items():
            if words in explicit:
                owners = {explicit[words]}
            if len(owners) != 1:
                # a first name two people share says nothing of which one
                if not shared:
                    continue
                owners = {self._shared_entry(spelled[words], sorted(owners))}
            # "Efraín" is no Spanish word though "efrain" is written: judge the spelling given
            ordinary = (
                frozenset(lang for lang in LANGUAGES if word_check(spelled[words], lang))
                if len(words) == 1
                else frozenset()
            )
            owner = next(iter(owners))
            written = spelled[words]
            acronym = (
                bool(ordinary)
                and len(written) > 1
                and written.isupper()
                and self.entries[owner].kind != "person"
            )
            form = Form(words, gaps, owner, ordinary, acronym)
            self.by_first.setdefault(words[0], []).append(form)
        for forms in self.by_first.values():
            forms.sort(key=lambda f: len(f.words), reverse=True)
        self._first: re.Pattern[str] | None = None
        #: first word -> [(length, {(words, gaps): form}, {words})], longest first: one
        #: look-up per length at a hit, whatever the number of forms sharing the first word;
        #: the words alone are checked before what lies between them is read ("la" opens
        #: "La Paz" and thousands of other phrases)
        self._by_length: dict[str, list[tuple[int, dict[tuple, Form], set[tuple]]]] = {}
        for first, forms in self.by_first.items():
            lengths: dict[int, dict[tuple, Form]] = {}
            for form in forms:
                lengths.setdefault(len(form.words), {}).setdefault((form.words, form.gaps), form)
            self._by_length[first] = [
                (length, by_form, {words for words, _gaps in by_form})
                for length, by_form in sorted(lengths.items(), reverse=True)
            ]

    def _shared_entry(self, spelled: str, owners: list[int]) -> int:
        """The index of the entry standing for a part ``owners`` share (made once)."""
        from dataclasses import replace

        for index, found in self.shared.items():
            if fold(self.entries[index].original) == fold(spelled):
                self.shared[index] = tuple(sorted({*found, *owners}))
                return index
        kinds = {self.entries[i].kind for i in owners}
        kind = kinds.pop() if len(kinds) == 1 else "person"
        made = replace(self.entries[owners[0]], original=spelled, pseudonym=f"[{kind}]")
        self.entries.append(replace(made, kind=kind, variants=(), status="accepted"))
        self.shared[len(self.entries) - 1] = tuple(owners)
        return len(self.entries) - 1

    def find(self, text: str, language: str | None = None) -> list[Hit]:
        """Non-overlapping hits, leftmost first and longest at each place.

        ``language`` is the text's language ("Rosa" is an ordinary word only in Spanish);
        without it a form that is a word in either language must be capitalised.
        """
        hits = self._words(text, language) + self._numbers(text)
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        out: list[Hit] = []
        last = -1
        for hit in hits:
            if hit.start < last:
                continue
            prev = out[-1] if out else None
            if prev and prev.entry == hit.entry and not gap_key(text[prev.end : hit.start]):
                # "Rosa Quispe-Mamani" found as two parts of one name: one replacement
                hit = Hit(prev.start, hit.end, hit.entry, prev.words + hit.words)
                out[-1] = hit
            else:
                out.append(hit)
            last = hit.end
        return out

    def _words(self, text: str, language: str | None) -> list[Hit]:
        """Hits of word forms. One regex, a trie of every form's words with anything but a
        word between them, finds the places where a whole form may start (the text is not
        walked word by word in Python, nor at every "la" that opens "La Paz"); what lies
        between the words is then checked here."""
        if not self.by_first:
            return []
        folded = fold(text)
        if self._first is None:
            patterns = {
                r"\W+".join(re.escape(w) for w in words)
                for by_length in self._by_length.values()
                for _length, _forms, seqs in by_length
                for words in seqs
            }
            self._first = re.compile(r"(?<!\w)(?=" + _trie(patterns) + r"(?!\w))")
        hits = []
        for start in self._first.finditer(folded):
            m = WORD.match(folded, start.start())
            if m is None or m.group() not in self._by_length:
                continue
            a, b = m.span()
            following: list[tuple[str, int, int]] = []  # (word, its start, its end)
            pos = b
            for length, forms, sequences in self._by_length[m.group()]:
                while len(following) < length - 1:
                    nxt = WORD.search(folded, pos)
                    if nxt is None:
                        break
                    following.append((nxt.group(), nxt.start(), nxt.end()))
                    pos = nxt.end()
                if len(following) < length - 1:
                    continue
                words = (m.group(), *(w for w, _s, _e in following[: length - 1]))
                if words not in sequences:
                    continue
                ends = [b, *(e for _w, _s, e in following)]
                gaps = tuple(gap_key(folded[ends[k] : following[k][1]]) for k in range(length - 1))
                form = forms.get((words, gaps))
                if form is None:
                    continue
                if (
                    form.ordinary_in
                    and (language is None or language in form.ordinary_in)
                    and not text[a].isupper()
                ):
                    continue
                if form.acronym and not text[a:b].isupper():
                    continue
                hits.append(
                    Hit(a, following[length - 2][2] if length > 1 else b, form.entry, words)
                )
                break
        return hits

    def _numbers(self, text: str) -> list[Hit]:
        if not self.numbers:
            return []
        hits = []
        for m in NUMBER_RUN.finditer(text):
            groups = [
                (g.start() + m.start(), g.end() + m.start()) for g in re.finditer(r"\d+", m.group())
            ]
            for i in range(len(groups)):
                digits = ""
                for j in range(i, len(groups)):
                    digits += text[groups[j][0] : groups[j][1]]
                    entry = self.numbers.get(digits)
                    if entry is not None:
                        hits.append(Hit(groups[i][0], groups[j][1], entry, (digits,)))
        return hits


def _trie(patterns: Iterable[str]) -> str:
    r"""``_trie`` over regex pieces: each pattern is split into its escaped characters and
    ``\W+`` gaps, so forms sharing a beginning share a branch."""
    token = re.compile(r"\\W\+|\\.|.", re.S)
    root: dict[str, dict] = {}
    for pattern in patterns:
        node = root
        for piece in token.findall(pattern):
            node = node.setdefault(piece, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [piece + build(child) for piece, child in sorted(node.items()) if piece]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return build(root)


def _is_ordinary_word(word: str, language: str) -> bool:
    from workbench.pseudonymise.lexicon import lexicon

    return lexicon(language).is_word(word)
