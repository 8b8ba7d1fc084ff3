"""The command line in Spanish, as the issue shows it: a one-line error, a methods paragraph,
the Sankey's headings, the decimal mark, and reports written in another language than the
messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.figure_helpers import demo_workspace, plotly_json
from workbench.cli import cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("es"))


def run(project: Path, *args: str, env: dict | None = None):
    return CliRunner(env=env).invoke(cli, ["--project", str(project), *args], prog_name="workbench")


def test_a_misspelt_where_is_a_spanish_one_line_error_and_prints_no_rows(demo, monkeypatch, capsys):
    from tests.test_translations import run_main

    code, output = run_main(
        ["--lang", "es", "--project", str(demo), "codings", "--where", "region=Piurra"],
        monkeypatch,
        capsys,
    )
    assert code == 1
    assert output.count("\n") == 1  # one line, nothing printed before it
    assert output.startswith("error: ")
    assert "ningún caso tiene region='Piurra' (valores: Cusco, Lima, Loreto, Piura" in output


def test_codings_where_keeps_the_documents_of_matching_cases(demo):
    everything = json.loads(run(demo, "codings", "--format", "json").output)
    piura = json.loads(run(demo, "codings", "--where", "region=Piura", "--format", "json").output)
    # cases.csv: DRS01 and COM01 are the Piura interviews
    assert {r["document"] for r in piura} == {"DRS01", "COM01"}
    assert len(piura) == sum(1 for r in everything if r["document"] in {"DRS01", "COM01"})
    assert 0 < len(piura) < len(everything)


def test_agree_markdown_in_spanish_writes_a_spanish_methods_paragraph(demo):
    result = run(
        demo,
        "agree",
        "--coders",
        "maria,james",
        "--unit",
        "sentence",
        "--format",
        "markdown",
        "--lang",
        "es",
        "--decimal",
        "comma",
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("| Código | Unidades | Acuerdo (%) | κ de Cohen | α de Krippendorff |")
    assert "| **Global** |" in text
    paragraph = text.strip().splitlines()[-1]
    assert paragraph.startswith("Dos codificadores (maria y james) codificaron 8 documentos")
    assert "el kappa de Cohen de" in paragraph and "el alfa de Krippendorff de" in paragraph
    # decimal comma in every figure of the paragraph and the table, none with a point
    assert re.search(r"porcentaje de acuerdo fue del \d+,\d %", paragraph)
    assert not re.search(r"\d\.\d", paragraph)
    assert not re.search(r"\| \d+\.\d+ \|", text)


def test_agree_in_english_with_spanish_messages(demo):
    """A Spanish speaker writing an English paper: the report's --lang wins over the
    interface's, and the decimal point stays the default."""
    result = run(
        demo,
        "agree",
        "--coders",
        "maria,james",
        "--format",
        "markdown",
        "--lang",
        "en",
        env={"WORKBENCH_LANG": "es"},
    )
    assert result.exit_code == 0
    assert "Two coders (maria and james) coded 8 documents independently." in result.output
    assert re.search(r"percent agreement \d+\.\d %", result.output)


def test_sankey_in_spanish_draws_spanish_headings_and_caption(demo, tmp_path):
    out = tmp_path / "flujos.html"
    result = run(demo, "sankey", str(out), "--depth", "1", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert "escrito" in result.stderr and "nodos" in result.stderr
    data, layout = plotly_json(out.read_text(encoding="utf-8"))
    shown = json.dumps([data, layout], ensure_ascii=False)
    assert "Código coocurrente" in shown and "Co-occurring code" not in shown
    caption = (tmp_path / "flujos.html.caption.md").read_text(encoding="utf-8")
    assert "Borrador de pie de figura: Coocurrencia de grupos de códigos." in caption
    assert "codificaciones que comparten al menos un carácter" in caption


def test_report_codebook_in_spanish(demo, tmp_path):
    out = tmp_path / "libro.md"
    result = run(demo, "report", "codebook", str(out), "--lang", "es", "--decimal", "comma")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "| Categoría | Código | Definición | Inclusión | Exclusión | Ejemplo |" in text
    assert "κ de Cohen" in text
    assert not re.search(r"\| 0\.\d\d \|", text)  # kappas with a decimal comma


def test_a_bad_report_language_is_refused_before_anything_is_written(demo, tmp_path):
    out = tmp_path / "x.md"
    result = run(demo, "report", "codebook", str(out), "--lang", "xx")
    assert result.exit_code == 2
    assert "no translation for 'xx'" in result.output
    assert not out.exists()
