"""``pseudonymise apply``: a released copy in which every key entry is replaced.

The copy is made with SQLite's backup API, then every occurrence of every accepted entry (all
its forms, whole words: ``pseudonymise.forms``) is replaced in each document's text through
the one edit operation (``ops.textedit``), so codings, memos, units and agreement carry over.
Speaker labels, case names and attributes, memos, code names and descriptions, document names
and their source paths are replaced too. The copy keeps no history of what was there: its
action log is emptied, the search index rebuilt and the file vacuumed, so none of the old
text survives in free pages. ``in_place`` does the same to the project itself, after a backup.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.i18n import _, ngettext
from workbench.pseudonymise.forms import WORD, Hit, Matcher, fold
from workbench.pseudonymise.key import Key, KeyEntry
from workbench.store.actionlog import ActionRecorder
from workbench.store.anchors import TEXT_EDIT_KIND
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

STYLES = ("label", "substitute", "generic")
DEFAULT_STYLES = {
    "person": "label",
    "place": "label",
    "organisation": "label",
    "post": "generic",
    "contact": "generic",
    "number": "generic",
}

#: free-text columns that may name someone: (table, key columns, column, how it is stored)
TEXT_FIELDS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("documents", ("id",), "name", "unique"),
    ("documents", ("id",), "source_path", "text"),
    ("documents", ("id",), "metadata", "json"),
    ("cases", ("id",), "name", "unique"),
    ("case_attributes", ("case_id", "attribute_id"), "value", "text"),
    ("turns", ("id",), "speaker", "text"),
    ("memos", ("id",), "title", "text"),
    ("memos", ("id",), "text", "text"),
    ("codes", ("id",), "name", "unique"),
    ("codes", ("id",), "description", "text"),
    ("codes", ("id",), "inclusion", "text"),
    ("codes", ("id",), "exclusion", "text"),
    ("codes", ("id",), "examples", "json"),
    ("codes", ("id",), "keywords", "json"),
    ("suggestions", ("id",), "reason", "text"),
    ("reconcile_decisions", ("id",), "code", "text"),
    ("settings", ("key",), "value", "text"),  # the codebook's name and description
)


@dataclass
class ApplyReport:
    project: Path
    replaced: Counter = field(default_factory=Counter)  # kind -> occurrences in texts
    fields: int = 0
    documents: int = 0
    kept: int = 0  # codings whose whole text was an identifier (kept on its pseudonym)
    backup: Path | None = None

    def lines(self) -> list[str]:
        total = sum(self.replaced.values())
        out = [
            ngettext(
                "{path}: {n} occurrence replaced in {docs} documents",
                "{path}: {n} occurrences replaced in {docs} documents",
                total,
            ).format(path=self.project, n=total, docs=self.documents)
        ]
        if self.replaced:
            out.append(", ".join(f"{k} {n}" for k, n in sorted(self.replaced.items())))
        out.append(
            _("{n} other fields changed (names, labels, memos, codes)").format(n=self.fields)
        )
        if self.kept:
            out.append(
                _("{n} codings covered only an identifier; they now cover its pseudonym").format(
                    n=self.kept
                )
            )
        if self.backup:
            out.append(
                _(
                    "backup of the project before: {path} (it holds the names: keep it with the key)"
                ).format(path=self.backup)
            )
        return out


def parse_styles(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``KIND=STYLE`` options on top of the defaults."""
    from workbench.pseudonymise.key import KINDS

    styles = dict(DEFAULT_STYLES)
    for item in items:
        kind, sep, style = item.partition("=")
        kind, style = kind.strip().lower(), style.strip().lower()
        if not sep or kind not in KINDS or style not in STYLES:
            raise WorkbenchError(
                _(
                    "--style expects KIND=STYLE with a kind of {kinds} and a style of {styles}, not {item!r}"
                ).format(kinds=", ".join(KINDS), styles=", ".join(STYLES), item=item)
            )
        styles[kind] = style
    return styles


