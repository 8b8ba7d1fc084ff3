"""The pseudonym key: who and what each pseudonym stands for, in a file of its own.

The key is identity data. It never enters the project file, an export or the action log: it
lives in its own CSV or YAML file (``--key FILE``, by default ``NAME.key.csv`` beside the
project ``NAME.db``), written whole and readable by its owner only (0600).

A row is ``original, pseudonym, kind, variants, status``: ``variants`` lists other spellings
merged into the entry (``|`` between them in CSV, a list in YAML); ``status`` is ``accepted``
(the entry is replaced and checked for) or ``rejected`` (a candidate the reviewer decided is
no identifier, remembered so the review does not ask again).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.i18n import _
from workbench.pseudonymise.folding import fold
from workbench.store.errors import InputFileError, WorkbenchError

KINDS = ("person", "place", "organisation", "post", "contact", "number")
STATUSES = ("accepted", "rejected")
COLUMNS = ("original", "pseudonym", "kind", "variants", "status")
SUFFIXES = (".csv", ".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class KeyEntry:
    original: str
    pseudonym: str = ""
    kind: str = "person"
    variants: tuple[str, ...] = ()
    status: str = "accepted"

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def forms(self) -> tuple[str, ...]:
        """The original and the variants merged into it."""
        return (self.original, *self.variants)


@dataclass
class Key:
    """The entries of one key file, in the order they were added."""

    path: Path
    entries: list[KeyEntry] = field(default_factory=list)

    def accepted(self) -> list[KeyEntry]:
        return [e for e in self.entries if e.accepted]

    def find(self, text: str) -> KeyEntry | None:
        """The entry with ``text`` as its original or one of its variants (letter case and
        accents aside)."""
        wanted = fold(" ".join(text.split()))
        for entry in self.entries:
            if any(fold(" ".join(f.split())) == wanted for f in entry.forms()):
                return entry
        return None

    def add(self, entry: KeyEntry, *, replace_existing: bool = False) -> None:
        entry = clean_entry(entry, source=str(self.path))
        found = self.find(entry.original)
        entries = list(self.entries)
        if found is not None:
            if not replace_existing:
                raise WorkbenchError(
                    _("{original!r} is in the key already (as {found!r})").format(
                        original=entry.original, found=found.original
                    ),
                    source=str(self.path),
                )
            entries[entries.index(found)] = entry
        else:
            entries.append(entry)
        validate(entries, source=str(self.path))  # the key changes only when it stays sound
        self.entries = entries

    def remove(self, original: str) -> KeyEntry:
        found = self.find(original)
        if found is None:
            raise WorkbenchError(
                _("{original!r} is not in the key").format(original=original),
                source=str(self.path),
            )
        self.entries.remove(found)
        return found

    def next_pseudonym(self, kind: str) -> str:
        """``Participant 04``, ``Place 02`` ...: the next free numbered label of ``kind``."""
        stem = LABEL_STEMS.get(kind, kind.title())
        taken = {fold(e.pseudonym) for e in self.entries}
        n = 1
        while fold(f"{stem} {n:02d}") in taken:
            n += 1
        return f"{stem} {n:02d}"


#: the numbered label each kind's pseudonyms get by default
LABEL_STEMS = {
    "person": "Participant",
    "place": "Place",
    "organisation": "Organisation",
    "post": "Post",
    "contact": "Contact",
    "number": "Number",
}


#: a one-word form more common than this (log probability, in Spanish or English) is one of
#: the commonest words of the language: "La", "The", "Will"
COMMONEST = -8.0


def common_word_forms(key: Key) -> list[tuple[str, str]]:
    """(form, language) for each accepted one-word form that is among the commonest words of
    Spanish or English. ``apply`` replaces such a form wherever it is written with a
    capital ("La" at every sentence start), which is rarely what was meant: the commands
    that add to a key or apply it warn of it."""
    from workbench.pseudonymise.lexicon import LANGUAGES, lexicon

    out = []
    for entry in key.accepted():
        for form in entry.forms():
            word = form.strip()
            if not word or len(word.split()) > 1 or any(c.isdigit() for c in word):
                continue
            if word.isupper() and len(word) > 1 and entry.kind != "person":
                continue  # an acronym: replaced only where written in capitals ("HIS")
            for lang in LANGUAGES:
                prob = lexicon(lang).prob(word.lower())
                if prob is not None and prob > COMMONEST:
                    out.append((word, lang))
                    break
    return out


def default_key_path(project_path: str | os.PathLike[str]) -> Path:
    """``study.key.csv`` beside ``study.db``: apart from the project, never inside it."""
    path = Path(project_path)
    return path.with_name(path.stem + ".key.csv")


def clean_entry(entry: KeyEntry, *, source: str, place: str | None = None) -> KeyEntry:
    """The entry with spaces tidied; one clear line when a field is missing or unknown."""
    original = " ".join(entry.original.split())
    pseudonym = " ".join(entry.pseudonym.split())
    kind = (entry.kind or "person").strip().lower()
    status = (entry.status or "accepted").strip().lower()
    variants = tuple(dict.fromkeys(" ".join(v.split()) for v in entry.variants if v and v.strip()))
    if not original:
        raise WorkbenchError(_("a key entry needs the original text"), source=source, place=place)
    if kind not in KINDS:
        raise WorkbenchError(
            _("unknown kind {kind!r}; use one of {kinds}").format(
                kind=kind, kinds=", ".join(KINDS)
            ),
            source=source,
            place=place,
        )
    if status not in STATUSES:
        raise WorkbenchError(
            _("unknown status {status!r}; use accepted or rejected").format(status=status),
            source=source,
            place=place,
        )
    if status == "accepted" and not pseudonym:
        raise WorkbenchError(
            _("{original!r} has no pseudonym").format(original=original), source=source, place=place
        )
    return KeyEntry(original, pseudonym, kind, variants, status)


def validate(entries: Iterable[KeyEntry], *, source: str) -> None:
    """Refuse a key that would be ambiguous: one spelling in two entries, or a pseudonym that
    is itself an identifier of the key (replacing would then put a name back in)."""
    owner: dict[str, str] = {}
    listed = list(entries)
    for entry in listed:
        for form in entry.forms():
            folded = fold(form)
            if folded in owner and owner[folded] != entry.original:
                raise WorkbenchError(
                    _("{form!r} belongs to two key entries ({a!r} and {b!r})").format(
                        form=form, a=owner[folded], b=entry.original
                    ),
                    source=source,
                )
            owner[folded] = entry.original
    accepted = [e for e in listed if e.accepted]
    matcher = None
    for entry in accepted:
        bare = entry.pseudonym.strip("[] ")
        if not bare:
            raise WorkbenchError(
                _("{original!r} has no pseudonym").format(original=entry.original), source=source
            )
        if fold(bare) in owner and _accepted(listed, owner[fold(bare)]):
            raise WorkbenchError(
                _("the pseudonym {pseudonym!r} of {original!r} is itself a key entry").format(
                    pseudonym=entry.pseudonym, original=entry.original
                ),
                source=source,
            )
        if matcher is None:
            from workbench.pseudonymise.forms import Matcher

            # every form in any letter case: a pseudonym must not bring any name back
            matcher = Matcher(accepted, is_word=lambda _word, _language: False, shared=True)
        hits = matcher.find(entry.pseudonym)
        if hits:
            raise WorkbenchError(
                _(
                    "the pseudonym {pseudonym!r} of {original!r} writes {found!r}, a form of "
                    "the key entry {entry!r}"
                ).format(
                    pseudonym=entry.pseudonym,
                    original=entry.original,
                    found=entry.pseudonym[hits[0].start : hits[0].end],
                    entry=matcher.entries[hits[0].entry].original,
                ),
                source=source,
            )


def _accepted(entries: list[KeyEntry], original: str) -> bool:
    return any(e.original == original and e.accepted for e in entries)


# ------------------------------------------------------------------------- the file


def read_key(path: str | os.PathLike[str], *, missing_ok: bool = False) -> Key:
    """Read a key file (CSV or YAML by its suffix). A missing file is an empty key when
    ``missing_ok`` (the first ``key add`` creates it)."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise InputFileError(_("a key file is .csv or .yaml"), source=str(path))
    if not path.exists():
        if missing_ok:
            return Key(path)
        raise InputFileError(_("no key file here"), source=str(path))
    try:
        raw = path.read_bytes()
        text = _decode(raw, path)
    except OSError as exc:
        raise InputFileError(
            _("cannot read: {why}").format(why=exc.strerror), source=str(path)
        ) from None
    if "\x00" in text:
        raise InputFileError(_("not a CSV or YAML text file"), source=str(path))
    rows = _read_yaml(text, path) if path.suffix.lower() != ".csv" else _read_csv(text, path)
    entries: list[KeyEntry] = []
    for place, row in rows:
        entries.append(clean_entry(row, source=str(path), place=place))
    validate(entries, source=str(path))
    return Key(path, entries)


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252: what Excel writes
    when a Spanish or English Windows saves a sheet as CSV."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        if b"\x00" not in raw:
            return raw.decode("cp1252")
    except UnicodeDecodeError:
        pass
    raise InputFileError(_("not a CSV or YAML text file (not UTF-8)"), source=str(path))


