"""The translation layer: choosing the language, reports in another language, decimal marks,
the command line in Spanish, and catalogs for languages not translated yet."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from workbench import i18n
from workbench.cli import cli
from workbench.i18n import _, number, resolve_language, set_language, speaking


def test_the_language_comes_from_the_option_then_env_then_locale_then_english(monkeypatch):
    assert resolve_language() == "en"
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    assert resolve_language() == "es"
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    assert resolve_language() == "fr"  # LC_ALL wins over LANG, as in gettext
    monkeypatch.setenv("WORKBENCH_LANG", "pt")
    assert resolve_language() == "pt"
    assert resolve_language("es") == "es"
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.delenv("WORKBENCH_LANG")
    assert resolve_language() == "es"  # C says nothing: LANG decides


def test_spanish_catalog_translates_and_english_is_the_source():
    assert set_language("es") == "es"
    assert _("Usage:") == "Uso:"
    set_language("en")
    assert _("Usage:") == "Usage:"


def test_a_catalog_without_translations_falls_back_to_english_message_by_message():
    """pt and fr have catalogs with no entries yet: they speak English."""
    assert {"pt", "fr"} <= set(i18n.available_languages())
    set_language("pt")
    assert _("Usage:") == "Usage:"
    result = CliRunner().invoke(cli, ["--lang", "pt", "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_speaking_changes_the_language_of_one_thread_only():
    set_language("es")
    seen = {}

    def other_thread():
        seen["other"] = _("Usage:")

    with speaking("en", decimal="comma") as lang:
        assert lang == "en"
        assert _("Usage:") == "Usage:"
        assert number(0.8512, 2) == "0,85"
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert seen["other"] == "Uso:"
    assert _("Usage:") == "Uso:"
    assert number(0.8512, 2) == "0.85"


def test_decimal_marks():
    with speaking("es", decimal="comma"):
        assert number(-0.125, 3) == "-0,125"
        assert number(12.5, 1) == "12,5"
    with speaking("es", decimal="point"):
        assert number(12.5, 1) == "12.5"
    with pytest.raises(ValueError):
        with speaking("es", decimal="dot"):
            pass


def test_help_in_spanish_at_the_root_and_on_a_command():
    root = CliRunner().invoke(cli, ["--lang", "es", "--help"], prog_name="workbench")
    assert root.exit_code == 0
    assert root.output.startswith("Uso: workbench")
    assert "Opciones:" in root.output and "Comandos:" in root.output
    assert "Acuerdo intercodificador por código." in root.output
    # --lang after the command, and after --help, still decides the help's language
    for args in (["demo", "--lang", "es", "--help"], ["demo", "--help", "--lang", "es"]):
        result = CliRunner().invoke(cli, args, prog_name="workbench")
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Uso: workbench demo"), args
        assert "Mostrar este mensaje y salir." in result.output


def test_environment_and_locale_choose_the_language_of_a_real_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "WORKBENCH"))}
    for extra in ({"LANG": "es_PE.UTF-8"}, {"WORKBENCH_LANG": "es", "LANG": "en_GB.UTF-8"}):
        done = subprocess.run(
            [sys.executable, "-m", "workbench", "--help"],
            env={**env, **extra},
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert done.stdout.startswith("Uso: workbench"), (extra, done.stdout[:200])
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", "en", "--help"],
        env={**env, "WORKBENCH_LANG": "es"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.stdout.startswith("Usage: workbench")


def test_an_unknown_language_is_a_one_line_error():
    result = CliRunner().invoke(cli, ["--lang", "xx", "documents"])
    assert result.exit_code == 2
    assert "no translation for 'xx'" in result.output
    assert "available: en, es" in result.output
    # from the environment an unknown language is not an error: English is spoken
    result = CliRunner(env={"WORKBENCH_LANG": "xx"}).invoke(cli, ["--help"])
    assert result.exit_code == 0 and result.output.startswith("Usage:")


def test_help_is_translated_when_shown_not_when_imported():
    """A command imported while English is spoken shows Spanish help later, and English
    again after that (the English is kept aside, never lost to a translation)."""
    from workbench.cli.demo import demo_cmd

    for lang, word in (("es", "Reconstruir"), ("en", "Rebuild"), ("es", "Reconstruir")):
        result = CliRunner().invoke(cli, ["--lang", lang, "demo", "--help"])
        assert word in result.output, (lang, result.output)
    CliRunner().invoke(cli, ["--lang", "en", "demo", "--help"])
    assert demo_cmd.params[1].help == "Rebuild the demo project from scratch."


def test_a_reports_lang_chooses_the_report_not_the_messages():
    """``agree --lang en`` writes an English report; its help and errors stay in the language
    of messages (here Spanish from the environment), unlike a plain command's ``--lang``."""
    env = {"WORKBENCH_LANG": "es"}
    report = CliRunner(env=env).invoke(
        cli, ["agree", "--lang", "en", "--help"], prog_name="workbench"
    )
    assert report.output.startswith("Uso: workbench agree"), report.output[:80]
    plain = CliRunner(env=env).invoke(
        cli, ["documents", "--lang", "en", "--help"], prog_name="workbench"
    )
    assert plain.output.startswith("Usage: workbench documents"), plain.output[:80]
