"""Limits benchmark: a 30 MB transcript, 10,000 codes, a 12-level codebook, 1,000,000 codings.

Each scenario runs in its own process, so each peak memory figure (``ru_maxrss``) is that
scenario's alone; the first scenario only imports workbench and opens an empty project, and is
the baseline every other peak is compared with. A scenario passes when it works (or refuses
with a clear ``WorkbenchError``) and its peak stays under the 1 GB floor. All data is
synthetic and generated from fixed seeds.

    python benchmarks/bench_limits.py           # the full limits (a few minutes)
    python benchmarks/bench_limits.py --quick   # the same scenarios at a small scale
    python benchmarks/bench_limits.py --only codes,deep
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FLOOR_MB = 1024
FULL = {
    "transcript_mb": 30,  # under the 32 MB transcript limit (workbench.limits)
    "codes": 10_000,
    "depth": 12,
    "codings": 1_000_000,
    "documents": 40,
    "doc_chars": 25_000,
    "coding_codes": 200,
}
QUICK = {
    "transcript_mb": 1,
    "codes": 1_000,
    "depth": 12,
    "codings": 20_000,
    "documents": 5,
    "doc_chars": 10_000,
    "coding_codes": 50,
}

WORDS = (
    "la participación de la comunidad en el consejo regional de salud fue limitada porque "
    "el presupuesto dependía del gobierno central the regional health council met every "
    "month but civil society members said they were invited late and could not read the "
    "budget documents before the vote so their voice was weak while the ministry kept control"
).split()


# --------------------------------------------------------------------------- data


def sentences(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 22)))
        out.append(body[0].upper() + body[1:] + rng.choice("....?!"))
    return out


def big_transcript(path: Path, megabytes: int) -> int:
    """A transcript of ``megabytes`` MB: two speakers, turns of one to eight sentences."""
    rng = random.Random(50)
    pool = sentences(rng, 5_000)
    target = megabytes * 1_000_000
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        turn = 0
        while size < target:
            speaker = "Entrevistadora" if turn % 2 == 0 else "Dr. Rosa Quispe"
            line = f"{speaker}: {' '.join(rng.choices(pool, k=rng.randint(1, 8)))}\n\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            turn += 1
    return size


def wide_codebook(path: Path, total: int) -> None:
    """``total`` codes: groups of 99 subcodes under one top-level code each."""
    lines = ["name: Wide codebook", "codes:"]
    groups = max(1, total // 100)
    for g in range(groups):
        lines += [f"  - name: Group {g:03d}", f"    description: Theme number {g}.", "    codes:"]
        lines += [f"      - name: Code {g:03d}.{c:02d}" for c in range(total // groups - 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def deep_codebook(path: Path, depth: int) -> None:
    """A chain ``depth`` levels deep, with a leaf sibling beside every link of the chain."""
    lines = ["name: Deep codebook", "codes:"]
    for level in range(1, depth + 1):
        pad = "    " * (level - 1)
        lines += [
            f"{pad}  - name: Leaf {level}",
            f"{pad}  - name: Level {level}",
            f"{pad}    description: depth {level}",
        ]
        if level < depth:
            lines.append(f"{pad}    codes:")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def coded_project(path: Path, scale: dict, codings: int | None = None) -> str:
    """Documents, a codebook, two coders who marked everything done, and many codings.

    Codings are bulk-inserted with ``executemany`` inside one non-undoable action: the setup of
    a benchmark, not a user action whose undo log matters.
    """
    from workbench.ingest.base import ParsedTranscript, ParsedTurn
    from workbench.ops.codes import add_code
    from workbench.ops.coding import mark_done
    from workbench.ops.documents import add_document
    from workbench.store.project import Project

    codings = scale["codings"] if codings is None else codings
    rng = random.Random(1_000_000)
    pool = sentences(rng, 2_000)
    project = Project.open(path)
    for d in range(scale["documents"]):
        parts, spans, pos = [], [], 0
        while pos < scale["doc_chars"]:
            s = rng.choice(pool)
            parts.append(s)
            spans.append((pos, pos + len(s)))
            pos += len(s) + 1
        text = " ".join(parts)
        add_document(
            project,
            ParsedTranscript(text, [ParsedTurn(0, len(text), "P")]),
            name=f"doc{d:03d}",
            sentences=spans,
        )
    n_codes = scale["coding_codes"]
    paths = [f"Group {i // 20}/Code {i}" for i in range(n_codes)]
    for code_path in paths:
        add_code(project, code_path)
    code_ids = [project.code(p).id for p in paths]
    coders = [project.coder_id("maria"), project.coder_id("james")]
    docs = [(d.id, d.length) for d in project.documents()]
    for doc_id, _ in docs:
        for coder in ("maria", "james"):
            mark_done(project, doc_id, coder)
    stamp = "2024-06-01T12:00:00.000+00:00"

    def rows():
        for i in range(codings):
            doc_id, length = docs[i % len(docs)]
            start = rng.randrange(0, length - 210)
            yield (
                str(uuid.UUID(int=rng.getrandbits(128))).upper(),
                doc_id,
                rng.choice(code_ids),
                coders[i % 2],
                start,
                start + rng.randint(5, 200),
                "manual",
                stamp,
            )

    with project.action("bulk-codings", "benchmark codings", undoable=False):
        project.conn.executemany(
            'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", source, '
            "created_at) VALUES (?,?,?,?,?,?,?,?)",
            rows(),
        )
    project.close()
    return f"{len(docs)} documents, {n_codes} codes, {codings:,} codings"


def codings_csv(project_path: Path, csv_path: Path, count: int) -> None:
    """A codings CSV (document, code, coder, start, end) for the project at ``project_path``."""
    import csv

    from workbench.store.project import Project

    rng = random.Random(7)
    with Project.open(project_path) as project:
        docs = [(d.name, d.length) for d in project.documents()]
        paths = [c.path for c in project.codes() if c.parent_id is not None]
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["document", "code", "coder", "start", "end"])
        for i in range(count):
            name, length = docs[i % len(docs)]
            start = rng.randrange(0, length - 210)
            out.writerow(
                [
                    name,
                    rng.choice(paths),
                    ("maria", "james")[i % 2],
                    start,
                    start + rng.randint(5, 200),
                ]
            )


# --------------------------------------------------------------------------- scenarios


def open_project(path: Path):
    from workbench.store.project import Project

    return Project.open(path, create=False)


def run_check_command(path: Path) -> str:
    """``workbench check`` itself, run in this process so its memory is measured."""
    import contextlib
    import io

    from workbench.cli import main

    sys.argv = ["workbench", "-p", str(path), "check"]
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
    if code:
        raise RuntimeError(f"workbench check failed: {err.getvalue().strip()[:300]}")
    return out.getvalue().strip()[:120]


def scenario(name: str, work: Path, scale: dict) -> str:
    """Run one scenario; return a one-line description of what it did."""
    if name == "baseline":
        import workbench.analysis.agreement  # noqa: F401
        import workbench.analysis.cooccurrence  # noqa: F401
        import workbench.ingest  # noqa: F401
        from workbench.store.project import Project

        Project.open(work / "empty.db").close()
        return "import workbench, open an empty project"
    if name == "transcript":
        from workbench.ops.imports import import_files
        from workbench.store.project import Project

        (work / "transcript.db").unlink(missing_ok=True)
        source = work / "big.txt"
        size = big_transcript(source, scale["transcript_mb"])
        with Project.open(work / "transcript.db") as project:
            [doc] = import_files(project, [source])
            turns = len(project.turns(doc.id))
            sents = project.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
        return f"{size / 1e6:.1f} MB, {doc.length:,} chars, {turns:,} turns, {sents:,} sentences"
    if name == "transcript-check":
        return run_check_command(work / "transcript.db")
    if name in ("codes", "deep"):
        from workbench.ops.codebook import load_codebook
        from workbench.store.project import Project

        book = work / f"{name}.yaml"
        if name == "codes":
            wide_codebook(book, scale["codes"])
        else:
            deep_codebook(book, scale["depth"])
        (work / f"{name}.db").unlink(missing_ok=True)
        with Project.open(work / f"{name}.db") as project:
            report = load_codebook(project, book)
            start = time.perf_counter()
            codes = project.codes()
            listing = time.perf_counter() - start
            deepest = max(c.path.count("/") + 1 for c in codes)
            leaf = max(codes, key=lambda c: c.path.count("/")).path
            start = time.perf_counter()
            project.code(leaf)
            lookup = time.perf_counter() - start
        return (
            f"{len(report.added):,} codes loaded, {deepest} levels deep; list all codes "
            f"{listing * 1000:.0f} ms, find one by path {lookup * 1000:.0f} ms"
        )
    if name == "codings-setup":
        if (work / "codings.db").exists():
            return "reusing codings.db from the --keep folder"
        return coded_project(work / "codings.db", scale)
    if name == "codings-csv":
        from workbench.ops.codings_io import import_codings_csv

        (work / "csv.db").unlink(missing_ok=True)
        coded_project(work / "csv.db", scale, codings=0)
        codings_csv(work / "csv.db", work / "codings.csv", scale["codings"])
        with open_project(work / "csv.db") as project:
            start = time.perf_counter()
            added = import_codings_csv(project, work / "codings.csv")
            took = time.perf_counter() - start
        return f"import_codings_csv added {added:,} codings as one action in {took:.1f} s"
    if name == "codings-list":
        with open_project(work / "codings.db") as project:
            n = len(project.codings())
        return f"project.codings() returned {n:,}"
    if name == "codings-check":
        return run_check_command(work / "codings.db")
    if name == "cooccurrence":
        from workbench.analysis.cooccurrence import cooccurrence

        with open_project(work / "codings.db") as project:
            result = cooccurrence(project)
            pairs = len(result.pairs) if hasattr(result, "pairs") else "?"
        return f"overlap co-occurrence: {pairs} code pairs"
    if name == "agreement":
        from workbench.analysis.agreement import agreement

        with open_project(work / "codings.db") as project:
            result = agreement(project, unit="char")
        return (
            f"character agreement over {len(result.documents)} documents, "
            f"{len(result.codes)} codes, alpha {result.alpha:.3f}"
        )
    if name == "agreement-sentence":
        from workbench.analysis.agreement import agreement

        with open_project(work / "codings.db") as project:
            result = agreement(project, unit="sentence")
        return f"sentence agreement, kappa {result.kappa:.3f}"
    raise SystemExit(f"unknown scenario {name}")


SCENARIOS = (
    "baseline",
    "transcript",
    "transcript-check",
    "codes",
    "deep",
    "codings-setup",
    "codings-list",
    "codings-check",
    "cooccurrence",
    "agreement",
    "agreement-sentence",
    "codings-csv",
)


def child(name: str, work: Path, scale: dict) -> None:
    """Run a scenario in this (fresh) process and print one JSON line with the figures."""
    from workbench.store.errors import WorkbenchError

    start = time.perf_counter()
    try:
        detail, outcome = scenario(name, work, scale), "ok"
    except WorkbenchError as exc:
        detail, outcome = f"refused: {exc}", "refused"
    except MemoryError:
        detail, outcome = "ran out of memory", "failed"
    except Exception as exc:  # a benchmark reports failures instead of dying on them
        detail, outcome = f"{type(exc).__name__}: {exc}"[:300], "failed"
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "name": name,
                "outcome": outcome,
                "seconds": seconds,
                "peak_mb": peak_mb,
                "detail": detail,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scale, a few seconds")
    parser.add_argument("--only", help="comma-separated scenarios (baseline always runs)")
    parser.add_argument("--keep", help="work in this folder and keep the files")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale = QUICK if args.quick else FULL
    if args.child:
        child(args.child, Path(args.work), scale)
        return
    wanted = SCENARIOS if not args.only else ("baseline", *args.only.split(","))
    needs_setup = (
        "codings-list",
        "codings-check",
        "cooccurrence",
        "agreement",
        "agreement-sentence",
    )
    if "transcript-check" in wanted and not (
        args.keep and (Path(args.keep) / "transcript.db").exists()
    ):
        wanted = (*wanted, "transcript")
    if any(w in needs_setup for w in wanted) and "codings-setup" not in wanted:
        wanted = (*wanted, "codings-setup")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        print(f"scale: {'quick' if args.quick else 'full'} {json.dumps(scale)}")
        print(f"{'scenario':<20}{'outcome':>9}{'time s':>9}{'peak MB':>9}{'x base':>8}  detail")
        baseline = None
        failures = 0
        for name in SCENARIOS:
            if name not in wanted:
                continue
            cmd = [sys.executable, __file__, "--child", name, "--work", str(work)]
            if args.quick:
                cmd.append("--quick")
            proc = subprocess.run(
                cmd, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}
            )
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            if proc.returncode or not lines:
                tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                print(
                    f"{name:<20}{'crashed':>9}{'':>9}{'':>9}{'':>8}  "
                    f"exit {proc.returncode}: {tail[:200]}"
                )
                failures += 1
                continue
            r = json.loads(lines[-1])
            baseline = baseline or r["peak_mb"]
            over = r["peak_mb"] > FLOOR_MB
            failures += r["outcome"] == "failed" or over
            flag = " OVER 1 GB" if over else ""
            print(
                f"{name:<20}{r['outcome']:>9}{r['seconds']:>9.2f}{r['peak_mb']:>9.0f}"
                f"{r['peak_mb'] / baseline:>8.1f}  {r['detail']}{flag}"
            )
        print(f"floor: every peak under {FLOOR_MB} MB -> {'OK' if not failures else 'FAILED'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
