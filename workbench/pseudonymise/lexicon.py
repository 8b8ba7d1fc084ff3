"""What detection knows of Spanish and English without a trained model.

- Ordinary words: the word-frequency tables of ``spacy-lookups-data`` (installed with spaCy)
  count each spelling separately, so they tell how often a word is written capitalised.
  "Quispe", "Piura" or "Ernesto" are written capitalised far more often than not; "Estado" or
  "Pero" mostly lowercase. That ratio, not a list of names, is what flags a capitalised word.
- Given names and surnames: Faker's name lists (es_ES, es_MX, en_US, en_GB) decide whether a
  name-like word is more likely a person than a place.
- Titles, institution heads and place words: short lists per language, below.

Everything loads lazily and once per process (the tables take a second or two to read).
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from workbench.pseudonymise.folding import fold

LANGUAGES = ("es", "en")

#: honorifics and titles that come before a name (folded, without the final dot)
TITLES = {
    "es": (
        "dr dra doctor doctora sr sra srta señor señora señorita don doña ing ingeniero "
        "ingeniera lic licenciado licenciada prof profesor profesora mg magister abog abogado "
        "abogada obst obstetra enf enfermera enfermero tec tecnico tecnica padre madre hermano "
        "hermana sor monseñor alcalde alcaldesa regidor regidora gobernador gobernadora "
        "ministro ministra director directora jefe jefa presidente presidenta teniente coronel "
        "general comandante capitan sargento compadre comadre tio tia"
    ).split(),
    "en": (
        "dr doctor mr mrs ms miss mx sir dame lord lady prof professor rev reverend father "
        "sister brother nurse mayor councillor councilor governor minister director chief "
        "president judge justice officer captain colonel general sergeant senator auntie uncle"
    ).split(),
}

#: words that start the name of an institution: the capitalised words after them name it
INSTITUTIONS = {
    "es": (
        "hospital clinica centro puesto posta red microrred diresa geresa disa redes "
        "municipalidad gobierno ministerio universidad colegio escuela instituto asociacion "
        "federacion fundacion comite consejo mesa direccion gerencia oficina programa "
        "cooperativa sindicato empresa banco caja parroquia iglesia ong radio diario alianza "
        "colectivo movimiento sociedad agencia consorcio"
    ).split(),
    "en": (
        "hospital clinic centre center ministry department university college school "
        "institute association federation foundation committee council office programme "
        "program trust agency bank church parish union company radio alliance network "
        "collective movement society consortium group"
    ).split(),
}

#: words after which a capitalised word is most likely a place
PLACE_CUES = {
    "es": (
        "en de desde hacia hasta por provincia distrito region departamento comunidad "
        "caserio anexo centro poblado pueblo ciudad valle rio lago cerro barrio sector "
        "asentamiento urbanizacion jiron avenida calle plaza"
    ).split(),
    "en": (
        "in from to at near province district region department community village town "
        "city valley river lake hill county borough street road avenue"
    ).split(),
}

#: posts that, with the place or body after them, point at one person
POSTS = {
    "es": (
        "director directora jefe jefa alcalde alcaldesa gobernador gobernadora gerente "
        "coordinador coordinadora presidente presidenta ministro ministra regidor regidora "
        "decano decana rector rectora responsable secretario secretaria"
    ).split(),
    "en": (
        "director head mayor governor manager coordinator chair chairman chairwoman president "
        "minister secretary dean rector officer"
    ).split(),
}

#: small words inside names and institution names ("Red de Salud de Huamanga")
CONNECTORS = {"de", "del", "la", "las", "los", "of", "the", "for", "van", "von"}

#: words a post may have between it and the body or place it serves ("director regional de")
POST_WORDS = set(
    (
        "regional general provincial distrital municipal ejecutivo ejecutiva nacional adjunto "
        "adjunta salud health executive district national country programme program medical "
        "medico medica sanitario sanitaria zonal local"
    ).split()
)

#: speaker labels that name a role, not a person
GENERIC_SPEAKERS = set(
    (
        "interviewer interviewee entrevistador entrevistadora entrevistado entrevistada "
        "moderator moderador moderadora facilitator facilitador facilitadora participant "
        "participante respondent informant informante speaker hablante unknown desconocido "
        "researcher investigador investigadora translator traductor traductora interpreter "
        "interprete note nota audience publico q a p r e i"
    ).split()
)

#: capitalised words that identify no one (days, months, languages, and the like)
NOT_IDENTIFYING = set(
    (
        "lunes martes miercoles jueves viernes sabado domingo enero febrero marzo abril mayo "
        "junio julio agosto septiembre setiembre octubre noviembre diciembre monday tuesday "
        "wednesday thursday friday saturday sunday january february march april may june "
        "july august september october november december dios god internet covid ok okay "
        "english spanish quechua aymara castellano espanol ingles i usted ud uds ngo ngos ong "
        "ongs un onu who oms "
        "estado gobierno ministerio congreso municipalidad hospital region red salud "
        "ministry government state council hospital health"
    ).split()
)


#: log probability below which a lowercase spelling counts as unknown (see ``is_word``)
RAREST = -17.5


class Lexicon:
    """Spelling frequencies of one language (log probabilities, from spacy-lookups-data)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self.table = _table()
        self._probs: dict[str, float | None] = {}

    def prob(self, word: str) -> float | None:
        found = self._probs.get(word, False)
        if found is False:
            found = self.table.prob(self.lang, word)
            if len(self._probs) > 200_000:
                self._probs.clear()
            self._probs[word] = found
        return found

    def capitalised_share(self, word: str) -> float | None:
        """How much more often the word is written capitalised than in lowercase (log ratio);
        None when the lowercase spelling is unknown."""
        low = self.prob(word.lower())
        if low is None:
            return None
        title = self.prob(word[:1].upper() + word[1:].lower())
        return (title if title is not None else -25.0) - low

    def is_word(self, word: str) -> bool:
        """True for an ordinary word of the language: known in lowercase, not rare, and not
        written capitalised much more often than not ("rosa" is a word, "quispe" is not)."""
        low = self.prob(word.lower())
        if low is None or low < -16.5:
            return False
        share = self.capitalised_share(word)
        return share is None or share < 1.5

    def name_like(self, word: str) -> bool:
        """True for a capitalised word that looks like a name rather than a common word
        written with a capital (mid-sentence)."""
        share = self.capitalised_share(word)
        if share is None:
            return True
        low = self.prob(word.lower()) or -25.0
        return share > -0.3 or low < -15.5


