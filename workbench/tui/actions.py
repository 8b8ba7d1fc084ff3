"""The action registry at work: one table (``action_table``) feeds bindings, footer, help and palette.

An action has a stable id (what users remap in ``keys.toml``), a description, default keys, the
scope whose widget or screen runs it, and whether the footer shows it. Screens build their
``BINDINGS`` from this list, the help screen and ``docs/tui.md`` print it, and the command
palette offers the actions of the scopes active on the current screen.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from textual.binding import Binding

from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.tui.action_spec import SCOPES, ActionSpec
from workbench.tui.action_table import ACTIONS

BY_ID = {a.id: a for a in ACTIONS}


def bindings(scope: str) -> list[Binding]:
    """Key bindings of one scope, with ids so a keymap can remap them."""
    return [
        Binding(
            a.keys,
            a.action,
            a.label or a.description,
            show=a.show,
            id=a.id,
            priority=a.priority,
            tooltip=a.description,
        )
        for a in ACTIONS
        if a.scope == scope and a.keys
    ]


def actions_in(*scopes: str) -> list[ActionSpec]:
    return [a for a in ACTIONS if a.scope in scopes]


def keymap_path() -> Path:
    """``$WORKBENCH_KEYS``, else ``~/.config/workbench/keys.toml`` (XDG_CONFIG_HOME honoured)."""
    env = os.environ.get("WORKBENCH_KEYS")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "workbench" / "keys.toml"


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """Read user key overrides: ``action-id = "keys"`` (TOML, or a JSON object).

    A ``[keys]`` table is accepted as well as top-level entries. Unknown action ids and
    non-string keys are errors naming the file, so a typo does not silently do nothing.
    """
    path = path or keymap_path()
    if not path.exists():
        return {}
    raw = path.read_bytes()
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(raw.decode("utf-8"))
        else:
            data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise WorkbenchError(
            _("cannot read key map: {exc}").format(exc=exc), source=str(path)
        ) from exc
    if not isinstance(data, dict):
        raise WorkbenchError(_("the key map must map action ids to keys"), source=str(path))
    if isinstance(data.get("keys"), dict):
        data = {**{k: v for k, v in data.items() if k != "keys"}, **data["keys"]}
    keymap: dict[str, str] = {}
    for action_id, keys in data.items():
        if action_id not in BY_ID:
            raise WorkbenchError(
                _("unknown action id {action_id!r}").format(action_id=action_id), source=str(path)
            )
        if isinstance(keys, list):
            keys = ",".join(str(k) for k in keys)
        if not isinstance(keys, str) or not keys.strip():
            raise WorkbenchError(
                _("keys for {action_id!r} must be a string").format(action_id=action_id),
                source=str(path),
            )
        keymap[action_id] = keys.replace(" ", "")
    return keymap


def effective_keys(action: ActionSpec, keymap: dict[str, str]) -> str:
    return keymap.get(action.id, action.keys)


def display_keys(keys: str) -> str:
    """``"f1,question_mark"`` -> ``"f1 ?"`` for people."""
    names = {
        "question_mark": "?",
        "slash": "/",
        "escape": "esc",
        "delete": "del",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
        "plus": "+",
        "minus": "-",
    }
    return " ".join(names.get(k, k) for k in keys.split(",") if k)


def markdown_table(keymap: dict[str, str] | None = None) -> str:
    """The key reference of ``docs/tui.md``, generated from the registry."""
    keymap = keymap or {}
    out: list[str] = []
    for scope, title in SCOPES.items():
        out += [f"### {title}", "", "| Keys | Action | Id |", "| --- | --- | --- |"]
        for a in actions_in(scope):
            keys = display_keys(effective_keys(a, keymap)) or "(palette)"
            out.append(f"| `{keys}` | {a.description} | `{a.id}` |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # python -m workbench.tui.actions: the key tables of docs/tui.md
    print(markdown_table())
