"""The README's tour: its commands, and what each prints.

The commands run on a fresh demo in tests/test_doc_examples.py (with every page of docs/),
which checks each tour command's output against ``EXPECTED`` below; skipped examples are
listed and bounded there (``test_skipped_examples_are_few_and_known``)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def tour_commands(page: str = "README.md") -> list[str]:
    """``workbench ...`` lines from the README's code blocks after the set-up block."""
    readme = (REPO / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)[1:]
    commands = []
    for block in blocks:
        for line in block.splitlines():
            for part in line.split("&&"):
                part = part.strip()
                if part.startswith("workbench "):
                    commands.append(part)
    return commands


@pytest.mark.parametrize("page", ["README.md", "README.es.md"])
def test_every_tour_command_is_run_by_the_doc_examples_test(page):
    """The tour runs in tests/test_doc_examples.py with every page of docs/ (and its output is
    checked there); this keeps the two readings of the README in step."""
    from tests.test_doc_examples import examples

    readme = [e.tokens for e in examples() if e.page == page]
    for command in tour_commands(page):
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


def expectation(command: str, page: str = "README.md") -> tuple[str, str] | None:
    """The (stream, pattern) for a tour command: the longest matching start wins."""
    rest = command.removeprefix("workbench ")
    expected = EXPECTED_ES if page == "README.es.md" else EXPECTED
    found = [e for e in expected if rest.startswith(e[0])]
    if not found:
        return None
    _, stream, pattern = max(found, key=lambda e: len(e[0]))
    return stream, pattern


def test_the_tour_has_commands():
    assert len(tour_commands()) >= 30
    assert len(tour_commands("README.es.md")) >= 20


@pytest.mark.parametrize("page", ["README.md", "README.es.md"])
def test_every_tour_command_is_checked(page):
    unchecked = [c for c in tour_commands(page) if expectation(c, page) is None]
    assert unchecked == [], "say in EXPECTED (EXPECTED_ES) what these print"


def test_the_spanish_readme_starts_with_the_same_two_commands():
    def setup_block(name: str) -> str:
        text = (REPO / name).read_text(encoding="utf-8")
        return re.search(r"```sh\n(.*?)```", text, re.S).group(1)

    assert setup_block("README.es.md") == setup_block("README.md")


# What the Spanish tour prints (README.es.md, run with WORKBENCH_LANG=es as it says): the same
# commands answer in Spanish, in the field's terms (docs/es/glosario.md).
EXPECTED_ES: list[tuple[str, str, str]] = [
    (
        "import --dry-run",
        "stdout",
        rf"^\S+ \(txt\): {N} caracteres, {N} turnos, {N} hablantes\n"
        r"(?:  .*\n)*  Interviewer: \d+ turnos; primero: ",
    ),
    ("import ", "stdout", rf"^\S+: {N} caracteres, {N} turnos, {N} hablantes, {N} oraciones"),
    (
        "cases import",
        "stdout",
        rf"^{N} casos creados, {N} actualizados; atributos: region \(text\)",
    ),
    ("documents", "stdout", r"nombre .* caso .* caracteres .* turnos .* hablantes .* oraciones"),
    (
        "codebook load",
        "stdout",
        rf"^codebooks/health-governance\.yaml: {N} añadidos, {N} actualizados, {N} sin cambios",
    ),
    ("codebook show", "stdout", r"(?m)^libro de códigos \(workbench\.db\)\n(?s:.*)con subcódigos"),
    ("codebook add", "stdout", r"^añadido Participation/Consejos juveniles$"),
    (
        "codebook rename",
        "stdout",
        r"^renombrado Participation/Consejos juveniles como Participation/Participación juvenil$",
    ),
    ("codebook export", "stdout", rf"^escritos {N} códigos en mi-libro-de-codigos\.yaml$"),
    (
        "code apply",
        "stdout",
        rf"^codificación {N}: Decentralization/Budget execution en DRS01 \[120, 310\) de maria: \S",
    ),
    (
        "codings --coder maria --where region=Piura",
        "stdout",
        r"^document,code,coder,start,end,text\n(COM01|DRS01),",
    ),
    ("memo add", "stdout", rf"^memo {N} sobre código$"),
    ("done DRS01", "stdout", r"^DRS01: terminado para maria$"),
    ("undo", "stdout", r"^deshecho: memo sobre Decentralization/Central dependency$"),
    (
        "agree",
        "stdout",
        r"^\| Código \| Unidades \| Acuerdo \(%\) \| κ de Cohen \| α de Krippendorff \|\n"
        r"(?s:.*)\| \*\*Global\*\* \| \d+ \| \d+,\d \| \d,\d\d \| \d,\d\d \|"
        r"(?s:.*)^Dos codificadores \(maria y james\) codificaron \d+ documentos de forma "
        r"independiente\. (?s:.*)el alfa de Krippendorff de \d,\d\d\.$",
    ),
    ("disagreements", "stdout", rf"{N} desacuerdo\(s\), unidades: sentence(?s:.*)DRS02"),
    ("cooccur --depth 1", "stdout", r"coocurrencia \(overlap\); 7 códigos"),
    (
        "sankey exports/grupos.html",
        "stderr",
        rf"^escrito exports/grupos\.html: {N} nodos, {N} enlaces$",
    ),
    (
        "sankey exports/regiones.svg",
        "stderr",
        rf"^escrito exports/regiones\.svg: {N} nodos, {N} enlaces$",
    ),
    ("report codebook", "stderr", rf"^escrito exports/libro-de-codigos\.docx: {N} códigos$"),
    (
        "report frequencies",
        "stderr",
        rf"^escrito exports/por-region\.xlsx: {N} códigos x {N} valores$",
    ),
    ("export quotations", "stdout", rf"^exports/citas\.docx: {N} citas$"),
    (
        "export qdpx",
        "stdout",
        rf"^exports/estudio\.qdpx: {N} documentos, {N} códigos, {N} codificaciones",
    ),
    ("check", "stdout", rf"^correcto: {N} documentos, {N} codificaciones"),
    ("backup", "stdout", r"^copia de seguridad en backups/lunes\.db$"),
]
