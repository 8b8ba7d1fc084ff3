"""Read-only lookup tables built once per version in the user's cache folder.

Detection consults large word and place lists (``lexicon``, ``gazetteer``) that take seconds and
hundreds of megabytes to read from their packages. Written once into a small SQLite file, a
lookup costs microseconds and the process holds only what it asked for. The file is written
beside its final place and moved there, so two processes building at once each finish a whole
file and the last move wins.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path


def cache_path(name: str) -> Path | None:
    """``name`` in the cache folder (``WORKBENCH_CACHE``, ``XDG_CACHE_HOME`` or ``~/.cache``),
    or None when no such folder can be made."""
    root = os.environ.get("WORKBENCH_CACHE") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(root) / "workbench" if root else Path.home() / ".cache" / "workbench"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder / name


def cache_name(stem: str, source: str, *packages: str) -> str:
    """The cache file for ``stem``: named after the versions of the ``packages`` its data
    comes from and a digest of ``source`` (the module that builds it), so a new release of
    either, or a changed rule, builds a new file instead of reading a stale one."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()[:10]
    versions = "-".join(version(package) for package in packages)
    return f"{stem}-{versions}-{digest}.sqlite"


def open_table(
    name: str, create: str, rows: Callable[[], Iterable[tuple[object, ...]]]
) -> sqlite3.Connection | None:
    """A read-only connection to the cache file ``name``, built first from ``rows`` (sorted by
    the table's key, so SQLite appends to its index) into the one table ``create`` makes;
    None when the cache cannot be written or read (the caller then keeps its data in memory)."""
    path = cache_path(name)
    if path is None:
        return None
    try:
        if not path.exists():
            _build(path, create, rows)
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except (OSError, sqlite3.Error):
        return None


def _build(path: Path, create: str, rows: Callable[[], Iterable[tuple[object, ...]]]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(create)
        table = create.split()[2]
        it = iter(rows())
        first = next(it, None)
        if first is not None:
            marks = ", ".join("?" * len(first))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", chain([first], it))
        conn.commit()
        conn.close()
        os.replace(tmp, path)
        _remove_older(path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _remove_older(path: Path) -> None:
    """Other files of the same table (stale versions): a process still reading one keeps it
    open until it closes."""
    stem = path.name.split("-", 1)[0]
    for other in path.parent.glob(f"{stem}-*.sqlite"):
        if other != path:
            try:
                other.unlink()
            except OSError:
                pass
