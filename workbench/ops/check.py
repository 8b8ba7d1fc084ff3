"""``workbench check``: is the project file sound, and do our own invariants hold?

SQLite's integrity and foreign-key checks find damage to the file; the invariants find data
that SQLite accepts but the tool would misread: offsets outside the text, a code tree with a
cycle, text that no longer matches its hash, a search index that has drifted from the
sentences it indexes, an undo log that can no longer be read.

The checks stream through the tables and let SQLite find the bad rows, so checking a project
with a million codings needs little memory. A kind of problem found many times is listed for
the first ``MAX_LISTED`` rows and then counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from workbench.i18n import N_, _
from workbench.ops.coding import MEMO_TARGETS
from workbench.store.project import Project
from workbench.textnorm import sha256

MAX_LISTED = 20
SPAN_TABLES = ("codings", "turns", "sentences", "suggestions")


#: what a check counts, as the report names it (``workbench check`` says them translated)
CHECKED = (
    N_("documents"),
    N_("codings"),
    N_("turns"),
    N_("sentences"),
    N_("suggestions"),
    N_("search index rows"),
    N_("codes"),
    N_("memos"),
    N_("actions"),
)


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
            report.problems.append(_("integrity: {line}").format(line=line))
    for table, rowid, parent, _unused in q("PRAGMA foreign_key_check").fetchall():
        report.problems.append(
            _("{table} row {rowid}: refers to a missing {parent} row").format(
                table=table, rowid=rowid, parent=parent
            )
        )
    if report.problems:
        return report  # the invariants below would only repeat what is broken

    _documents(project, report)
    for table in SPAN_TABLES:
        _spans(project, table, report)
    _search_index(project, report)
    _code_tree(project, report)
    _memos(project, report)
    _actions(project, report)
    return report


def _documents(project: Project, report: CheckReport) -> None:
    count = 0
    for name, text, length, digest in project.conn.execute(
        "SELECT name, text, length, sha256 FROM documents ORDER BY id"
    ):
        count += 1
        if len(text) != length:
            report.problems.append(
                _(
                    "document {name!r}: stored length {length} but the text has {n_text} characters"
                ).format(name=name, length=length, n_text=len(text))
            )
        if sha256(text) != digest:
            report.problems.append(
                _("document {name!r}: text does not match its hash").format(name=name)
            )
    report.checked["documents"] = count


def _spans(project: Project, table: str, report: CheckReport) -> None:
    """Every span lies inside its document: found by SQLite, only bad rows come back."""
    q = project.conn.execute
    bad = (
        f"FROM {table} t LEFT JOIN documents d ON d.id = t.document_id "
        f'WHERE d.id IS NULL OR t.start < 0 OR t."end" < t.start OR t."end" > d.length'
    )
    rows = q(
        f'SELECT t.id, t.document_id, t.start, t."end", d.name, d.length {bad} '
        f"ORDER BY t.id LIMIT {MAX_LISTED}"
    ).fetchall()
    for row_id, doc_id, start, end, name, length in rows:
        shown = repr(name) if name is not None else doc_id
        report.problems.append(
            _(
                "{table} {row_id}: span [{start}, {end}) outside document {shown} (length {length})"
            ).format(table=table, row_id=row_id, start=start, end=end, shown=shown, length=length)
        )
    if len(rows) == MAX_LISTED:
        more = q(f"SELECT count(*) {bad}").fetchone()[0] - MAX_LISTED
        if more:
            report.problems.append(
                _("{table}: {more} more span(s) outside their document").format(
                    table=table, more=more
                )
            )
    report.checked[table] = q(f"SELECT count(*) FROM {table}").fetchone()[0]


def _search_index(project: Project, report: CheckReport) -> None:
    """Each sentence has exactly one search-index row, holding that sentence's text.

    Both tables are walked in sentence-id order side by side (a merge join), so memory does not
    grow with the number of sentences.
    """
    q = project.conn.execute
    names = dict(q("SELECT id, name FROM documents"))
    missing: Counter[int] = Counter()
    differ: Counter[int] = Counter()
    orphans = 0
    index = q("SELECT sentence_id, document_id, text FROM sentences_fts ORDER BY sentence_id")
    entry = next(index, None)
    rows = 0
    for sid, doc_id, start, end in q(
        'SELECT id, document_id, start, "end" FROM sentences ORDER BY id'
    ):
        while entry is not None and entry[0] < sid:
            orphans += 1
            rows += 1
            entry = next(index, None)
        if entry is None or entry[0] != sid:
            missing[doc_id] += 1
            continue
        while entry is not None and entry[0] == sid:
            rows += 1
            if entry[1] != doc_id or entry[2] != project.text(doc_id)[start:end]:
                differ[doc_id] += 1
            entry = next(index, None)
    while entry is not None:
        orphans += 1
        rows += 1
        entry = next(index, None)
    for doc_id, n in sorted(missing.items()):
        report.problems.append(
            _("document {get!r}: {n} sentence(s) missing from the search index").format(
                get=names.get(doc_id, doc_id), n=n
            )
        )
    for doc_id, n in sorted(differ.items()):
        report.problems.append(
            _("document {get!r}: {n} search index row(s) do not match their sentence").format(
                get=names.get(doc_id, doc_id), n=n
            )
        )
    if orphans:
        report.problems.append(
            _("search index: {orphans} row(s) for sentences that do not exist").format(
                orphans=orphans
            )
        )
    report.checked["search index rows"] = rows


def _code_tree(project: Project, report: CheckReport) -> None:
    parents = dict(project.conn.execute("SELECT id, parent_id FROM codes"))
    for code_id in parents:
        seen, node = set(), code_id
        while node is not None:
            if node in seen:
                report.problems.append(
                    _("code {code_id}: its parents form a cycle").format(code_id=code_id)
                )
                break
            seen.add(node)
            node = parents.get(node)
    report.checked["codes"] = len(parents)


def _memos(project: Project, report: CheckReport) -> None:
    q = project.conn.execute
    count = 0
    for memo_id, kind, target in q("SELECT id, target_type, target_id FROM memos"):
        count += 1
        table = MEMO_TARGETS.get(kind)
        if table and not q(f"SELECT 1 FROM {table} WHERE id = ?", (target,)).fetchone():
            report.problems.append(
                _("memo {memo_id}: its {kind} {target} does not exist").format(
                    memo_id=memo_id, kind=kind, target=target
                )
            )
    report.checked["memos"] = count


def _actions(project: Project, report: CheckReport) -> None:
    """The undo log must stay readable, or undo would fail half-way."""
    q = project.conn.execute
    for (action_id,) in q(
        f"SELECT id FROM actions WHERE NOT json_valid(changes) ORDER BY id LIMIT {MAX_LISTED}"
    ):
        report.problems.append(
            _("action {action_id}: its undo record is damaged").format(action_id=action_id)
        )
    report.checked["actions"] = q("SELECT count(*) FROM actions").fetchone()[0]
