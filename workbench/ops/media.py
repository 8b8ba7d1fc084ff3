"""Recordings linked to documents: link, check, find again, and sync points by hand.

The project never holds a recording. It keeps the path relative to the project's folder (so
a project and its recordings can move together), the size, a SHA-256 of the media file and
its modification time. ``media_status`` tells whether each file is still there and unchanged;
``relink`` finds moved files again by checksum. Every change is one undoable action.

Sync points (``add_sync_point``) pin a character position to a time of the recording; the
timeline (``workbench.ops.media_time``) interpolates between them and the turns' timestamps.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.i18n import _, ngettext
from workbench.permissions import require
from workbench.store.connection import new_guid, now
from workbench.store.errors import InputFileError, WorkbenchError
from workbench.store.project import Project

AUDIO = (".mp3", ".m4a", ".wav", ".ogg", ".flac")
VIDEO = (".mp4", ".webm")
SUFFIXES = AUDIO + VIDEO
CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".flac": "audio/flac",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
#: tables and columns holding character offsets into a document's text: an operation that
#: edits the text must move these with the codings (sync points belong to the text)
OFFSET_COLUMNS = {"sync_points": ("position",)}
#: statuses of a linked file, as ``media list`` reports them
OK, MISSING, CHANGED = "ok", "missing", "changed"


@dataclass(frozen=True, slots=True)
class MediaLink:
    """A document's recording as the project records it."""

    id: int
    document_id: int
    document: str
    path: str  # relative to the project's folder, with '/' separators (or absolute)
    kind: str  # audio | video
    size: int
    sha256: str
    mtime: float | None
    duration: float | None
    offset: float

    @property
    def suffix(self) -> str:
        return Path(self.path).suffix.lower()

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.suffix, "application/octet-stream")


@dataclass(frozen=True, slots=True)
class MediaState:
    """A link and what is found on disk now."""

    link: MediaLink
    status: str  # ok | missing | changed
    file: Path  # where the file is looked for

    def as_row(self) -> dict[str, object]:
        """The row ``media list`` prints (JSON keys are part of the command's contract)."""
        link = self.link
        return {
            "document": link.document,
            "path": link.path,
            "kind": link.kind,
            "status": self.status,
            "size": link.size,
            "duration": None if link.duration is None else round(link.duration, 3),
            "offset": link.offset,
            "sha256": link.sha256,
        }


# ------------------------------------------------------------------ files


def project_folder(project: Project) -> Path:
    """The folder media paths are relative to (the working folder for an in-memory project)."""
    if str(project.path) == ":memory:":
        return Path.cwd()
    return Path(os.path.abspath(project.path)).parent


def stored_path(project: Project, file: Path) -> str:
    """How the project records ``file``: relative to its folder, '/' separated."""
    absolute = Path(os.path.abspath(file))
    try:
        relative = os.path.relpath(absolute, project_folder(project))
    except ValueError:  # another drive (Windows): keep it absolute
        return absolute.as_posix()
    return Path(relative).as_posix()


def resolve(project: Project, path: str) -> Path:
    """Where a stored media path points now."""
    stored = Path(path)
    return stored if stored.is_absolute() else project_folder(project) / stored


def media_kind(path: Path) -> str:
    """``audio`` or ``video`` by suffix; a one-line error naming the file otherwise."""
    suffix = path.suffix.lower()
    if suffix in AUDIO:
        return "audio"
    if suffix in VIDEO:
        return "video"
    raise InputFileError(
        _("not a recording this project can link (use {suffixes})").format(
            suffixes=", ".join(s.lstrip(".") for s in SUFFIXES)
        ),
        source=str(path),
    )


