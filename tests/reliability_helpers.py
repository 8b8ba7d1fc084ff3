"""Helpers for the reliability tests: project snapshots and input mutators for fuzzing.

The fuzz tests feed the readers broken files and check two things: only a ``WorkbenchError``
with a one-line message comes out, and a failed read leaves the project exactly as it was. A
project is compared through a dump of every table (FTS shadow tables included), which catches
any stray write, committed or not, on the connection under test.
"""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from collections.abc import Callable

from hypothesis import strategies as st

from workbench.ops.check import check_project
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

# --------------------------------------------------------------------------- project guard


def dump(project: Project) -> list[str]:
    """Every row of every table as SQL text, in a stable order."""
    return list(project.conn.iterdump())


class Guard:
    """An in-memory project plus a pristine copy to compare against and to reset from."""

    def __init__(self, project: Project):
        self.project = project
        self.pristine = sqlite3.connect(":memory:")
        project.conn.backup(self.pristine)
        self.before = dump(project)

    def reset(self) -> None:
        """Put the project back to its pristine state (after an input that did import)."""
        self.pristine.backup(self.project.conn)
        self.project._text_cache.clear()
        assert dump(self.project) == self.before

    def attempt(self, call: Callable[[Project], object]) -> WorkbenchError | None:
        """Run ``call``; only a one-line ``WorkbenchError`` may escape, and it changes nothing.

        A call that succeeds (a mutated file can still be a valid file) must leave a project
        that passes ``check``; the project is then reset for the next example.
        """
        try:
            call(self.project)
        except WorkbenchError as exc:
            message = str(exc)
            assert message.strip(), f"empty message from {type(exc).__name__}"
            assert "\n" not in message and "\r" not in message, message
            assert not self.project.conn.in_transaction, "a transaction was left open"
            assert dump(self.project) == self.before, f"project changed by a failed read: {exc}"
            return exc
        report = check_project(self.project)
        assert report.ok, report.problems[:3]
        self.reset()
        return None


# --------------------------------------------------------------------------- mutators

NASTY_VALUES = (
    "",
    " ",
    "-1",
    "0",
    "2147483648",
    "99999999999999999999",
    "1e308",
    "NaN",
    "abc",
    "\u202e",
    "../../etc/passwd",
    "internal://../x.txt",
    "C:\\x",
    "%s%n",
    "&amp;",
    "\u00e9\u0301",
    "00000000-0000-0000-0000-000000000000",
    "\x7f",
)
NASTY_YAML = (
    "[",
    "]",
    "{",
    "}",
    "&a x",
    "*a",
    "*undefined",
    "!!python/object:os.system",
    "null",
    "~",
    "- x",
    "1e999",
    "'",
    '"',
    "|",
    ">",
    "? x",
    "!!binary AAAA",
    "{a: b}",
    "[1, [2, [3]]]",
    "<<: *a",
    "\t",
    "%YAML 1.1",
    "---",
    "...",
    "@",
    "`",
    "0x1F",
    "2024-13-45",
    "[" * 600 + "]" * 600,  # nesting deeper than the YAML parser's recursion allows
)

_ATTR = re.compile(rb'="[^"]*"')
_YAML_VALUE = re.compile(rb":[ ]+[^\n]*")


def byte_mutation(draw, data: bytes, *, lines: bool) -> bytes:
    """One to four edits: bit flips, truncation, junk inserted, a range deleted, lines moved."""
    data = bytearray(data)
    ops = ["flip", "truncate", "insert", "delete"] + (["shuffle", "duplicate"] if lines else [])
    for op in draw(st.lists(st.sampled_from(ops), min_size=1, max_size=4)):
        n = len(data)
        if op == "flip" and n:
            pos = draw(st.integers(0, n - 1))
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            data = data[: draw(st.integers(0, n))]
        elif op == "insert":
            pos = draw(st.integers(0, n))
            data[pos:pos] = draw(st.binary(min_size=1, max_size=40))
        elif op == "delete" and n:
            start = draw(st.integers(0, n - 1))
            del data[start : start + draw(st.integers(1, 200))]
        elif op in ("shuffle", "duplicate"):
            parts = bytes(data).split(b"\n")
            rnd = draw(st.randoms(use_true_random=False))
            a = rnd.randrange(len(parts))
            b = min(len(parts), a + rnd.randrange(1, 12))
            if op == "shuffle":
                window = parts[a:b]
                rnd.shuffle(window)
                parts[a:b] = window
            else:
                parts[a:a] = parts[a:b]
            data = bytearray(b"\n".join(parts))
    return bytes(data)


