"""Every ``workbench ...`` example in the README and docs/*.md runs on a fresh demo workspace.

Each page's examples run in order, in their own copy of one prepared workspace (the demo plus
the files a user would bring, made from the demo itself), with ``WORKBENCH_PROJECT`` set to the
demo project as the README's tour says. What a command wrote is checked: every file it names
exists and is not empty, figures and tables carry their provenance record, ``--format json``
prints JSON. Skipped, and listed by ``test_skipped_examples_are_few_and_known``: commands that
open the app or serve it, synopsis lines (``[--opt]``, ``A|B``), and spaCy pipelines the
machine does not have.
"""

from __future__ import annotations

import glob
import importlib.util
import json
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.figure_helpers import demo_workspace
from workbench.cli import cli
from workbench.export.provenance import RECORD_FORMATS, read_record

REPO = Path(__file__).resolve().parent.parent
# docs/cli.md is generated from the commands' help (tests/test_cli_reference.py checks it);
# its lines are usage, not a walk-through to run in order
PAGES = [
    REPO / "README.md",
    REPO / "README.es.md",
    *sorted(p for p in (REPO / "docs").glob("*.md") if p.name != "cli.md"),
    *sorted((REPO / "docs" / "es").glob("*.md")),
]
#: pages in Spanish: their examples run with WORKBENCH_LANG=es, as the pages say
SPANISH = {"README.es.md", *(p.name for p in (REPO / "docs" / "es").glob("*.md"))}
#: the pages with a tour whose printed output is checked (tests/test_tour.py)
TOURS = ("README.md", "README.es.md")
OUTPUT_SUFFIXES = (
    ".html",
    ".svg",
    ".pdf",
    ".png",
    ".docx",
    ".xlsx",
    ".md",
    ".csv",
    ".qdpx",
    ".qdc",
    ".yaml",
    ".db",
    ".graphml",
    ".gexf",
    ".json",
)


@dataclass(frozen=True)
class Example:
    page: str
    line: int
    text: str

    @property
    def tokens(self) -> list[str]:
        return shlex.split(self.text, comments=True)

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.text}"


def examples(pages=PAGES) -> list[Example]:
    """``workbench`` commands in the fenced code blocks of each page, in order."""
    out = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for block in re.finditer(r"```[a-z]*\n(.*?)```", text, re.S):
            first = text.count("\n", 0, block.start(1)) + 1
            body = block.group(1)
            if page.name in TOURS and block.start() == text.index("```"):
                continue  # the set-up block (venv, pip, pytest) is checked by test_readme.py
            for n, line in enumerate(body.replace("\\\n", " \n").splitlines()):
                for part in re.split(r"&&|;", line):
                    part = part.strip()
                    if part == "workbench" or part.startswith("workbench "):
                        out.append(Example(page.name, first + n, part))
    return out


def command_of(tokens: list[str]) -> list[str]:
    """The tokens after ``workbench`` and its ``-p/--project`` and ``--lang`` options."""
    rest = tokens[1:]
    while rest and rest[0] in ("-p", "--project", "--lang"):
        rest = rest[2:]
    return rest


#: commands a page shows after a step done in the app (the team codes and marks documents done
#: in their browsers before the lead compares them)
AFTER_THE_APP = {"serve.md": ("agree", "disagreements")}


def skip_reason(ex: Example) -> str | None:
    tokens = ex.tokens
    cmd = command_of(tokens)
    if any("|" in t and t != "|" or t.startswith("[") or t == "..." for t in tokens):
        return "synopsis"
    if cmd and cmd[0] in AFTER_THE_APP.get(ex.page, ()):
        return "needs coding done in the app first"
    if not cmd or cmd[0] in ("tui", "serve") or (cmd[0] == "demo" and "--no-open" not in cmd):
        return "opens the app"
    if cmd[:2] == ["suggest", "pipeline"] and len(cmd) > 2 and not cmd[2].startswith("-"):
        name = cmd[2]
        if name.startswith("~") or importlib.util.find_spec(name.replace("-", "_")) is None:
            return "names a spaCy pipeline this machine does not have"
    return None


