"""Writing a project's codebook as a YAML codebook file, the format ``load_codebook`` reads.

The written file is meant to be read and edited by people and loaded again: keyword lists are
written inline, long texts as blocks, and never an alias (the reader counts them). Reading and
loading are ``workbench.ops.codebook``; ``.qdc`` files are written by
``workbench.interop.codebook_files``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from workbench.files import write_atomic
from workbench.ops.codebook import _refuse_qdc
from workbench.ops.codebook_load import SETTING_PREFIX
from workbench.ops.codebook_schema import TEXT_FIELDS
from workbench.store.errors import CodebookError, WorkbenchError
from workbench.store.project import Project

_STR = "tag:yaml.org,2002:str"


class _Flow(list):
    """A list written inline, ``[a, b]``: keyword lists read best that way."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # never write an alias: the reader counts them, and people read the file

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        style: str | None = "|"
    elif len(value) > 80:
        style = ">"
    elif value.startswith("#"):
        style = '"'
    else:
        style = None
    return dumper.represent_scalar(_STR, value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)


def codebook_data(project: Project) -> dict[str, Any]:
    """The project's codebook as plain data in the YAML codebook shape."""
    codes = project.codes()
    nodes: dict[int, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    for code in codes:
        node: dict[str, Any] = {"name": code.name, "guid": code.guid}
        if code.colour:
            node["colour"] = code.colour
        for key in TEXT_FIELDS:
            if getattr(code, key):
                node[key] = getattr(code, key)
        if code.examples:
            node["examples"] = list(code.examples)
        if code.keywords:
            node["keywords"] = {lang: _Flow(words) for lang, words in code.keywords.items()}
        if code.value is not None:
            node["value"] = int(code.value) if float(code.value).is_integer() else code.value
        nodes[code.id] = node
        if code.parent_id is None:
            top.append(node)
        else:
            nodes[code.parent_id].setdefault("codes", []).append(node)
    data: dict[str, Any] = {}
    name = project.setting(SETTING_PREFIX + "name")
    data["name"] = name or Path(str(project.path)).stem
    description = project.setting(SETTING_PREFIX + "description")
    if description:
        data["description"] = description
    languages = project.setting(SETTING_PREFIX + "languages")
    if languages:
        data["languages"] = _Flow(json.loads(languages))
    else:
        used = sorted({lang for c in codes for lang in c.keywords})
        data["languages"] = _Flow(used or [project.language])
    data["codes"] = top
    return data


def codebook_yaml(project: Project) -> str:
    """The project's codebook as YAML text (the format ``load_codebook`` reads)."""
    body = yaml.dump(
        codebook_data(project),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )
    header = "# Codebook exported by workbench. Format: docs/codebooks.md\n"
    return header + body


def export_codebook(project: Project, path: str | os.PathLike[str]) -> int:
    """Write the codebook to ``path`` as YAML (``.qdc``: ``workbench.interop.codebook_files``).

    Returns the number of codes written. The file is replaced atomically.
    """
    _refuse_qdc(path)
    try:
        write_atomic(path, codebook_yaml(project).encode("utf-8"))
    except WorkbenchError as exc:
        raise CodebookError(exc.reason, source=str(path)) from None
    return len(project.codes())