def _looks_like_media(head: bytes) -> bool:
    """Whether the first bytes are those of an audio or video container (any of ours: a
    .m4a that is really an mp3 still plays, a text file named .mp3 does not)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return True
    if head[:4] in (b"fLaC", b"OggS", b"\x1a\x45\xdf\xa3") or head[:3] == b"ID3":
        return True
    if head[4:8] == b"ftyp":
        return True
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0  # an MPEG audio frame


def checksum(path: Path) -> str:
    """SHA-256 of the media file, read in blocks (a recording can be gigabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def duration_of(path: Path) -> float | None:
    """The recording's length in seconds when its container says so (None when unknown)."""
    try:
        import mutagen

        info = mutagen.File(str(path))
    except Exception:  # mutagen missing, or a container it cannot read (webm)
        return None
    length = getattr(getattr(info, "info", None), "length", None)
    if isinstance(length, int | float) and length > 0:
        return float(length)
    return None


@dataclass(frozen=True, slots=True)
class _FileFacts:
    kind: str
    size: int
    sha256: str
    mtime: float
    duration: float | None


def _inspect(path: Path) -> _FileFacts:
    """Check that ``path`` is a readable recording and measure it."""
    kind = media_kind(path)
    try:
        if path.is_dir():
            raise InputFileError(_("is a folder, not a recording"), source=str(path))
        stat = path.stat()
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        raise InputFileError(_("no such file"), source=str(path)) from None
    except PermissionError:
        raise InputFileError(_("permission denied"), source=str(path)) from None
    except OSError as exc:
        raise InputFileError(
            _("cannot read ({strerror})").format(strerror=exc.strerror), source=str(path)
        ) from None
    if stat.st_size == 0:
        raise InputFileError(_("empty file"), source=str(path))
    if not _looks_like_media(head):
        raise InputFileError(
            _("not an audio or video file (its first bytes are not those of a recording)"),
            source=str(path),
        )
    return _FileFacts(kind, stat.st_size, checksum(path), stat.st_mtime, duration_of(path))


# ------------------------------------------------------------------ reading


_COLUMNS = (
    "m.id, m.document_id, d.name, m.path, m.kind, m.size, m.sha256, m.mtime, m.duration, "
    "m.time_offset"
)


def _link(row: tuple) -> MediaLink:
    return MediaLink(*row)


def media_links(project: Project) -> list[MediaLink]:
    rows = project.conn.execute(
        f"SELECT {_COLUMNS} FROM media m JOIN documents d ON d.id = m.document_id ORDER BY d.name"
    ).fetchall()
    return [_link(r) for r in rows]


def media_link(project: Project, document_id: int) -> MediaLink | None:
    row = project.conn.execute(
        f"SELECT {_COLUMNS} FROM media m JOIN documents d ON d.id = m.document_id "
        "WHERE m.document_id = ?",
        (document_id,),
    ).fetchone()
    return _link(row) if row else None


def status_of(project: Project, link: MediaLink, *, verify: bool = False) -> MediaState:
    """Whether the linked file is there and unchanged.

    Same size and modification time count as unchanged without reading the file; otherwise
    (or with ``verify``) the checksum decides, so a file merely touched is still ``ok``.
    """
    file = resolve(project, link.path)
    try:
        stat = file.stat()
    except OSError:
        return MediaState(link, MISSING, file)
    if not file.is_file():
        return MediaState(link, MISSING, file)
    if stat.st_size != link.size:
        return MediaState(link, CHANGED, file)
    if not verify and link.mtime is not None and abs(stat.st_mtime - link.mtime) < 1e-3:
        return MediaState(link, OK, file)
    try:
        same = checksum(file) == link.sha256
    except OSError:
        return MediaState(link, MISSING, file)
    return MediaState(link, OK if same else CHANGED, file)


def media_status(project: Project, *, verify: bool = False) -> list[MediaState]:
    """Every link with its status (``media list``)."""
    return [status_of(project, link, verify=verify) for link in media_links(project)]


def playable_file(project: Project, document_id: int) -> tuple[MediaLink, Path]:
    """The document's recording, ready to play; a one-line error saying what to do if not."""
    link = media_link(project, document_id)
    if link is None:
        name = project.document(document_id).name
        raise WorkbenchError(
            _("{name} has no recording; link one with 'workbench media link'").format(name=name)
        )
    file = resolve(project, link.path)
    if not file.is_file():
        raise WorkbenchError(
            _("the recording is missing; 'workbench media relink' finds moved files"),
            source=str(file),
        )
    return link, file


# ------------------------------------------------------------------ writing


def link_media(
    project: Project,
    document: str | int,
    file: str | os.PathLike[str],
    *,
    offset: float | None = None,
) -> MediaLink:
    """Link the recording ``file`` to ``document`` (replacing an earlier link); one action.

    ``offset`` (seconds) is added to the transcript's timestamps to give the recording's
    time: 5 when the recording starts five seconds before the transcript's 00:00:00.
    """
    require(project, "documents.edit")  # linking recordings is the lead's
    path = Path(file)
    doc = project.document(document)
    existing = media_link(project, doc.id)
    if offset is None and existing is not None:
        offset = existing.offset
    row = link_row(project, path, offset=offset)
    with project.action(
        "media-link", _("link {file} to {name}").format(file=path.name, name=doc.name)
    ) as act:
        if existing is None:
            act.insert("media", {"document_id": doc.id, **row})
        else:
            act.update("media", existing.id, **row)
    found = media_link(project, doc.id)
    assert found is not None
    return found


def link_row(project: Project, file: Path, *, offset: float | None = None) -> dict[str, object]:
    """The ``media`` row (less the document) that links ``file``: checked and measured."""
    if offset is not None and (offset != offset or abs(offset) > 86400 * 7):
        raise WorkbenchError(_("--offset must be a number of seconds"))
    facts = _inspect(file)
    return {
        "path": stored_path(project, file),
        "kind": facts.kind,
        "size": facts.size,
        "sha256": facts.sha256,
        "mtime": facts.mtime,
        "duration": facts.duration,
        "time_offset": float(offset or 0.0),
        "linked_at": now(),
    }


def store_link(
    project: Project, document_id: int, file: Path, *, offset: float | None = None
) -> None:
    """Link ``file`` inside a bulk action that is not undone link by link (an import of a
    REFI-QDA project, the demo): the row is written directly, in the caller's transaction."""
    row = link_row(project, file, offset=offset)
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    project.conn.execute(
        f"INSERT INTO media (document_id, {columns}) VALUES (?, {marks})",
        (document_id, *row.values()),
    )


def unlink_media(project: Project, document: str | int) -> MediaLink:
    """Forget the document's recording (its sync points stay: they belong to the text)."""
    require(project, "documents.edit")  # linking recordings is the lead's
    doc = project.document(document)
    link = media_link(project, doc.id)
    if link is None:
        raise WorkbenchError(_("{name} has no recording linked").format(name=doc.name))
    with project.action(
        "media-unlink", _("unlink the recording of {name}").format(name=doc.name)
    ) as act:
        act.delete("media", link.id)
    return link


def set_offset(project: Project, document: str | int, offset: float) -> MediaLink:
    """Change how the transcript's timestamps map onto the recording."""
    require(project, "documents.edit")  # linking recordings is the lead's
    doc = project.document(document)
    link = media_link(project, doc.id)
    if link is None:
        raise WorkbenchError(_("{name} has no recording linked").format(name=doc.name))
    with project.action(
        "media-offset", _("offset of the recording of {name}").format(name=doc.name)
    ) as act:
        act.update("media", link.id, time_offset=float(offset))
    return media_link(project, doc.id)  # type: ignore[return-value]


def _candidates(folders: list[Path], sizes: set[int]) -> Iterator[Path]:
    """Media files under ``folders`` whose size is one we look for (nothing else is read)."""
    seen: set[Path] = set()
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if Path(name).suffix.lower() not in SUFFIXES:
                    continue
                path = Path(root) / name
                try:
                    if path.stat().st_size not in sizes:
                        continue
                except OSError:
                    continue
                real = path.resolve()
                if real not in seen:
                    seen.add(real)
                    yield path


@dataclass(frozen=True, slots=True)
class Relinked:
    document: str
    old_path: str
    new_path: str


def relink(project: Project, folders: list[str | os.PathLike[str]] | None = None) -> list[Relinked]:
    """Find missing or changed recordings again by checksum, under ``folders`` (default:
    the project's folder), and link the files found; one action for all of them.

    Only files with a media suffix and the recorded size are read, so a large folder is cheap
    to search and the project file is never opened.
    """
    require(project, "documents.edit")  # linking recordings is the lead's
    roots = [Path(f) for f in folders] if folders else [project_folder(project)]
    for root in roots:  # a mistyped folder is said even when nothing is missing
        if not root.is_dir():
            raise WorkbenchError(_("not a folder"), source=str(root))
    lost = [s.link for s in media_status(project) if s.status != OK]
    if not lost:
        return []
    wanted = {(link.size, link.sha256): link for link in lost}
    by_size = {link.size for link in lost}
    found: dict[int, Path] = {}
    for path in _candidates(roots, by_size):
        size = path.stat().st_size
        try:
            digest = checksum(path)
        except OSError:
            continue
        link = wanted.get((size, digest))
        if link is not None and link.id not in found:
            found[link.id] = path
        if len(found) == len(lost):
            break
    if not found:
        return []
    moved: list[Relinked] = []
    with project.action(
        "media-relink",
        ngettext("relink {n} recording", "relink {n} recordings", len(found)).format(n=len(found)),
    ) as act:
        for link in lost:
            located = found.get(link.id)
            if located is None:
                continue
            path = located
            new = stored_path(project, path)
            act.update("media", link.id, path=new, mtime=path.stat().st_mtime)
            moved.append(Relinked(link.document, link.path, new))
    return moved


def add_sync_point(project: Project, document: str | int, position: int, time: float) -> int:
    """Pin ``position`` of the document's text to ``time`` seconds of its recording.

    A sync point at the same position is moved to the new time. Refused when it would make
    time run backwards against another sync point (the text is heard in order).
    """
    require(project, "documents.edit")  # linking recordings is the lead's
    doc = project.document(document)
    if not 0 <= position <= doc.length:
        raise WorkbenchError(
            _("--at must be a character position from 0 to {length}").format(length=doc.length)
        )
    if time != time or time < 0 or time > 86400 * 7:
        raise WorkbenchError(_("--time must be a time of the recording, such as 00:12:03.4"))
    link = media_link(project, doc.id)
    if link is not None and link.duration is not None and time > link.duration + 0.5:
        raise WorkbenchError(
            _("the recording is only {seconds:.1f} seconds long").format(seconds=link.duration)
        )
    rows = project.conn.execute(
        "SELECT id, position, time FROM sync_points WHERE document_id = ? ORDER BY position",
        (doc.id,),
    ).fetchall()
    for _id, other_position, other_time in rows:
        if other_position == position:
            continue
        if (other_position < position and other_time > time) or (
            other_position > position and other_time < time
        ):
            raise WorkbenchError(
                _(
                    "time would run backwards: the sync point at {position} is at {time:.1f} s"
                ).format(position=other_position, time=other_time)
            )
    same = next((r[0] for r in rows if r[1] == position), None)
    with project.action(
        "media-sync",
        _("sync point in {name} at {position}").format(name=doc.name, position=position),
    ) as act:
        if same is not None:
            act.update("sync_points", same, time=float(time))
            return same
        return act.insert(
            "sync_points",
            {
                "guid": new_guid(),
                "document_id": doc.id,
                "position": position,
                "time": float(time),
                "created_at": now(),
            },
        )


def remove_sync_point(project: Project, document: str | int, position: int) -> None:
    require(project, "documents.edit")  # linking recordings is the lead's
    doc = project.document(document)
    row = project.conn.execute(
        "SELECT id FROM sync_points WHERE document_id = ? AND position = ?", (doc.id, position)
    ).fetchone()
    if row is None:
        raise WorkbenchError(
            _("{name} has no sync point at {position}").format(name=doc.name, position=position)
        )
    with project.action(
        "media-unsync",
        _("remove the sync point in {name} at {position}").format(name=doc.name, position=position),
    ) as act:
        act.delete("sync_points", row[0])


def sync_points(project: Project, document_id: int) -> list[tuple[int, float]]:
    """(position, time) of the document's sync points, in text order."""
    return [
        (p, t)
        for p, t in project.conn.execute(
            "SELECT position, time FROM sync_points WHERE document_id = ? ORDER BY position",
            (document_id,),
        )
    ]


def recordings_beside(transcript: str | os.PathLike[str]) -> Path | None:
    """The recording of the same name next to a transcript (``DRS01.vtt`` -> ``DRS01.m4a``),
    for ``workbench import --link-media``; the first suffix in ``SUFFIXES`` order wins."""
    path = Path(transcript)
    for suffix in SUFFIXES:
        for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
            if candidate.is_file():
                return candidate
    return None


#: where the team server plays a document's recording (``workbench serve``)
LISTEN_ROUTE = "/listen/{guid}"
MEDIA_ROUTE = "/media/{guid}"


def listen_address(project: Project, document_id: int, start: float, end: float | None) -> str:
    """The team server's address that plays ``[start, end]`` seconds of the document's
    recording in the browser (a path on the same server: nothing outside is asked)."""
    row = project.conn.execute("SELECT guid FROM documents WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        raise WorkbenchError(_("no document with id {document_id}").format(document_id=document_id))
    query = f"start={max(start, 0.0):.1f}" + ("" if end is None else f"&end={max(end, 0.0):.1f}")
    return LISTEN_ROUTE.format(guid=row[0]) + "?" + query


def media_by_guid(project: Project, guid: str) -> tuple[MediaLink, Path] | None:
    """The recording of the document with ``guid`` and where it is, when linked and there
    with the size it was linked with (the team server serves nothing else)."""
    row = project.conn.execute("SELECT id FROM documents WHERE guid = ?", (guid,)).fetchone()
    if row is None:
        return None
    link = media_link(project, row[0])
    if link is None:
        return None
    file = resolve(project, link.path)
    try:  # the file linked, not whatever took its place since (a cheap check: its size)
        same = file.is_file() and file.stat().st_size == link.size
    except OSError:
        return None
    return (link, file) if same else None
