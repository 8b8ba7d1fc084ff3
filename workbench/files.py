"""Writing files and folders whole, so a failed export or save never leaves half of one behind.

Every module that writes a file the user keeps (exports, codebooks, reports, saved models)
writes it through here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from workbench.i18n import _
from workbench.store.errors import WorkbenchError


def current_umask() -> int:
    """The process's umask, read without changing it (``os.umask`` can only set it).

    Linux reports it in ``/proc/self/status``; elsewhere it is set and put back at once.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    ``mkstemp`` makes its file private (0600); the result gets the mode any other new file
    would get (0666 less the umask), so an export is as readable as the user expects.
    """
    target = Path(path)
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=target.parent)
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise WorkbenchError(
            _("cannot write: {value}").format(value=exc.strerror or exc), source=str(path)
        ) from None


def replace_folder(folder: Path, fill: Callable[[Path], None]) -> None:
    """Write a folder whole: ``fill`` writes into ``<folder>.tmp``, which then takes its place.

    A failed ``fill`` leaves the previous folder as it was (a saved model or pipeline).
    """
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    fill(tmp)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
