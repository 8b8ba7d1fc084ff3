"""When the app meets an error nobody foresaw: one line for the person, details in a file.

The crash file goes to the user's cache folder (``$XDG_CACHE_HOME/workbench/crashes``, else
``~/.cache/workbench/crashes``). It holds what a developer needs (the version, the error's type
and where it happened, frame by frame) and nothing of the interviews: no error message (it can
quote a passage or a code name), no local variables, only our own source lines.
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from workbench.files import write_atomic
from workbench.i18n import _


def crash_folder() -> Path:
    """Where crash files go: the user's cache folder (XDG honoured)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "workbench" / "crashes"


def crash_report(error: BaseException) -> str:
    """The text of a crash file: version, platform, the error's type and its frames."""
    from workbench import __version__

    lines = [
        f"workbench {__version__} on Python {platform.python_version()} ({sys.platform})",
        f"when: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"error: {type(error).__module__}.{type(error).__qualname__}",
        "",
    ]
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and seen not in chain and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for n, exc in enumerate(chain):
        if n:
            lines += ["", f"raised while handling {type(exc).__qualname__}:"]
        for frame in traceback.extract_tb(exc.__traceback__):
            lines.append(f"  {frame.filename}:{frame.lineno} in {frame.name}")
            if frame.line and "workbench" in frame.filename:
                lines.append(f"    {frame.line.strip()}")
    return "\n".join(lines) + "\n"


def write_crash(error: BaseException) -> tuple[Path | None, str]:
    """Write the crash file; return its path (None when it could not be written) and the one
    line to print."""
    folder = crash_folder()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path: Path | None = folder / f"crash-{stamp}-{os.getpid()}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, crash_report(error).encode("utf-8"))
    except OSError:
        path = None
    kind = type(error).__name__
    if path is None:
        return None, _(
            "workbench stopped on an unexpected error ({kind}); nothing confirmed was lost"
        ).format(kind=kind)
    return path, _(
        "workbench stopped on an unexpected error ({kind}); nothing confirmed was lost; "
        "details in {path}"
    ).format(kind=kind, path=path)
