"""Media-linked documents in REFI-QDA: ``AudioSource``/``VideoSource`` with a ``Transcript``.

Export: a document with a linked recording is written as an ``AudioSource`` (or
``VideoSource``) whose GUID is the document's, holding one ``Transcript`` (the text, as
``sources/GUID.txt``) with ``SyncPoint``s and ``TranscriptSelection``s:

- the sync points are every anchor of the document's timeline (turn times shifted by the
  recording's offset, and the points placed by hand), plus one at each end of every coding,
  with ``timeStamp`` in milliseconds of the recording and ``position`` in the export's
  position unit;
- each coding is a ``TranscriptSelection`` from the sync point at its start to the one at its
  end, holding the ``Coding``: so a tool that knows only times (NVivo, ATLAS.ti) still plays
  the passage, and the codings on the transcript keep their times.

The recording itself goes in the archive (``internal://GUID.ext``) only when asked
(``media="embed"``); otherwise the source points to it as ``relative://PATH`` from the
project's folder, given as the ``Project``'s ``basePath``.

Import (``read_media_source``) reads such a source back into the same record a
``TextSource`` gives, with the sync points and the recording's path beside it;
``store_media`` links the recording (extracted from the archive, or found where the path
points) and stores the sync points once the text's position unit is known.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.guards import xmlsafe
from workbench.i18n import _
from workbench.interop.ids import norm_guid, stable_guid
from workbench.ops.media import media_link, media_links, resolve
from workbench.ops.media_time import timeline

if TYPE_CHECKING:
    from workbench.store.project import Project

MEDIA_MODES = ("link", "embed")
SOURCE_ELEMENT = {"audio": "AudioSource", "video": "VideoSource"}


def sync_guid(document_guid: str, position: int, time_ms: int) -> str:
    return stable_guid("sync", f"{document_guid}:{position}:{time_ms}")


@dataclass
class MediaExport:
    """What ``project_element`` needs to write the media-linked documents."""

    mode: str
    folder: Path
    links: dict[int, Any] = field(default_factory=dict)  # document id -> MediaLink
    files: dict[str, Path] = field(default_factory=dict)  # archive name -> file to embed
    notes: list[str] = field(default_factory=list)


def prepare(project: Project, mode: str) -> MediaExport:
    from workbench.ops.media import project_folder

    export = MediaExport(mode, project_folder(project))
    export.links = {link.document_id: link for link in media_links(project)}
    return export


def source_path(export: MediaExport, project: Project, link: Any, guid: str) -> str:
    """The ``path`` attribute of the media source (and the file to embed, when embedding)."""
    file = resolve(project, link.path)
    if export.mode == "embed":
        if file.is_file():
            name = f"{guid}{Path(link.path).suffix.lower()}"
            export.files[f"sources/{name}"] = file
            return f"internal://{name}"
        export.notes.append(
            _("recording of {document} not found at {path}; linked, not embedded").format(
                document=link.document, path=link.path
            )
        )
    if Path(link.path).is_absolute():
        return Path(link.path).as_uri()
    return "relative://" + link.path


def append_media_source(
    sources: Any,
    sub: Any,
    project: Project,
    export: MediaExport,
    *,
    doc_id: int,
    guid: str,
    name: str,
    text_file: str,
    units: list[int],
    attrs: dict[str, str],
    codings: list[tuple[str, int, int, dict[str, str], Any]],
) -> Any:
    """Write one media source and return its element (document notes are added by the caller).

    ``codings`` are ``(selection GUID, start, end, attributes, fill)`` per coding, with
    ``start`` and ``end`` in code points; ``fill(selection)`` adds the ``Coding`` element.
    The two ends of each coding become its selection's sync points.
    """
    link = export.links[doc_id]
    source = sub(
        sources,
        SOURCE_ELEMENT[link.kind],
        {"guid": guid, "name": name, "path": source_path(export, project, link, guid), **attrs},
    )
    transcript = sub(
        source,
        "Transcript",
        {"guid": stable_guid("transcript", guid), "name": name, "plainTextPath": text_file},
    )
    line = timeline(project, doc_id)
    points: dict[int, int] = {}  # position (code points) -> ms
    for anchor in line.anchors:
        points[anchor.position] = round(anchor.time * 1000)
    for _guid, start, end, _attrs, _fill in codings:
        for position in (start, end):
            points.setdefault(position, round(line.time_at(position) * 1000))
    sync_ids = {}
    for position in sorted(points):
        sync_ids[position] = sync_guid(guid, position, points[position])
        sub(
            transcript,
            "SyncPoint",
            {
                "guid": sync_ids[position],
                "timeStamp": str(points[position]),
                "position": str(units[position]),
            },
        )
    for sel_guid, start, end, sel_attrs, fill in codings:
        selection = sub(
            transcript,
            "TranscriptSelection",
            {
                "guid": sel_guid,
                "fromSyncPoint": sync_ids[start],
                "toSyncPoint": sync_ids[end],
                **sel_attrs,
            },
        )
        fill(selection)
    return source


def extension_entry(project: Project, doc_id: int) -> dict[str, Any]:
    """What the workbench extension keeps of a document's recording and sync points (exact
    seconds, the offset, the checksum), so our own round trip restores them unrounded."""
    out: dict[str, Any] = {}
    link = media_link(project, doc_id)
    if link is not None:
        out["media"] = {
            "path": link.path,
            "kind": link.kind,
            "size": link.size,
            "sha256": link.sha256,
            "duration": link.duration,
            "offset": link.offset,
        }
    out["sync_points"] = [
        [position, time]
        for position, time in project.conn.execute(
            "SELECT position, time FROM sync_points WHERE document_id = ? ORDER BY position",
            (doc_id,),
        )
    ]
    return out


# --------------------------------------------------------------------------- import


@dataclass
class MediaSource:
    """A media source's recording and sync points as read (positions in the file's unit)."""

    kind: str
    path: str | None
    sync_points: list[tuple[int, float]]  # (position, seconds)
    base_path: str | None = None
    data: bytes | None = None  # the recording, when it was in the archive


def read_sync_points(transcript: Any, skip) -> dict[str, tuple[int, float]]:
    """GUID -> (position, seconds) of a transcript's sync points (malformed ones skipped)."""
    points: dict[str, tuple[int, float]] = {}
    for el in xmlsafe.children(transcript, "SyncPoint"):
        key = norm_guid(xmlsafe.attr(el, "guid"))
        try:
            position = int(xmlsafe.attr(el, "position") or "")
            ms = int(xmlsafe.attr(el, "timeStamp") or "")
        except ValueError:
            skip(
                _("sync point at line {line}").format(line=el.sourceline),
                _("its position or time is not a number"),
            )
            continue
        if position < 0 or ms < 0:
            skip(
                _("sync point at line {line}").format(line=el.sourceline),
                _("negative position or time"),
            )
            continue
        if key:
            points[key] = (position, ms / 1000)
    return points


