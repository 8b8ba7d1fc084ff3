"""Every command of the README's tour runs as written, on a fresh demo workspace."""

from __future__ import annotations

import glob
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.demo import build_demo

REPO = Path(__file__).resolve().parent.parent
HAS_BROWSER = bool(shutil.which("chromium") or Path("/usr/bin/chromium").exists())


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


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tour")
    build_demo(root / "workbench-demo")
    (root / "exports").mkdir()
    (root / "backups").mkdir()
    shutil.copyfile(REPO / "transcripts" / "cases.csv", root / "cases.csv")
    shutil.copyfile(REPO / "codebooks" / "health-governance.yaml",
                    root / "codebooks.yaml")
    (root / "codebooks").mkdir()
    shutil.copyfile(REPO / "codebooks" / "health-governance.yaml",
                    root / "codebooks" / "health-governance.yaml")
    return root


def test_the_tour_has_commands():
    assert len(tour_commands()) >= 30


def test_every_tour_command_runs(workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("WORKBENCH_PROJECT", "workbench-demo/workbench.db")
    runner = CliRunner()
    ran = 0
    for command in tour_commands():
        args = shlex.split(command, comments=True)[1:]
        if any(glob.has_magic(a) for a in args):
            continue  # stands for the user's own files
        if not HAS_BROWSER and any(a.endswith((".svg", ".pdf", ".png")) for a in args):
            continue
        inputs = {"james.db": "export", "colleague.qdpx": "export", "codings.csv": "export"}
        for name in inputs:
            if name in args and not (workspace / name).exists():
                _make_input(runner, workspace, name)
        if args[:2] == ["restore", "backups/monday.db"]:
            assert (workspace / "backups" / "monday.db").exists()
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, f"{command}\n{result.output}"
        ran += 1
    assert ran >= 25


def _make_input(runner: CliRunner, workspace: Path, name: str) -> None:
    """Files the tour reads that a user would bring: made from the demo itself."""
    if name == "james.db":
        args = ["backup", "james.db"]
    elif name == "colleague.qdpx":
        args = ["export", "qdpx", "colleague.qdpx"]
    else:
        args = ["export", "codings", "codings.csv"]
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
