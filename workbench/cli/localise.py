"""The command line in the user's language: help texts translated when shown, not at import.

Help texts are declared at import time, so they are only marked there (``help=N_("...")``);
``localise`` translates a command's texts into the current language when the command is about
to run or show its help, from the English it keeps aside (a second call in another language
translates from the English again, never from the first translation).

The language of messages (the interface) comes from ``workbench --lang``, a command's own
``--lang``, ``WORKBENCH_LANG``, the locale, then English (``interface_language``). Commands that
write a report or figure declare an ``OutputLanguage`` option: their ``--lang`` chooses the
language of what they write and leaves the messages alone, so a Spanish speaker can write an
English paper (``workbench.i18n.speaking``).

click's own messages (``Usage:``, ``Error: No such option``, ``[default: ...]``) are marked for
gettext in click's source; ``route_click_messages`` sends them through our catalogs, which
carry them (``tools/catalogs.py`` extracts them from click).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import Any
from weakref import WeakKeyDictionary

import click

from workbench.i18n import N_, _, available_languages, ngettext, normalise_language

#: click's modules that print messages a user sees
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")
LANG_HELP = N_(
    "Language of messages and help: en, es (env WORKBENCH_LANG; default: the locale, else English)."
)
OUTPUT_LANG_HELP = N_(
    "Language of the text this command writes (headings, labels, methods paragraph): en, es. "
    "Default: the language of messages."
)
DECIMAL_HELP = N_(
    "Decimal mark of numbers in what this command writes: point (0.85) or comma (0,85)."
)

#: click's words that reach a help page without a literal ``_()`` in click's source
CLICK_WORDS = (N_("required"),)

_english: WeakKeyDictionary[Any, dict[str, Any]] = WeakKeyDictionary()
_TEXTS = {
    click.Command: ("help", "short_help", "epilog"),
    click.Option: ("help", "prompt"),
}


def route_click_messages() -> None:
    """Send click's own messages through our translation layer (English is unchanged)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


class OutputLanguage(click.Option):
    """``--lang`` of a command that writes a report or figure: the language of what it writes."""


def output_language_options(fn):
    """``--lang`` and ``--decimal`` for a command that writes a report or figure; the command
    receives ``lang`` (None: the language of messages) and ``decimal`` (``point``/``comma``)."""
    fn = click.option(
        "--decimal",
        type=click.Choice(["point", "comma"]),
        default="point",
        show_default=True,
        help=DECIMAL_HELP,
    )(fn)
    return click.option(
        "--lang",
        "lang",
        cls=OutputLanguage,
        metavar="CODE",
        default=None,
        callback=lambda ctx, param, value: value and check_language(value, "--lang"),
        help=OUTPUT_LANG_HELP,
    )(fn)


def _lang_option() -> click.Option:
    return click.Option(["--lang"], metavar="CODE", expose_value=False, help=LANG_HELP)


def _objects(command: click.Command) -> Iterator[Any]:
    yield command
    yield from command.params
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _objects(sub)


def localise(command: click.Command) -> click.Command:
    """Translate ``command``'s help texts (and its subcommands') into the current language,
    and give it a ``--lang`` if it has none."""
    for obj in list(_objects(command)):
        if isinstance(obj, click.Command):
            if not any(p.name == "lang" for p in obj.params):
                obj.params.append(_lang_option())
            # click keeps the --help option it made (with its help text in the language of
            # that moment); it is made again, in this language, when next asked for
            if hasattr(obj, "_help_option"):
                obj._help_option = None
    for obj in _objects(command):
        attrs = next((a for kind, a in _TEXTS.items() if isinstance(obj, kind)), ())
        english = _english.get(obj)
        if english is None:
            english = _english[obj] = {a: getattr(obj, a, None) for a in attrs}
        for attr, text in english.items():
            if isinstance(text, str) and text:
                setattr(obj, attr, _(text))
    return command


def check_language(value: str, where: str) -> str:
    """``value`` as a language code we have a catalog for, or a usage error naming ``where``."""
    code = normalise_language(value)
    known = available_languages()
    if code not in known:
        raise click.UsageError(
            _("no translation for {language!r} ({where}); available: {known}").format(
                language=value, where=where, known=", ".join(known)
            )
        )
    return code


def interface_language(group: click.Group, ctx: click.Context, args: Sequence[str]) -> str | None:
    """The ``--lang`` typed for the messages, if any: the root's, else the command's own (unless
    the command's ``--lang`` is the language of its report)."""
    args = list(args[: args.index("--")] if "--" in args else args)
    i = 0
    while i < len(args) and args[i].startswith("-"):
        value, i = _lang_at(args, i)
        if value is not None:
            return check_language(value, "workbench --lang")
        if args[i] in ("--project", "-p"):
            i += 1
        i += 1
    found = next((v for j in range(i, len(args)) if (v := _lang_at(args, j)[0]) is not None), None)
    if found is None or i >= len(args):
        return None
    command: click.Command | None = group.get_command(ctx, args[i])
    for token in args[i + 1 :]:
        if not isinstance(command, click.Group):
            break
        if token in command.commands:
            command = command.commands[token]
    if command is not None and any(isinstance(p, OutputLanguage) for p in command.params):
        return None  # the report's language, not the messages'
    return check_language(found, "--lang")


def _lang_at(args: list[str], i: int) -> tuple[str | None, int]:
    """``(value, index of the last token read)`` when ``args[i]`` is ``--lang``."""
    token = args[i]
    if token == "--lang" and i + 1 < len(args):
        return args[i + 1], i + 1
    if token.startswith("--lang="):
        return token.split("=", 1)[1], i
    return None, i
