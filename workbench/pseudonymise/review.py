"""Deciding on candidates, one at a time: accept with a pseudonym, reject, merge into an entry
of the key, or skip. Every decision is written to the key file at once, so a review stopped
half-way resumes where it was: the candidates the key covers are the ones decided.

The app's review screen and scripts call these; the key file is the only state.
"""

from __future__ import annotations

from workbench.i18n import _
from workbench.pseudonymise.detect import Candidate
from workbench.pseudonymise.key import Key, KeyEntry, write_key
from workbench.store.errors import WorkbenchError


def pending(candidates: list[Candidate], key: Key) -> list[Candidate]:
    """The candidates no entry of the key covers yet (accepted or rejected)."""
    from workbench.pseudonymise.detect import mark_known

    mark_known(candidates, key)
    return [c for c in candidates if c.key_entry is None]


def accept(key: Key, candidate: Candidate, pseudonym: str, kind: str | None = None) -> KeyEntry:
    """Add the candidate, with the spellings found of it, as a new accepted entry."""
    entry = KeyEntry(candidate.text, pseudonym, kind or candidate.kind, tuple(candidate.variants))
    key.add(entry)
    write_key(key)
    candidate.key_entry, candidate.key_status = entry.original, entry.status
    return entry


def reject(key: Key, candidate: Candidate) -> KeyEntry:
    """Remember that the candidate identifies no one (the review will not ask again)."""
    entry = KeyEntry(candidate.text, "", candidate.kind, tuple(candidate.variants), "rejected")
    key.add(entry)
    write_key(key)
    candidate.key_entry, candidate.key_status = entry.original, entry.status
    return entry


def merge(key: Key, candidate: Candidate, into: str) -> KeyEntry:
    """Make the candidate (and its spellings) variants of the entry ``into``: "Dr. Quispe"
    and "Rosa Quispe Mamani" are one person."""
    target = key.find(into)
    if target is None:
        raise WorkbenchError(
            _("{into!r} is not in the key").format(into=into), source=str(key.path)
        )
    variants = tuple(dict.fromkeys((*target.variants, candidate.text, *candidate.variants)))
    merged = KeyEntry(target.original, target.pseudonym, target.kind, variants, target.status)
    key.add(merged, replace_existing=True)
    write_key(key)
    candidate.key_entry, candidate.key_status = merged.original, merged.status
    return merged
