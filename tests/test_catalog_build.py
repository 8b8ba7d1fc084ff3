"""The install compiles the catalogs: a wheel built from a clean checkout carries every
language's ``.mo`` and speaks Spanish on a machine that has nothing but the wheel.

Slow-ish (the wheel is built in an isolated environment with hatchling and Babel fetched by
pip, as on a fresh machine): one build for the module.
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the checkout without any compiled catalog."""
    source = tmp_path_factory.mktemp("src") / "workbench"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "*.mo", "__pycache__", ".pytest_cache", ".ruff_cache", "*.db*"
        ),
    )
    assert not list(source.glob("workbench/locale/*/LC_MESSAGES/*.mo"))
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    [built] = out.glob("workbench-*.whl")
    return built


def test_the_wheel_carries_a_compiled_catalog_for_every_language(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for lang in ("es", "pt", "fr"):
            assert f"workbench/locale/{lang}/LC_MESSAGES/workbench.mo" in names, lang
        with archive.open("workbench/locale/es/LC_MESSAGES/workbench.mo") as handle:
            catalog = gettext.GNUTranslations(handle)
    assert catalog.gettext("Usage:") == "Uso:"
    assert catalog.gettext("Inter-coder agreement per code.") == (
        "Acuerdo intercodificador por código."
    )


def test_the_installed_wheel_speaks_spanish_without_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    probe = (
        "import workbench.i18n as i; i.set_language('es'); "
        "print(i.LOCALE_DIR); print(i._('Usage:')); print(i._('Inter-coder agreement per code.'))"
    )
    # -S: no site-packages, so nothing but the standard library and the installed wheel
    shown = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    where, usage, agree = shown.stdout.splitlines()
    assert where.startswith(str(target))
    assert (usage, agree) == ("Uso:", "Acuerdo intercodificador por código.")


def test_an_editable_install_compiles_the_catalogs_in_place(tmp_path):
    """``pip install -e .`` on a checkout without ``.mo`` files (a fresh clone) compiles them
    where the package reads them."""
    source = tmp_path / "workbench"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "*.mo", "__pycache__", ".pytest_cache", ".ruff_cache", "*.db*"
        ),
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", "-e", str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (source / "workbench/locale/es/LC_MESSAGES/workbench.mo").exists()
    shown = subprocess.run(
        [
            str(python),
            "-c",
            "import workbench.i18n as i; i.set_language('es'); print(i._('Usage:'))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert shown.stdout.strip() == "Uso:", shown.stderr
