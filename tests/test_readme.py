"""The README's two set-up commands are the ones CI and users run."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def setup_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    assert first_block, "README must open with a code block of set-up commands"
    before = readme[: first_block.start()]
    assert "```" not in before
    return [line for line in first_block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_commands():
    commands = setup_commands()
    assert len(commands) == 2
    assert "workbench demo" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()
