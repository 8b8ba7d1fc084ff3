"""What REFI-QDA has no element for travels in ``workbench/extension.json`` inside the archive.

A ``.qdpx`` written by workbench carries, beside ``project.qde`` and ``sources/``, one JSON file
that other tools ignore (they read ``project.qde`` and the files it points to). It holds what
the standard cannot say, keyed by the GUIDs ``project.qde`` uses, so it only ever *adds* to
elements that are there:

- ``format``: ``urn:workbench:qdpx-extension:1`` (a reader ignores a file of another format);
- ``positions``: the unit the selection positions were written in (``codepoints``, ``utf16``,
  ``bytes``), so a re-import need not guess;
- ``settings``: project settings (codebook name, description and languages, the project
  language, speaker rules ...), without machine-local ones (the current coder, spaCy paths);
- ``coders`` and ``cases``: name -> creation time;
- ``codes``: GUID -> description, criteria, keywords, examples, position and creation time
  exactly as stored (the ``Description`` element joins description and criteria);
- ``documents``: GUID -> language, source file and format, metadata, import time, speaker
  turns (``[speaker, start, end, time_start, time_end]``), sentences (``[start, end]``) and
  done marks (``[coder, done, updated_at]``);
- ``codings``: GUID -> how the coding was made (``manual``, ``suggestion``, ``import``).

Offsets in the extension are always code points into the stored (normalised) text.
"""

from __future__ import annotations

import json
from typing import Any

from workbench import __version__
from workbench.i18n import _
from workbench.interop.ids import norm_guid
from workbench.store.errors import InputFileError
from workbench.store.project import Project

NAME = "workbench/extension.json"
FORMAT = "urn:workbench:qdpx-extension:1"
LOCAL_SETTINGS = ("coder", "spacy_model")


def _local(key: str) -> bool:
    return any(key == k or key.startswith(k + ".") for k in LOCAL_SETTINGS)


def collect(project: Project, positions: str) -> dict[str, Any]:
    """The extension for ``project`` as written by ``export_qdpx``."""
    conn = project.conn
    coder_names = dict(conn.execute("SELECT id, name FROM coders"))
    documents: dict[str, Any] = {}
    for did, guid, language, spath, sformat, metadata, imported in conn.execute(
        "SELECT id, guid, language, source_path, source_format, metadata, imported_at "
        "FROM documents"
    ):
        turns = [
            list(r)
            for r in conn.execute(
                'SELECT speaker, start, "end", time_start, time_end FROM turns '
                "WHERE document_id = ? ORDER BY seq",
                (did,),
            )
        ]
        sentences = [
            list(r)
            for r in conn.execute(
                'SELECT start, "end" FROM sentences WHERE document_id = ? ORDER BY seq', (did,)
            )
        ]
        done = [
            [coder_names[c], d, u]
            for c, d, u in conn.execute(
                "SELECT coder_id, done, updated_at FROM document_status WHERE document_id = ? "
                "ORDER BY coder_id",
                (did,),
            )
        ]
        documents[norm_guid(guid) or guid] = {
            "language": language,
            "source_path": spath,
            "source_format": sformat,
            "metadata": json.loads(metadata or "{}"),
            "imported_at": imported,
            "turns": turns,
            "sentences": sentences,
            "done": done,
        }
    codes = {
        norm_guid(guid) or guid: {
            "description": desc,
            "inclusion": inc,
            "exclusion": exc,
            "keywords": json.loads(kw or "{}"),
            "examples": json.loads(ex or "[]"),
            "position": pos,
            "created_at": created,
        }
        for guid, desc, inc, exc, kw, ex, pos, created in conn.execute(
            "SELECT guid, description, inclusion, exclusion, keywords, examples, position, "
            "created_at FROM codes"
        )
    }
    return {
        "format": FORMAT,
        "written_by": f"workbench {__version__}",
        "positions": positions,
        "settings": {
            k: v
            for k, v in conn.execute("SELECT key, value FROM settings ORDER BY key")
            if not _local(k)
        },
        "coders": dict(conn.execute("SELECT name, created_at FROM coders ORDER BY name")),
        "cases": dict(conn.execute("SELECT name, created_at FROM cases ORDER BY name")),
        "codes": codes,
        "documents": documents,
        "codings": {
            norm_guid(g) or g: s
            for g, s in conn.execute("SELECT guid, source FROM codings WHERE source != 'manual'")
        },
    }


