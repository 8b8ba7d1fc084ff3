"""Operations on the code tree: add, rename, move, merge, delete, recolour.

Codes are addressed by path (``Group/Subcode``). Every operation is one undoable action and
never loses a coding silently: merge re-points codings, delete refuses while codings exist
unless forced.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from typing import Any

from workbench.i18n import _, ngettext
from workbench.permissions import require, visible_coder_ids
from workbench.store.actionlog import ActionRecorder
from workbench.store.connection import new_guid, now
from workbench.store.errors import CodebookError
from workbench.store.model import Code
from workbench.store.project import Project
from workbench.store.queries import normalise_path

COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
EDITABLE = ("description", "inclusion", "exclusion", "colour", "keywords", "examples")


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise CodebookError(_("a code name cannot be empty"))
    if "/" in name:
        raise CodebookError(_("a code name cannot contain '/': {name!r}").format(name=name))
    return name


def check_colour(colour: str | None) -> str | None:
    if colour is None:
        return None
    if not COLOUR.match(colour):
        raise CodebookError(_("colour {colour!r} is not of the form #RRGGBB").format(colour=colour))
    return colour.upper()


def _find(codes: list[Code], path: str) -> Code | None:
    path = normalise_path(path)
    return next((c for c in codes if c.path == path), None)


def _require(project: Project, path: str) -> Code:
    return project.code(path)


def _subtree_ids(codes: list[Code], root: Code) -> list[int]:
    prefix = root.path + "/"
    return [c.id for c in codes if c.id == root.id or c.path.startswith(prefix)]


def _encode(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if "keywords" in out:
        out["keywords"] = json.dumps(out["keywords"] or {}, ensure_ascii=False)
    if "examples" in out:
        out["examples"] = json.dumps(list(out["examples"] or []), ensure_ascii=False)
    if "colour" in out:
        out["colour"] = check_colour(out["colour"])
    return out


def add_code(
    project: Project,
    path: str,
    *,
    guid: str | None = None,
    recorder: ActionRecorder | None = None,
    **fields: Any,
) -> Code:
    """Add the code at ``path``, creating missing parents; return it.

    Adding a path that exists is an error, so a typo never merges into an existing code.
    ``recorder`` writes into an action already open (one undo step for a code created and
    applied at once) instead of recording an action of its own.
    """
    require(project, "codebook.edit")
    parts = [check_name(p) for p in normalise_path(path).split("/")]
    unknown = set(fields) - set(EDITABLE) - {"position"}
    if unknown:
        raise CodebookError(
            _("unknown code field(s): {items}").format(items=", ".join(sorted(unknown)))
        )
    codes = project.codes()
    if _find(codes, "/".join(parts)):
        raise CodebookError(_("code {items!r} exists already").format(items="/".join(parts)))
    if guid and any(c.guid.upper() == guid.upper() for c in codes):
        raise CodebookError(_("GUID {guid} belongs to another code already").format(guid=guid))
    action = (
        contextlib.nullcontext(recorder)
        if recorder is not None
        else project.action("codebook", _("add code {items}").format(items="/".join(parts)))
    )
    with action as act:
        parent_id = None
        for depth in range(1, len(parts) + 1):
            sub = "/".join(parts[:depth])
            found = _find(codes, sub)
            if found:
                parent_id = found.id
                continue
            last = depth == len(parts)
            row = {
                "guid": (guid if last and guid else new_guid()),
                "parent_id": parent_id,
                "name": parts[depth - 1],
                "created_at": now(),
                "position": _next_position(project, parent_id),
            }
            if last:
                row.update(_encode(fields))
            parent_id = act.insert("codes", row)
    return project.code("/".join(parts))


def _next_position(project: Project, parent_id: int | None) -> int:
    row = project.conn.execute(
        "SELECT max(position) FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0)", (parent_id,)
    ).fetchone()
    return (row[0] if row[0] is not None else -1) + 1


def update_code(project: Project, path: str, **fields: Any) -> Code:
    """Change a code's description, criteria, colour, keywords or examples."""
    require(project, "codebook.edit")
    code = _require(project, path)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise CodebookError(
            _("unknown code field(s): {items}").format(items=", ".join(sorted(unknown)))
        )
    with project.action("codebook", _("edit code {path}").format(path=code.path)) as act:
        act.update("codes", code.id, **_encode(fields))
    return project.code_by_id(code.id)


def rename_code(project: Project, path: str, new_name: str) -> Code:
    require(project, "codebook.edit")
    code = _require(project, path)
    new_name = check_name(new_name)
    parent = code.path.rsplit("/", 1)[0] + "/" if "/" in code.path else ""
    if new_name != code.name and _find(project.codes(), parent + new_name):
        raise CodebookError(_("code {value!r} exists already").format(value=parent + new_name))
    with project.action(
        "codebook", _("rename {path} to {new_name}").format(path=code.path, new_name=new_name)
    ) as act:
        act.update("codes", code.id, name=new_name)
    return project.code_by_id(code.id)


