"""REFI-QDA codebooks (``.qdc``): export strictly, load leniently.

Export writes every code with its GUID, name, colour and description, nested as in the project,
and adds one ``Set`` per top-level code that has subcodes (the group and all its descendants),
because several tools show code groups as sets. Inclusion and exclusion criteria have no place
of their own in REFI-QDA; they are appended to the description as paragraphs starting
``Use when:`` and ``Do not use when:``, and read back from there.

Loading goes through ``workbench.ops.codebook_load.load_parsed``, so a ``.qdc`` follows the same rules
as a YAML codebook: codes are matched by GUID, then by path; new codes are added, known ones
updated, and codes missing from the file are kept. What real files get wrong (missing names,
odd GUIDs, short colours, duplicate names) is repaired and reported, not refused. A set whose
members are all top-level codes becomes a group code holding them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.files import write_atomic
from workbench.guards import xmlsafe
from workbench.i18n import _
from workbench.interop.ids import norm_guid, stable_guid
from workbench.ops.codebook_load import Codebook, CodebookEntry, LoadReport, load_parsed
from workbench.store.errors import CodebookError, InputFileError
from workbench.store.model import Code
from workbench.store.project import Project

USE_WHEN = "Use when: "
NOT_WHEN = "Do not use when: "
VALUE = "Value: "  # REFI-QDA has no element for a code's numeric value: a documented extension
MAX_QDC_BYTES = 64 * 1024**2


# --------------------------------------------------------------------------- writing


def description_text(code: Code) -> str | None:
    """The REFI-QDA description of ``code``: its description plus its criteria."""
    parts = [p for p in (code.description,) if p]
    if code.inclusion:
        parts.append(USE_WHEN + code.inclusion)
    if code.exclusion:
        parts.append(NOT_WHEN + code.exclusion)
    if code.value is not None:
        parts.append(VALUE + format_value(code.value))
    return "\n\n".join(parts) or None


def format_value(value: float) -> str:
    """``3.0`` -> ``"3"``, ``2.5`` -> ``"2.5"``: a code's value as written in files."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _parse_value(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def split_description(text: str | None) -> dict[str, Any]:
    """Undo ``description_text``: trailing criteria (and value) paragraphs become fields."""
    if text is None:
        return {}
    paras = text.strip().split("\n\n")
    fields: dict[str, Any] = {}
    while paras:
        last = paras[-1].strip()
        if (
            last.startswith(VALUE)
            and "value" not in fields
            and not fields
            and _parse_value(last[len(VALUE) :].strip()) is not None
        ):
            fields["value"] = _parse_value(last[len(VALUE) :].strip())
        elif last.startswith(USE_WHEN) and "inclusion" not in fields:
            fields["inclusion"] = last[len(USE_WHEN) :].strip() or None
        elif last.startswith(NOT_WHEN) and "exclusion" not in fields:
            fields["exclusion"] = last[len(NOT_WHEN) :].strip() or None
        else:
            break
        paras.pop()
    fields["description"] = "\n\n".join(paras).strip() or None
    return fields


def append_codes(
    parent: Any, ns: str, codes: list[Code], note_refs: dict[int, list[str]] | None = None
) -> None:
    """Add ``Code`` elements for ``codes`` (parents first) under ``parent``, nested."""
    from lxml import etree

    elements: dict[int | None, Any] = {None: parent}
    for code in codes:
        attrs = {"guid": code.guid, "name": code.name, "isCodable": "true"}
        if code.colour:
            attrs["color"] = code.colour.upper()
        el = etree.SubElement(elements[code.parent_id], f"{{{ns}}}Code", attrs)
        description = description_text(code)
        if description:
            etree.SubElement(el, f"{{{ns}}}Description").text = description
        for note_guid in (note_refs or {}).get(code.id, []):
            etree.SubElement(el, f"{{{ns}}}NoteRef", targetGUID=note_guid)
        elements[code.id] = el


def code_sets(codes: list[Code]) -> list[tuple[str, str, list[str]]]:
    """(guid, name, member GUIDs) of one set per top-level code that has subcodes."""
    sets = []
    for top in (c for c in codes if c.parent_id is None):
        members = [c.guid for c in codes if c.path.startswith(top.path + "/")]
        if members:
            sets.append((stable_guid("set", top.guid), top.name, members))
    return sets


def codebook_element(project: Project) -> Any:
    """The project's codebook as a validated ``CodeBook`` element."""
    from lxml import etree

    codes = project.codes()
    if not codes:
        raise CodebookError(_("the codebook is empty; there is nothing to export"))
    ns = xmlsafe.CODEBOOK_NS
    # None names the default namespace (lxml-stubs allow only str keys)
    default_ns: Any = {None: ns}
    root = etree.Element(
        f"{{{ns}}}CodeBook", {"origin": f"workbench {__version__}"}, nsmap=default_ns
    )
    append_codes(etree.SubElement(root, f"{{{ns}}}Codes"), ns, codes)
    sets = code_sets(codes)
    if sets:
        sets_el = etree.SubElement(root, f"{{{ns}}}Sets")
        for guid, name, members in sets:
            set_el = etree.SubElement(sets_el, f"{{{ns}}}Set", guid=guid, name=name)
            etree.SubElement(
                set_el, f"{{{ns}}}Description"
            ).text = f"The code group {name} and its subcodes"
            for member in members:
                etree.SubElement(set_el, f"{{{ns}}}MemberCode", guid=member)
    xmlsafe.validate(root, "Codebook.xsd")
    return root