@lru_cache(maxsize=4)
def lexicon(lang: str) -> Lexicon:
    return Lexicon(lang)


class _Table:
    """The frequency tables of both languages, read from a small SQLite file built once.

    Reading the tables' JSON takes seconds and a few hundred megabytes per language; the
    cache answers a lookup in microseconds and holds only what is asked. Without a
    writable cache folder the tables are read into memory instead.
    """

    def __init__(self) -> None:
        import sqlite3

        self.memory: dict[str, dict[str, float]] | None = None
        self.conn: sqlite3.Connection | None = None
        path = _cache_path()
        try:
            if path is None:
                raise OSError
            if not path.exists():
                _build_cache(path)
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        except (OSError, sqlite3.Error):
            self.memory = {lang: _read_json(lang) for lang in LANGUAGES}

    def prob(self, lang: str, word: str) -> float | None:
        if self.memory is not None:
            return self.memory[lang].get(word)
        assert self.conn is not None
        row = self.conn.execute(
            "SELECT prob FROM words WHERE lang = ? AND word = ?", (lang, word)
        ).fetchone()
        return row[0] if row else None


@lru_cache(maxsize=1)
def _table() -> _Table:
    return _Table()


def _cache_path() -> Path | None:
    import os

    import spacy_lookups_data

    version = getattr(spacy_lookups_data, "__version__", "0")
    root = os.environ.get("WORKBENCH_CACHE") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(root) / "workbench" if root else Path.home() / ".cache" / "workbench"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder / f"lexicon-{version}.sqlite"


def _build_cache(path: Path) -> None:
    """Write the cache beside its final place, then move it there (two processes building
    at once each finish their own file; the last move wins, both files are whole)."""
    import os
    import sqlite3
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".lexicon-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(
            "CREATE TABLE words (lang TEXT, word TEXT, prob REAL, PRIMARY KEY (lang, word)) "
            "WITHOUT ROWID"
        )
        for lang in LANGUAGES:  # in key order: SQLite appends to the index instead of inserting
            table = _read_json(lang)
            conn.executemany(
                "INSERT INTO words VALUES (?, ?, ?)", ((lang, w, table[w]) for w in sorted(table))
            )
        conn.commit()
        conn.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read_json(lang: str) -> dict[str, float]:
    """Alphabetic spellings and their log probabilities (others are dropped to save memory)."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{lang}_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    # spellings rarer than this behave as unknown words in every test above
    return {
        k: v
        for k, v in table.items()
        if k.isalpha() and (v >= RAREST or table.get(k.lower(), -99.0) >= RAREST)
    }


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Folded given names of Spanish- and English-speaking countries (Faker's lists)."""
    first, _last = _faker_names()
    return first


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Folded surnames of Spanish- and English-speaking countries (Faker's lists)."""
    _first, last = _faker_names()
    return last


def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    from faker.providers.person.en_GB import Provider as GB
    from faker.providers.person.en_US import Provider as US
    from faker.providers.person.es_ES import Provider as ES
    from faker.providers.person.es_MX import Provider as MX

    first: set[str] = set()
    last: set[str] = set()
    for provider in (ES, MX, US, GB):
        for attr in ("first_names", "first_names_male", "first_names_female"):
            first.update(fold(n) for n in getattr(provider, attr, ()) or ())
        last.update(fold(n) for n in getattr(provider, "last_names", ()) or ())
    return frozenset(first), frozenset(last)


def words_of(lang: str, table: dict[str, list[str]]) -> set[str]:
    """A per-language list for ``lang``, with the other language's added (interviews mix)."""
    return set(table.get(lang, ())) | {w for words in table.values() for w in words}
