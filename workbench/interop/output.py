"""Writing output files atomically, so a failed export never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from workbench.errors import WorkbenchError


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    target = Path(path)
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise WorkbenchError(f"cannot write: {exc.strerror or exc}", source=str(path)) from None
