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
from collections.abc import Iterator
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
        "colectivo movimiento sociedad agencia consorcio sistema servicio seguro secretaria "
        "defensoria jurisdiccion superintendencia unidad proyecto comision autoridad junta "
        "plataforma comedor club capilla"
    ).split(),
    "en": (
        "hospital clinic centre center ministry department university college school "
        "institute association federation foundation committee council office programme "
        "program trust agency bank church parish union company radio alliance network "
        "collective movement society consortium group service services assembly coalition "
        "board commission authority unit project initiative partnership corporation club "
        "chapel"
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
        "interprete note nota audience publico q a p r e i narrator narrador narradora "
        "coordinator coordinador coordinadora coord mod int ent entr resp part fac obs "
        "observer observador observadora notetaker relator relatora all todos todas varios "
        "varias group grupo voices voces unidentified man woman male female hombre mujer "
        "child nino nina crosstalk"
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
        "ongs un onu who oms nhs dni ruc curp cuit cuil rfc ine cedula ssn nin "
        "estado gobierno ministerio congreso municipalidad hospital region red salud "
        "ministry government state council hospital health "
        "mondays tuesdays wednesdays thursdays fridays saturdays sundays "
        "oh ah eh mm mmm hmm um uh ay mhm "
        # faiths, whose followers and churches are named with a capital
        "catholic catholics catolico catolica catolicos anglican anglicans methodist "
        "methodists baptist baptists lutheran lutherans presbyterian presbyterians quaker "
        "quakers amish mennonite mennonites moravian moravians pentecostal pentecostals "
        "evangelical evangelicals evangelico evangelica adventist adventists adventista "
        "mormon mormons muslim muslims hindu hindus sikh sikhs buddhist buddhists jewish jews "
        "christians protestant protestants protestante orthodox "
        # kin, said as a name ("Dad said", "Mamá decía")
        "dad daddy mom mommy mum mummy mama papa grandma grandpa granny grandad mami papi "
        # apps and services everyone uses
        "facebook whatsapp excel zoom google youtube twitter instagram tiktok telegram skype "
        "gmail hotmail outlook "
        # conditions, services and papers every interview mentions
        "hiv aids vih sida tb tbc gp gps ed er icu uci sms mp mps id ids tv pc pdf ceo nhs"
    ).split()
)


#: spellings the tables count far too rarely (their corpus split "al" into "a el"), as common
#: as "de": read as names, "Al final ..." opened a person and every "al" was one of its forms
MISCOUNTED = {"es": {"al": -4.5, "del": -4.0, "Al": -9.0, "Del": -9.0}}

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
            found = MISCOUNTED.get(self.lang, {}).get(word) or self.table.prob(self.lang, word)
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
    """The frequency tables of both languages, from the lookup cache (``lookup_cache``); without
    a writable cache folder they are read into memory instead."""

    def __init__(self) -> None:
        from workbench.pseudonymise.lookup_cache import cache_name, open_table

        self.memory: dict[str, dict[str, float]] | None = None
        self.conn = open_table(
            cache_name("lexicon", __file__, "spacy-lookups-data"),
            "CREATE TABLE words (lang TEXT, word TEXT, prob REAL, PRIMARY KEY (lang, word)) "
            "WITHOUT ROWID",
            _rows,
        )
        if self.conn is None:
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


def _rows() -> Iterator[tuple[str, str, float]]:
    for lang in LANGUAGES:  # in key order
        table = _read_json(lang)
        yield from ((lang, w, table[w]) for w in sorted(table))


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


#: Faker's person lists read for names: Spanish- and English-speaking countries, and the other
#: countries where health-governance studies interview in those languages (Brazil, West and East
#: Africa, South Asia); names in other scripts are left out
NAME_LOCALES = (
    "es es_AR es_CL es_CO es_ES es_MX en en_GB en_IE en_IN en_KE en_NG en_NZ en_PK en_US "
    "pt_BR pt_PT fr_FR tw_GH yo_NG ig_NG ha_NG zu_ZA sw"
).split()


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Folded given names (Faker's lists for ``NAME_LOCALES``)."""
    first, _last = _faker_names()
    return first


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Folded surnames (Faker's lists for ``NAME_LOCALES``)."""
    _first, last = _faker_names()
    return last


def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    from importlib import import_module

    first: set[str] = set()
    last: set[str] = set()
    for locale in NAME_LOCALES:
        try:
            provider = import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:  # a locale a later Faker dropped
            continue
        for attr in ("first_names", "first_names_male", "first_names_female"):
            first.update(_latin(getattr(provider, attr, ())))
        last.update(_latin(getattr(provider, "last_names", ())))
    return frozenset(first), frozenset(last)


def _latin(names: object) -> Iterator[str]:
    """The names of one of Faker's lists (a tuple, or a dict of weights; some locales make a
    list a property, which has no names to read) written in the Latin alphabet, folded."""
    if not isinstance(names, tuple | list | dict):
        return
    for name in names:
        if isinstance(name, str) and name and all(ord(c) < 0x250 for c in name):
            yield fold(name)


def words_of(lang: str, table: dict[str, list[str]]) -> set[str]:
    """A per-language list for ``lang``, with the other language's added (interviews mix)."""
    return set(table.get(lang, ())) | {w for words in table.values() for w in words}
