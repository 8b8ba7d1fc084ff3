"""The README's tour: its commands (run on a fresh demo by tests/test_doc_examples.py)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def tour_commands() -> list[str]:
    """``workbench ...`` lines from the README's code blocks after the set-up block."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)[1:]
    commands = []
    for block in blocks:
        for line in block.splitlines():
            for part in line.split("&&"):
                part = part.strip()
                if part.startswith("workbench "):
                    commands.append(part)
    return commands


def test_every_tour_command_is_run_by_the_doc_examples_test():
    """The tour runs in tests/test_doc_examples.py with every page of docs/ (and its output is
    checked there); this keeps the two readings of the README in step."""
    from tests.test_doc_examples import examples

    readme = [e.tokens for e in examples() if e.page == "README.md"]
    for command in tour_commands():
        assert shlex.split(command, comments=True) in readme, command


def test_the_tour_has_commands():
    assert len(tour_commands()) >= 30
