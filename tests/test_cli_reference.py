"""docs/cli.md is generated from the commands' own help and kept current; every command and
option is in it, and every one says what it does."""

from __future__ import annotations

import re
import subprocess
import sys

import click

from workbench.cli import COMMANDS
from workbench.cli.docgen import DOC, commands, render


def sections() -> dict[str, str]:
    """``workbench cmd sub`` -> the text of its section in docs/cli.md."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## (workbench[^\n]*)\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: run python -m workbench.cli.docgen"
    )


def test_the_check_command_reports_a_stale_reference(tmp_path, monkeypatch):
    from workbench.cli import docgen

    stale = tmp_path / "cli.md"
    stale.write_text(render().replace("--where", "--wher"), encoding="utf-8")
    monkeypatch.setattr(docgen, "DOC", stale)
    assert docgen.main(["--check"]) == 1
    assert docgen.main([]) == 0 and docgen.main(["--check"]) == 0


def test_every_command_and_option_is_documented():
    documented = sections()
    paths = [" ".join(path) for path, _, _ in commands()]
    assert {p.split()[1] for p in paths[1:]} == set(COMMANDS)  # every registered command
    assert sorted(documented) == sorted(paths)
    missing = []
    for path, cmd, _ in commands():
        name = " ".join(path)
        if not (cmd.help or "").strip():
            missing.append(f"{name}: no description")
        for param in cmd.params:
            if not isinstance(param, click.Option) or param.hidden:
                continue
            if not (param.help or "").strip():
                missing.append(f"{name} {param.opts[0]}: no help")
            for opt in param.opts + param.secondary_opts:
                if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", documented[name]):
                    missing.append(f"{name} {opt}: not in docs/cli.md")
    assert missing == []


def test_the_generator_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli.docgen", "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