class Replacer:
    """The text that replaces one hit of one entry, in the style chosen for its kind."""

    def __init__(
        self,
        entries: list[KeyEntry],
        styles: Mapping[str, str],
        language: str = "es",
        *,
        shared: Iterable[int] = (),
    ) -> None:
        self.entries = entries
        #: name parts two entries share (``Matcher.shared``): always the generic ``[kind]``
        self.shared = set(shared)
        self.styles = styles
        self.language = language
        self.taken = {fold(f) for e in entries for f in e.forms()}
        self._substitutes: dict[tuple[int, str], dict[str, str]] = {}

    def __call__(self, hit: Hit, matched: str, language: str | None = None) -> str:
        entry = self.entries[hit.entry]
        style = self.styles.get(entry.kind, "label")
        if style == "generic" or hit.entry in self.shared:
            return f"[{entry.kind}]"
        if style == "substitute" and entry.kind in ("person", "place"):
            return self._substitute(hit.entry, matched, language or self.language)
        pseudonym = entry.pseudonym
        return pseudonym if pseudonym.startswith("[") else f"[{pseudonym}]"

    def _substitute(self, index: int, matched: str, language: str) -> str:
        """A realistic name in place of each word of the name; the same entry always gets
        the same substitute (seeded by its pseudonym, never by the name itself)."""
        words = self._words(index, language)
        out, pos = [], 0
        for m in WORD.finditer(matched):
            out.append(matched[pos : m.start()])
            word = m.group()
            new = words.get(fold(word))
            if new is None and len(word) == 1:
                new = next((v[0] for k, v in words.items() if k[0] == fold(word)), None)
            new = new or word
            out.append(new.upper() if word.isupper() and len(word) > 1 else new)
            pos = m.end()
        out.append(matched[pos:])
        return "".join(out)

    def _words(self, index: int, language: str) -> dict[str, str]:
        found = self._substitutes.get((index, language))
        if found is not None:
            return found
        from faker import Faker

        from workbench.pseudonymise.forms import name_parts
        from workbench.pseudonymise.lexicon import TITLES, words_of

        entry = self.entries[index]
        seed = int(hashlib.sha256(f"{entry.kind}:{entry.pseudonym}".encode()).hexdigest()[:12], 16)
        fake = Faker("es_MX" if language == "es" else "en_US")
        rnd = random.Random(seed)
        words: dict[str, str] = {}
        for _try in range(30):
            fake.seed_instance(rnd.randrange(1 << 30))
            if entry.kind == "place":
                parts = WORD.findall(entry.original)
                city = fake.city().split()
                words = {fold(p): city[min(i, len(city) - 1)] for i, p in enumerate(parts)}
            else:
                parts = name_parts(entry.original, words_of("es", TITLES))
                words = {}
                for i, part in enumerate(parts):
                    words[fold(part)] = fake.first_name() if i == 0 else fake.last_name()
            if not any(fold(v) in self.taken for v in words.values()):
                break
        self._substitutes[(index, language)] = words
        return words


def apply_key(
    project: Project,
    key: Key,
    *,
    out: str | Path | None = None,
    in_place: bool = False,
    styles: Mapping[str, str] | None = None,
    overwrite: bool = False,
    allow_unmatched: bool = False,
    acting_user: str | None = None,
) -> ApplyReport:
    """Write the released copy to ``out`` (or replace inside ``project`` when ``in_place``,
    which changes the project's text: ``acting_user`` must be allowed to, see
    ``ops.textedit.authorise_text_edit``)."""
    from workbench.ops.backup import backup_project
    from workbench.ops.textedit import authorise_text_edit

    if (out is None) == (not in_place):
        raise WorkbenchError(_("give either --out RELEASE.db or --in-place"))
    from workbench.pseudonymise.key import validate

    entries = key.accepted()
    if not entries:
        raise WorkbenchError(_("the key has no accepted entry"), source=str(key.path))
    validate(key.entries, source=str(key.path))  # a key built in code, not read from a file
    styles = {**DEFAULT_STYLES, **(styles or {})}
    matcher = Matcher(entries, shared=True)
    replacer = Replacer(matcher.entries, styles, project.language, shared=matcher.shared)
    unmatched = [] if allow_unmatched else unmatched_entries(project, matcher)
    if unmatched:
        raise WorkbenchError(
            ngettext(
                "key entry {names} matches nothing in the project (check its spelling, remove "
                "it, or add --allow-unmatched)",
                "key entries {names} match nothing in the project (check their spelling, remove "
                "them, or add --allow-unmatched)",
                len(unmatched),
            ).format(names=", ".join(repr(e.original) for e in unmatched)),
            source=str(key.path),
        )
    if in_place:
        authorise_text_edit(project, acting_user)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        backup = project.path.with_name(f"{project.path.name}.before-pseudonymise-{stamp}")
        backup_project(project, backup)
        report = ApplyReport(project.path, backup=backup)
        _apply(project, matcher, replacer, report)
        _seal(project, len(entries), coder=acting_user)
        return report
    assert out is not None
    target = Path(out)
    if target.resolve() == project.path.resolve() or target.resolve() == key.path.resolve():
        raise WorkbenchError(_("the release must be a new file"), source=str(target))
    backup_project(project, target, overwrite=overwrite)
    try:
        with Project.open(target) as release:
            report = ApplyReport(target)
            _apply(release, matcher, replacer, report)
            _seal(release, len(entries))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return report


def unmatched_entries(project: Project, matcher: Matcher) -> list[KeyEntry]:
    """Accepted entries no form of which occurs anywhere the apply would look."""
    seen: set[int] = set()
    for text, language in project.conn.execute("SELECT text, language FROM documents"):
        seen.update(h.entry for h in matcher.find(text, language or project.language))
    for value in _field_values(project):
        seen.update(h.entry for h in matcher.find(value))
    return [e for i, e in enumerate(matcher.entries[: matcher.given]) if i not in seen]


