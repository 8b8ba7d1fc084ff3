"""The import boundary: whatever a file does to a reader comes out as one line, and quietly.

Every importer (transcripts, codebooks, cases and codings CSVs, REFI-QDA projects, another
coder's project) runs inside ``import_boundary(source)``. The readers raise workbench's own
one-line errors for every problem they know; this guard catches what slips past them (a
library's ``KeyError``, an overflow nobody foresaw) and turns it into the same kind of line,
worded as the bug it is, so the user sees which file did it and never a stack trace. The write
that was under way is rolled back by the project's transaction, so the project is unchanged.

``quiet()`` keeps what a library prints from reaching the user's terminal (odfpy prints a whole
``content.xml`` it cannot parse); whatever it said is dropped, and the reader reports the
problem itself.
"""

from __future__ import annotations

import contextlib
import functools
import io
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ParamSpec, TypeVar

from workbench.i18n import _
from workbench.store.errors import InputFileError, WorkbenchError

P = ParamSpec("P")
R = TypeVar("R")

#: how much of an unexpected error's own text goes into the line
_DETAIL = 160


@contextlib.contextmanager
def import_boundary(source: str) -> Iterator[None]:
    """Turn any failure while importing ``source`` into one ``InputFileError`` line."""
    try:
        yield
    except (WorkbenchError, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except MemoryError:
        raise InputFileError(
            _("too large to read within the memory limit"), source=source
        ) from None
    except RecursionError:
        raise InputFileError(_("nested too deeply to read"), source=source) from None
    except Exception as exc:  # the guard of last resort: never a traceback
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:_DETAIL]
        raise InputFileError(
            _(
                "could not be read: workbench failed on this file ({detail}); "
                "this is a bug, please report it with the file"
            ).format(detail=detail),
            source=source,
        ) from exc


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Run a library call with its prints and warnings kept from the terminal."""
    sink = io.StringIO()
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
    ):
        warnings.simplefilter("ignore")
        yield


def at_import_boundary(
    *, path_arg: int = 1, name_only: bool = False
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate an importer so it runs inside ``import_boundary`` for the file it is given
    (its positional argument ``path_arg``, or ``path=``)."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            path = args[path_arg] if len(args) > path_arg else kwargs.get("path", "<input>")
            source = Path(str(path)).name if name_only else str(path)
            with import_boundary(source):
                return fn(*args, **kwargs)

        return guarded

    return decorate
