"""Hostile inputs made inside the tests, and a child process that runs workbench under limits.

Each generator builds one of the files that once escaped as a traceback, a hang or a memory
blow-up (issue "hostile files refused within bounds"). ``run_limited`` runs the command line in
a fresh process with an address-space limit (``RLIMIT_AS``) and a CPU-time limit, so a test
checks the bound itself instead of timing or measuring anything.
"""

from __future__ import annotations

import io
import os
import re
import resource
import sqlite3
import struct
import subprocess
import sys
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GIB = 1024**3


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.err.strip().splitlines()


def run_limited(*args: str, memory: int = GIB, cpu: int = 60, cwd: Path | None = None) -> Outcome:
    """``workbench ARGS`` in a child with ``memory`` bytes of address space and ``cpu``
    seconds of CPU time (SIGXCPU kills a hang; a blow-up meets MemoryError)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("WORKBENCH_PROJECT", None)
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        env=env,
        cwd=cwd or REPO,
        timeout=cpu * 4,
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def assert_one_line_refusal(result: Outcome, *needles: str) -> str:
    """Exit status 1, no traceback, one ``error:`` line naming each of ``needles``."""
    assert result.code == 1, (result.code, result.err[-2000:])
    assert "Traceback" not in result.err, result.err[-2000:]
    assert len(result.lines) == 1, result.err[-2000:]
    line = result.lines[0]
    assert line.startswith("error: "), line
    for needle in needles:
        assert needle in line, (needle, line)
    return line


def dump(path: Path) -> list[str]:
    """Every row of the project file, to compare before and after a refusal."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


# --------------------------------------------------------------------------- zip files


def rezip(source: Path, target: Path, change) -> None:
    """Copy the archive ``source`` to ``target`` with ``change(name, data) -> data``."""
    with zipfile.ZipFile(source) as zf:
        members = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, change(name, data))


def _deflate_repeated(unit: bytes, size: int) -> bytes:
    """A raw deflate stream of ``unit`` repeated to ``size`` bytes, made in milliseconds:
    after a full flush the compressor's output for the same input is the same bytes, so one
    compressed block is repeated instead of compressing a gigabyte."""
    block = unit * max(1, (1 << 20) // len(unit))
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    repeats, rest = divmod(size, len(block))
    tail = co.compress(block[:rest]) + co.flush(zlib.Z_FINISH)
    return segment * repeats + tail


def zip_with_bomb(members: list[tuple[str, bytes]], name: str, unit: bytes, size: int) -> bytes:
    """A zip of ``members`` plus ``name``, a deflated member expanding to ``size`` bytes of
    ``unit``. Its CRC is not that of the content: a reader finds out only after it has
    expanded the whole member, which is the harm being tested."""
    out = io.BytesIO()
    central = []
    entries = [(n, zlib.compress(d)[2:-4], len(d), zlib.crc32(d)) for n, d in members]
    entries.append((name, _deflate_repeated(unit, size), size, 0))
    for member, packed, length, crc in entries:
        offset = out.tell()
        raw = member.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), length, len(raw), 0
            )
        )
        out.write(raw)
        out.write(packed)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(packed),
                length,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
        )
    )
    return out.getvalue()


def members_of(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


# --------------------------------------------------------------------------- REFI-QDA files


def seed_project(folder: Path) -> Path:
    """A small project file (two interviews, codes, codings by two coders, memos)."""
    from tests import refi_helpers
    from workbench.store.project import Project

    path = folder / "seed.db"
    with Project.open(path) as project:
        refi_helpers.build(project)
    return path


def seed_qdpx(folder: Path) -> Path:
    from workbench.interop.qdpx import export_qdpx
    from workbench.store.project import Project

    out = folder / "seed.qdpx"
    with Project.open(seed_project(folder)) as project:
        export_qdpx(project, out)
    return out


def many_sources_qdpx(folder: Path, count: int, size: int = 1024**2) -> Path:
    """A qdpx whose ``count`` sources each expand to ``size`` bytes (1 MiB: just under the
    per-member compression-ratio guard) from a few kilobytes."""
    seed = seed_qdpx(folder)
    qde = dict(members_of(seed))["project.qde"].decode("utf-8")
    sources, files = [], []
    for i in range(count):
        guid = str(uuid.UUID(int=i + 1)).upper()
        sources.append(
            f'<TextSource guid="{guid}" name="S{i}" plainTextPath="internal://{guid}.txt"/>'
        )
        files.append(
            (
                f"sources/{guid}.txt",
                (f"Ana: palabra {i} y más. " * (size // 20 + 1)).encode()[:size],
            )
        )
    qde = re.sub(
        r"<Sources>.*</Sources>", "<Sources>" + "".join(sources) + "</Sources>", qde, flags=re.S
    )
    out = folder / "many.qdpx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("project.qde", qde)
        for name, data in files:
            zf.writestr(name, data)
    return out
