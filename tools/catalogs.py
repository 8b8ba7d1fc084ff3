"""The translation catalogs: extract the strings, update each language's ``.po``, compile.

    python tools/catalogs.py update     # extract, then add new strings to every .po
    python tools/catalogs.py compile    # .po -> .mo (the install does this too)
    python tools/catalogs.py check      # exit 1 if a string lacks a Spanish entry
    python tools/catalogs.py new pt     # start a catalog for another language

Strings come from our source (``babel.cfg``; keywords ``_``, ``N_``, ``ngettext``) and from the
click modules whose messages reach our users (usage lines, option errors), which the CLI routes
through the same layer (``workbench.cli.localise``). Babel does the reading and writing; the
``.po`` files are written sorted by message and without source lines, so two branches adding
strings rarely touch the same lines.
"""

from __future__ import annotations

import datetime
import gettext
import io
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "workbench" / "locale"
DOMAIN = "workbench"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
#: the click modules whose messages users see (``workbench.cli.localise.CLICK_MODULES``)
CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "termui",
    "types",
)
#: every catalog's language; English is the source and has none
LANGUAGES = ("es", "pt", "fr")
#: the languages whose catalogs must be complete (the others fall back to English)
COMPLETE = ("es",)
PSEUDO = "pseudo"


def _sources() -> Iterator[tuple[str, Path]]:
    from babel.messages.frontend import parse_mapping_cfg

    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, _ = parse_mapping_cfg(handle)
    from babel.util import pathmatch

    for path in sorted(REPO.glob("workbench/**/*.py")):
        rel = path.relative_to(REPO).as_posix()
        for pattern, method in method_map:
            if pathmatch(pattern, rel):
                yield method, path
                break
    import click

    for name in CLICK_MODULES:
        yield "python", Path(click.__file__).parent / f"{name}.py"


def extract():
    """A Babel catalog of every translatable string (the template)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    template = Catalog(domain=DOMAIN, project="workbench", charset="utf-8")
    for method, path in _sources():
        rel = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else path.name
        for lineno, message, comments, context in extract_from_file(
            method, path, keywords=KEYWORDS, comment_tags=("Translators:",)
        ):
            template.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
    return template


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str):
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def write(lang: str, catalog) -> None:
    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    write_po(buf, catalog, width=100, no_location=True, sort_output=True, ignore_obsolete=True)
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


#: the plural rule written into a new catalog (gettext's usual ones; Babel's CLDR rule for
#: Spanish has a third form for millions that no message here needs)
PLURALS = {"es": (2, "(n != 1)"), "pt": (2, "(n != 1)"), "fr": (2, "(n > 1)")}


FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def new_catalog(lang: str):
    """An empty catalog for ``lang`` with a fixed header (no dates: they change on every
    update and make every branch's catalog conflict)."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(
        locale=lang,
        domain=DOMAIN,
        header_comment=f"# {lang} translations of workbench (see docs/translating.md).\n#",
        project="workbench",
        version="0",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        charset="utf-8",
        fuzzy=False,
    )
    if lang in PLURALS:
        catalog._num_plurals, catalog._plural_expr = PLURALS[lang]
    return catalog


def update(template=None) -> None:
    """Add new strings to every catalog (untranslated) and drop the ones no longer used."""
    template = template or extract()
    for lang in LANGUAGES:
        catalog = read(lang) if po_path(lang).exists() else new_catalog(lang)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        write(lang, catalog)


def compile_catalogs(root: Path = REPO) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/workbench.po`` under ``root/workbench/locale``;
    returns the ``.mo`` files written. Fuzzy entries are left out, as ``pybabel compile``
    does: a guessed translation is worse than the English. (The install runs this through
    ``hatch_build.py``.)"""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted((root / "workbench" / "locale").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, domain=DOMAIN)
        mo = po.with_suffix(".mo")
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        tmp.replace(mo)
        written.append(mo)
    return written


def missing(lang: str = "es", template=None) -> list[str]:
    """Strings of the source that the catalog does not translate (or only fuzzily)."""
    template = template or extract()
    catalog = read(lang)
    out = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found else None
        if isinstance(strings, tuple | list):
            empty = not all(strings)
        else:
            empty = not strings
        if found is None or empty or found.fuzzy:
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


class DictTranslations(gettext.NullTranslations):
    """A catalog held in memory: ``{msgid: text}``, ``{(singular, plural): (one, many)}``."""

    def __init__(self, messages: dict) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self.messages.get((singular, plural))
        if found is None:
            return singular if n == 1 else plural
        return found[0] if n == 1 else found[1]


def mark(text: str) -> str:
    return f"[!! {text} !!]"


def pseudo_translations(template=None) -> DictTranslations:
    """The pseudo-locale: every extracted string marked ``[!! ... !!]``, so text on a screen,
    in a help page or an error that is not marked bypassed the layer."""
    template = template or extract()
    messages: dict = {}
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            singular, plural = message.id[0], message.id[1]
            messages[(singular, plural)] = (mark(singular), mark(plural))
        else:
            messages[message.id] = mark(message.id)
    return DictTranslations(messages)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        print("updated " + ", ".join(str(po_path(lang).relative_to(REPO)) for lang in LANGUAGES))
    elif command == "compile":
        for path in compile_catalogs():
            print(f"compiled {path.relative_to(REPO)}")
    elif command == "new" and len(argv) == 2:
        if po_path(argv[1]).exists():
            print(f"{po_path(argv[1])} exists", file=sys.stderr)
            return 1
        catalog = new_catalog(argv[1])
        catalog.update(extract(), no_fuzzy_matching=True, update_creation_date=False)
        write(argv[1], catalog)
        print(f"wrote {po_path(argv[1]).relative_to(REPO)}")
    elif command == "check":
        bad = 0
        for lang in COMPLETE:
            lacking = missing(lang)
            for message in lacking:
                print(f"{lang}: no translation for {message!r}")
            bad += len(lacking)
        return 1 if bad else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
