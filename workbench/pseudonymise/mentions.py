"""Places in one transcript that may name someone or something identifying.

Rules over the words of the text (``pseudonymise.tokens``; no trained model), the lexicon
(``pseudonymise.lexicon``) and the gazetteer (``pseudonymise.gazetteer``):

- a title or honorific and the capitalised words after it ("Dr. Quispe", "doña Juana");
- an institution word and the name after it ("Red de Salud Huamanga", "Ministry of Health"),
  whose last capitalised words usually name a place ("Huamanga");
- a post with the place or body it serves ("alcalde de Huanta", "director of the Trust");
- words capitalised mid-sentence that are not ordinary words written with a capital
  ("Quispe", "Piura", "Claire Dunmore"; not "Estado"), and at the start of a sentence those
  that are no ordinary word at all ("Ernesto dijo ...");
- ordinary words capitalised mid-sentence that are a given name or a town ("my mother,
  Comfort, ...", "they went to Reading"), towns and countries that open a sentence when they
  are rare as words ("Tamale, then ...", "May Pen was ..."), and countries' abbreviations
  ("the UK"): the gazetteer (``pseudonymise.gazetteer``) knows them;
- e-mail addresses, phone numbers, ID numbers and numbered roads, by their shape
  (``pseudonymise.contacts``).

Each ``Mention`` carries a reason and a guess of its kind; ``pseudonymise.detect`` groups them.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.pseudonymise.contacts import contact_mentions
from workbench.pseudonymise.folding import fold
from workbench.pseudonymise.gazetteer import gazetteer, place_key
from workbench.pseudonymise.lexicon import (
    CONNECTORS,
    GENERIC_SPEAKERS,
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
from workbench.pseudonymise.tokens import Token, tokens_of

#: a word rarer than this (log probability of its lowercase spelling) that names a town is
#: taken for the town even where a sentence starts with it ("Tamale, then Navrongo")
RARE_WORD = -13.0
#: a word more common than this (log probability of its lowercase spelling) is no name even
#: capitalised mid-sentence when only a list of towns or given names knows it ("We", "Con")
COMMON_WORD = {"place": -7.0, "person": -6.0}
#: words after which a given name at a sentence start stands in apposition ("Pilar, mi
#: hermana, ..."; "Grace, my cousin, ...")
APPOSITION = set("mi mis su sus nuestra nuestro la el una un my his her our their the a an".split())
#: the longest acronym that may also be spelt as a word ("SIS", "PAN", "CRED")
ACRONYM_LENGTH = 4
#: articles after which a capitalised ordinary word is a nickname ("el Mono", "la Chata")
NICKNAME_ARTICLES = {"el", "la"}
#: an acronym whose lowercase spelling is more common than this is a word shouted ("NUNCA")
SHOUTED_WORD = -9.5
#: words that join the parts of an institution's name, not of a person's ("Salud y Deportes")
AND_WORDS = {"y", "e", "and", "&"}
#: first words of places' names ("San Martín", "Puerto Maldonado", "Villa Adela")
PLACE_OPENERS = set(
    (
        "san santa santo sao puerto villa ciudad nueva nuevo bajo alto cerro pampa port fort "
        "mount mt saint st lake new north south east west upper lower plaza parque avenida "
        "av calle jiron pasaje barrio mercado rio lago laguna valle puente playa hacienda "
        "caserio comunidad anexo asentamiento urbanizacion"
    ).split()
)
#: last words of places' names ("Fulton Avenue", "Marion County", "Roundhay Park")
PLACE_TAILS = set(
    (
        "street st road rd avenue ave lane way drive close crescent terrace square park "
        "county district region province state borough ward parish village town city hill "
        "hills valley river lake bay bridge heights estate market township settlement"
    ).split()
)
#: words after which a title opens the name of a place, not a person's ("en Coronel Portillo")
INTO_PLACE = {"en", "desde", "hacia", "in", "from"}
#: kinds of place whose name follows "de" ("provincia de General Sarmiento")
PLACE_TYPES = set(
    "provincia distrito region departamento municipio comunidad pueblo ciudad".split()
)
#: a town this large is more often meant than a surname it shares ("Lima", "Kingston")
LARGE_TOWN = 50_000
NAME_OPENERS = {"saint", "st", "san", "santa", "santo", "sao", "mount", "mt", "lake", "port"}


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    kind: str
    reason: str


#: mentions found from one token on, and the index of the last token they use
Found = tuple[list[Mention], int]


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
        self.places = gazetteer()
        #: the text ``find`` is reading
        self.text = ""
        #: words that are a kind of thing, not a name, even capitalised mid-sentence
        self.common_heads = self.titles | self.institutions | self.posts | POST_WORDS
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

    def rare_place(self, word: str) -> bool:
        """A town or country whose name is no common word of the language ("Tamale", not
        "Reading"): one even at a sentence start."""
        if not self.places.is_place(place_key(word)):
            return False
        low = self.lexicon.prob(word.lower())
        return low is None or low < RARE_WORD

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
        tokens = tokens_of(text, sentence_starts)
        self.text = text
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
        out.extend(Mention(*found) for found in contact_mentions(text, self.lang))
        return out

    def _name_run(self, tokens: list[Token], i: int, limit: int = 4, joins: bool = False) -> int:
        """Index past the capitalised words (joined by connectors) starting at ``i``; with
        ``joins``, "y" and "and" join them too (an institution's name, not a person's)."""
        j = i
        count = 0
        connectors = CONNECTORS | AND_WORDS if joins else CONNECTORS
        while j < len(tokens) and count < limit:
            tok = tokens[j]
            if j > i and not tok.joined:
                break
            title = tok.folded in self.titles
            if joins and j > i and _numbered(tokens, j):
                # "Jurisdicción Sanitaria No. 3", "Posta 12": the number ends the name
                return j + 1 if tok.text[:1].isdigit() else j + 2
            if (
                tok.capitalised
                and len(tok.text) > 1
                and not (title and (j == i or (tok.text.endswith(".") and not joins)))
            ):
                j += 1
                count += 1
                continue
            if (
                tok.folded in connectors
                and j + 1 < len(tokens)
                and tokens[j + 1].capitalised
                and tokens[j + 1].joined
                and j > i
            ):
                j += 1
                continue
            break
        while j > i and tokens[j - 1].folded in connectors:
            j -= 1
        return j

    def _titled(self, tokens: list[Token], i: int) -> Found | None:
        tok = tokens[i]
        if tok.folded not in self.titles or i + 1 >= len(tokens) or not tokens[i + 1].joined:
            return None
        place = self._named_after_a_title(tokens, i)
        if place:
            return place
        start = i + 1
        end = self._name_run(tokens, start, limit=4)
        if end == start:
            return None
        # "Dr. Quispe" or "doctor Quispe", but not "Director Regional": the name must look
        # like a name, not like ordinary capitalised words
        names = tokens[start:end]
        if all(self._plain_word(t) for t in names):
            return None
        return [Mention(names[0].start, names[-1].end, "person", "title")], end - 1

    def _named_after_a_title(self, tokens: list[Token], i: int) -> Found | None:
        """A place whose name opens with a title ("en Coronel Portillo", "en Madre de Dios",
        "provincia de General Sarmiento"): the title is part of the name, so it is kept."""
        tok = tokens[i]
        before = tokens[i - 1].folded if i else ""
        after_type = before == "de" and i > 1 and tokens[i - 2].folded in PLACE_TYPES
        if not tok.capitalised or tok.initial or not (before in INTO_PLACE or after_type):
            return None
        start = i + 1
        if tokens[start].folded in CONNECTORS and start + 1 < len(tokens):
            start += 1  # "Madre de Dios"
        end = self._name_run(tokens, start, limit=3)
        if end == start or not tokens[start].joined:
            return None
        return [Mention(tok.start, tokens[end - 1].end, "place", "place name")], end - 1

    def _institution(self, tokens: list[Token], i: int) -> Found | None:
        tok = tokens[i]
        if not tok.capitalised or tok.folded not in self.institutions:
            return None
        end = self._name_run(tokens, i, limit=7, joins=True)
        if end - i < 2:
            return None
        mentions = [Mention(tok.start, tokens[end - 1].end, "organisation", "institution")]
        # the last capitalised words after a connector usually name the place it serves
        tail = end
        while tail > i + 1 and tokens[tail - 1].folded not in CONNECTORS | AND_WORDS:
            tail -= 1
        tail = max(tail, i + 1)
        names = [
            t
            for t in tokens[tail:end]
            if t.folded not in self.institutions and t.capitalised and t.folded not in NUMBER_SIGNS
        ]
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
                len(run) > 1
                and run[0].initial
                and self.is_word(run[0].text)
                and not self.opens_names(run[0])
                and not self._place_opens(run)
                and not self._first_name_opens(run)
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
            if all(t.text.isupper() for t in run) and self.plain_phrase(
                " ".join(t.text for t in run)
            ):
                continue  # a heading: "INTERVIEW CODE", "SALUD RURAL"
            out.append(
                Mention(run[0].start, run[-1].end, self._guess(run, tokens, None), "capitalised")
            )
        return out

    def _place_opens(self, run: list[Token]) -> bool:
        """The run opens with the name of a town of two words or more ("May Pen", "Spanish
        Town"), whose first word alone is an ordinary word."""
        for k in range(min(len(run), 4), 1, -1):
            if self.places.is_place(place_key(" ".join(t.text for t in run[:k]))):
                return True
        return False

    def _plain_word(self, tok: Token, lexicon: Lexicon | None = None) -> bool:
        """A common word of the language (or of ``lexicon``) and no known name ("Regional",
        not "Hy" or "Rosa")."""
        lex = lexicon or self.lexicon
        low = lex.prob(tok.text.lower())
        return (
            lex.is_word(tok.text)
            and not self.known_name(tok.folded)
            and low is not None
            and low >= RARE_WORD
        )

    def plain_phrase(self, phrase: str) -> bool:
        """Every word of ``phrase`` is a common word of one language and no name
        ("INTERVIEW CODE" in a Spanish transcript too)."""
        words = [Token(0, 0, w, False, 0, False) for w in phrase.replace(".", " ").split()]
        return bool(words) and any(
            all(w.folded in CONNECTORS or self._heading_word(w, lex) for w in words)
            for lex in self.lexicons
        )

    def _heading_word(self, tok: Token, lex: Lexicon) -> bool:
        """A word the language writes in lowercase, however rare ("transcriber"), and no name."""
        share = lex.capitalised_share(tok.text)
        return (
            lex.prob(tok.text.lower()) is not None
            and (share is None or share < 1.5)
            and not self.known_name(tok.folded)
        )

    def _first_name_opens(self, run: list[Token]) -> bool:
        """The run opens with a given name that is also a word, and a surname follows ("Grace
        Whitfield", "Pilar Huamán", "Charity Aber"): the whole run is a person."""
        second = run[1]
        return (
            run[0].folded in self.given
            and not self._common(run[0].text, "person")
            and second.folded not in CONNECTORS
            and (second.folded in self.surnames or not self._plain_word(second))
        )

    def _in_region(self, last: Token, tokens: list[Token]) -> bool:
        """A comma and a country or US state follow ("Dayton, Ohio", "Tarija, Bolivia")."""
        nxt = last.index + 1
        if nxt >= len(tokens) or self.text[last.end : tokens[nxt].start].strip() != ",":
            return False
        for width in (1, 2, 3):
            words = tokens[nxt : nxt + width]
            if len(words) == width and self.places.is_country(
                place_key(" ".join(t.text for t in words))
            ):
                return True
        return False

    def _common(self, word: str, kind: str) -> bool:
        low = self.lexicon.prob(word.lower())
        return low is not None and low > COMMON_WORD[kind]

    def _apposition(self, tok: Token, tokens: list[Token]) -> bool:
        """``tok`` is followed by a comma and a phrase that says who it is ("Pilar, mi
        hermana")."""
        nxt = tok.index + 1
        return (
            self.text[tok.end : tok.end + 1] == ","
            and nxt < len(tokens)
            and tokens[nxt].folded in APPOSITION
        )

    def _single(self, tok: Token, tokens: list[Token]) -> Mention | None:
        word = tok.text
        if (
            tok.folded in NOT_IDENTIFYING
            or tok.folded in self.titles
            or tok.folded in GENERIC_SPEAKERS
            or tok.folded.rstrip(".º°") in NUMBER_SIGNS
        ):
            return None
        if self.places.demonym(tok.folded):
            return None  # "Jamaican", "Ugandans": a nationality identifies no one
        if self.places.is_country(place_key(word)) and (word.isupper() or "." in word):
            return Mention(tok.start, tok.end, "place", "country")  # "UK", "EE.UU."
        if word.isupper() and len(word) > 1 or (word[:-1].isupper() and word.endswith("s")):
            if not word.isalpha() or len(word) > 10:
                return None
            low = self.lexicon.prob(word.lower())
            if self.is_word(word.lower()) and (
                low is None or low > SHOUTED_WORD or len(word) > ACRONYM_LENGTH
            ):
                return None  # "NUNCA", "NARRATOR", "VENUE": a word shouted or a heading
            return Mention(tok.start, tok.end, "organisation", "acronym")
        if tok.initial:
            if self.strong_name(word):
                return Mention(tok.start, tok.end, self._guess([tok], tokens, None), "capitalised")
            if self.rare_place(word):
                return Mention(tok.start, tok.end, "place", "place name")
            if tok.folded in self.given and self._apposition(tok, tokens):
                return Mention(tok.start, tok.end, "person", "given name")
            return None
        if self.name_like(word):
            return Mention(tok.start, tok.end, self._guess([tok], tokens, None), "capitalised")
        # an ordinary word written with a capital mid-sentence: a name when it is a given
        # name or a town ("Comfort", "Reading"), not when it is a kind of thing ("Hospital")
        if tok.folded in self.common_heads:
            return None
        if tok.folded in self.given and not self._common(word, "person"):
            return Mention(tok.start, tok.end, "person", "given name")
        before = tokens[tok.index - 1] if tok.index else None
        if before is not None and before.folded in NICKNAME_ARTICLES and tok.joined:
            # Spanish writes no common noun capitalised after "el" or "la": "el Mono", "la
            # Flaca" name someone (institutions, "la Municipalidad", are left out above)
            return Mention(tok.start, tok.end, "person", "nickname")
        if self.places.is_place(place_key(word)) and not self._common(word, "place"):
            return Mention(tok.start, tok.end, "place", "place name")
        return None

    def _guess(self, run: list[Token], tokens: list[Token], at: int | None) -> str:
        """Person or place (or organisation) for a name found by its capitals.

        The words of the name speak first (an institution's head, a street's "Avenue", a
        town's "San"), then the word before it ("en", "in"), then the name lists: a given
        name or a surname after the first word makes a person, a town the gazetteer knows
        a place."""
        first = run[0]
        index = at if at is not None else first.index
        before = tokens[index - 1].folded if index > 0 else ""
        if any(t.folded in self.institutions for t in run):
            return "organisation"
        acronyms = sum(len(t.text) > 1 and t.text.isupper() for t in run)
        if 0 < acronyms < len(run):
            return "organisation"  # "IMSS-Bienestar", "SEDES La Paz" (not "ROSA MAMANI")
        if len(run) > 1 and (first.folded in PLACE_OPENERS or run[-1].folded in PLACE_TAILS):
            return "place"
        population = self.places.population(place_key(" ".join(t.text for t in run)))
        cue = before in self.place_cues and before not in ("de", "of")
        if (cue or self._in_region(run[-1], tokens)) and population is not None:
            return "place"
        if first.folded in self.given or (
            len(run) > 1 and any(t.folded in self.surnames for t in run[1:])
        ):
            return "person"
        if cue:
            return "place"
        if population is not None and population >= LARGE_TOWN:
            return "place"
        if self._in_region(run[-1], tokens):
            return "place"
        if len(run) == 1 and first.folded in self.surnames:
            return "person"
        if before in self.place_cues or population is not None:
            return "place"
        names = [t for t in run if t.folded not in CONNECTORS]
        if len(run) > 1 and len(names) == len(run) and not self.is_word(run[-1].text):
            return "person"  # "Gift Oryem": places of two words say so ("Bog Walk", "Old Harbour")
        return "place"


NUMBER_SIGNS = {"no", "n", "nº", "n°", "num", "numero", "nro"}


def _numbered(tokens: list[Token], j: int) -> bool:
    """Token ``j`` is a number ("3") or a number sign with its number ("No. 3")."""
    tok = tokens[j]
    if tok.text.isdigit():
        return True
    return (
        tok.folded in NUMBER_SIGNS
        and j + 1 < len(tokens)
        and tokens[j + 1].text.isdigit()
        and tokens[j + 1].start - tok.end <= 2
    )
