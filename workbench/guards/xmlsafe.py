"""Parsing untrusted XML safely, reading it by local names, and validating what we write.

Files from other tools are treated as hostile: a document type declaration is refused outright
(it is the only place entities can be declared, so this closes external entities and entity
expansion bombs alike), and the parser never loads a DTD, resolves an entity or touches the
network. Elements are matched on their local names so that files carrying another version of
the REFI-QDA namespace (or none) still read.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from workbench.i18n import _
from workbench.limits import MAX_XML_ELEMENTS
from workbench.store.errors import InputFileError, WorkbenchError

#: the REFI-QDA schemas ship with the interop package that reads and writes those files
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "interop" / "schemas"
PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

_DOCTYPE_MARKERS = tuple(
    "<!DOCTYPE".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be")
) + tuple("<!ENTITY".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be"))


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def check_xml(data: bytes, *, source: str, max_elements: int = MAX_XML_ELEMENTS) -> int:
    """Check ``data`` is well-formed XML without a DTD and with at most ``max_elements``
    elements, in one streaming pass (constant memory); return the number of elements.

    Building a tree costs memory per element (lxml took 504 MB for 15 MB of ``<b/>``, odfpy
    far more), so the count is known before any library builds one. A malformed part is
    refused here with its line, instead of being half-read by a lenient library.
    """
    import xml.parsers.expat

    count = 0

    def start(_name: str, _attrs: object) -> None:
        nonlocal count
        count += 1
        if count > max_elements:
            raise _TooMany

    def doctype(*_args: object) -> None:
        raise _Doctype

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except _TooMany:
        raise InputFileError(
            _("too many XML elements (over {limit:,})").format(limit=max_elements),
            source=source,
            place=f"line {parser.CurrentLineNumber}",
        ) from None
    except _Doctype:
        raise InputFileError(
            _("refusing XML with a document type declaration (entities are not allowed)"),
            source=source,
        ) from None
    except xml.parsers.expat.ExpatError as exc:
        raise InputFileError(
            _("malformed XML: {reason}").format(reason=xml.parsers.expat.ErrorString(exc.code)),
            source=source,
            place=f"line {exc.lineno}",
        ) from None
    return count


class _TooMany(Exception):
    pass


class _Doctype(Exception):
    pass


def parse(data: bytes, *, source: str, max_elements: int = MAX_XML_ELEMENTS) -> Any:
    """Parse ``data`` into an element tree root, refusing DTDs, entities and more than
    ``max_elements`` elements (counted first, see ``check_xml``)."""
    from lxml import etree

    check_xml(data, source=source, max_elements=max_elements)

    upper = data.upper()
    if any(marker in upper for marker in _DOCTYPE_MARKERS):
        raise InputFileError(
            _("refusing XML with a document type declaration (entities are not allowed)"),
            source=source,
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise InputFileError(
            _("malformed XML: {value}").format(value=exc.msg if hasattr(exc, "msg") else exc),
            source=source,
            place=f"line {line}" if line else None,
        ) from exc
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InputFileError(_("refusing XML with a document type declaration"), source=source)
    return root


def local(el: Any) -> str:
    """The local name of an element, without any namespace."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(el: Any, name: str) -> Iterator[Any]:
    """Direct children called ``name``, whatever their namespace."""
    for child in el:
        if local(child) == name:
            yield child


def child(el: Any, name: str) -> Any | None:
    return next(children(el, name), None)


def text_of(el: Any, name: str) -> str | None:
    """The text of the first child called ``name``, or None when there is none."""
    found = child(el, name)
    if found is None:
        return None
    return "".join(found.itertext())


def attr(el: Any, name: str) -> str | None:
    """An attribute by local name (some tools qualify attributes with a namespace)."""
    value = el.get(name)
    if value is not None:
        return value
    for key, val in el.attrib.items():
        if key.rsplit("}", 1)[-1] == name:
            return val
    return None


@lru_cache(maxsize=2)
def _schema(name: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name), parser))


def validate(root: Any, schema: str) -> None:
    """Check ``root`` against ``Project.xsd`` or ``Codebook.xsd``.

    A failure here means workbench built an invalid file, which is a bug, not a user error; it
    is still raised as a ``WorkbenchError`` so nothing invalid is ever written.
    """
    xsd = _schema(schema)
    if not xsd.validate(root):
        error = xsd.error_log.last_error
        raise WorkbenchError(
            _(
                "internal error: the file would not validate against {schema}: {message} (line "
                "{line}); please report this"
            ).format(schema=schema, message=error.message, line=error.line)
        )


def serialise(root: Any) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
