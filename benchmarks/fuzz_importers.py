"""Fuzzing every importer in child processes with time and memory limits, class by class.

Each case is a seeded mutation of a valid file of one format (transcripts: txt md vtt srt docx
odt; codebooks: yaml qdc; projects: qdpx; CSVs: cases, codings): bit flips, truncation, junk,
moved and duplicated lines, values replaced by hostile ones (huge or negative numbers, lone
surrogate escapes, runs of brackets, thousands of digits), aliases, extra columns, and for zip
formats damaged, dropped, renamed, duplicated or added members. Every case runs in a worker
process limited to ``--memory-mb`` of address space (``RLIMIT_AS``) and ``--time-limit``
seconds of CPU per case, against a project restored from the same pristine copy each time.

Each outcome falls in one class:

- ``ok``        the file imported and the project passes ``check``
- ``refused``   workbench's own one-line error, and the project is unchanged (compared row
                by row, search index included)
- ``traceback`` any other exception (a crash the user would see as a stack trace)
- ``multiline`` an error message that is empty or longer than one line
- ``changed``   a refusal that left the project different
- ``unsound``   an accepted import after which ``check`` fails
- ``printed``   something reached standard output or standard error
- ``hang``      over the time limit (CPU time, so a busy machine does not count)
- ``memory``    refused only because the memory limit was reached, or the worker died

    python benchmarks/fuzz_importers.py                         # 200 cases per format
    python benchmarks/fuzz_importers.py --cases 10000 --workers 2
    python benchmarks/fuzz_importers.py --formats yaml,qdc --per-format 500 --seed 7
    python benchmarks/fuzz_importers.py --replay qdpx:17 --out case.qdpx   # write one case

The exit status is 1 when any case falls outside ``ok`` and ``refused``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FORMATS = ("txt", "md", "vtt", "srt", "docx", "odt", "yaml", "qdc", "qdpx", "cases", "codings")
GOOD = ("ok", "refused")
SEED_CHARS = 4000

NASTY = (
    "",
    "-1",
    "0",
    "9" * 25,
    "9" * 5000,
    str(2**63),
    "-" + str(2**64),
    "1e308",
    "NaN",
    "Infinity",
    "\\ud800",
    "\\udfff x",
    "((((" * 300 + ":",
    "=1+2",
    "@SUM(A1)",
    "\u202e",
    "../../etc/passwd",
    "internal://../x.txt",
    "00000000-0000-0000-0000-000000000000",
    "&amp;",
    "\x7f",
    "\t",
    "*a",
    "&a [x]",
    "[" * 200,
)


# --------------------------------------------------------------------------- seeds


def _cut(data: bytes) -> bytes:
    if len(data) <= SEED_CHARS:
        return data
    return data[: data.rindex(b"\n\n", 0, SEED_CHARS) + 1]


def build_seeds(folder: Path) -> dict[str, bytes]:
    """One valid file of each format, made from the repository's sample material."""
    from workbench.interop.qdc import export_qdc
    from workbench.interop.qdpx import export_qdpx
    from workbench.ops.codebook import load_codebook
    from workbench.ops.coding import apply_code
    from workbench.ops.imports import import_files
    from workbench.store.project import Project

    transcripts = REPO / "transcripts"
    seeds = {
        "txt": _cut((transcripts / "DRS01.txt").read_bytes()),
        "md": _cut((transcripts / "NGO01.md").read_bytes()),
        "vtt": _cut((transcripts / "INT01.vtt").read_bytes()),
        "srt": _cut((transcripts / "COM01.srt").read_bytes()),
        "docx": (transcripts / "ACA01.docx").read_bytes(),
        "odt": (transcripts / "MIN01.odt").read_bytes(),
        "yaml": (REPO / "codebooks" / "health-governance.yaml").read_bytes(),
        "cases": (transcripts / "cases.csv").read_bytes(),
    }
    with Project.memory() as project:
        for name, suffix in (("DRS01", "txt"), ("NGO01", "md")):
            path = folder / f"{name}.{suffix}"
            path.write_bytes(seeds[suffix])
            import_files(project, [path])
        load_codebook(project, REPO / "codebooks" / "health-governance.yaml")
        codes = [c for c in project.codes() if c.parent_id is not None][:6]
        for doc in project.documents():
            for n, code in enumerate(codes):
                start = 40 * n
                apply_code(
                    project, doc.id, code.path, start, start + 30, coder=("ana", "luis")[n % 2]
                )
        export_qdc(project, folder / "seed.qdc")
        export_qdpx(project, folder / "seed.qdpx")
        from workbench.ops.codings_io import export_codings_csv

        export_codings_csv(project, folder / "seed.csv")
    seeds["qdc"] = (folder / "seed.qdc").read_bytes()
    seeds["qdpx"] = (folder / "seed.qdpx").read_bytes()
    seeds["codings"] = (folder / "seed.csv").read_bytes()
    return seeds