def media_file(
    project: Project, info: MediaSource, qdpx: Path, name: str, written: list[Path]
) -> tuple[Path | None, str]:
    """Where the recording of an imported media source is (written into ``recordings/``
    beside the project when it came in the archive; ``written`` collects such files), and
    what happened, for the import's report."""
    from workbench.files import write_atomic
    from workbench.ops.media import SUFFIXES, project_folder

    path = (info.path or "").strip()
    if not path:
        return None, _("the source names no recording")
    lower = path.lower()
    if lower.startswith("internal://"):
        suffix = Path(path).suffix.lower()
        if info.data is None:
            return None, _("its recording {path!r} is not in the archive").format(path=path)
        if suffix not in SUFFIXES:
            return None, _("its recording {path!r} is not a kind workbench can link").format(
                path=path
            )
        folder = project_folder(project) / "recordings"
        folder.mkdir(exist_ok=True)
        safe = "".join(c for c in name if c.isalnum() or c in " -_").strip() or "recording"
        target = folder / f"{safe}{suffix}"
        n = 2
        while target.exists():
            target = folder / f"{safe} ({n}){suffix}"
            n += 1
        write_atomic(target, info.data)
        written.append(target)
        return target, _("recording written to {path}").format(
            path=os.path.relpath(target, project_folder(project))
        )
    if lower.startswith("relative://"):
        relative = path[len("relative://") :].replace("\\", "/")
        bases = [Path(info.base_path)] if info.base_path else []
        bases.append(qdpx.parent)
        for base in bases:
            candidate = base / relative
            if candidate.is_file():
                return candidate, _("recording linked")
        return None, _("its recording {path!r} was not found").format(path=relative)
    if lower.startswith("file:"):
        from urllib.parse import unquote, urlsplit

        path = unquote(urlsplit(path).path)
    candidate = Path(path)
    if candidate.is_file():
        return candidate, _("recording linked")
    return None, _("its recording {path!r} was not found").format(path=path)


def store_media(writer: Any) -> None:
    """Sync points and recordings of the imported media sources (inside the import's
    transaction; recordings written from the archive are removed again if it fails)."""
    from workbench.ops.media import store_link
    from workbench.store.connection import new_guid, now
    from workbench.store.errors import WorkbenchError

    conn, report = writer.conn, writer.report
    written: list[Path] = writer.written_files
    for src in writer.p.sources:
        info: MediaSource | None = src.media
        if info is None or src.doc_id is None:
            continue
        extra = writer.ext.get("documents", {}).get(src.guid or "") if writer.ext else None
        extra = extra if isinstance(extra, dict) else {}
        size = len(src.text.text)
        if "sync_points" in extra:  # our own export: exact seconds, code points
            points = [(int(p), float(t)) for p, t in extra["sync_points"] if 0 <= p <= size]
        else:
            reading = src.reading
            points = []
            for position, seconds in info.sync_points:
                mapped = src.text.map(position, crlf_as_one=reading.crlf_as_one, unit=reading.unit)
                if mapped is None:
                    report.skipped.append(
                        _("sync point of {name!r} at {position}: outside the text").format(
                            name=src.name, position=position
                        )
                    )
                    continue
                points.append((mapped, seconds))
        for position, seconds in points:
            conn.execute(
                "INSERT OR IGNORE INTO sync_points (guid, document_id, position, time, "
                "created_at) VALUES (?, ?, ?, ?, ?)",
                (new_guid(), src.doc_id, position, seconds, now()),
            )
        if conn.execute("SELECT 1 FROM media WHERE document_id = ?", (src.doc_id,)).fetchone():
            continue  # merged into a document that has its recording already
        file, what = media_file(writer.project, info, Path(report.source), src.name, written)
        if file is None:
            report.notes.append(
                _("source {name!r}: {what}; link it with 'workbench media link'").format(
                    name=src.name, what=what
                )
            )
            continue
        found = extra.get("media")
        media: dict = found if isinstance(found, dict) else {}
        try:
            store_link(writer.project, src.doc_id, file, offset=media.get("offset"))
        except WorkbenchError as exc:
            report.skipped.append(
                _("recording of {name!r}: {reason}").format(name=src.name, reason=exc)
            )
            continue
        report.notes.append(_("source {name!r}: {what}").format(name=src.name, what=what))
