"""Benchmark: agreement for 3 coders, 500 documents, 100 codes, sentence units.

Builds a deterministic synthetic project in memory, times every per-code figure (percent and
alpha for the three coders, kappa for the first pair), and prints them beside the same numbers
from a straightforward per-unit Python loop, checking they are equal.

    python benchmarks/bench_agreement.py          # full size (target: under 5 s)

It also times ``bootstrap=1000`` (Hayes & Krippendorff's bootstrap, 1,000 draws per code and
overall) on the same project: the target is a few seconds; the unitizing alphas (``--unit
unitizing``: uα per code, |uα, cuα, Cuα) for the three coders, with their document bootstrap;
and Mathet's gamma (pygamma-agreement, when installed) on the codings of 10 and of 50 of the
documents for two coders, from which the cost for all 500 is extrapolated (the alignment is a
mixed-integer programme: computing it on all 500 takes far longer than the rest together).
    python benchmarks/bench_agreement.py --quick  # 40 documents, a few seconds
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.analysis.agreement import agreement  # noqa: E402
from workbench.analysis.agreement_stats import cohen_kappa  # noqa: E402
from workbench.store.connection import new_guid, now  # noqa: E402
from workbench.store.project import Project  # noqa: E402

CODERS = ("ana", "ben", "cai")


def build(n_docs: int, n_codes: int = 100, sentences: int = 40, seed: int = 5) -> Project:
    """A project with ``n_docs`` documents, all coded by three coders and marked done."""
    rng = random.Random(seed)
    p = Project.memory()
    c = p.conn
    stamp = now()
    c.execute("BEGIN")
    code_ids = []
    for g in range(n_codes // 10):
        gid = c.execute(
            "INSERT INTO codes (guid, name, created_at) VALUES (?,?,?)",
            (new_guid(), f"Group {g}", stamp),
        ).lastrowid
        for s in range(10):
            code_ids.append(
                c.execute(
                    "INSERT INTO codes (guid, parent_id, name, created_at) VALUES (?,?,?,?)",
                    (new_guid(), gid, f"Code {g}.{s}", stamp),
                ).lastrowid
            )
    coder_ids = [
        c.execute("INSERT INTO coders (name, created_at) VALUES (?,?)", (name, stamp)).lastrowid
        for name in CODERS
    ]
    sentence = "The director spoke about the regional budget again. "
    width = len(sentence)
    for d in range(n_docs):
        text = f"[{d}] " + sentence * sentences
        doc = c.execute(
            "INSERT INTO documents (guid, name, text, length, sha256, metadata, imported_at) "
            "VALUES (?,?,?,?,?,?,?)",
            (new_guid(), f"doc{d:04d}", text, len(text), f"h{d}", "{}", stamp),
        ).lastrowid
        base = len(f"[{d}] ")
        c.executemany(
            'INSERT INTO sentences (document_id, seq, start, "end") VALUES (?,?,?,?)',
            [(doc, i, base + i * width, base + (i + 1) * width - 1) for i in range(sentences)],
        )
        first = []
        for _ in range(12):
            s = rng.randrange(sentences)
            span = (
                base + s * width + rng.randrange(10),
                base + min(sentences, s + rng.randint(1, 3)) * width - rng.randrange(1, 10),
            )
            first.append((rng.choice(code_ids), span))
        rows = []
        for k, coder in enumerate(coder_ids):
            mine = first if k == 0 else [x for x in first if rng.random() < 0.75]
            if k:
                for _ in range(3):
                    s = rng.randrange(sentences)
                    mine.append(
                        (rng.choice(code_ids), (base + s * width, base + s * width + width - 2))
                    )
            rows += [(new_guid(), doc, code, coder, a, b, stamp) for code, (a, b) in mine]
            c.execute(
                "INSERT INTO document_status (document_id, coder_id, done, updated_at) "
                "VALUES (?,?,1,?)",
                (doc, coder, stamp),
            )
        c.executemany(
            'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", '
            "created_at) VALUES (?,?,?,?,?,?,?)",
            rows,
        )
    c.execute("COMMIT")
    return p


def plain_loop(p: Project) -> dict[str, tuple]:
    """Per code: (percent, alpha) for the three coders and kappa for the first two, by loops."""
    import krippendorff

    units = [
        (d, s, e)
        for d, s, e in p.conn.execute(
            'SELECT document_id, start, "end" FROM sentences ORDER BY document_id, start'
        )
    ]
    coder_ids = [p.coder_id(n, create=False) for n in CODERS]
    spans: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
    for doc, code, coder, s, e in p.conn.execute(
        'SELECT document_id, code_id, coder_id, start, "end" FROM codings'
    ):
        spans.setdefault((doc, code, coder), []).append((s, e))
    out = {}
    for code in p.codes():
        if code.parent_id is None:
            continue
        matrix = []
        for doc, us, ue in units:
            matrix.append(
                [
                    int(any(s < ue and e > us for s, e in spans.get((doc, code.id, k), ())))
                    for k in coder_ids
                ]
            )
        agree = sum(1 for row in matrix if row[0] == row[1] == row[2])
        table = [0, 0, 0, 0]
        for row in matrix:
            table[{(1, 1): 0, (1, 0): 1, (0, 1): 2, (0, 0): 3}[(row[0], row[1])]] += 1
        data = list(zip(*matrix, strict=True))
        flat = {v for row in data for v in row}
        alpha = (
            None
            if len(flat) < 2
            else krippendorff.alpha(
                reliability_data=data, level_of_measurement="nominal", value_domain=[0, 1]
            )
        )
        out[code.path] = (100.0 * agree / len(matrix), alpha, cohen_kappa(*table))
    return out


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 documents instead of 500")
    args = parser.parse_args()
    n_docs = 40 if args.quick else 500
    t0 = time.perf_counter()
    p = build(n_docs)
    n_units = p.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    n_codings = p.conn.execute("SELECT count(*) FROM codings").fetchone()[0]
    print(
        f"built {n_docs} documents, {n_units} sentence units, {n_codings} codings, "
        f"100 codes, 3 coders in {time.perf_counter() - t0:.2f} s"
    )

    t0 = time.perf_counter()
    three = agreement(p, unit="sentence", coders=list(CODERS))
    pair = agreement(p, unit="sentence", coders=list(CODERS[:2]))
    fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    slow_figures = plain_loop(p)
    slow = time.perf_counter() - t0

    kappas = {r.code: r.kappa for r in pair.codes}
    mismatches = 0
    print(
        f"\n{'code':<22}{'percent':>10}{'(loop)':>10}{'alpha':>10}{'(loop)':>10}"
        f"{'kappa ab':>10}{'(loop)':>10}"
    )
    for i, row in enumerate(three.codes):
        loop = slow_figures[row.code]
        ok = (
            close(row.percent, loop[0])
            and close(row.alpha, loop[1])
            and close(kappas[row.code], loop[2])
        )
        mismatches += not ok
        if i < 8 or not ok:
            print(
                f"{row.code:<22}{row.percent:>10.3f}{loop[0]:>10.3f}"
                f"{_f(row.alpha)}{_f(loop[1])}{_f(kappas[row.code])}{_f(loop[2])}"
                + ("" if ok else "  MISMATCH")
            )
    print(
        f"... {len(three.codes)} codes; overall percent {three.percent:.3f}, "
        f"alpha {_f(three.alpha).strip()}, kappa (ana, ben) {_f(pair.kappa).strip()}"
    )
    print(
        f"\nagreement (3 coders + 1 pair): {fast:.3f} s   plain per-unit loop: {slow:.3f} s   "
        f"ratio {slow / fast:.1f}x   target < 5 s: {'met' if fast < 5 else 'MISSED'}"
    )
    t0 = time.perf_counter()
    chars = agreement(p, unit="char", coders=list(CODERS))
    print(
        f"character units, 3 coders ({sum(d.length for d in p.documents())} characters): "
        f"{time.perf_counter() - t0:.3f} s, overall alpha {_f(chars.alpha).strip()}"
    )
    t0 = time.perf_counter()
    booted = agreement(p, unit="sentence", coders=list(CODERS), bootstrap=1000, seed=1)
    boot_time = time.perf_counter() - t0
    with_boot = sum(1 for r in booted.codes if r.bootstrap)
    print(
        f"bootstrap, 1,000 draws per code ({with_boot} codes) and overall, sentence units: "
        f"{boot_time:.3f} s  (agreement alone {fast / 2:.3f} s per comparison; ratio "
        f"{boot_time / max(fast / 2, 1e-9):.1f}x; overall alpha 95 % interval "
        f"{booted.bootstrap['ci95'] if booted.bootstrap else '-'})  target: seconds: "
        f"{'met' if boot_time < 10 else 'MISSED'}"
    )
    t0 = time.perf_counter()
    unitizing = agreement(p, unit="unitizing", coders=list(CODERS))
    u_time = time.perf_counter() - t0
    print(
        f"unitizing alphas, 3 coders, {n_docs} documents: {u_time:.3f} s (ratio to a sentence "
        f"comparison {u_time / max(fast / 2, 1e-9):.1f}x); uα "
        f"{_f(unitizing.alpha).strip()}, |uα {unitizing.unitizing['alpha_u_binary']}, "
        f"Cuα {unitizing.unitizing['alpha_Cu']}"
    )
    t0 = time.perf_counter()
    agreement(p, unit="unitizing", coders=list(CODERS), bootstrap=1000, seed=1)
    print(f"unitizing with a 1,000-draw document bootstrap: {time.perf_counter() - t0:.3f} s")
    gamma_cost(p, n_docs, fast / 2)
    print("all per-code figures equal" if not mismatches else f"{mismatches} codes differ")
    sys.exit(1 if mismatches else 0)


def gamma_cost(p: Project, n_docs: int, baseline: float) -> None:
    """Time gamma on the first 10 and 50 documents (two coders) and extrapolate to all."""
    try:
        import pygamma_agreement  # noqa: F401
    except ImportError:
        print("gamma: pygamma-agreement not installed (pip install 'workbench[gamma]')")
        return
    names = [d.name for d in p.documents()]
    t0 = time.perf_counter()
    agreement(p, unit="unitizing", coders=list(CODERS[:2]), docs=names[:1], statistics=["gamma"])
    print(f"gamma: import and first call {time.perf_counter() - t0:.1f} s")
    times = {}
    for n in (10, 50):
        if n > len(names):
            break
        t0 = time.perf_counter()
        g = agreement(
            p,
            unit="unitizing",
            coders=list(CODERS[:2]),
            docs=names[:n],
            statistics=["gamma"],
            seed=1,
        )
        times[n] = time.perf_counter() - t0
        units = sum(g.statistics["gamma"]["units"].values())
        print(
            f"gamma, {n} documents ({units} codings): {times[n]:.1f} s, "
            f"gamma {g.statistics['gamma']['value']}"
        )
    if len(times) == 2:
        per_doc = (times[50] - times[10]) / 40
        print(
            f"gamma for all {n_docs} documents, extrapolated linearly: about "
            f"{times[10] + per_doc * (n_docs - 10):.0f} s (ratio to the sentence comparison "
            f"{(times[10] + per_doc * (n_docs - 10)) / max(baseline, 1e-9):.0f}x)"
        )


def _f(value: float | None) -> str:
    return f"{'-':>10}" if value is None else f"{value:>10.4f}"


if __name__ == "__main__":
    main()
