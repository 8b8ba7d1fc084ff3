"""Benchmark: the co-occurrence engine against reading the codings and an all-pairs count.

A deterministic synthetic project (seeded): 2,000 documents, 200,000 codings by two coders over
a codebook of 8 groups x 6 subcodes. Coders code passages: each passage gets one to three codes
with slightly different boundaries, as people do, so codings overlap in realistic clumps.

Printed, best of several runs in this process:
  (a) read      the SELECT of the columns the engine needs, into tuples
  (b) engine    workbench.analysis.cooccurrence.cooccurrence, end to end (overlap mode)
  (c) all-pairs every pair of codings in each document compared (what simple tools do), once
                as a tight inline loop over tuples and once written plainly (records and a
                test function per pair, as such tools usually are)
Targets: engine <= 2x read, and >= 10x faster than all-pairs. The all-pairs result is checked
equal to the engine's, so the comparison is like for like.

    python benchmarks/bench_cooccur.py          # full size
    python benchmarks/bench_cooccur.py --quick  # 200 documents, 20,000 codings
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from workbench.analysis.cooccurrence import Options, cooccurrence
from workbench.project import Project, new_guid, now

DOC_LENGTH = 30_000
READ_SQL = 'SELECT document_id, coder_id, start, "end", code_id FROM codings'


def build(path: Path, documents: int, codings: int, seed: int = 2024) -> None:
    """Write the synthetic project with executemany (no per-row actions)."""
    rng = random.Random(seed)
    project = Project.open(path)
    conn = project.conn
    stamp = now()
    with project.transaction():
        subcodes = []
        for g in range(8):
            gid = conn.execute("INSERT INTO codes (guid, name, created_at, position) "
                               "VALUES (?, ?, ?, ?)", (new_guid(), f"Group {g}", stamp, g)).lastrowid
            for s in range(6):
                subcodes.append(conn.execute(
                    "INSERT INTO codes (guid, parent_id, name, created_at, position) "
                    "VALUES (?, ?, ?, ?, ?)", (new_guid(), gid, f"Code {s}", stamp, s)).lastrowid)
        coders = [conn.execute("INSERT INTO coders (name, created_at) VALUES (?, ?)",
                               (name, stamp)).lastrowid for name in ("maria", "james")]
        text = ("Palabra " * (DOC_LENGTH // 8 + 1))[:DOC_LENGTH]
        conn.executemany(
            "INSERT INTO documents (guid, name, text, length, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(new_guid(), f"doc{i:05d}", text, DOC_LENGTH, f"sha{i}", stamp)
             for i in range(documents)],
        )
        doc_ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
        per_doc = codings // documents
        rows = []
        for doc in doc_ids:
            made = 0
            while made < per_doc:
                coder = rng.choice(coders)
                start = rng.randrange(0, DOC_LENGTH - 700)
                length = rng.randrange(80, 600)
                for _ in range(min(rng.choice((1, 1, 2, 2, 3)), per_doc - made)):
                    s = max(0, start + rng.randrange(-40, 40))
                    e = min(DOC_LENGTH, s + length + rng.randrange(-40, 40))
                    rows.append((new_guid(), doc, rng.choice(subcodes), coder, s, e, stamp))
                    made += 1
        # codings arrive in the order people make them, not sorted by document or position
        rng.shuffle(rows)
        conn.executemany(
            'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", created_at) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    project.close()


def all_pairs(project: Project) -> Counter:
    """The baseline: per document, compare every pair of codings."""
    rollup = {c.id: c.path for c in project.codes()}
    by_doc: dict[int, list[tuple]] = {}
    for row in project.conn.execute(READ_SQL):
        by_doc.setdefault(row[0], []).append(row)
    counts: Counter = Counter()
    for rows in by_doc.values():
        n = len(rows)
        for i in range(n):
            _d, k1, s1, e1, c1 = rows[i]
            for j in range(i + 1, n):
                _d2, k2, s2, e2, c2 = rows[j]
                if k1 == k2 and c1 != c2 and s1 < e2 and s2 < e1:
                    a, b = rollup[c1], rollup[c2]
                    counts[(a, b) if a < b else (b, a)] += 1
    return counts


def meet(x: dict, y: dict) -> bool:
    """Do two codings co-occur? One coder, two codes, at least one shared character."""
    return (x["coder"] == y["coder"] and x["code"] != y["code"]
            and x["start"] < y["end"] and y["start"] < x["end"])


def all_pairs_plain(project: Project) -> Counter:
    """The same baseline written as such tools usually are: a record per coding, a test
    function per pair (the shape of QualCoder-style relation reports)."""
    paths = {c.id: c.path for c in project.codes()}
    by_doc: dict[int, list[dict]] = {}
    for doc, coder, start, end, code in project.conn.execute(READ_SQL):
        by_doc.setdefault(doc, []).append(
            {"coder": coder, "code": paths[code], "start": start, "end": end})
    counts: Counter = Counter()
    for records in by_doc.values():
        for i, x in enumerate(records):
            for y in records[i + 1:]:
                if meet(x, y):
                    counts[tuple(sorted((x["code"], y["code"])))] += 1
    return counts


def best(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return min(times), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 documents, 20,000 codings")
    args = parser.parse_args(argv)
    documents, codings = (200, 20_000) if args.quick else (2_000, 200_000)
    repeat = 5
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build(path, documents, codings)
        print(f"built {documents:,} documents, {codings:,} codings in "
              f"{time.perf_counter() - t0:.1f} s")
        with Project.open(path) as project:
            project.conn.execute(READ_SQL).fetchall()  # warm the page cache for everyone
            t_read, rows = best(lambda: project.conn.execute(READ_SQL).fetchall(), repeat)
            t_engine, result = best(lambda: cooccurrence(project), repeat)
            t_prox, prox = best(lambda: cooccurrence(project, Options("proximity", distance=50)),
                                repeat)
            t_group, _ = best(lambda: cooccurrence(
                project, selection=__import__("workbench.analysis.filters", fromlist=["x"])
                .Selection.build(depth=1)), repeat)
            t_all, baseline = best(lambda: all_pairs(project), 1)
            t_plain, plain = best(lambda: all_pairs_plain(project), 1)
        assert len(rows) == codings
        engine_counts = {(p.a, p.b): p.count for p in result.pairs}
        if engine_counts != dict(baseline) or engine_counts != dict(plain):
            print("MISMATCH between engine and all-pairs baseline", file=sys.stderr)
            return 1
        pairs = sum(engine_counts.values())
        print(f"{pairs:,} meeting pairs over {len(result.pairs)} code pairs (overlap)")
        print(f"(a) read codings         {t_read * 1000:8.1f} ms")
        print(f"(b) engine, overlap      {t_engine * 1000:8.1f} ms   {t_engine / t_read:5.2f}x read")
        print(f"    engine, proximity 50 {t_prox * 1000:8.1f} ms   {t_prox / t_read:5.2f}x read "
              f"({sum(p.count for p in prox.pairs):,} pairs)")
        print(f"    engine, --depth 1    {t_group * 1000:8.1f} ms   {t_group / t_read:5.2f}x read")
        print(f"(c) all-pairs, tight     {t_all * 1000:8.1f} ms   "
              f"engine is {t_all / t_engine:5.1f}x faster")
        print(f"    all-pairs, plain     {t_plain * 1000:8.1f} ms   "
              f"engine is {t_plain / t_engine:5.1f}x faster")
        print("target engine <= 2x read:", "met" if t_engine <= 2 * t_read else "NOT met")
        print("target >= 10x faster than all-pairs: tight loop",
              "met" if t_all >= 10 * t_engine else "NOT met", "| plain",
              "met" if t_plain >= 10 * t_engine else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
