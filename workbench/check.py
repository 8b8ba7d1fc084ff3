"""``workbench check``: is the project file sound, and do our own invariants hold?

SQLite's integrity and foreign-key checks find damage to the file; the invariants find data
that SQLite accepts but the tool would misread: offsets outside the text, a code tree with a
cycle, text that no longer matches its hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.project import Project
from workbench.textnorm import sha256


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_project(project: Project) -> CheckReport:
    report = CheckReport()
    q = project.conn.execute
    for (line,) in q("PRAGMA integrity_check").fetchall():
        if line != "ok":
            report.problems.append(f"integrity: {line}")
    for table, rowid, parent, _ in q("PRAGMA foreign_key_check").fetchall():
        report.problems.append(f"{table} row {rowid}: refers to a missing {parent} row")
    if report.problems:
        return report  # the invariants below would only repeat what is broken

    lengths = dict(q("SELECT id, length FROM documents"))
    names = dict(q("SELECT id, name FROM documents"))
    for doc_id, text, length, digest in q("SELECT id, text, length, sha256 FROM documents"):
        if len(text) != length:
            report.problems.append(f"document {names[doc_id]!r}: stored length {length} "
                                   f"but the text has {len(text)} characters")
        if sha256(text) != digest:
            report.problems.append(f"document {names[doc_id]!r}: text does not match its hash")
    report.checked["documents"] = len(lengths)

    for table in ("codings", "turns", "sentences", "suggestions"):
        rows = q(f'SELECT id, document_id, start, "end" FROM {table}').fetchall()
        for row_id, doc_id, start, end in rows:
            if not (0 <= start <= end <= lengths.get(doc_id, -1)):
                report.problems.append(
                    f"{table} {row_id}: span [{start}, {end}) outside document "
                    f"{names.get(doc_id, doc_id)!r} (length {lengths.get(doc_id)})")
        report.checked[table] = len(rows)

    parents = dict(q("SELECT id, parent_id FROM codes"))
    for code_id in parents:
        seen, node = set(), code_id
        while node is not None:
            if node in seen:
                report.problems.append(f"code {code_id}: its parents form a cycle")
                break
            seen.add(node)
            node = parents.get(node)
    report.checked["codes"] = len(parents)

    for memo_id, kind, target in q("SELECT id, target_type, target_id FROM memos"):
        table = {"document": "documents", "code": "codes", "coding": "codings"}.get(kind)
        if table and not q(f"SELECT 1 FROM {table} WHERE id = ?", (target,)).fetchone():
            report.problems.append(f"memo {memo_id}: its {kind} {target} does not exist")
    return report