def export_qdc(project: Project, path: str | os.PathLike[str]) -> int:
    """Write the codebook to ``path`` as a REFI-QDA ``.qdc``; return the number of codes."""
    root = codebook_element(project)
    write_atomic(path, xmlsafe.serialise(root))
    return len(project.codes())


# --------------------------------------------------------------------------- reading


@dataclass
class ParsedCodes:
    """Codes read from a ``Codes`` element, with what had to be repaired on the way."""

    entries: list[CodebookEntry] = field(default_factory=list)
    by_ref: dict[str, CodebookEntry] = field(default_factory=dict)  # file GUID -> entry
    note_refs: dict[int, list[str]] = field(default_factory=dict)  # id(entry) -> NoteRefs
    notes: list[str] = field(default_factory=list)
    ignored_sets: int = 0  # sets that became neither a group nor matched one

    def walk(self) -> list[CodebookEntry]:
        out: list[CodebookEntry] = []
        stack = list(reversed(self.entries))
        while stack:
            entry = stack.pop()
            out.append(entry)
            stack.extend(reversed(entry.children))
        return out


def ref_key(raw: str | None) -> str | None:
    """How a GUID reference is looked up: normalised when valid, else as written."""
    if raw is None:
        return None
    return norm_guid(raw) or raw.strip()


def _colour(raw: str | None, where: str, notes: list[str]) -> str | None:
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if (
        len(value) == 4
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    ):
        value = "#" + "".join(c * 2 for c in value[1:])
    if (
        len(value) == 7
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    ):
        return value.upper()
    notes.append(_("{where}: colour {raw!r} ignored (not #RRGGBB)").format(where=where, raw=raw))
    return None


def read_codes(codes_el: Any | None, *, source: str) -> ParsedCodes:
    """Turn the ``Code`` elements under ``codes_el`` into codebook entries."""
    parsed = ParsedCodes()
    seen_guids: set[str] = set()
    unnamed = 0

    def visit(el: Any, parent_path: str, siblings: dict[str, int]) -> CodebookEntry:
        nonlocal unnamed
        line = el.sourceline or 0
        raw_guid = xmlsafe.attr(el, "guid")
        name = (xmlsafe.attr(el, "name") or "").strip()
        if not name:
            unnamed += 1
            name = f"Unnamed code {unnamed}"
            parsed.notes.append(
                _("line {line}: a code without a name was called {name!r}").format(
                    line=line, name=name
                )
            )
        if "/" in name:
            fixed = name.replace("/", "-")
            parsed.notes.append(
                _(
                    "line {line}: code name {name!r} renamed {fixed!r} ('/' separates levels here)"
                ).format(line=line, name=name, fixed=fixed)
            )
            name = fixed
        if name in siblings:
            siblings[name] += 1
            fixed = f"{name} ({siblings[name]})"
            parsed.notes.append(
                _(
                    "line {line}: a second code {name!r} at the same level was renamed {fixed!r}"
                ).format(line=line, name=name, fixed=fixed)
            )
            name = fixed
        else:
            siblings[name] = 1
        path = f"{parent_path}/{name}" if parent_path else name
        guid = norm_guid(raw_guid)
        if raw_guid is not None and guid is None:
            parsed.notes.append(
                _("line {line}: {path}: GUID {raw_guid!r} is not valid; a new one was made").format(
                    line=line, path=path, raw_guid=raw_guid
                )
            )
        if guid and guid in seen_guids:
            parsed.notes.append(
                _("line {line}: {path}: GUID {guid} used twice; a new one was made").format(
                    line=line, path=path, guid=guid
                )
            )
            guid = None
        if guid:
            seen_guids.add(guid)
        entry = CodebookEntry(name=name, path=path, line=line, guid=guid)
        fields = split_description(xmlsafe.text_of(el, "Description"))
        entry.fields.update({k: v for k, v in fields.items() if v is not None})
        colour = _colour(xmlsafe.attr(el, "color"), f"line {line}: {path}", parsed.notes)
        if colour:
            entry.fields["colour"] = colour
        key = ref_key(raw_guid)
        if key and key not in parsed.by_ref:
            parsed.by_ref[key] = entry
        refs = [ref_key(xmlsafe.attr(r, "targetGUID")) for r in xmlsafe.children(el, "NoteRef")]
        if any(refs):
            parsed.note_refs[id(entry)] = [r for r in refs if r]
        child_names: dict[str, int] = {}
        entry.children = [visit(c, path, child_names) for c in xmlsafe.children(el, "Code")]
        return entry

    if codes_el is not None:
        top_names: dict[str, int] = {}
        parsed.entries = [visit(c, "", top_names) for c in xmlsafe.children(codes_el, "Code")]
    return parsed