def _read_csv(text: str, path: Path) -> list[tuple[str, KeyEntry]]:
    first = text.splitlines()[0] if text.strip() else ""
    # commas, or the semicolons (tabs) a spreadsheet writes where the comma is a decimal mark
    delimiter = max(",;\t", key=first.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "original" not in header:
        raise InputFileError(
            _("not a key: the first line must name the columns {columns}").format(
                columns=",".join(COLUMNS)
            ),
            source=str(path),
            place="1",
        )
    reader.fieldnames = header
    out = []
    try:
        for row in reader:
            if None in row:
                raise InputFileError(
                    _("more fields than columns"), source=str(path), place=str(reader.line_num)
                )
            if not any((v or "").strip() for v in row.values()):
                continue
            variants = [v for v in (row.get("variants") or "").split("|")]
            entry = KeyEntry(
                row.get("original") or "",
                row.get("pseudonym") or "",
                row.get("kind") or "person",
                tuple(variants),
                row.get("status") or "accepted",
            )
            out.append((str(reader.line_num), entry))
    except csv.Error as exc:
        raise InputFileError(str(exc), source=str(path), place=str(reader.line_num)) from None
    return out


def _read_yaml(text: str, path: Path) -> list[tuple[str, KeyEntry]]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputFileError(
            _("not valid YAML: {why}").format(why=getattr(exc, "problem", None) or exc),
            source=str(path),
            place=str(mark.line + 1) if mark else None,
        ) from None
    if data is None:
        return []
    if isinstance(data, dict) and "entries" in data:
        data = data["entries"]
    if not isinstance(data, list):
        raise InputFileError(_("a YAML key is a list of entries"), source=str(path))
    out = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise InputFileError(
                _("entry {n} is not a mapping of original, pseudonym, kind").format(n=i),
                source=str(path),
            )
        variants = item.get("variants") or []
        if isinstance(variants, str):
            variants = variants.split("|")
        entry = KeyEntry(
            str(item.get("original") or ""),
            str(item.get("pseudonym") or ""),
            str(item.get("kind") or "person"),
            tuple(str(v) for v in variants),
            str(item.get("status") or "accepted"),
        )
        out.append((f"entry {i}", entry))
    return out


def write_key(key: Key) -> None:
    """Write the key whole, readable by its owner only."""
    from workbench.files import write_atomic

    if key.path.suffix.lower() == ".csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(COLUMNS)
        for e in key.entries:
            writer.writerow([e.original, e.pseudonym, e.kind, "|".join(e.variants), e.status])
        data = buf.getvalue()
    else:
        import yaml

        data = yaml.safe_dump(
            [
                {
                    "original": e.original,
                    "pseudonym": e.pseudonym,
                    "kind": e.kind,
                    "variants": list(e.variants),
                    "status": e.status,
                }
                for e in key.entries
            ],
            allow_unicode=True,
            sort_keys=False,
        )
    write_atomic(key.path, data.encode("utf-8"), mode=0o600)


def merge_entries(key: Key, incoming: Iterable[KeyEntry]) -> tuple[int, int]:
    """Add ``incoming`` entries to ``key`` (an entry already there is replaced); returns
    (added, replaced). The key is checked whole before anything is written."""
    added = replaced = 0
    entries = list(key.entries)
    for entry in incoming:
        found = next(
            (i for i, e in enumerate(entries) if fold(e.original) == fold(entry.original)), None
        )
        if found is None:
            entries.append(entry)
            added += 1
        else:
            entries[found] = replace(entry)
            replaced += 1
    validate(entries, source=str(key.path))
    key.entries = entries
    return added, replaced


def loose_permissions(path: Path) -> bool:
    """True when others than the owner may read the key file."""
    try:
        return bool(path.stat().st_mode & 0o077)
    except OSError:
        return False
