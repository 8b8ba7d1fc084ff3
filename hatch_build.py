"""Build hook: compile the translation catalogs (``.po`` -> ``.mo``) with Babel at install time.

Runs for every wheel hatchling builds, editable ones included, so ``pip install -e .`` and a
wheel built on a fresh machine both carry ``workbench/locale/<lang>/LC_MESSAGES/workbench.mo``.
The compiled files are not kept in git (they are build output); the hook writes them beside
their ``.po`` (where an editable install reads them) and adds them to the wheel.

Why not the ``hatch-babel`` plugin: it compiles only Babel's default domain (``messages``),
ours is ``workbench``, and it reaches into hatch's build config through an undocumented path.
The compiling itself is Babel's (``read_po`` / ``write_mo``, in ``tools/catalogs.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tools.catalogs import compile_catalogs  # noqa: E402


class CatalogBuildHook(BuildHookInterface):
    """hatchling's custom build hook (``[tool.hatch.build.hooks.custom]`` in pyproject.toml)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return  # the sdist ships the .po files; its wheel compiles them
        root = Path(self.root)
        written = compile_catalogs(root)
        if version == "editable":
            return  # an editable install reads the .mo files where they were written
        for mo_path in written:
            build_data["force_include"][str(mo_path)] = str(mo_path.relative_to(root))
