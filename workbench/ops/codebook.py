"""YAML codebooks: read and validate them with line numbers, load them into a project, list them.

A codebook file is the team's shared, reviewable statement of what each code means. Loading one
must therefore be safe to repeat: it adds new codes and updates existing ones (matched by GUID,
then by path) but never removes a code from the project, so no coding is ever lost by loading a
file. The whole file is validated before anything is written, and every problem is reported as
``file:line: reason`` so it can be fixed in an editor at once.

This module reads the file and refuses what is unsafe to walk (alias bombs, loops, nesting too
deep, invalid characters) or is no YAML at all; the format's rules, key by key, are
``workbench.ops.codebook_schema``; writing a codebook as YAML is ``workbench.ops.codebook_export``.
The format is documented in ``docs/codebooks.md``. Matching and writing a parsed codebook is
``workbench.ops.codebook_load`` (shared with REFI-QDA). ``.qdc`` (REFI-QDA) files are read
and written by ``workbench.interop.qdc``; ``workbench.interop.codebook_files`` chooses between
the two by suffix.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from workbench.boundary import at_import_boundary
from workbench.i18n import _
from workbench.limits import MAX_YAML_ALIAS_NODES
from workbench.ops.codebook_load import (  # the parsed file and its loading live there
    Codebook,
    LoadReport,
    load_parsed,
)
from workbench.ops.codebook_schema import Problem, _Checker, _line
from workbench.ops.codes import coding_counts
from workbench.store.errors import CodebookError
from workbench.store.project import Project, read_snapshot

# --------------------------------------------------------------------------- reading


def read_codebook(path: str | os.PathLike[str]) -> Codebook:
    """Read and validate a YAML codebook; raise ``CodebookError`` naming file and line."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CodebookError(_("no such file"), source=source) from None
    except IsADirectoryError:
        raise CodebookError(_("is a directory, not a codebook file"), source=source) from None
    except OSError as exc:
        raise CodebookError(
            _("cannot read: {strerror}").format(strerror=exc.strerror), source=source
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CodebookError(
            _("not UTF-8 text (save the codebook as UTF-8)"), source=source, place=str(line)
        ) from None
    return parse_codebook(text, source=source)


def parse_codebook(text: str, *, source: str = "<codebook>") -> Codebook:
    """Validate codebook ``text``; raise ``CodebookError`` for the first problem found."""
    book, problems = check_codebook(text, source=source)
    if problems:
        first = min(problems, key=lambda p: p.line)
        more = len(problems) - 1
        reason = first.reason + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")
        raise CodebookError(reason, source=source, place=str(first.line))
    assert book is not None
    return book


def check_codebook(
    text: str, *, source: str = "<codebook>"
) -> tuple[Codebook | None, list[Problem]]:
    """Parse and validate, collecting every problem instead of stopping at the first."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_problem(exc)]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        position = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, position) + 1
        return None, [
            Problem(line, _("invalid YAML, {getattr}").format(getattr=getattr(exc, "reason", exc)))
        ]
    except RecursionError:  # the YAML composer recurses once per level of nesting
        return None, [_too_deep(text)]
    problem = _graph_problem(root)
    if problem is not None:
        return None, [problem]
    try:
        return _Checker(text, source).run(root)
    except RecursionError:
        return None, [_too_deep(text)]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _graph_problem(root: yaml.Node | None) -> Problem | None:
    """What makes the composed node graph unsafe to walk, before it is walked.

    Aliases make the graph share nodes: a 1.6 KB file that doubles a code tree 24 levels
    deep expands to 16 million codes (a "billion laughs"), and an alias inside its own anchor
    never ends. The expanded size is counted once per distinct node (linear in the file), and
    more than ``MAX_YAML_ALIAS_NODES`` nodes added by aliases is refused. A lone surrogate
    (``"\\ud800"``) is valid YAML but no text a project can store.
    """
    if root is None:
        return None
    size: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _child_nodes(node))
            continue
        if key in size:
            continue
        if key in open_nodes:
            return Problem(_line(node), _("an alias refers to the entry it is inside (a loop)"))
        distinct += 1
        if isinstance(node, yaml.ScalarNode):
            if _SURROGATE.search(node.value):
                return Problem(
                    _line(node), _("the text holds an invalid character (a lone surrogate)")
                )
            size[key] = 1
            continue
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _child_nodes(node) if id(c) not in size)
    added = size[id(root)] - distinct
    if added > MAX_YAML_ALIAS_NODES:
        return Problem(
            1,
            _(
                "the codebook's aliases expand it by {added:,} entries (the limit is "
                "{limit:,}); write the entries out"
            ).format(added=added, limit=MAX_YAML_ALIAS_NODES),
        )
    return None


def _child_nodes(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _too_deep(text: str) -> Problem:
    """Nesting deeper than Python's recursion allows (over 100 levels): refused, not a crash."""
    return Problem(1, _("the codebook is nested too deeply to read (keep it under 100 levels)"))


_YAML_HINTS = (
    ("'\\t'", "a tab character; indent with spaces"),
    ("<block end>", "inconsistent indentation"),
    ("<block mapping start>", "inconsistent indentation"),
    ("mapping values are not allowed", "a stray ':'; quote text that contains ': '"),
    ("could not find expected ':'", "a line without 'key: value'"),
    ("<stream end>", "the file ends inside an unclosed bracket or quote"),
    ("end of stream", "the file ends inside an unclosed bracket or quote"),
)


def _yaml_problem(exc: yaml.MarkedYAMLError) -> Problem:
    """A syntax error as a Problem on the line where the user can fix it."""
    problem = exc.problem or ""
    mark = exc.problem_mark
    if (
        mark is None or "end of stream" in problem or "<stream end>" in problem
    ) and exc.context_mark is not None:
        mark = exc.context_mark  # an unclosed quote or bracket: point at where it opened
    line = mark.line + 1 if mark else 1
    raw = f"{exc.context}: {problem}" if exc.context and problem else problem or exc.context
    hint = next((h for needle, h in _YAML_HINTS if needle in problem), None)
    reason = f"invalid YAML ({hint}): {raw}" if hint else f"invalid YAML: {raw}"
    return Problem(line, reason)


# --------------------------------------------------------------------------- loading


@at_import_boundary(path_arg=1)
def load_codebook(project: Project, path: str | os.PathLike[str]) -> LoadReport:
    """Load a YAML codebook file into the project, as one action.

    New codes are added; codes already in the project (same GUID, else same path) get the
    fields the file sets. Codes the file does not list are kept and reported. The file is
    validated completely before anything is written. A REFI-QDA ``.qdc`` file is read by
    ``workbench.interop.codebook_files``, which chooses the reader by the file's suffix.
    """
    _refuse_qdc(path)
    book = read_codebook(path)
    return load_parsed(project, book)


def _refuse_qdc(path: str | os.PathLike[str]) -> None:
    """A .qdc is XML: reading it as YAML would give a confusing error about the wrong thing."""
    if str(path).lower().endswith(".qdc"):
        raise CodebookError(
            _(
                "a .qdc file is a REFI-QDA codebook; load or write it through "
                "workbench.interop.codebook_files"
            ),
            source=str(path),
        )


# --------------------------------------------------------------------------- listings


@read_snapshot
def code_rows(project: Project) -> list[dict[str, Any]]:
    """One row per code, parents first: path, description, count (own codings) and more.

    ``count`` counts the codings of the code itself; ``total`` adds those of its subcodes.
    """
    codes = project.codes()
    counts = coding_counts(project)
    totals = {c.id: counts.get(c.id, 0) for c in codes}
    by_id = {c.id: c for c in codes}
    for code in reversed(codes):  # children come after parents: fold them upwards
        if code.parent_id is not None:
            totals[code.parent_id] += totals[code.id]
    return [
        {
            "path": c.path,
            "name": c.name,
            "description": c.description or "",
            "count": counts.get(c.id, 0),
            "total": totals[c.id],
            "colour": c.colour,
            "guid": c.guid,
            "depth": c.depth,
            "parent": by_id[c.parent_id].path if c.parent_id else None,
            "inclusion": c.inclusion or "",
            "exclusion": c.exclusion or "",
            "keywords": c.keywords,
            "examples": list(c.examples),
            "value": c.value,
        }
        for c in codes
    ]
