"""Writing a project as a REFI-QDA ``.qdpx`` archive.

The archive holds ``project.qde`` (users, codebook, variables, cases, text sources with their
coded selections, notes and code sets) and one ``sources/GUID.txt`` per document: the stored,
normalised text in UTF-8, so selection positions are exactly our code-point offsets. The
``project.qde`` is validated against ``Project.xsd`` before anything is written.

Mapping: a coder is a ``User`` (GUID derived from the name), a coding is a
``PlainTextSelection`` holding one ``Coding`` (the selection's GUID is derived from the
coding's), a memo is a ``Note`` referenced from what it annotates (the project, a source, a
code or a coding), a case is a ``Case`` with ``VariableValue``s and ``SourceRef``s to its
documents, and each top-level code with subcodes is also a ``Set``. The codebook's description
is the project's ``Description``. Whatever REFI-QDA has no element for (done marks, document
languages, turns and sentences, keywords and examples ...) goes into ``workbench/extension.json``
(see ``workbench.interop.extension``), which other tools ignore.
"""

from __future__ import annotations

import io
import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.files import write_atomic
from workbench.guards import xmlsafe
from workbench.i18n import _
from workbench.interop import extension, qdpx_media
from workbench.interop.ids import coder_guid, norm_guid, stable_guid
from workbench.interop.qdc import append_codes, code_sets
from workbench.interop.textmap import UNITS, unit_offsets
from workbench.store.connection import now
from workbench.store.project import Project, read_snapshot
from workbench.store.queries import typed_value

VARIABLE_TYPES = {
    "text": "Text",
    "integer": "Integer",
    "float": "Float",
    "boolean": "Boolean",
    "date": "Date",
}
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


@dataclass
class ExportSummary:
    """What went into the archive, and values that could not be written."""

    path: str
    documents: int = 0
    codes: int = 0
    codings: int = 0
    memos: int = 0
    cases: int = 0
    users: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = _(
            "{path}: {documents} documents, {codes} codes, {codings} codings, {memos} memos, "
            "{cases} cases, {users} coders"
        ).format(
            path=self.path,
            documents=self.documents,
            codes=self.codes,
            codings=self.codings,
            memos=self.memos,
            cases=self.cases,
            users=self.users,
        )
        if self.notes:
            text += "; " + "; ".join(self.notes)
        return text


def _dt(value: str | None) -> dict[str, str]:
    return {"creationDateTime": value} if value and _DATETIME.match(value) else {}


def _guid(value: str | None, kind: str, key: str) -> str:
    return norm_guid(value) or stable_guid(kind, key)


def _variable_value(typ: str, raw: str | None) -> tuple[str, str] | None:
    """(element name, text) of a case attribute value, or None when it cannot be typed."""
    value = typed_value(typ, raw)
    if value is None:
        return None
    if typ == "integer":
        return "IntegerValue", str(int(value))
    if typ == "float":
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return None
        return "FloatValue", format(Decimal(repr(number)), "f")
    if typ == "boolean":
        return "BooleanValue", "true" if value else "false"
    if typ == "date":
        try:
            return "DateValue", date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError:
            return None
    return "TextValue", str(value)


