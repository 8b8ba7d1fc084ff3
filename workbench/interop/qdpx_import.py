"""Reading a REFI-QDA ``.qdpx`` archive into the project, leniently and safely.

The archive is checked as a whole (``archive``) and its XML parsed without DTDs or entities
(``xmlsafe``) before anything is written; then everything is stored in one transaction, so a
bad file leaves the project untouched. Real tools bend the standard, so reading is lenient:

- ``sources/`` in any letter case, ``plainTextPath`` with or without ``internal://`` (or an
  outside path whose file name is found in the archive), text inline as ``PlainTextContent``;
- sources that only have a ``.docx`` (``richTextPath``): the text is taken from its paragraphs,
  one line each;
- any namespace, or none: elements are matched by their local names; empty ``<Sets/>``;
- positions counted in code points, UTF-16 code units (NVivo for Windows) or UTF-8 bytes, with
  a CRLF as one character (ATLAS.ti) or two: decided per source by ``positions.choose`` (or
  fixed by the caller's ``positions``), named in the report, and mapped onto our normalised
  text;
- missing names get one (``Source 3``, ``Case 2``, ``Unnamed code 1``), and invalid GUIDs a
  new one.

Whatever cannot be imported (pictures, audio, PDFs, selections outside the text, codings of
unknown codes ...) is skipped and listed with its reason in the returned ``ImportReport``, and
every element workbench has no place for is counted by kind (``ignored: 3 sets, 1 graph``):
nothing is dropped without a word. Every declared user becomes a coder, coded or not; a
coding's time and creator come from the ``Coding`` or, failing that, from its
``PlainTextSelection`` (NVivo puts them there).

The steps are mixins over one writer: ``qdpx_import_base`` (its state, coders, dates and what
the extension restores), ``qdpx_import_codes`` (the codebook and cases) and
``qdpx_import_sources`` (documents, codings and notes); this module checks, runs them in order
inside one transaction, and cleans up when one fails.
"""

from __future__ import annotations

import os

from workbench.boundary import at_import_boundary
from workbench.guards.archive import Limits
from workbench.i18n import _
from workbench.interop import history
from workbench.interop.qdpx_import_codes import _CodesAndCases
from workbench.interop.qdpx_import_sources import _Sources
from workbench.interop.qdpx_media import store_media
from workbench.interop.qdpx_read import read_qdpx
from workbench.interop.qdpx_report import ImportReport
from workbench.interop.textmap import UNITS
from workbench.permissions import require
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project


class _Writer(_CodesAndCases, _Sources):
    """Stores a parsed file inside the caller's transaction."""


@at_import_boundary(path_arg=1)
def import_qdpx(
    project: Project,
    path: str | os.PathLike[str],
    *,
    merge: bool = False,
    limits: Limits | None = None,
    positions: str | None = None,
) -> ImportReport:
    """Import the ``.qdpx`` at ``path``; the project must be empty unless ``merge``.

    With ``merge``, documents already in the project (same text) are matched rather than
    added, codes are matched by GUID then path, coders by name, and codings already present
    are not duplicated. Everything happens in one transaction.

    ``positions`` (``codepoints``, ``utf16`` or ``bytes``) fixes the unit the file's selection
    positions count; by default it is decided per source from the evidence.
    """
    require(project, "documents.edit")
    require(project, "codebook.edit")
    require(project, "codings.import")
    if positions is not None and positions not in UNITS:
        raise WorkbenchError(
            _("unknown position unit {positions!r} (use {items})").format(
                positions=positions, items=", ".join(UNITS)
            )
        )
    report = ImportReport(str(path))
    if not merge:
        count = project.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        if count:
            raise WorkbenchError(
                _(
                    "the project already has {count} document(s); import into a new project, or use "
                    "--merge to add to this one"
                ).format(count=count),
                source=str(project.path),
            )
    parsed = read_qdpx(path, report, limits)
    writer: _Writer | None = None
    try:
        with project.transaction():
            with project.action(
                "import-qdpx",
                _("import {basename}").format(basename=os.path.basename(str(path))),
                undoable=False,
            ):
                writer = _Writer(project, parsed, report, merge, positions)
                writer.settings()
                writer.users()
                code_ids = writer.codes()
                source_case = writer.cases()
                writer.documents(source_case)
                targets = writer.codings(code_ids)
                store_media(writer)
                writer.memos(targets)
                writer.restore()
                report.coders_added = len(writer.new_names["coders"])
            if writer.ext:  # after the import's own entry, so undo reaches the history
                report.notes += history.restore(project, writer.ext, merge=merge)
    except BaseException:
        if writer is not None:
            for file in writer.written_files:  # recordings taken out of the archive
                file.unlink(missing_ok=True)
        raise
    return report
