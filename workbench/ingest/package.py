"""Checking a ``.docx`` or ``.odt`` package before its library reads it.

python-docx and odfpy trust the file: a 1.3 MB ``.docx`` whose ``document.xml`` expands to
1.2 GB took 2.5 GB of memory before it failed, and odfpy reads a malformed ``content.xml`` as
far as it can, prints it whole and returns a text missing what came after the damage. So the
package goes through the same archive guard as a ``.qdpx`` (member names, count, sizes, zip
bombs; ``guards.archive``) with the tighter limits of one document, and every XML part is
checked in one streaming pass (well-formed, no DTD, a bounded number of elements;
``guards.xmlsafe.check_xml``) before the library builds its tree.
"""

from __future__ import annotations

import zipfile

from workbench.guards.archive import Limits, open_archive
from workbench.guards.xmlsafe import check_xml
from workbench.i18n import _
from workbench.limits import MAX_DOCUMENT_ARCHIVE_BYTES, MAX_DOCUMENT_ELEMENTS
from workbench.store.errors import InputFileError

DOCUMENT_LIMITS = Limits(max_total=MAX_DOCUMENT_ARCHIVE_BYTES)


def check_package(data: bytes, source: str, *, kind: str) -> None:
    """Refuse a ``kind`` (``docx`` or ``odt``) package that is damaged or too large to read."""
    try:
        archive = open_archive(source, DOCUMENT_LIMITS, data=data)
    except InputFileError as exc:
        # told by its cause, not its wording: the reason is already in the user's language
        if isinstance(exc.__cause__, (zipfile.BadZipFile, OSError)):
            raise InputFileError(
                _("not a valid .{kind} (truncated or not a zip)").format(kind=kind), source=source
            ) from None
        raise
    with archive:
        for name in archive.members():
            if name.lower().endswith((".xml", ".rels")):
                check_xml(
                    archive.read(name),
                    source=f"{source}:{name}",
                    max_elements=MAX_DOCUMENT_ELEMENTS,
                )