def prepare(root: Path) -> Path:
    """The demo workspace plus the files the pages' examples read, made from the demo."""
    project = demo_workspace(root)
    for name in ("exports", "backups", "interviews", "recordings"):
        (root / name).mkdir()
    shutil.copytree(REPO / "transcripts", root / "transcripts")
    shutil.copytree(REPO / "codebooks", root / "codebooks")
    shutil.copyfile(REPO / "transcripts" / "cases.csv", root / "cases.csv")
    shutil.copyfile(REPO / "codebooks" / "health-governance.yaml", root / "codebook.yaml")
    new_interviews(root / "interviews")
    (root / "study").mkdir()
    shutil.copytree(REPO / "docs" / "figures", root / "docs" / "figures")
    shutil.copyfile(REPO / "transcripts" / "NGO02.txt", root / "notes.txt")
    shutil.copyfile(REPO / "transcripts" / "DRS01.txt", root / "DRS01.txt")
    runner = CliRunner()
    for args in (
        ["backup", "james.db"],
        ["backup", "maria.db"],
        ["backup", "study.db"],
        ["export", "qdpx", "colleague.qdpx"],
        ["export", "qdpx", "other.qdpx"],
        ["export", "codings", "more.csv"],
    ):
        result = runner.invoke(
            cli,
            ["--project", str(project), *[str(root / a) if "." in a else a for a in args]],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
    return root


def new_interviews(folder: Path) -> None:
    """Two transcripts the demo does not hold yet (a Word file and WebVTT captions)."""
    from docx import Document

    doc = Document()
    for line in (
        "Entrevistadora: ¿Cómo se decide el presupuesto regional?",
        "Director: El presupuesto llega tarde desde Lima y no alcanza para la región.",
    ):
        doc.add_paragraph(line)
    doc.save(str(folder / "DRS01.docx"))
    (folder / "NGO01.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana>Las comunidades no tienen voz en "
        "el consejo.\n\n00:00:05.000 --> 00:00:09.000\n<v Luis>Nadie nos informa del gasto."
        "\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    return prepare(tmp_path_factory.mktemp("doc-examples") / "base")


# import.md walks through importing interviews into a project of one's own, not the demo
PASSWORD = "correct-horse-battery"
PAGE_PROJECT = {"import.md": "study/workbench.db", "serve.md": "study/workbench.db"}


def run_page(page: str, base: Path, tmp: Path, monkeypatch) -> list[str]:
    """Run one page's examples in a copy of ``base``; return what ran."""
    work = tmp / page.replace(".", "_")
    shutil.copytree(base, work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("WORKBENCH_PROJECT", PAGE_PROJECT.get(page, "workbench-demo/workbench.db"))
    if page in SPANISH:
        monkeypatch.setenv("WORKBENCH_LANG", "es")
    if page in TOURS:
        # the tour imports "your" interviews into the demo, which holds a DRS01 and an NGO01
        for old, new in (("DRS01.docx", "DRS09.docx"), ("NGO01.vtt", "NGO09.vtt")):
            (work / "interviews" / old).rename(work / "interviews" / new)
    ran = []
    for ex in [e for e in examples() if e.page == page]:
        if skip_reason(ex):
            continue
        tokens = ex.tokens
        redirect = None
        if ">" in tokens:
            i = tokens.index(">")
            tokens, redirect = tokens[:i], tokens[i + 1]
        piped = "|" in tokens
        if piped:
            tokens = tokens[: tokens.index("|")]
        args = [
            m
            for a in tokens[1:]
            for m in (
                sorted(str(p.relative_to(work)) for p in work.glob(a))
                if glob.has_magic(a) and "/" in a
                else [a]
            )
        ]
        before = {p: p.stat().st_mtime_ns for p in work.rglob("*") if p.is_file()}
        # a command that asks for a password (``users add``) is answered twice
        result = CliRunner().invoke(
            cli, args, input=f"{PASSWORD}\n{PASSWORD}\n", catch_exceptions=False
        )
        assert result.exit_code == 0, f"{ex}\n{result.output}"
        if redirect:
            (work / redirect).write_text(result.stdout, encoding="utf-8")
        check_output(ex, args, result, work, before)
        if page in TOURS:
            check_printed(ex, result)
        ran.append(str(ex))
    return ran


def check_printed(ex, result) -> None:
    """A tour command prints what the README says it does (``tests/test_tour.EXPECTED``)."""
    from tests.test_tour import expectation

    found = expectation(" ".join(ex.tokens), ex.page)
    assert found is not None, f"{ex}: say in tests/test_tour.py EXPECTED(_ES) what it prints"
    stream, pattern = found
    printed = result.stdout if stream == "stdout" else result.stderr
    assert re.search(pattern, printed, re.M), f"{ex}\nprinted:\n{printed[:2000]}"


def check_output(ex, args, result, work: Path, before: dict) -> None:
    """What the command wrote: named files exist (new or rewritten) and hold their record."""
    cmd = command_of(["workbench", *args])
    if "--format" in args and args[args.index("--format") + 1] == "json" and "--out" not in args:
        json.loads(result.stdout)
    for arg in args:
        path = work / arg
        if not arg.lower().endswith(OUTPUT_SUFFIXES) or not path.is_file():
            continue
        changed = path not in before or path.stat().st_mtime_ns != before[path]
        if not changed:
            continue  # an input the command read
        assert path.stat().st_size > 0, f"{ex}: {arg} is empty"
        if cmd[0] in ("sankey", "network", "report") or (
            cmd[0] == "cooccur" and arg.endswith(RECORD_FORMATS)
        ):
            record = read_record(path)
            assert record is not None, f"{ex}: {arg} has no provenance record"
            assert record.args == [a if a != arg else record.output for a in cmd]


@pytest.mark.parametrize("page", [p.name for p in PAGES])
def test_every_example_on_the_page_runs(page, prepared, tmp_path, monkeypatch):
    runnable = [e for e in examples() if e.page == page and not skip_reason(e)]
    ran = run_page(page, prepared, tmp_path, monkeypatch)
    assert len(ran) == len(runnable)


def test_skipped_examples_are_few_and_known():
    skipped = {str(e): skip_reason(e) for e in examples() if skip_reason(e)}
    reasons = set(skipped.values())
    assert reasons <= {
        "synopsis",
        "opens the app",
        "needs coding done in the app first",
        "names a spaCy pipeline this machine does not have",
    }
    opens = [s for s, r in skipped.items() if r == "opens the app"]
    assert all(re.search(r"workbench(\s|$)|\btui\b|\bserve\b|\bdemo\b", s) for s in opens)
    assert len(examples()) - len(skipped) >= 90
