"""Storing a ``.qdpx`` file's codebook and its cases with their attribute values.

A step of ``import_qdpx`` (``qdpx_import``): the codes are loaded as any codebook is
(``ops.codebook_load``: matched by GUID, then path, never removed), with what workbench's own
extension adds to them; cases are matched by name, and a value the project already holds is
kept, with a note, rather than overwritten.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from workbench.i18n import _
from workbench.interop.qdpx_import_base import _WriterBase
from workbench.ops.codebook_load import Codebook, load_parsed
from workbench.store.connection import inserted_id


def _typed_text(typ: str, el: Any) -> str | None:
    """A variable value as we store it (text read back through the attribute's type)."""
    raw = "".join(el.itertext()).strip()
    if raw == "":
        return None
    if typ == "integer":
        return str(int(raw))
    if typ == "float":
        return repr(float(raw))
    if typ == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(raw)
        return "true" if raw.lower() in ("true", "1") else "false"
    if typ == "date":
        from datetime import date

        return date.fromisoformat(raw[:10]).isoformat()
    return raw


class _CodesAndCases(_WriterBase):
    """Codes and cases, the things a source's codings and case point at."""

    def codes(self) -> dict[str, int | None]:
        """Load the codebook; return file code reference -> code id."""
        entries = self.p.codes.walk()
        if not entries:
            return {}
        extra = self.ext.get("codes", {})
        for entry in entries:
            fields = extra.get(entry.guid or "")
            if not isinstance(fields, dict):
                continue
            for key in ("description", "inclusion", "exclusion"):
                if key in fields:
                    entry.fields[key] = fields[key]
            for key in ("keywords", "examples"):
                if fields.get(key):
                    entry.fields[key] = fields[key]
        before = {c.id for c in self.project.codes()}
        load_parsed(self.project, Codebook(source=self.report.source, codes=self.p.codes.entries))
        codes = self.project.codes()
        self.report.codes_added = len([c for c in codes if c.id not in before])
        for code in codes:
            fields = extra.get(code.guid.upper())
            if code.id not in before and isinstance(fields, dict):
                self.conn.execute(
                    "UPDATE codes SET position = coalesce(?, position), "
                    "created_at = coalesce(?, created_at) WHERE id = ?",
                    (fields.get("position"), fields.get("created_at"), code.id),
                )
        by_guid = {c.guid.upper(): c.id for c in codes}
        by_path = {c.path: c.id for c in codes}
        self.entry_ids = {id(e): by_guid.get(e.guid or "", by_path.get(e.path)) for e in entries}
        return {ref: self.entry_ids[id(e)] for ref, e in self.p.codes.by_ref.items()}

    def cases(self) -> dict[str, str]:
        """Create cases and attribute values; return source reference -> case name."""
        attr_ids: dict[str, tuple[int, str]] = {}
        for key, (name, typ) in self.p.variables.items():
            row = self.conn.execute(
                "SELECT id, type FROM attributes WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                row = (
                    inserted_id(
                        self.conn.execute(
                            "INSERT INTO attributes (name, type) VALUES (?, ?)", (name, typ)
                        )
                    ),
                    typ,
                )
            elif row[1] != typ:
                self.report.notes.append(
                    _(
                        "attribute {name!r} is {value} in this project ({typ} in the file); values read "
                        "as {value}"
                    ).format(name=name, value=row[1], typ=typ)
                )
            attr_ids[key] = row
        source_case: dict[str, str] = {}
        seen: Counter[str] = Counter()
        for case in self.p.cases:
            seen[case.name] += 1
            if not self.conn.execute("SELECT 1 FROM cases WHERE name = ?", (case.name,)).fetchone():
                self.report.cases += 1  # counted only when it is new (a merge matches by name)
                self.new_names["cases"].add(case.name)
            case_id = self.project.case_id(case.name)
            for key, el in case.values:
                attr_id, typ = attr_ids[key]
                try:
                    value = _typed_text(typ, el)
                except ValueError:
                    self.report.skipped.append(
                        _(
                            "value of {value!r} for case {name!r}: {items!r} is not a valid {typ}"
                        ).format(
                            value=self.p.variables[key][0],
                            name=case.name,
                            items="".join(el.itertext()),
                            typ=typ,
                        )
                    )
                    continue
                old = self.conn.execute(
                    "SELECT value FROM case_attributes WHERE case_id = ? AND attribute_id = ?",
                    (case_id, attr_id),
                ).fetchone()
                if old is not None and old[0] not in (None, "") and old[0] != value:
                    self.report.notes.append(
                        _(
                            "case {name!r}: kept {value} = {value2!r} (the file says {value3!r})"
                        ).format(
                            name=case.name,
                            value=self.p.variables[key][0],
                            value2=old[0],
                            value3=value,
                        )
                    )
                    continue
                self.conn.execute(
                    "INSERT INTO case_attributes (case_id, attribute_id, value) VALUES (?, ?, ?) "
                    "ON CONFLICT(case_id, attribute_id) DO UPDATE SET value = excluded.value",
                    (case_id, attr_id, value),
                )
            for ref in case.sources:
                if ref in source_case and source_case[ref] != case.name:
                    self.report.notes.append(
                        _("a source in cases {value!r} and {name!r} was put in the first").format(
                            value=source_case[ref], name=case.name
                        )
                    )
                    continue
                source_case[ref] = case.name
        return source_case
