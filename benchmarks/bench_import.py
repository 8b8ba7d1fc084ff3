"""Import benchmark: 200 synthetic interview transcripts of ~5,000 words each.

The corpus is generated from a fixed seed (same files on every run): two or three speakers
per interview, Spanish and English vocabulary with accents and ``¿...?`` questions, turns of
varied length. The files are written to a temporary folder, then imported into a fresh
project file with ``workbench.ops.imports.import_files`` (reading, decoding, speaker turns,
sentence splitting, storing, search index). The baseline, measured in the same process, is
reading and decoding the same files and nothing else.

    python benchmarks/bench_import.py           # 200 files (target: under 30 s)
    python benchmarks/bench_import.py --quick   # 20 files, a few seconds
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.ingest.encoding import decode_bytes  # noqa: E402
from workbench.ops.imports import import_files  # noqa: E402
from workbench.store.project import Project  # noqa: E402

WORDS_ES = (
    "la participación de la comunidad en el consejo regional de salud fue limitada porque "
    "el presupuesto dependía del gobierno central y los representantes no tenían información "
    "sobre las decisiones del año anterior además la dirección regional cambió tres veces "
    "y cada director traía su propio equipo lo que afectó la continuidad de las políticas"
).split()
WORDS_EN = (
    "the regional health council met every month but civil society members said they were "
    "invited late and could not read the budget documents before the vote so their voice "
    "was weak while the ministry kept control of transfers and the hospitals waited"
).split()
SPEAKERS = [
    "Entrevistadora",
    "Dr. Rosa Quispe",
    "ENTREVISTADOR",
    "María de la Cruz",
    "Interviewer",
    "Speaker 2",
    "Lic. Juan Pérez",
]


def sentence(rng: random.Random, words: list[str]) -> str:
    body = " ".join(rng.choice(words) for _ in range(rng.randint(6, 24)))
    body = body[0].upper() + body[1:]
    if words is WORDS_ES and rng.random() < 0.2:
        return f"¿{body}?"
    return body + rng.choice(".....?!")


def transcript(rng: random.Random, target_words: int) -> tuple[str, int]:
    words = WORDS_ES if rng.random() < 0.6 else WORDS_EN
    people = rng.sample(SPEAKERS, rng.choice((2, 3)))
    lines = [f"Entrevista {rng.randint(1, 999):03d}", ""]
    count = 0
    while count < target_words:
        speaker = people[0] if len(lines) % 2 else rng.choice(people[1:])
        turn = " ".join(sentence(rng, words) for _ in range(rng.randint(1, 8)))
        if rng.random() < 0.15:  # a continuation paragraph without a label
            turn += "\n\n" + sentence(rng, words)
        sep = "\t" if rng.random() < 0.3 else " "
        lines.append(f"{speaker}:{sep}{turn}")
        count += len(turn.split())
    return "\n".join(lines) + "\n", count


def write_corpus(folder: Path, files: int, words: int) -> tuple[list[Path], int]:
    rng = random.Random(20240611)
    paths, total = [], 0
    for i in range(files):
        text, n = transcript(rng, words)
        path = folder / f"P{i:03d}.txt"
        path.write_bytes(text.encode("utf-8" if i % 4 else "cp1252", errors="replace"))
        paths.append(path)
        total += n
    return paths, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 files instead of 200")
    parser.add_argument("--files", type=int)
    parser.add_argument("--words", type=int, default=5000)
    args = parser.parse_args()
    files = args.files or (20 if args.quick else 200)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths, words = write_corpus(folder, files, args.words)
        megabytes = sum(p.stat().st_size for p in paths) / 1e6

        start = time.perf_counter()
        for path in paths:
            decode_bytes(path.read_bytes(), path.name)
        baseline = time.perf_counter() - start

        from workbench.sentences import sentencizer

        before_load = time.perf_counter()
        sentencizer("es")  # loading spaCy is a one-off cost, reported on its own
        spacy_load = time.perf_counter() - before_load
        project = Project.open(folder / "bench.db")
        project.set_setting("language", "es")
        opened = time.perf_counter()
        documents = import_files(project, paths)
        elapsed = time.perf_counter() - opened
        turns = project.conn.execute("SELECT count(*) FROM turns").fetchone()[0]
        sentences = project.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
        project.close()
    print(
        f"corpus      : {files} files, {words:,} words, {megabytes:.1f} MB "
        f"({len(documents)} documents, {turns:,} turns, {sentences:,} sentences)"
    )
    print(
        f"import      : {elapsed:.2f} s total, {files / elapsed:.1f} files/s, "
        f"{words / elapsed:,.0f} words/s"
    )
    print(f"spaCy load  : {spacy_load:.2f} s (once per process, not in the import time)")
    print(f"baseline    : {baseline:.3f} s to read and decode the same files")
    print(f"ratio       : import takes {elapsed / baseline:.0f}x the read+decode baseline")
    if files == 200 and args.words == 5000:
        verdict = "OK" if elapsed < 30 else "TOO SLOW"
        print(f"target      : < 30 s for 200 x 5k words -> {verdict}")


if __name__ == "__main__":
    main()