def _field_values(project: Project) -> Iterator[str]:
    for table, _keys, column, _how in TEXT_FIELDS:
        for (value,) in project.conn.execute(f'SELECT "{column}" FROM "{table}"'):
            if isinstance(value, str) and value:
                yield value


def replace_in(
    text: str, matcher: Matcher, replacer: Callable[[Hit, str], str]
) -> tuple[str, list[Hit]]:
    """``text`` with every hit replaced; the hits, for counting."""
    hits = matcher.find(text)
    if not hits:
        return text, hits
    parts, pos = [], 0
    for hit in hits:
        parts.append(text[pos : hit.start])
        parts.append(replacer(hit, text[hit.start : hit.end]))
        pos = hit.end
    parts.append(text[pos:])
    return "".join(parts), hits


def _apply(project: Project, matcher: Matcher, replacer: Replacer, report: ApplyReport) -> None:
    """Replace everywhere, in one transaction; a rule of the schema broken by a replacement
    (a pseudonym with a slash in a code name) is one line, and nothing is written."""
    import sqlite3

    try:
        _replace_all(project, matcher, replacer, report)
    except sqlite3.IntegrityError as exc:
        raise WorkbenchError(
            _("a pseudonym breaks a rule of the project ({why}); change it in the key").format(
                why=exc
            ),
            source=str(project.path),
        ) from None


def _replace_all(
    project: Project, matcher: Matcher, replacer: Replacer, report: ApplyReport
) -> None:
    from workbench.ops.reanchor import Edit
    from workbench.ops.textedit import SearchIndexRows, apply_edits

    docs = project.conn.execute("SELECT id, text, language FROM documents ORDER BY id").fetchall()
    with project.action(TEXT_EDIT_KIND, _("pseudonymise"), undoable=False) as act:
        index = SearchIndexRows(project)
        for doc_id, text, language in docs:
            lang = language or project.language
            hits = matcher.find(text, lang)
            report.documents += 1
            if not hits:
                continue
            edits = [Edit(h.start, h.end, replacer(h, text[h.start : h.end], lang)) for h in hits]
            for h in hits:
                report.replaced[matcher.entries[h.entry].kind] += 1
            result = apply_edits(project, act, doc_id, edits, index=index)
            report.kept += sum(1 for k in result.kept if k.table == "codings")
        for table, keys, column, how in TEXT_FIELDS:
            report.fields += _replace_field(
                project, act, table, keys, column, how, matcher, replacer
            )


def _replace_field(
    project: Project,
    act: ActionRecorder,
    table: str,
    keys: tuple[str, ...],
    column: str,
    how: str,
    matcher: Matcher,
    replacer: Replacer,
) -> int:
    cols = ", ".join(f'"{k}"' for k in keys)
    rows = project.conn.execute(
        f'SELECT {cols}, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
    ).fetchall()
    taken = {r[-1] for r in rows} if how == "unique" else set()
    changes = []
    for row in rows:
        value = row[-1]
        if not isinstance(value, str) or not value:
            continue
        if how == "json":
            new = json.dumps(
                _replace_json(json.loads(value), matcher, replacer), ensure_ascii=False
            )
            if json.loads(new) == json.loads(value):
                continue
        else:
            new, hits = replace_in(value, matcher, replacer)
            if not hits:
                continue
        if how == "unique":
            new = _unique(new, taken)
            taken.add(new)
        row_key = row[0] if len(keys) == 1 else tuple(row[: len(keys)])
        changes.append((row_key, (value,), (new,)))
    act.record_updates(table, (column,), changes, key=keys)
    return len(changes)


def _replace_json(value: Any, matcher: Matcher, replacer: Replacer) -> Any:
    if isinstance(value, str):
        return replace_in(value, matcher, replacer)[0]
    if isinstance(value, list):
        return [_replace_json(v, matcher, replacer) for v in value]
    if isinstance(value, dict):
        return {
            replace_in(k, matcher, replacer)[0]: _replace_json(v, matcher, replacer)
            for k, v in value.items()
        }
    return value


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _seal(project: Project, entries: int, *, coder: str | None = None) -> None:
    """Leave no trace of the replaced text: no action log (its records hold the old text),
    a search index rebuilt from the new text, and no free pages left to read. One action
    remains, saying that the project was pseudonymised (it stops undo)."""
    with project.transaction():
        project.conn.execute("DELETE FROM actions")
        project.conn.execute("DELETE FROM settings WHERE key LIKE 'reserved-id.%'")
        project.conn.execute("INSERT INTO sentences_fts(sentences_fts) VALUES ('optimize')")
    description = ngettext(
        "pseudonymised with a key of {n} entry", "pseudonymised with a key of {n} entries", entries
    ).format(n=entries)
    with project.action("pseudonymise", description, coder=coder, undoable=False):
        pass
    project.conn.execute("PRAGMA secure_delete = ON")
    project.conn.execute("VACUUM")
    project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
