"""Reading a zip archive from an untrusted source, in memory and within bounds.

A ``.qdpx`` comes from somewhere else. Nothing is ever extracted to disk: members are read into
memory, only after the whole listing has been checked. The archive is refused as a whole when a
member name could escape a target folder (``..``, absolute paths, drive letters, backslash
tricks), when a member is a symbolic link or encrypted, when the total uncompressed size exceeds
a budget, or when a large member expands suspiciously far (a zip bomb).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from workbench.i18n import _
from workbench.limits import (
    MAX_ARCHIVE_MEMBERS,
    MAX_ARCHIVE_RATIO,
    MAX_QDPX_BYTES,
    MAX_XML_MEMBER_BYTES,
    RATIO_FLOOR_BYTES,
)
from workbench.store.errors import InputFileError

DEFAULT_MAX_TOTAL = MAX_QDPX_BYTES  # uncompressed content (docs/reliability.md, "Limits")
DEFAULT_MAX_RATIO = 200  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024**2  # small members may compress very well without being a threat
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Limits:
    """How much an archive may hold; tests and callers can tighten them."""

    max_total: int = DEFAULT_MAX_TOTAL
    max_ratio: float = DEFAULT_MAX_RATIO
    max_members: int = MAX_ARCHIVE_MEMBERS
    max_xml_member: int = MAX_XML_MEMBER_BYTES
    #: the whole archive's expansion (many members each under ``max_ratio``'s floor)
    max_total_ratio: float = MAX_ARCHIVE_RATIO


@dataclass
class SafeArchive:
    """The checked listing of a zip archive and in-memory access to its members."""

    path: Path
    zf: zipfile.ZipFile
    limits: Limits
    names: dict[str, zipfile.ZipInfo] = field(default_factory=dict)  # lower-case name -> info
    _read_total: int = 0

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def find(self, name: str) -> str | None:
        """The member called ``name``, compared case-insensitively with ``/`` separators."""
        info = self.names.get(name.replace("\\", "/").lstrip("/").lower())
        return info.filename if info else None

    def members(self) -> list[str]:
        return [info.filename for info in self.names.values()]

    def read(self, name: str) -> bytes:
        """A member's bytes, read in chunks so the size budget holds even if headers lie."""
        info = self.names.get(name.replace("\\", "/").lstrip("/").lower())
        if info is None:
            raise InputFileError(_("missing from the archive"), source=str(self.path), place=name)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > info.file_size or self._read_total > self.limits.max_total:
                        raise InputFileError(
                            _("archive expands beyond its declared size or the size limit"),
                            source=str(self.path),
                            place=info.filename,
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise InputFileError(
                _("damaged archive member: {exc}").format(exc=exc),
                source=str(self.path),
                place=info.filename,
            ) from exc
        return b"".join(chunks)


def check_member_name(name: str) -> str | None:
    """Why ``name`` is unsafe as a member name, or None when it is fine."""
    if "\x00" in name:
        return "contains a NUL character"
    norm = name.replace("\\", "/")
    if norm.startswith("/") or _DRIVE.match(norm) or norm.startswith("//"):
        return "is an absolute path"
    if any(part == ".." for part in norm.split("/")):
        return "climbs out of the archive with '..'"
    return None


def open_archive(
    path: str | os.PathLike[str], limits: Limits | None = None, *, data: bytes | None = None
) -> SafeArchive:
    """Open and check the archive at ``path`` (or the bytes ``data``, named ``path``)."""
    import io

    path = Path(path)
    limits = limits or Limits()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if data is not None else path)
    except FileNotFoundError as exc:
        raise InputFileError(_("no such file"), source=str(path)) from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(
            _("not a zip archive (a .qdpx is a zip file)"), source=str(path)
        ) from exc
    archive = SafeArchive(path, zf, limits)
    try:
        total = packed = 0
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise InputFileError(
                _("refusing archive: it has {count:,} members (the limit is {limit:,})").format(
                    count=len(infos), limit=limits.max_members
                ),
                source=str(path),
            )
        for info in infos:
            reason = check_member_name(info.filename)
            if reason:
                raise InputFileError(
                    _("refusing archive: member {filename!r} {reason}").format(
                        filename=info.filename, reason=reason
                    ),
                    source=str(path),
                )
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise InputFileError(
                    _("refusing archive: member {filename!r} is a symbolic link").format(
                        filename=info.filename
                    ),
                    source=str(path),
                )
            if info.flag_bits & 0x1:
                raise InputFileError(
                    _("refusing archive: member {filename!r} is encrypted").format(
                        filename=info.filename
                    ),
                    source=str(path),
                )
            if info.is_dir():
                continue
            key = info.filename.replace("\\", "/").lower()
            if key in archive.names:
                raise InputFileError(
                    _("refusing archive: member {filename!r} appears twice").format(
                        filename=info.filename
                    ),
                    source=str(path),
                )
            total += info.file_size
            packed += info.compress_size
            if key.endswith((".xml", ".qde", ".qdc", ".rels", ".json")) and (
                info.file_size > limits.max_xml_member
            ):
                raise InputFileError(
                    _(
                        "refusing archive: member {name!r} expands to {size:,} bytes "
                        "(the limit for one XML part is {limit:,})"
                    ).format(name=info.filename, size=info.file_size, limit=limits.max_xml_member),
                    source=str(path),
                )
            if total > limits.max_total:
                raise InputFileError(
                    _(
                        "refusing archive: it expands to more than {max_total:,} bytes (the import size "
                        "limit)"
                    ).format(max_total=limits.max_total),
                    source=str(path),
                )
            if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise InputFileError(
                    _(
                        "refusing archive: member {filename!r} expands {file_size:,} bytes from "
                        "{compress_size:,} (looks like a zip bomb)"
                    ).format(
                        filename=info.filename,
                        file_size=info.file_size,
                        compress_size=info.compress_size,
                    ),
                    source=str(path),
                )
            archive.names[key] = info
        if total > RATIO_FLOOR_BYTES and total > limits.max_total_ratio * max(packed, 1):
            raise InputFileError(
                _(
                    "refusing archive: its members expand {total:,} bytes from {packed:,} "
                    "(looks like a zip bomb)"
                ).format(total=total, packed=packed),
                source=str(path),
            )
    except BaseException:
        zf.close()
        raise
    return archive