def dumps(extension: dict[str, Any]) -> bytes:
    return json.dumps(extension, ensure_ascii=False, indent=1).encode("utf-8")


def _check(ok: bool, source: str, what: str) -> None:
    if not ok:
        raise InputFileError(
            _("malformed workbench extension: {what}").format(what=what), source=source, place=NAME
        )


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _num(v: Any) -> bool:
    return v is None or (isinstance(v, int | float) and not isinstance(v, bool))


def _str(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _document(doc: Any, source: str, guid: str) -> None:
    _check(isinstance(doc, dict), source, _("document {guid} is not an object").format(guid=guid))
    for key in ("language", "source_path", "source_format", "imported_at"):
        _check(
            _str(doc.get(key)),
            source,
            _("{key} of document {guid} is not text").format(key=key, guid=guid),
        )
    _check(
        isinstance(doc.get("metadata", {}), dict),
        source,
        _("metadata of document {guid}").format(guid=guid),
    )
    turns = doc.get("turns", [])
    _check(
        isinstance(turns, list)
        and all(
            isinstance(t, list)
            and len(t) == 5
            and _str(t[0])
            and _int(t[1])
            and _int(t[2])
            and _num(t[3])
            and _num(t[4])
            for t in turns
        ),
        source,
        _(
            "turns of document {guid} are not [speaker, start, end, time_start, time_end] rows"
        ).format(guid=guid),
    )
    sentences = doc.get("sentences", [])
    _check(
        isinstance(sentences, list)
        and all(
            isinstance(r, list) and len(r) == 2 and _int(r[0]) and _int(r[1]) for r in sentences
        ),
        source,
        _("sentences of document {guid} are not [start, end] rows").format(guid=guid),
    )
    done = doc.get("done", [])
    _check(
        isinstance(done, list)
        and all(
            isinstance(d, list)
            and len(d) == 3
            and isinstance(d[0], str)
            and d[0].strip()
            and _str(d[2])
            for d in done
        ),
        source,
        _("done marks of document {guid} are not [coder, done, updated_at] rows").format(guid=guid),
    )


def _code(code: Any, source: str, guid: str) -> None:
    _check(isinstance(code, dict), source, _("code {guid} is not an object").format(guid=guid))
    for key in ("description", "inclusion", "exclusion", "created_at"):
        _check(
            _str(code.get(key)),
            source,
            _("{key} of code {guid} is not text").format(key=key, guid=guid),
        )
    _check(
        code.get("position") is None or _int(code["position"]),
        source,
        _("position of code {guid} is not a number").format(guid=guid),
    )
    keywords = code.get("keywords", {})
    _check(
        isinstance(keywords, dict)
        and all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(w, str) for w in v)
            for k, v in keywords.items()
        ),
        source,
        _("keywords of code {guid}").format(guid=guid),
    )
    examples = code.get("examples", [])
    _check(
        isinstance(examples, list) and all(isinstance(e, str) for e in examples),
        source,
        _("examples of code {guid}").format(guid=guid),
    )


def parse(data: bytes, source: str) -> dict[str, Any] | None:
    """The extension in ``data``, checked; None when it is of another format.

    The shapes are checked before anything is written, so a damaged extension is one error
    naming the file, and the project is left unchanged.
    """
    try:
        ext = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputFileError(
            _("malformed workbench extension: {exc}").format(exc=exc), source=source, place=NAME
        ) from None
    if not isinstance(ext, dict) or ext.get("format") != FORMAT:
        return None
    for key in ("settings", "coders", "cases", "codes", "documents", "codings"):
        ext.setdefault(key, {})
        _check(isinstance(ext[key], dict), source, _("{key!r} is not an object").format(key=key))
    for key in ("settings", "coders", "cases", "codings"):
        _check(
            all(isinstance(k, str) and _str(v) for k, v in ext[key].items()),
            source,
            _("{key!r} must map text to text").format(key=key),
        )
    for guid, doc in ext["documents"].items():
        _document(doc, source, guid)
    for guid, code in ext["codes"].items():
        _code(code, source, guid)
    return ext