def move_code(project: Project, path: str, new_parent: str | None) -> Code:
    """Move a code (with its subtree) under ``new_parent``, or to the top when None."""
    require(project, "codebook.edit")
    codes = project.codes()
    code = _require(project, path)
    parent_id = None
    if new_parent:
        parent = _require(project, new_parent)
        if parent.id in _subtree_ids(codes, code):
            raise CodebookError(
                _("cannot move {path} under itself ({path2})").format(
                    path=code.path, path2=parent.path
                )
            )
        parent_id = parent.id
        target = f"{parent.path}/{code.name}"
    else:
        target = code.name
    existing = _find(codes, target)
    if existing and existing.id != code.id:
        raise CodebookError(_("code {target!r} exists already").format(target=target))
    with project.action(
        "codebook",
        _("move {path} to {value}").format(path=code.path, value=new_parent or "top level"),
    ) as act:
        act.update(
            "codes", code.id, parent_id=parent_id, position=_next_position(project, parent_id)
        )
    return project.code_by_id(code.id)


#: action kinds that take away every coder's work at once: the lead may undo them whoever
#: did them (``ops.history``)
DELETE_KIND, MERGE_KIND = "code-delete", "code-merge"


@dataclass(frozen=True)
class Impact:
    """What deleting or merging a code touches, counted over every coder, including work that
    blind coding hides from the screen (so the question before it can say so)."""

    code: str
    subcodes: int
    codings: dict[str, int]  # coder -> codings
    memos: dict[str, int]  # author -> memos ("" for memos credited to nobody)

    @property
    def total_codings(self) -> int:
        return sum(self.codings.values())

    @property
    def total_memos(self) -> int:
        return sum(self.memos.values())

    def describe(self) -> str:
        """``23 codings (ana 12, ben 11) and 3 memos (ana 2, rosa 1)``: one line (the memos
        left out when there are none)."""

        def each(counts: dict[str, int]) -> str:
            return ", ".join(
                f"{name or _('nobody')} {n}" for name, n in sorted(counts.items()) if n
            )

        total = self.total_codings
        codings = ngettext("{n} coding", "{n} codings", total).format(n=total)
        if total:
            codings += f" ({each(self.codings)})"
        if not self.total_memos:
            return codings
        memos = ngettext("{n} memo", "{n} memos", self.total_memos).format(n=self.total_memos)
        memos += f" ({each(self.memos)})"
        return _("{codings} and {memos}").format(codings=codings, memos=memos)


def code_impact(project: Project, path: str, operation: str = "code.delete") -> Impact:
    """Every coder's codings and memos that ``operation`` on ``path`` touches: the code and
    its subcodes for a delete, the code alone for a merge (its subcodes move, untouched).

    Asked before the question is put, so someone who may not do it hears so at once.
    """
    require(project, operation)
    code = _require(project, path)
    codes = project.codes()
    ids = _subtree_ids(codes, code) if operation == "code.delete" else [code.id]
    marks = ",".join("?" * len(ids))
    codings = dict(
        project.conn.execute(
            f"SELECT k.name, count(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
            f"WHERE c.code_id IN ({marks}) GROUP BY k.name",
            ids,
        )
    )
    memos = dict(
        project.conn.execute(
            f"SELECT ifnull(k.name, ''), count(*) FROM memos m LEFT JOIN coders k "
            f"ON k.id = m.coder_id WHERE (m.target_type = 'code' AND m.target_id IN ({marks})) "
            f"OR (m.target_type = 'coding' AND m.target_id IN "
            f"(SELECT id FROM codings WHERE code_id IN ({marks}))) GROUP BY 1",
            [*ids, *ids],
        )
    )
    return Impact(code.path, len(ids) - 1, codings, memos)


