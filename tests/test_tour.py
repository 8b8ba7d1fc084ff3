"""The README's tour: its commands, and what each prints.

The commands run on a fresh demo in tests/test_doc_examples.py (with every page of docs/),
which checks each tour command's output against ``EXPECTED`` below; skipped examples are
listed and bounded there (``test_skipped_examples_are_few_and_known``)."""

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


# What each tour command prints: (start of the command, stream, pattern its output must match).
# A command the README adds needs a line here (test_every_tour_command_is_checked).
N = r"\d+"
EXPECTED: list[tuple[str, str, str]] = [
    (
        "import --dry-run",
        "stdout",
        rf"^\S+ \(txt\): {N} characters, {N} turns, {N} speakers\n"
        r"(?:  .*\n)*  Interviewer: \d+ turns; first: ",
    ),
    ("import ", "stdout", rf"^\S+: {N} characters, {N} turns, {N} speakers, {N} sentences"),
    ("cases import", "stdout", rf"^{N} cases created, {N} updated; attributes: region \(text\)"),
    (
        "documents",
        "stdout",
        r"name .* case .* characters .* turns .* speakers .* sentences"
        r"(?s:.*)DRS01 .* DRS01",
    ),
    (
        "codebook load",
        "stdout",
        rf"^codebooks/health-governance\.yaml: {N} added, {N} updated, "
        rf"{N} unchanged",
    ),
    ("codebook show", "stdout", r"(?m)^codebook \(workbench\.db\)\n(?s:.*)Budget execution"),
    ("codebook add", "stdout", r"^added Participation/Youth councils$"),
    (
        "codebook rename",
        "stdout",
        r"^renamed Participation/Youth councils to "
        r"Participation/Youth participation$",
    ),
    (
        "codebook merge",
        "stdout",
        rf"^merged Transparency/Corruption into Transparency/Access to "
        rf"information: {N} coding\(s\) re-pointed$",
    ),
    ("codebook export", "stdout", rf"^wrote {N} codes to my-codebook\.yaml$"),
    (
        "code apply",
        "stdout",
        rf"^coding {N}: Decentralization/Budget execution on DRS01 "
        r"\[120, 310\) by maria: \S",
    ),
    (
        "codings --coder maria --format csv",
        "stdout",
        r"^document,code,coder,start,end,text\n(DRS01|ACA01),",
    ),
    ("memo add", "stdout", rf"^memo {N} on code$"),
    ("done DRS01", "stdout", r"^DRS01: done for maria$"),
    ("undo", "stdout", r"^undone: memo on Decentralization/Central dependency$"),
    (
        "agree",
        "stdout",
        r"^\| Code \| Units \| Agreement \(%\) \| Cohen's κ \| "
        r"Krippendorff's α \|\n",
    ),
    ("disagreements", "stdout", rf"{N} disagreement\(s\), sentence units(?s:.*)DRS02"),
    ("merge james.db --dry-run", "stdout", r"^dry run: merging james\.db\ndocuments: "),
    ("merge james.db", "stdout", r"^merging james\.db\ndocuments: "),
    ("cooccur --depth 1", "stdout", r"co-occurrence \(overlap\); 7 codes"),
    ("cooccur --mode unit", "stdout", r'^\{\n  "mode": "unit:sentence",\n  "codes": \['),
    (
        "sankey exports/groups.html",
        "stderr",
        rf"^wrote exports/groups\.html: {N} nodes, "
        rf"{N} links$",
    ),
    (
        "sankey exports/decentralization.pdf",
        "stderr",
        rf"^wrote exports/decentralization\.pdf: {N} nodes, {N} links$",
    ),
    (
        "sankey exports/regions.svg",
        "stderr",
        rf"^wrote exports/regions\.svg: {N} nodes, "
        rf"{N} links$",
    ),
    ("network", "stderr", rf"^wrote exports/codes\.graphml: {N} nodes, {N} edges$"),
    ("export quotations", "stdout", rf"^exports/quotes\.docx: {N} quotations$"),
    ("export matrix", "stdout", rf"^exports/by-region\.xlsx: {N} codes x {N} columns$"),
    ("export units", "stdout", rf"^exports/sentences\.csv: {N} sentences$"),
    ("export codings", "stdout", rf"^exports/codings\.csv: {N} codings$"),
    ("export qdpx", "stdout", rf"^exports/study\.qdpx: {N} documents, {N} codes, {N} codings"),
    ("import-qdpx", "stdout", r"^colleague\.qdpx: .*8 matched existing"),
    ("suggest train", "stdout", rf"^trained on {N} sentences \({N} codings, {N} codes"),
    ("suggest run", "stdout", r"Open suggestions from this run(?s:.*)code .* open"),
    (
        "suggest evaluate",
        "stdout",
        r"Held-out sentences, 4-fold cross-validation by document"
        r"(?s:.*)^learned +micro F1 [0-9.]+  macro F1 [0-9.]+  MAP [0-9.]+$"
        r"(?s:.*)^floor +micro F1 ",
    ),
    (
        "users add",
        "stdout",
        r"^added (lead|coder) \S+; token \(shown only now, keep it safe\): "
        r"\S+$",
    ),
    ("users list", "stdout", r"name .* role .* signs_in_with(?s:.*)rosa .* lead .* token"),
    (
        "sankey exports/effectiveness.pdf",
        "stderr",
        rf"^wrote exports/effectiveness\.pdf: {N} nodes, {N} links$",
    ),
    (
        "sankey exports/participation.pdf",
        "stderr",
        rf"^wrote exports/participation\.pdf: {N} nodes, {N} links$",
    ),
    ("sankey exports/stages.png", "stderr", rf"^wrote exports/stages\.png: {N} nodes, {N} links$"),
    ("report codebook", "stderr", rf"^wrote exports/codebook\.docx: {N} codes$"),
    ("report frequencies", "stderr", rf"^wrote exports/by-region\.xlsx: {N} codes x {N} values$"),
    ("figures rerun", "stdout", rf"^{N} commands run in exports$"),
    (
        "suggest similar",
        "stdout",
        r"uncoded sentence\(s\) most like Decentralization/Budget "
        r"execution(?s:.*)rank .* document .* score",
    ),
    ("check", "stdout", rf"^ok: {N} documents, {N} codings"),
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
