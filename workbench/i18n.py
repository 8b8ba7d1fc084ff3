"""The translation layer: every user-facing string goes through here.

Messages are English in the source and looked up in gettext catalogs (``workbench/locale/<lang>/
LC_MESSAGES/workbench.mo``, compiled from the ``.po`` files with Babel). JSON keys, command names
and option names are never translated: scripts depend on them.

- ``_("...")`` translates now, into the current language. Use it where the text is produced
  (messages, errors, report headings), never at import time.
- ``N_("...")`` only marks a string for extraction; whoever shows it later passes it through
  ``_()`` (help texts declared at import time, tables of labels).
- ``ngettext(singular, plural, n)`` for counted nouns.

The language is chosen once per process (``set_language``) from, in order: an explicit choice
(``--lang``), ``WORKBENCH_LANG``, the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), English.
Reports and figures may ask for another language for their own text with ``translator(lang)``.
"""

from __future__ import annotations

import gettext as _gettext
import os
from functools import lru_cache
from pathlib import Path

DOMAIN = "workbench"
LOCALE_DIR = Path(__file__).parent / "locale"
#: languages whose catalogs are complete; others fall back to English message by message
SUPPORTED = ("en", "es")
DEFAULT = "en"

_state: dict[str, object] = {"lang": DEFAULT, "tr": _gettext.NullTranslations()}


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


@lru_cache(maxsize=16)
def translator(lang: str | None) -> _gettext.NullTranslations:
    """The catalog for one language (English and unknown languages: the source text)."""
    code = normalise_language(lang) or DEFAULT
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
    return str(_state["lang"])


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    tr = _state["tr"]
    assert isinstance(tr, _gettext.NullTranslations)
    return tr.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a counted message: ``ngettext("{n} coding", "{n} codings", n).format(n=n)``."""
    tr = _state["tr"]
    assert isinstance(tr, _gettext.NullTranslations)
    return tr.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (it is translated when shown)."""
    return message