def project_element(
    project: Project,
    summary: ExportSummary,
    positions: str = "codepoints",
    *,
    media: str = "link",
    media_files: dict[str, Path] | None = None,
) -> tuple[Any, dict[str, str]]:
    """The validated ``Project`` element and the source files (archive name -> text).

    ``positions`` is the unit selection positions count: code points (the standard's reading,
    and ours), or ``utf16`` code units as NVivo for Windows reads them, or UTF-8 ``bytes``.
    Documents with a recording become media sources (``workbench.interop.qdpx_media``);
    with ``media="embed"`` the recordings to put in the archive are added to ``media_files``.
    """
    media_files = media_files if media_files is not None else {}
    from lxml import etree

    ns = xmlsafe.PROJECT_NS

    def sub(parent: Any, tag: str, attrs: dict[str, str] | None = None, text: str | None = None):
        el = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs or {})
        if text is not None:
            el.text = text
        return el

    conn = project.conn
    name = project.setting("codebook.name") or (
        Path(str(project.path)).stem if str(project.path) != ":memory:" else "workbench"
    )
    default_ns: Any = {None: ns}  # None names the default namespace (lxml-stubs allow str keys)
    root = etree.Element(
        f"{{{ns}}}Project",
        {"name": name, "origin": f"workbench {__version__}", "creationDateTime": now()},
        nsmap=default_ns,
    )
    coders = {
        cid: cname for cid, cname in conn.execute("SELECT id, name FROM coders ORDER BY name")
    }
    user_guid = {cid: coder_guid(cname) for cid, cname in coders.items()}

    # memos first: every target needs to know the GUIDs of its notes
    memos = conn.execute(
        "SELECT id, guid, target_type, target_id, coder_id, title, text, created_at, updated_at "
        "FROM memos ORDER BY id"
    ).fetchall()
    refs: dict[tuple[str, int | None], list[str]] = {}
    memo_guid: dict[int, str] = {}
    for mid, mguid, ttype, tid, *_unused in memos:
        memo_guid[mid] = _guid(mguid, "memo", str(mid))
        refs.setdefault((ttype, tid), []).append(memo_guid[mid])
    doc_ids = {r[0] for r in conn.execute("SELECT id FROM documents")}
    code_ids = {r[0] for r in conn.execute("SELECT id FROM codes")}
    coding_ids = {r[0] for r in conn.execute("SELECT id FROM codings")}
    known = {"document": doc_ids, "code": code_ids, "coding": coding_ids}
    for (ttype, tid), guids in list(refs.items()):
        if ttype != "project" and tid not in known.get(ttype, set()):
            refs.setdefault(("project", None), []).extend(guids)
            del refs[(ttype, tid)]

    if coders:
        users = sub(root, "Users")
        for cid, cname in coders.items():
            sub(users, "User", {"guid": user_guid[cid], "name": cname})
        summary.users = len(coders)

    codes = project.codes()
    if codes:
        book = sub(root, "CodeBook")
        note_refs = {cid: refs.get(("code", cid), []) for cid in code_ids}
        append_codes(sub(book, "Codes"), ns, codes, note_refs)
        summary.codes = len(codes)

    attributes = conn.execute("SELECT id, name, type FROM attributes ORDER BY name").fetchall()
    var_guid = {aid: stable_guid("attribute", aname) for aid, aname, _unused in attributes}
    if attributes:
        variables = sub(root, "Variables")
        for aid, aname, atype in attributes:
            sub(
                variables,
                "Variable",
                {
                    "guid": var_guid[aid],
                    "name": aname,
                    "typeOfVariable": VARIABLE_TYPES.get(atype, "Text"),
                },
            )

    docs = conn.execute(
        "SELECT id, guid, name, case_id, text, imported_at FROM documents ORDER BY name"
    ).fetchall()
    doc_guid = {d[0]: _guid(d[1], "document", str(d[0])) for d in docs}
    cases = conn.execute("SELECT id, name FROM cases ORDER BY name").fetchall()
    if cases:
        cases_el = sub(root, "Cases")
        values: dict[int, list[tuple[int, str, str | None]]] = {}
        for cid, aid, atype, value in conn.execute(
            "SELECT ca.case_id, a.id, a.type, ca.value FROM case_attributes ca "
            "JOIN attributes a ON a.id = ca.attribute_id ORDER BY a.name"
        ):
            values.setdefault(cid, []).append((aid, atype, value))
        for cid, cname in cases:
            case_el = sub(cases_el, "Case", {"guid": stable_guid("case", cname), "name": cname})
            for aid, atype, value in values.get(cid, []):
                typed = _variable_value(atype, value)
                if typed is None:
                    if value not in (None, ""):
                        summary.notes.append(
                            _(
                                "case {cname}: value {value!r} is not a valid {atype}; left out"
                            ).format(cname=cname, value=value, atype=atype)
                        )
                    continue
                vv = sub(case_el, "VariableValue")
                sub(vv, "VariableRef", {"targetGUID": var_guid[aid]})
                sub(vv, typed[0], text=typed[1])
            for d in docs:
                if d[3] == cid:
                    sub(case_el, "SourceRef", {"targetGUID": doc_guid[d[0]]})
        summary.cases = len(cases)

    files: dict[str, str] = {}
    codings = conn.execute(
        'SELECT id, guid, document_id, code_id, coder_id, start, "end", created_at FROM codings '
        'ORDER BY document_id, start, "end", id'
    ).fetchall()
    by_doc: dict[int, list[tuple]] = {}
    for row in codings:
        by_doc.setdefault(row[2], []).append(row)
    code_guid = {c.id: c.guid for c in codes}
    if docs:
        sources = sub(root, "Sources")
        media_export = qdpx_media.prepare(project, media)
        if media_export.links and media_export.mode == "link":
            root.set("basePath", media_export.folder.as_posix())
        for did, _g, dname, _case, text, imported_at in docs:
            guid = doc_guid[did]
            files[f"sources/{guid}.txt"] = text
            linked = did in media_export.links
            units = unit_offsets(text, positions) if by_doc.get(did) or linked else []
            selections = []
            for cid, cguid, _d, code_id, coder_id, start, end, created in by_doc.get(did, []):
                coding_guid = _guid(cguid, "coding", str(cid))
                user = {"creatingUser": user_guid[coder_id]} if coder_id in user_guid else {}

                def fill(sel, guid=coding_guid, user=user, made=created, code=code_id, cid=cid):
                    coding = sub(sel, "Coding", {"guid": guid, **user, **_dt(made)})
                    sub(coding, "CodeRef", {"targetGUID": code_guid[code]})
                    for note in refs.get(("coding", cid), []):
                        sub(coding, "NoteRef", {"targetGUID": note})

                attrs = {
                    "name": text[start:end][:60].replace("\n", " "),
                    **user,
                    **_dt(created),
                }
                selections.append((stable_guid("selection", coding_guid), start, end, attrs, fill))
                summary.codings += 1
            if linked:
                src = qdpx_media.append_media_source(
                    sources,
                    sub,
                    project,
                    media_export,
                    doc_id=did,
                    guid=guid,
                    name=dname,
                    text_file=f"internal://{guid}.txt",
                    units=units,
                    attrs=_dt(imported_at),
                    codings=selections,
                )
            else:
                src = sub(
                    sources,
                    "TextSource",
                    {
                        "guid": guid,
                        "name": dname,
                        "plainTextPath": f"internal://{guid}.txt",
                        **_dt(imported_at),
                    },
                )
                for sel_guid, start, end, attrs, fill_selection in selections:
                    sel = sub(
                        src,
                        "PlainTextSelection",
                        {
                            "guid": sel_guid,
                            "name": attrs["name"],
                            "startPosition": str(units[start]),
                            "endPosition": str(units[end]),
                            **{k: v for k, v in attrs.items() if k != "name"},
                        },
                    )
                    fill_selection(sel)
            for note in refs.get(("document", did), []):
                sub(src, "NoteRef", {"targetGUID": note})
        summary.notes.extend(media_export.notes)
        media_files.update(media_export.files)
        summary.documents = len(docs)

    if memos:
        notes_el = sub(root, "Notes")
        for mid, _g, _t, _i, coder_id, title, text, created, updated in memos:
            attrs = {"guid": memo_guid[mid], **_dt(created)}
            if title:
                attrs["name"] = title
            if coder_id in user_guid:
                attrs["creatingUser"] = user_guid[coder_id]
            if updated and _DATETIME.match(updated):
                attrs["modifiedDateTime"] = updated
            note = sub(notes_el, "Note", attrs)
            sub(note, "PlainTextContent", text=text)
        summary.memos = len(memos)

    sets = code_sets(codes)
    if sets:
        sets_el = sub(root, "Sets")
        for guid, sname, members in sets:
            set_el = sub(sets_el, "Set", {"guid": guid, "name": sname})
            sub(set_el, "Description", text=f"The code group {sname} and its subcodes")
            for member in members:
                sub(set_el, "MemberCode", {"targetGUID": member})
    description = project.setting("codebook.description")
    if description:
        sub(root, "Description", text=description)
    for note in refs.get(("project", None), []):
        sub(root, "NoteRef", {"targetGUID": note})

    xmlsafe.validate(root, "Project.xsd")
    return root, files