# --------------------------------------------------------------------------- mutations


def byte_edits(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.choice(("flip", "truncate", "insert", "delete", "shuffle", "duplicate"))
        n = len(out)
        if op == "flip" and n:
            out[rng.randrange(n)] ^= 1 << rng.randrange(8)
        elif op == "truncate":
            out = out[: rng.randint(0, n)]
        elif op == "insert":
            pos = rng.randint(0, n)
            out[pos:pos] = rng.randbytes(rng.randint(1, 40))
        elif op == "delete" and n:
            start = rng.randrange(n)
            del out[start : start + rng.randint(1, 200)]
        elif op in ("shuffle", "duplicate"):
            parts = bytes(out).split(b"\n")
            a = rng.randrange(len(parts))
            b = min(len(parts), a + rng.randint(1, 12))
            window = parts[a:b]
            if op == "shuffle":
                rng.shuffle(window)
                parts[a:b] = window
            else:
                parts[a:a] = window * rng.randint(1, 3)
            out = bytearray(b"\n".join(parts))
    return bytes(out)


_VALUE = {
    "xml": re.compile(rb'="[^"]*"'),
    "yaml": re.compile(rb":[ ]+[^\n]*"),
    "csv": re.compile(rb"[^,\n]+"),
    "json": re.compile(rb'(?<=: )(?:"[^"]*"|-?\d+)'),
    "caption": re.compile(rb"\d+(?=:)"),
    "text": re.compile(rb"[^\n:]+(?=:)"),
}


def value_edits(rng: random.Random, data: bytes, kind: str) -> bytes:
    """Replace one to three values (attributes, YAML values, CSV cells, numbers) by hostile ones."""
    matches = list(_VALUE[kind].finditer(data))
    if not matches:
        return data
    out = bytearray(data)
    for m in sorted(
        rng.sample(matches, min(len(matches), rng.randint(1, 3))), key=lambda m: -m.start()
    ):
        value = rng.choice(NASTY).encode("utf-8", "surrogatepass")
        if kind == "xml":
            value = b'="' + value.replace(b'"', b"") + b'"'
        elif kind == "yaml":
            value = (
                b': "' + value.replace(b'"', b"") + b'"' if rng.random() < 0.5 else b": " + value
            )
        elif kind == "json":
            value = b'"' + value.replace(b'"', b"") + b'"' if rng.random() < 0.5 else value
        out[m.start() : m.end()] = value
    return bytes(out)


def structural(rng: random.Random, data: bytes, fmt: str) -> bytes:
    """Format-specific hostility: aliases, extra columns, huge hours, long runs."""
    if fmt == "yaml":
        n = rng.randint(2, 30)
        chain = "".join(
            f"  - &a{i} {{name: n{i}, codes: [*a{i - 1}, *a{i - 1}]}}\n" for i in range(1, n)
        )
        return b"codes:\n  - &a0 {name: n0}\n" + chain.encode()
    if fmt in ("cases", "codings"):
        width = rng.choice((50, 999, 1001, 5000))
        head, _, rest = data.partition(b"\n")
        return head + b"".join(b",x%d" % i for i in range(width)) + b"\n" + rest
    if fmt in ("vtt", "srt"):
        return re.sub(
            rb"\d\d:(\d\d:\d\d)",
            lambda m: b"9" * rng.choice((10, 400, 5000)) + b":" + m[1],
            data,
            count=2,
        )
    run = rng.choice((b"(", b"$", b"\xe2\x80\x9c", b"<", b"'")) * rng.randint(100, 20000)
    pos = rng.randint(0, len(data))
    return data[:pos] + run + b":" + data[pos:]


def zip_edits(rng: random.Random, data: bytes, fmt: str) -> bytes:
    how = rng.choice(
        ("archive", "truncate", "member", "member", "member", "drop", "rename", "add", "twice")
    )
    if how == "archive":
        return byte_edits(rng, data)
    if how == "truncate":
        return data[: rng.randrange(len(data))]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    index = rng.randrange(len(members))
    name, body = members[index]
    if how == "member":
        if name.endswith((".xml", ".qde")):
            body = value_edits(rng, body, "xml") if rng.random() < 0.5 else byte_edits(rng, body)
        elif name.endswith(".json"):
            body = value_edits(rng, body, "json")
        elif name.endswith(".txt") and rng.random() < 0.3:
            body = (
                b"\xff\xfe"
                + body.decode("utf-8", "replace").encode("utf-16-le")[: -rng.randint(1, 3)]
            )
        else:
            body = byte_edits(rng, body)
        members[index] = (name, body)
    elif how == "drop":
        del members[index]
    elif how == "rename":
        members[index] = (
            rng.choice(("../", "/", "sources/", "a\\..\\..\\", "")) + name.upper(),
            body,
        )
    elif how == "twice":
        members.insert(index, (name, body))
    else:
        members.insert(
            index,
            (
                rng.choice(("junk.bin", "sources/x.txt", "project.QDE", "word/x.xml")),
                rng.randbytes(200),
            ),
        )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, content in members:
            with contextlib.suppress(ValueError):
                zf.writestr(member, content)
    return buf.getvalue()


KIND = {
    "qdc": "xml",
    "yaml": "yaml",
    "cases": "csv",
    "codings": "csv",
    "vtt": "caption",
    "srt": "caption",
    "txt": "text",
    "md": "text",
}


def mutate(seeds: dict[str, bytes], fmt: str, seed: int, index: int) -> bytes:
    """The input of case ``index`` of ``fmt`` (the same every run for the same ``seed``)."""
    rng = random.Random(f"{seed}:{fmt}:{index}")
    data = seeds[fmt]
    if rng.random() < 0.03:
        return rng.randbytes(rng.randint(0, 3000))
    if fmt in ("docx", "odt", "qdpx"):
        return zip_edits(rng, data, fmt)
    roll = rng.random()
    if roll < 0.15:
        return structural(rng, data, fmt)
    if roll < 0.55:
        data = value_edits(rng, data, KIND[fmt])
    if roll >= 0.4:
        data = byte_edits(rng, data)
    return data


# --------------------------------------------------------------------------- one case


class Hang(Exception):
    pass


def _on_cpu_limit(_signum: int, _frame: Any) -> None:
    raise Hang


SUFFIX = {"cases": ".csv", "codings": ".csv"}


class Worker:
    """Runs cases one after another against projects restored from pristine copies."""

    def __init__(self, folder: Path, seeds: dict[str, bytes], time_limit: float):
        from workbench.store.project import Project

        self.folder = folder
        self.seeds = seeds
        self.time_limit = time_limit
        seeded = Project.memory()
        for name, data in (("DRS01.txt", seeds["txt"]), ("NGO01.md", seeds["md"])):
            (folder / name).write_bytes(data)
        from workbench.interop.qdpx import import_qdpx
        from workbench.ops.imports import import_files

        import_qdpx(seeded, folder / "seed.qdpx")
        self.seeded = seeded
        self.pristine = sqlite3.connect(":memory:")
        seeded.conn.backup(self.pristine)
        self.empty = Project.memory()
        self.empty_pristine = sqlite3.connect(":memory:")
        self.empty.conn.backup(self.empty_pristine)
        self.dumps = {
            id(seeded): list(seeded.conn.iterdump()),
            id(self.empty): list(self.empty.conn.iterdump()),
        }
        self._import_files = import_files
        signal.signal(signal.SIGPROF, _on_cpu_limit)

    def restore(self, project: Any) -> None:
        source = self.pristine if project is self.seeded else self.empty_pristine
        source.backup(project.conn)
        project._text_cache.clear()

    def call(self, fmt: str, path: Path, project: Any, merge: bool) -> None:
        if fmt in ("txt", "md", "vtt", "srt", "docx", "odt"):
            self._import_files(project, [path])
        elif fmt in ("yaml", "qdc"):
            from workbench.ops.codebook import load_codebook

            load_codebook(project, path)
        elif fmt == "qdpx":
            from workbench.interop.qdpx import import_qdpx

            import_qdpx(project, path, merge=merge)
        elif fmt == "cases":
            from workbench.ops.cases import import_cases_csv

            import_cases_csv(project, path)
        else:
            from workbench.ops.codings_io import import_codings_csv

            import_codings_csv(project, path)

    def run(self, fmt: str, seed: int, index: int) -> dict[str, Any]:
        from workbench.ops.check import check_project
        from workbench.store.errors import WorkbenchError

        data = mutate(self.seeds, fmt, seed, index)
        path = self.folder / f"case{SUFFIX.get(fmt, '.' + fmt)}"
        path.write_bytes(data)
        merge = fmt == "qdpx" and index % 2 == 1
        project = self.empty if fmt == "qdpx" and not merge else self.seeded
        printed = io.StringIO()
        writes = project.conn.total_changes  # unchanged: nothing was written, no dump needed
        started = time.process_time()
        outcome: dict[str, Any] = {"format": fmt, "index": index}
        signal.setitimer(signal.ITIMER_PROF, self.time_limit)
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                self.call(fmt, path, project, merge)
            signal.setitimer(signal.ITIMER_PROF, 0)
            report = check_project(project)
            outcome["class"] = "ok" if report.ok else "unsound"
            if not report.ok:
                outcome["detail"] = str(report.problems[:2])
        except Hang:
            outcome["class"] = "hang"
        except WorkbenchError as exc:
            signal.setitimer(signal.ITIMER_PROF, 0)
            message = str(exc)
            outcome["detail"] = message[:300]
            if "memory limit" in message:
                outcome["class"] = "memory"
            elif not message.strip() or "\n" in message or "\r" in message:
                outcome["class"] = "multiline"
            elif project.conn.in_transaction or (
                project.conn.total_changes != writes
                and list(project.conn.iterdump()) != self.dumps[id(project)]
            ):
                outcome["class"] = "changed"
            else:
                outcome["class"] = "refused"
        except BaseException as exc:  # noqa: BLE001 - every escape is what is being counted
            signal.setitimer(signal.ITIMER_PROF, 0)
            import traceback

            where = traceback.extract_tb(exc.__traceback__)[-1]
            outcome["class"] = "memory" if isinstance(exc, MemoryError) else "traceback"
            outcome["detail"] = (
                f"{type(exc).__name__}: {str(exc)[:200]} at {where.filename}:{where.lineno}"
            )
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        if outcome["class"] in GOOD and printed.getvalue():
            outcome["class"] = "printed"
            outcome["detail"] = printed.getvalue()[:200]
        outcome["cpu"] = round(time.process_time() - started, 3)
        if project.conn.in_transaction:
            project.conn.execute("ROLLBACK")
        if project.conn.total_changes != writes:
            self.restore(project)
        return outcome


def worker_main(args: argparse.Namespace) -> None:
    """A child: limit memory, read ``FORMAT INDEX`` lines, answer one JSON line each."""
    limit = args.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    answer = os.fdopen(os.dup(1), "w", buffering=1)
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        folder = Path(tmp)
        seeds = build_seeds(folder)
        worker = Worker(folder, seeds, args.time_limit)
        answer.write(json.dumps({"ready": True}) + "\n")
        for line in sys.stdin:
            fmt, index = line.split()
            outcome = worker.run(fmt, args.seed, int(index))
            outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            answer.write(json.dumps(outcome) + "\n")


# --------------------------------------------------------------------------- the parent


class Child:
    def __init__(self, args: argparse.Namespace):
        command = [
            sys.executable,
            __file__,
            "--worker",
            "--seed",
            str(args.seed),
            "--memory-mb",
            str(args.memory_mb),
            "--time-limit",
            str(args.time_limit),
        ]
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        ready = self.proc.stdout.readline()
        if not ready:
            raise SystemExit("a fuzz worker did not start")

    def ask(self, fmt: str, index: int, wall: float) -> dict[str, Any]:
        import selectors

        self.proc.stdin.write(f"{fmt} {index}\n")
        self.proc.stdin.flush()
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=wall):
            self.proc.kill()
            self.proc.wait()
            return {
                "format": fmt,
                "index": index,
                "class": "hang",
                "detail": f"no answer in {wall:.0f} s (wall)",
            }
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            return {
                "format": fmt,
                "index": index,
                "class": "memory",
                "detail": f"worker died ({self.proc.returncode})",
            }
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def run(args: argparse.Namespace) -> dict[str, Any]:
    import threading

    formats = args.formats.split(",") if args.formats else list(FORMATS)
    per = args.per_format or max(1, args.cases // len(formats))
    queue = [(fmt, i) for i in range(per) for fmt in formats]
    results: list[dict[str, Any]] = []
    lock = threading.Lock()
    started = time.monotonic()

    def drain() -> None:
        child = Child(args)
        while True:
            with lock:
                if not queue:
                    break
                fmt, index = queue.pop(0)
            outcome = child.ask(fmt, index, wall=max(120.0, 6 * args.time_limit))
            with lock:
                results.append(outcome)
            if child.proc.poll() is not None:
                child = Child(args)
        child.close()

    threads = [threading.Thread(target=drain) for _ in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    table: dict[str, Counter[str]] = {fmt: Counter() for fmt in formats}
    for r in results:
        table[r["format"]][r["class"]] += 1
    return {
        "cases": len(results),
        "seconds": round(time.monotonic() - started, 1),
        "peak_mb": max((r.get("peak_mb", 0) for r in results), default=0),
        "max_case_cpu": max((r.get("cpu", 0.0) for r in results), default=0.0),
        "classes": {fmt: dict(c) for fmt, c in table.items()},
        "bad": [r for r in results if r["class"] not in GOOD],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200 * len(FORMATS), help="cases in all")
    parser.add_argument("--per-format", type=int, default=0, help="cases per format")
    parser.add_argument(
        "--formats", default="", help="comma-separated subset of " + ",".join(FORMATS)
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=20.0, help="CPU seconds per case")
    parser.add_argument("--memory-mb", type=int, default=1024, help="address space per worker")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--replay", default="", metavar="FORMAT:INDEX")
    parser.add_argument("--out", default="", help="with --replay: where to write the input")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return
    if args.replay:
        fmt, index = args.replay.split(":")
        with tempfile.TemporaryDirectory() as tmp:
            data = mutate(build_seeds(Path(tmp)), fmt, args.seed, int(index))
        Path(args.out or f"case{SUFFIX.get(fmt, '.' + fmt)}").write_bytes(data)
        return
    summary = run(args)
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print(f"fuzz_importers: {summary['cases']} cases, seed {args.seed}, {summary['seconds']} s")
        classes = sorted(
            {c for counts in summary["classes"].values() for c in counts},
            key=lambda c: (c not in GOOD, c),
        )
        print(f"{'format':8}" + "".join(f"{c:>10}" for c in classes))
        for fmt, counts in summary["classes"].items():
            print(f"{fmt:8}" + "".join(f"{counts.get(c, 0):>10}" for c in classes))
        print(
            f"peak memory {summary['peak_mb']} MB (limit {args.memory_mb} MB); slowest case {summary['max_case_cpu']} s CPU (limit {args.time_limit} s)"
        )
        for bad in summary["bad"][:30]:
            print(
                f"  {bad['class']:9} {bad['format']}:{bad['index']}  {bad.get('detail', '')[:160]}"
            )
    sys.exit(1 if summary["bad"] else 0)


if __name__ == "__main__":
    main()
