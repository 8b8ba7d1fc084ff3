"""Every command of the README's tour runs as written, on a fresh demo workspace, and prints
what the README says it does. Commands that cannot run here are reported, not dropped."""

from __future__ import annotations

import glob
import re
import shlex
import shutil
import warnings
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


# What each tour command prints: (start of the command, stream, pattern its output must match).
# A command the README adds needs a line here (test_every_tour_command_is_checked).
N = r"\d+"
EXPECTED: list[tuple[str, str, str]] = [
    ("import --dry-run", "stdout", rf"^\S+ \(txt\): {N} characters, {N} turns, {N} speakers\n"
     r"(?:  .*\n)*  Interviewer: \d+ turns; first: "),
    ("import ", "stdout", rf"^\S+: {N} characters, {N} turns, {N} speakers, {N} sentences"),
    ("cases import", "stdout", rf"^{N} cases created, {N} updated; attributes: region \(text\)"),
    ("documents", "stdout", r"name .* case .* characters .* turns .* speakers .* sentences"
                            r"(?s:.*)DRS01 .* DRS01"),
    ("codebook load", "stdout", rf"^codebooks/health-governance\.yaml: {N} added, {N} updated, "
                                rf"{N} unchanged"),
    ("codebook show", "stdout", r"(?m)^codebook \(workbench\.db\)\n(?s:.*)Budget execution"),
    ("codebook add", "stdout", r"^added Participation/Youth councils$"),
    ("codebook rename", "stdout", r"^renamed Participation/Youth councils to "
                                  r"Participation/Youth participation$"),
    ("codebook merge", "stdout", rf"^merged Transparency/Corruption into Transparency/Access to "
                                 rf"information: {N} coding\(s\) re-pointed$"),
    ("codebook export", "stdout", rf"^wrote {N} codes to my-codebook\.yaml$"),
    ("code apply", "stdout", rf"^coding {N}: Decentralization/Budget execution on DRS01 "
                             r"\[120, 310\) by maria: \S"),
    ("codings --coder maria --format csv", "stdout",
     r"^document,code,coder,start,end,text\n(DRS01|ACA01),"),
    ("memo add", "stdout", rf"^memo {N} on code$"),
    ("done DRS01", "stdout", r"^DRS01: done for maria$"),
    ("undo", "stdout", r"^undone: memo on code"),
    ("agree", "stdout", r"^\| Code \| Units \| Agreement \(%\) \| Cohen's κ \| "
                        r"Krippendorff's α \|\n"),
    ("disagreements", "stdout", rf"{N} disagreement\(s\), sentence units(?s:.*)DRS02"),
    ("merge james.db --dry-run", "stdout", r"^dry run: merging james\.db\ndocuments: "),
    ("merge james.db", "stdout", r"^merging james\.db\ndocuments: "),
    ("cooccur --depth 1", "stdout", r"co-occurrence \(overlap\); 7 codes"),
    ("cooccur --mode unit", "stdout", r'^\{\n  "mode": "unit:sentence",\n  "codes": \['),
    ("sankey exports/groups.html", "stderr", rf"^wrote exports/groups\.html: {N} nodes, "
                                             rf"{N} links$"),
    ("sankey exports/decentralization.pdf", "stderr",
     rf"^wrote exports/decentralization\.pdf: {N} nodes, {N} links$"),
    ("sankey exports/regions.svg", "stderr", rf"^wrote exports/regions\.svg: {N} nodes, "
                                             rf"{N} links$"),
    ("network", "stderr", rf"^wrote exports/codes\.graphml: {N} nodes, {N} edges$"),
    ("export quotations", "stdout", rf"^exports/quotes\.docx: {N} quotations$"),
    ("export matrix", "stdout", rf"^exports/by-region\.xlsx: {N} codes x {N} columns$"),
    ("export units", "stdout", rf"^exports/sentences\.csv: {N} sentences$"),
    ("export codings", "stdout", rf"^exports/codings\.csv: {N} codings$"),
    ("export qdpx", "stdout", rf"^exports/study\.qdpx: {N} documents, {N} codes, {N} codings"),
    ("import-qdpx", "stdout", r"^colleague\.qdpx: .*8 matched existing"),
    ("suggest train", "stdout", rf"^trained on {N} sentences \({N} codings, {N} codes"),
    ("suggest run", "stdout", r"Open suggestions from this run(?s:.*)code .* open"),
    ("suggest evaluate", "stdout", r"Held-out sentences, 4-fold cross-validation by document"
                                   r"(?s:.*)^learned +macro F1 [0-9.]+  micro F1 [0-9.]+$"),
    ("check", "stdout", rf"^ok: 8 documents, {N} codings"),
    ("backup", "stdout", r"^backed up to backups/monday\.db$"),
    ("restore", "stdout", r"^restored from backups/monday\.db; the previous project is saved as"),
]


def expectation(command: str) -> tuple[str, str] | None:
    """The (stream, pattern) for a tour command: the longest matching start wins."""
    rest = command.removeprefix("workbench ")
    found = [e for e in EXPECTED if rest.startswith(e[0])]
    if not found:
        return None
    _, stream, pattern = max(found, key=lambda e: len(e[0]))
    return stream, pattern


def test_the_tour_has_commands():
    assert len(tour_commands()) >= 30


def test_every_tour_command_is_checked():
    unchecked = [c for c in tour_commands() if expectation(c) is None]
    assert unchecked == [], "say in EXPECTED what these print"


def skip_reason(args: list[str]) -> str | None:
    if any(glob.has_magic(a) for a in args):
        return "stands for the user's own files"
    if not HAS_BROWSER and any(a.endswith((".svg", ".pdf", ".png")) for a in args):
        return "needs Chromium for static figures"
    return None


def test_every_tour_command_runs(workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("WORKBENCH_PROJECT", "workbench-demo/workbench.db")
    runner = CliRunner()
    ran, skipped = 0, []
    for command in tour_commands():
        args = shlex.split(command, comments=True)[1:]
        reason = skip_reason(args)
        if reason:
            skipped.append(f"{command.split('#')[0].strip()} ({reason})")
            continue
        inputs = {"james.db": "export", "colleague.qdpx": "export", "codings.csv": "export"}
        for name in inputs:
            if name in args and not (workspace / name).exists():
                _make_input(runner, workspace, name)
        if args[:2] == ["restore", "backups/monday.db"]:
            assert (workspace / "backups" / "monday.db").exists()
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, f"{command}\n{result.output}"
        stream, pattern = expectation(command)
        printed = result.stdout if stream == "stdout" else result.stderr
        assert re.search(pattern, printed, re.M), f"{command}\nprinted:\n{printed[:2000]}"
        for arg in args:
            if arg.startswith(("exports/", "my-codebook", "backups/")):
                assert (workspace / arg).stat().st_size > 0, f"{command}: {arg} is empty"
        ran += 1
    for line in skipped:
        warnings.warn(f"tour command not run: {line}", stacklevel=1)
    assert ran + len(skipped) == len(tour_commands())
    assert ran >= 25, skipped


def _make_input(runner: CliRunner, workspace: Path, name: str) -> None:
    """Files the tour reads that a user would bring: made from the demo itself."""
    if name == "james.db":
        args = ["backup", "james.db"]
    elif name == "colleague.qdpx":
        args = ["export", "qdpx", "colleague.qdpx"]
    else:
        args = ["export", "codings", "codings.csv"]
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
