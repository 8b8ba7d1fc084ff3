"""The translation layer: every user-facing string goes through here.

Messages are English in the source and looked up in gettext catalogs (``workbench/locale/<lang>/
LC_MESSAGES/workbench.mo``, compiled from the ``.po`` files with Babel when the package is
installed). JSON keys, command names and option names are never translated: scripts depend on
them. How to add a language: ``docs/translating.md``.

- ``_("...")`` translates now, into the current language. Use it where the text is produced
  (messages, errors, report headings), never at import time.
- ``N_("...")`` only marks a string for extraction; whoever shows it later passes it through
  ``_()`` (help texts declared at import time, tables of labels).
- ``ngettext(singular, plural, n)`` for counted nouns.

The language is chosen once per process (``set_language``) from, in order: an explicit choice
(``--lang``), ``WORKBENCH_LANG``, the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), English.
Reports and figures may be written in another language than the one the tool speaks (a Spanish
speaker may write a paper in English): ``with speaking(lang, decimal="comma"):`` makes ``_()``
and ``number()`` use that language and decimal mark for the code inside it (this thread or
task only), and ``translator(lang)`` gives one language's catalog.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

DOMAIN = "workbench"
LOCALE_DIR = Path(__file__).parent / "locale"
#: languages whose catalogs are complete; others fall back to English message by message
SUPPORTED = ("en", "es")
DEFAULT = "en"
#: how a report writes the decimal mark: ``--decimal comma|point``
DECIMAL_MARKS = {"point": ".", "comma": ","}

_state: dict[str, object] = {"lang": DEFAULT, "tr": _gettext.NullTranslations()}
#: (language, catalog, decimal mark) for the report being written in this thread or task
_output: ContextVar[tuple[str, _gettext.NullTranslations, str] | None] = ContextVar(
    "workbench_output_language", default=None
)
#: catalogs held in memory rather than on disk (the pseudo-locale of the tests)
_registered: dict[str, _gettext.NullTranslations] = {}


def normalise_language(value: str | None) -> str | None:
    """``es_PE.UTF-8`` -> ``es``; ``C``/``POSIX``/empty -> None."""
    if not value:
        return None
    code = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    code = code.split("_", 1)[0].lower()
    if code in ("", "c", "posix"):
        return None
    return code


def resolve_language(explicit: str | None = None) -> str:
    """The language to speak: explicit choice, ``WORKBENCH_LANG``, the locale, then English."""
    candidates = [explicit, os.environ.get("WORKBENCH_LANG")]
    candidates += [os.environ.get(name) for name in ("LC_ALL", "LC_MESSAGES", "LANG")]
    for value in candidates:
        code = normalise_language(value)
        if code:
            return code
    return DEFAULT


def available_languages() -> tuple[str, ...]:
    """English and every language with a catalog (complete or not), sorted."""
    found = {DEFAULT, *_registered}
    if LOCALE_DIR.is_dir():
        for entry in LOCALE_DIR.iterdir():
            messages = entry / "LC_MESSAGES"
            if (messages / f"{DOMAIN}.mo").exists() or (messages / f"{DOMAIN}.po").exists():
                found.add(entry.name)
    return tuple(sorted(found))


def register_catalog(lang: str, catalog: _gettext.NullTranslations | None) -> None:
    """Hold ``catalog`` in memory as language ``lang`` (None forgets it)."""
    if catalog is None:
        _registered.pop(lang, None)
    else:
        _registered[lang] = catalog
    if _state["lang"] == lang:
        _state["tr"] = translator(lang)


def translator(lang: str | None) -> _gettext.NullTranslations:
    """The catalog for one language (English and unknown languages: the source text)."""
    code = normalise_language(lang) or DEFAULT
    if code in _registered:
        return _registered[code]
    return _load(code)


@lru_cache(maxsize=16)
def _load(code: str) -> _gettext.NullTranslations:
    if code == DEFAULT:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def set_language(lang: str | None = None) -> str:
    """Choose the process's language (see the module docstring); returns the code chosen."""
    code = resolve_language(lang)
    _state["lang"] = code
    _state["tr"] = translator(code)
    return code


def language() -> str:
    """The code of the language currently spoken (``en``, ``es`` ...)."""
    output = _output.get()
    return output[0] if output else str(_state["lang"])


def _current() -> _gettext.NullTranslations:
    output = _output.get()
    tr = output[1] if output else _state["tr"]
    assert isinstance(tr, _gettext.NullTranslations)
    return tr


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a counted message: ``ngettext("{n} coding", "{n} codings", n).format(n=n)``."""
    return _current().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (it is translated when shown)."""
    return message


@contextmanager
def speaking(lang: str | None = None, *, decimal: str | None = None) -> Iterator[str]:
    """Write a report or figure in ``lang`` (default: the language spoken now) with the decimal
    mark ``decimal`` (``point`` or ``comma``; default ``point``), in this thread or task only.
    Yields the language code."""
    code = normalise_language(lang) or language()
    if decimal is not None and decimal not in DECIMAL_MARKS:
        raise ValueError(f"decimal must be one of {', '.join(DECIMAL_MARKS)}, not {decimal!r}")
    token = _output.set((code, translator(code), DECIMAL_MARKS[decimal or "point"]))
    try:
        yield code
    finally:
        _output.reset(token)


def decimal_mark() -> str:
    """The decimal mark of the report being written (``.`` outside ``speaking``)."""
    output = _output.get()
    return output[2] if output else "."


def number(value: float, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals and the report's decimal mark (``0,85`` under
    ``--decimal comma``). Integers in a report are counts: pass them through ``str``."""
    text = f"{value:.{digits}f}"
    mark = decimal_mark()
    return text if mark == "." else text.replace(".", mark)