def merge_codes(project: Project, source: str, target: str) -> int:
    """Merge ``source`` into ``target``: codings re-pointed, children moved, source removed.

    A coding of ``source`` whose coder already coded the same span with ``target`` is folded
    into that coding (its memos follow) rather than becoming a second, identical coding.
    Returns the number of codings re-pointed (folded ones not counted).
    """
    require(project, "code.merge")
    src = _require(project, source)
    dst = _require(project, target)
    codes = project.codes()
    if src.id == dst.id or dst.id in _subtree_ids(codes, src):
        raise CodebookError(
            _("cannot merge {path} into itself or its own subcode").format(path=src.path)
        )
    children = [c for c in codes if c.parent_id == src.id]
    for child in children:
        clash = _find(codes, f"{dst.path}/{child.name}")
        if clash and clash.id != src.id:
            raise CodebookError(
                _("cannot merge: {path} already has a subcode named {name!r}").format(
                    path=dst.path, name=child.name
                )
            )
    moved = 0
    with project.action(
        MERGE_KIND, _("merge {path} into {path2}").format(path=src.path, path2=dst.path)
    ) as act:
        if any(_find(codes, f"{dst.path}/{child.name}") == src for child in children):
            # a child takes the name of the code merged away: free that name first
            act.update("codes", src.id, name=f"~merged-{src.id}")
        for coding_id, same in project.conn.execute(
            "SELECT c.id, (SELECT d.id FROM codings d WHERE d.code_id = ? AND "
            "d.document_id = c.document_id AND d.coder_id = c.coder_id AND d.start = c.start "
            'AND d."end" = c."end" ORDER BY d.id LIMIT 1) FROM codings c WHERE c.code_id = ? '
            "ORDER BY c.id",
            (dst.id, src.id),
        ).fetchall():
            if same is None:
                act.update("codings", coding_id, code_id=dst.id)
                moved += 1
                continue
            # the coder already gave this span the target code: keep that one coding, and
            # what pointed at this one (memos, accepted suggestions) now points at it
            for memo in project.memos("coding", coding_id):
                act.update("memos", memo.id, target_id=same)
            for (sug_id,) in project.conn.execute(
                "SELECT id FROM suggestions WHERE coding_id = ?", (coding_id,)
            ).fetchall():
                act.update("suggestions", sug_id, coding_id=same)
            act.delete("codings", coding_id)
        for (sug_id,) in project.conn.execute(
            "SELECT id FROM suggestions WHERE code_id = ?", (src.id,)
        ).fetchall():
            act.delete("suggestions", sug_id)
        for child in children:
            act.update("codes", child.id, parent_id=dst.id)
        for memo in project.memos("code", src.id):
            act.update("memos", memo.id, target_id=dst.id)
        act.delete("codes", src.id)
    return moved


def delete_code(project: Project, path: str, *, force: bool = False) -> int:
    """Delete a code and its subtree. Refused while any of them is coded, unless ``force``.

    Every coder's codings count, whoever may see them. Returns the number of codings deleted
    with it; the lead may undo it, whoever did it (``ops.history``).
    """
    impact = code_impact(project, path, "code.delete")
    code = _require(project, path)
    codes = project.codes()
    ids = _subtree_ids(codes, code)
    marks = ",".join("?" * len(ids))
    coding_ids = [
        r[0]
        for r in project.conn.execute(f"SELECT id FROM codings WHERE code_id IN ({marks})", ids)
    ]
    if coding_ids and not force:
        raise CodebookError(
            _("{path} has {impact}; merge it, or delete with --force").format(
                path=code.path, impact=impact.describe()
            )
        )
    with project.action(DELETE_KIND, _("delete code {path}").format(path=code.path)) as act:
        for coding_id in coding_ids:
            for memo in project.memos("coding", coding_id):
                act.delete("memos", memo.id)
            act.delete("codings", coding_id)
        for (sug_id,) in project.conn.execute(
            f"SELECT id FROM suggestions WHERE code_id IN ({marks})", ids
        ).fetchall():
            act.delete("suggestions", sug_id)
        by_id = {c.id: c for c in codes}
        # children before parents, so the parent foreign key always holds
        for code_id in sorted(ids, key=lambda i: -by_id[i].depth):
            for memo in project.memos("code", code_id):
                act.delete("memos", memo.id)
            act.delete("codes", code_id)
    return len(coding_ids)


def coding_counts(project: Project, coder_id: int | None = None) -> dict[int, int]:
    """Codings per code id (not counting subcodes); one coder's only when ``coder_id`` is set
    (blind coding shows a coder nothing of the others' work: a coder under blind coding gets
    their own counts whatever is asked, ``workbench.permissions.visible_coder_ids``)."""
    coder_ids = _counted_coders(project, coder_id)
    if coder_ids is None:
        return dict(project.conn.execute("SELECT code_id, count(*) FROM codings GROUP BY code_id"))
    return dict(
        project.conn.execute(
            "SELECT code_id, count(*) FROM codings "
            "WHERE coder_id IN (SELECT value FROM json_each(?)) GROUP BY code_id",
            (json.dumps(sorted(coder_ids)),),
        )
    )


def _counted_coders(project: Project, coder_id: int | None) -> set[int] | None:
    """The coders whose codings a count covers: the one asked for, narrowed to those the
    acting user may see (None: everyone's)."""
    seen = visible_coder_ids(project)
    if coder_id is None:
        return seen
    return {coder_id} if seen is None else {coder_id} & seen


def code_usage(project: Project, code_id: int, coder_id: int | None = None) -> tuple[int, int]:
    """(codings, documents) of one code (not counting subcodes), optionally one coder's only.

    The coding screen's code panel shows it beside the definition, so a coder sees how often
    a code has been used before applying it again.
    """
    sql = "SELECT count(*), count(DISTINCT document_id) FROM codings WHERE code_id = ?"
    args: list[int | str] = [code_id]
    coder_ids = _counted_coders(project, coder_id)
    if coder_ids is not None:
        sql += " AND coder_id IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(sorted(coder_ids)))
    codings, documents = project.conn.execute(sql, args).fetchone()
    return int(codings), int(documents)
