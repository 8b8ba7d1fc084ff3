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


def translate_bindings(node: DOMNode) -> None:
    """Give ``node`` its key bindings with translated descriptions and tooltips (its bindings
    are a copy of its class's, so each node translates from the English)."""
    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [
            replace(
                binding,
                description=_(binding.description) if binding.description else "",
                tooltip=_(binding.tooltip) if binding.tooltip else binding.tooltip,
            )
            for binding in group
        ]
        for key, group in bindings.key_to_bindings.items()
    }


def next_language(current: str) -> str:
    """The language the switch moves to: the next complete one after ``current``."""
    if current not in SUPPORTED:
        return SUPPORTED[0]
    return SUPPORTED[(SUPPORTED.index(current) + 1) % len(SUPPORTED)]