def _repath(entries: list[CodebookEntry], prefix: str) -> None:
    for entry in entries:
        entry.path = f"{prefix}/{entry.name}" if prefix else entry.name
        _repath(entry.children, entry.path)


def apply_sets(parsed: ParsedCodes, sets_el: Any | None) -> None:
    """Make code groups of sets whose members are all top-level codes (see module doc)."""
    if sets_el is None:
        return
    claimed: set[int] = set()
    for set_el in xmlsafe.children(sets_el, "Set"):
        name = (xmlsafe.attr(set_el, "name") or "").strip().replace("/", "-")
        refs = [
            ref_key(xmlsafe.attr(m, "guid") or xmlsafe.attr(m, "targetGUID"))
            for m in xmlsafe.children(set_el, "MemberCode")
        ]
        members = [parsed.by_ref[r] for r in refs if r in parsed.by_ref]
        label = f"set {name!r}" if name else "a set without a name"
        if not members:
            parsed.ignored_sets += 1
            if refs or xmlsafe.child(set_el, "MemberSource") is not None:
                parsed.notes.append(
                    _("{label} skipped: it names no code of the codebook").format(label=label)
                )
            continue
        tops = {id(e) for e in parsed.entries}
        if all(id(m) in tops for m in members):
            if not name or any(e.name == name for e in parsed.entries):
                parsed.notes.append(
                    _(
                        "{label} skipped: a top-level code has that name (or the set has none)"
                    ).format(label=label)
                )
                parsed.ignored_sets += 1
                continue
            if any(id(m) in claimed for m in members):
                parsed.notes.append(
                    _("{label} skipped: some of its codes are in an earlier set").format(
                        label=label
                    )
                )
                parsed.ignored_sets += 1
                continue
            guid = norm_guid(xmlsafe.attr(set_el, "guid"))
            if guid is not None and guid in {e.guid for e in parsed.walk()}:
                parsed.notes.append(
                    _("{label}: its GUID is also a code's; the group gets a new one").format(
                        label=label
                    )
                )
                guid = None
            group = CodebookEntry(name=name, path=name, line=set_el.sourceline or 0, guid=guid)
            description = xmlsafe.text_of(set_el, "Description")
            if description and description.strip():
                group.fields["description"] = description.strip()
            group.children = members
            claimed.update(id(m) for m in members)
            index = min(
                i for i, e in enumerate(parsed.entries) if id(e) in {id(m) for m in members}
            )
            rest = [e for e in parsed.entries if id(e) not in {id(m) for m in members}]
            rest.insert(min(index, len(rest)), group)
            parsed.entries = rest
            _repath(parsed.entries, "")
            continue
        owners = {m.path.split("/")[0] for m in members}
        if owners == {name}:
            continue  # the set mirrors an existing group (as in our own exports)
        parsed.notes.append(
            _(
                "{label} skipped: its codes are nested in different groups; workbench groups "
                "codes by their hierarchy only"
            ).format(label=label)
        )
        parsed.ignored_sets += 1


def to_codebook(parsed: ParsedCodes, *, source: str) -> Codebook:
    return Codebook(source=source, codes=parsed.entries)


@dataclass
class QdcLoadReport(LoadReport):
    """A ``LoadReport`` that also lists what was repaired or skipped in the file."""

    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = super().summary()
        if self.notes:
            text += f"; {len(self.notes)} note(s): " + "; ".join(self.notes)
        return text


def read_qdc_file(path: str | os.PathLike[str]) -> tuple[Any, str]:
    source = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_QDC_BYTES:
            raise InputFileError(
                _("too large for a codebook ({size:,} bytes)").format(size=size), source=source
            )
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputFileError(_("no such file"), source=source) from None
    except IsADirectoryError:
        raise InputFileError(_("is a directory, not a codebook file"), source=source) from None
    except OSError as exc:
        raise InputFileError(
            _("cannot read: {strerror}").format(strerror=exc.strerror), source=source
        ) from None
    root = xmlsafe.parse(data, source=source)
    if xmlsafe.local(root) != "CodeBook":
        raise InputFileError(
            _("not a REFI-QDA codebook (the root is <{local}>, not <CodeBook>)").format(
                local=xmlsafe.local(root)
            ),
            source=source,
        )
    return root, source


def load_qdc(project: Project, path: str | os.PathLike[str]) -> QdcLoadReport:
    """Load a ``.qdc`` codebook into the project as one undoable action (see module doc)."""
    root, source = read_qdc_file(path)
    parsed = read_codes(xmlsafe.child(root, "Codes"), source=source)
    if not parsed.entries:
        raise CodebookError(_("the codebook has no codes"), source=source)
    apply_sets(parsed, xmlsafe.child(root, "Sets"))
    report = load_parsed(project, to_codebook(parsed, source=source))
    return QdcLoadReport(**vars(report), notes=parsed.notes)