@read_snapshot
def export_qdpx(
    project: Project,
    path: str | os.PathLike[str],
    *,
    positions: str = "codepoints",
    media: str = "link",
) -> ExportSummary:
    """Write the whole project to ``path`` as a ``.qdpx`` archive (positions in ``positions``).

    Recordings are pointed to from the archive (``media="link"``) or put in it (``"embed"``).
    The whole project is every coder's work: a coder under blind coding may not export it.
    """
    from workbench.permissions import require_everyones_work
    from workbench.store.errors import WorkbenchError

    require_everyones_work(project)

    if positions not in UNITS:
        raise WorkbenchError(
            _("unknown position unit {positions!r} (use {items})").format(
                positions=positions, items=", ".join(UNITS)
            )
        )
    if media not in qdpx_media.MEDIA_MODES:
        raise WorkbenchError(
            _("unknown media mode {media!r} (use link or embed)").format(media=media)
        )
    summary = ExportSummary(str(path))
    media_files: dict[str, Path] = {}
    root, files = project_element(project, summary, positions, media=media, media_files=media_files)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", xmlsafe.serialise(root))
        for name, text in files.items():
            zf.writestr(name, text.encode("utf-8"))
        for name, file in media_files.items():
            zf.write(file, name, compress_type=zipfile.ZIP_STORED)  # already compressed
        zf.writestr(extension.NAME, extension.dumps(extension.collect(project, positions)))
    write_atomic(path, buf.getvalue())
    return summary