def value_mutation(
    draw,
    data: bytes,
    pattern: re.Pattern[bytes],
    values: tuple[str, ...],
    wrap: Callable[[str], bytes],
) -> bytes:
    """Replace one to three matches of ``pattern`` (attribute or YAML values) by nasty ones."""
    matches = list(pattern.finditer(data))
    if not matches:
        return data
    chosen = draw(st.lists(st.integers(0, len(matches) - 1), min_size=1, max_size=3, unique=True))
    out = bytearray(data)
    for index in sorted(chosen, reverse=True):
        m = matches[index]
        out[m.start() : m.end()] = wrap(draw(st.sampled_from(values)))
    return bytes(out)


@st.composite
def mutated_text(draw, seed: bytes) -> bytes:
    """A text file (transcript, caption file) with a few byte- and line-level edits."""
    return byte_mutation(draw, seed, lines=True)


@st.composite
def mutated_xml(draw, seed: bytes) -> bytes:
    """An XML file with attribute values replaced, and sometimes byte-level damage too."""
    data = seed
    if draw(st.booleans()):
        data = value_mutation(
            draw, data, _ATTR, NASTY_VALUES, lambda v: b'="' + v.encode("utf-8") + b'"'
        )
    if draw(st.booleans()) or data == seed:
        data = byte_mutation(draw, data, lines=True)
    return data


@st.composite
def mutated_yaml(draw, seed: bytes) -> bytes:
    """A YAML codebook with values replaced by YAML oddities, lines moved, bytes damaged."""
    data = seed
    if draw(st.booleans()):
        data = value_mutation(
            draw, data, _YAML_VALUE, NASTY_YAML, lambda v: b": " + v.encode("utf-8")
        )
    if draw(st.booleans()) or data == seed:
        data = byte_mutation(draw, data, lines=True)
    return data


def read_zip(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def write_zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


@st.composite
def mutated_zip(draw, seed: bytes, xml_members: tuple[str, ...] = ()) -> bytes:
    """A zip-based file (.docx, .odt, .qdpx) damaged as a whole or member by member.

    Whole-archive damage: bit flips, truncation, junk. Member damage keeps a valid zip around
    broken content: a member's bytes or XML attributes mutated, a member dropped, renamed
    (also to unsafe names), or a junk member added.
    """
    how = draw(
        st.sampled_from(["archive", "truncate", "member", "member", "drop", "rename", "add"])
    )
    if how == "archive":
        return byte_mutation(draw, seed, lines=False)
    if how == "truncate":
        return seed[: draw(st.integers(0, len(seed) - 1))]
    members = read_zip(seed)
    index = draw(st.integers(0, len(members) - 1))
    name, data = members[index]
    if how == "member":
        if name in xml_members or (not xml_members and name.endswith(".xml")):
            data = draw(mutated_xml(data))
        else:
            data = byte_mutation(draw, data, lines=True)
        members[index] = (name, data)
    elif how == "drop":
        del members[index]
    elif how == "rename":
        new = draw(
            st.sampled_from(
                [
                    "../" + name,
                    "/" + name,
                    name.upper(),
                    name + ".bak",
                    "sources/" + name,
                    "a\\..\\..\\" + name,
                ]
            )
        )
        members[index] = (new, data)
    else:
        members.insert(
            index,
            (
                draw(
                    st.sampled_from(["junk.bin", "sources/x.txt", "project.QDE", "word/extra.xml"])
                ),
                draw(st.binary(max_size=200)),
            ),
        )
    return write_zip(members)
