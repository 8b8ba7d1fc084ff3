"""The app in the coder's language: key labels, Textual's own words, the language switch.

Screens build their text when they are composed, through ``_()``, so a screen made after the
language changed speaks the new one. Key bindings are declared at import time (in English, from
the action registry); ``translate_bindings`` gives each screen its own copy with the footer
labels and tooltips translated, when the screen is pushed. Textual's own words that reach the
screen (the palette's prompt, its system commands, the palette key) are listed here so that
they are extracted into the catalogs.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from workbench.i18n import N_, SUPPORTED, _

#: Textual's words that the app shows (translated where they are shown)
TEXTUAL_WORDS = (
    N_("Search for commands…"),
    N_("palette"),
    N_("Open the command palette"),
    N_("Quit"),
    N_("Quit the app and return to the command prompt."),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Keys"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Hide the keys and widget help panel"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)
#: each language's name in itself, for the language switch
LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt": "Português", "fr": "Français"}


#: a translated binding -> the English description and tooltip it was made from, so that a
#: node translated once (the app, when the coder switches language) is translated again from
#: the English rather than from the other language
_english: dict[Binding, tuple[str, str]] = {}


def translate_bindings(node: DOMNode) -> None:
    """Give ``node`` its key bindings with descriptions and tooltips in the language spoken
    now (a node's bindings are its own copy of its class's)."""
    bindings = node._bindings
    translated: dict[str, list[Binding]] = {}
    for key, group in bindings.key_to_bindings.items():
        translated[key] = []
        for binding in group:
            description, tooltip = _english.get(binding, (binding.description, binding.tooltip))
            new = replace(
                binding,
                description=_(description) if description else "",
                tooltip=_(tooltip) if tooltip else tooltip,
            )
            _english[new] = (description, tooltip)
            translated[key].append(new)
    bindings.key_to_bindings = translated


def next_language(current: str) -> str:
    """The language the switch moves to: the next complete one after ``current``."""
    if current not in SUPPORTED:
        return SUPPORTED[0]
    return SUPPORTED[(SUPPORTED.index(current) + 1) % len(SUPPORTED)]
