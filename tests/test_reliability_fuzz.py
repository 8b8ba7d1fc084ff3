"""Fuzzing every reader: broken input gives our own one-line error and changes nothing.

Each importer (transcripts in six formats, YAML and .qdc codebooks, .qdpx projects) gets
arbitrary bytes and mutated copies of a valid file: bit flips, truncation, junk, moved and
duplicated lines, and for zip-based formats damaged archives and damaged, dropped, renamed or
added members. The property: the call either succeeds (a mutated file may still be valid; the
project must then pass ``check``) or raises a ``WorkbenchError`` with a non-empty one-line
message and leaves every table exactly as it was. Examples are derandomised, so a run is
reproducible and the module stays within its time budget.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests import refi_helpers
from tests.reliability_helpers import (
    NASTY_VALUES,
    Guard,
    byte_mutation,
    mutated_text,
    mutated_xml,
    mutated_yaml,
    mutated_zip,
)
from workbench.interop.qdc import export_qdc, load_qdc
from workbench.interop.qdpx import export_qdpx, import_qdpx
from workbench.ops.codebook import load_codebook
from workbench.ops.imports import import_files
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent
TRANSCRIPTS = REPO / "transcripts"
TEXT_SEEDS = {".txt": "DRS01.txt", ".md": "NGO01.md", ".vtt": "INT01.vtt", ".srt": "COM01.srt"}
ZIP_SEEDS = {
    ".docx": ("ACA01.docx", ("word/document.xml",)),
    ".odt": ("MIN01.odt", ("content.xml",)),
}
SEED_BYTES = 6000  # mutate the start of each sample file: enough structure, fast to import

# WORKBENCH_FUZZ_SCALE=50 runs fifty times as many random (not derandomised) examples, for a
# deeper search than the suite's fixed, reproducible sample.
SCALE = max(1, int(os.environ.get("WORKBENCH_FUZZ_SCALE", "1")))
FUZZ = settings(
    max_examples=50 * SCALE,
    deadline=None,
    derandomize=SCALE == 1,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def examples(n: int) -> settings:
    return settings(FUZZ, max_examples=n * SCALE)


FEW = examples(25)


def text_seed(name: str) -> bytes:
    """The start of a sample transcript, cut at a line end."""
    data = (TRANSCRIPTS / name).read_bytes()
    if len(data) <= SEED_BYTES:
        return data
    return data[: data.rindex(b"\n\n", 0, SEED_BYTES) + 1]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def seeded() -> Guard:
    """A small project with documents, cases, codes, codings and memos."""
    project = refi_helpers.build(Project.memory())
    guard = Guard(project)
    yield guard
    project.close()


@pytest.fixture(scope="module")
def empty() -> Guard:
    project = Project.memory()
    guard = Guard(project)
    yield guard
    project.close()


class Seeds(dict):
    """Seed files by suffix; a short repr keeps failure reports readable."""

    def __repr__(self) -> str:
        return f"Seeds({', '.join(self)})"


@pytest.fixture(scope="module")
def refi_files(workdir) -> Seeds:
    """A valid .qdc and .qdpx written from the interchange fixture project."""
    project = refi_helpers.build(Project.memory())
    export_qdc(project, workdir / "seed.qdc")
    export_qdpx(project, workdir / "seed.qdpx")
    project.close()
    return Seeds(
        {".qdc": (workdir / "seed.qdc").read_bytes(), ".qdpx": (workdir / "seed.qdpx").read_bytes()}
    )


def written(workdir: Path, suffix: str, data: bytes) -> Path:
    path = workdir / f"input{suffix}"
    path.write_bytes(data)
    return path


def import_transcript(guard: Guard, path: Path) -> None:
    guard.attempt(lambda p: import_files(p, [path]))


# --------------------------------------------------------------------------- transcripts


def test_seeds_are_valid(workdir, seeded):
    """The unmutated seeds import: the mutations start from files that work."""
    seeds = {suffix: text_seed(name) for suffix, name in TEXT_SEEDS.items()}
    seeds |= {suffix: (TRANSCRIPTS / name).read_bytes() for suffix, (name, _) in ZIP_SEEDS.items()}
    for suffix, data in seeds.items():
        path = written(workdir, suffix, data)
        assert seeded.attempt(lambda p, path=path: import_files(p, [path])) is None, suffix


@pytest.mark.parametrize("suffix", [*TEXT_SEEDS, *ZIP_SEEDS])
@FEW
@given(data=st.binary(max_size=3000))
@example(data=b"\x80\xc2\x80\xc2\x80")  # mixed UTF-8 / Windows-1252 control bytes
def test_arbitrary_bytes_as_transcript(workdir, seeded, suffix, data):
    import_transcript(seeded, written(workdir, suffix, data))


@pytest.mark.parametrize("suffix", list(TEXT_SEEDS))
@FUZZ
@given(data=st.data())
def test_mutated_text_transcript(workdir, seeded, suffix, data):
    mutated = data.draw(mutated_text(text_seed(TEXT_SEEDS[suffix])))
    import_transcript(seeded, written(workdir, suffix, mutated))


@pytest.mark.parametrize("suffix", list(ZIP_SEEDS))
@FUZZ
@given(data=st.data())
def test_mutated_zip_transcript(workdir, seeded, suffix, data):
    name, xml_members = ZIP_SEEDS[suffix]
    mutated = data.draw(mutated_zip((TRANSCRIPTS / name).read_bytes(), xml_members))
    import_transcript(seeded, written(workdir, suffix, mutated))


def test_a_damaged_file_among_good_ones_imports_nothing(workdir, seeded):
    good = written(workdir, ".txt", text_seed("DRS01.txt"))
    bad = workdir / "broken.docx"
    bad.write_bytes((TRANSCRIPTS / "ACA01.docx").read_bytes()[:5000])
    error = seeded.attempt(lambda p: import_files(p, [good, bad]))
    assert error is not None and "broken.docx" in str(error)


# --------------------------------------------------------------------------- codebooks


@FEW
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".yaml", ".qdc"]))
def test_arbitrary_bytes_as_codebook(workdir, seeded, data, suffix):
    path = written(workdir, suffix, data)
    seeded.attempt(lambda p: load_codebook(p, path))


@examples(100)
@given(data=st.data())
def test_mutated_yaml_codebook(workdir, seeded, data):
    seed = (REPO / "codebooks" / "health-governance.yaml").read_bytes()
    path = written(workdir, ".yaml", data.draw(mutated_yaml(seed)))
    seeded.attempt(lambda p: load_codebook(p, path))


@examples(60)
@given(data=st.data())
def test_mutated_qdc_codebook(workdir, seeded, refi_files, data):
    path = written(workdir, ".qdc", data.draw(mutated_xml(refi_files[".qdc"])))
    seeded.attempt(lambda p: load_qdc(p, path))


# --------------------------------------------------------------------------- .qdpx


def test_qdpx_seed_is_valid(workdir, empty, refi_files):
    path = written(workdir, ".qdpx", refi_files[".qdpx"])
    assert empty.attempt(lambda p: import_qdpx(p, path)) is None


@FEW
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_as_qdpx(workdir, empty, data):
    path = written(workdir, ".qdpx", data)
    empty.attempt(lambda p: import_qdpx(p, path))


@examples(80)
@given(data=st.data())
def test_mutated_qdpx_into_new_project(workdir, empty, refi_files, data):
    mutated = data.draw(mutated_zip(refi_files[".qdpx"], ("project.qde",)))
    path = written(workdir, ".qdpx", mutated)
    empty.attempt(lambda p: import_qdpx(p, path))


@examples(50)
@given(data=st.data())
def test_mutated_qdpx_merged_into_a_project(workdir, seeded, refi_files, data):
    mutated = data.draw(mutated_zip(refi_files[".qdpx"], ("project.qde",)))
    path = written(workdir, ".qdpx", mutated)
    seeded.attempt(lambda p: import_qdpx(p, path, merge=True))


def test_a_corrupt_compressed_member_is_our_error(workdir, empty, refi_files):
    """Damage inside a deflate stream (zlib's own error) is reported like any broken archive."""
    import struct

    data = bytearray(refi_files[".qdpx"])
    assert data[:4] == b"PK\x03\x04"
    name_len, extra_len = struct.unpack("<HH", data[26:30])
    body = 30 + name_len + extra_len
    data[body : body + 16] = b"\xff" * 16  # deflate block type 3 does not exist
    path = written(workdir, ".qdpx", bytes(data))
    error = empty.attempt(lambda p: import_qdpx(p, path))
    assert error is not None and "damaged archive member" in str(error)


# --------------------------------------------------------------------------- CSV readers

CASES_SEED = (
    "participant,region,age,official,interviewed,weight,sector\n"
    "DRS01,Piura,52,yes,2024-03-05,1.5,government\n"
    "COM01,Piura,37,no,2024-04-11,0.75,community\n"
    'NEW01,"San Martín, Tarapoto",41,sí,2024-05-02,2,"civil society"\n'
).encode()


@pytest.fixture(scope="module")
def codings_seed(seeded) -> bytes:
    """Codings of the seeded project as a new coder would send them: spans or text to find."""
    import csv
    import io

    project = seeded.project
    paths = {c.id: c.path for c in project.codes()}
    docs = {d.id: d.name for d in project.documents()}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["document", "code", "coder", "start", "end", "text", "memo"])
    seen = set()
    for i, c in enumerate(project.codings()):
        body = project.text(c.document_id)
        text = body[c.start : c.end]
        start = c.start if i % 2 else body.find(text)  # a text row finds the first occurrence
        key = (c.document_id, c.code_id, start, start + len(text))
        if key in seen:  # two coders on one span: one row, so every row is a new coding
            continue
        seen.add(key)
        span = [c.start, c.end] if i % 2 else ["", ""]
        writer.writerow(
            [
                docs[c.document_id],
                paths[c.code_id],
                "fuzzer",
                *span,
                text,
                "a memo, with a comma" if i % 3 == 0 else "",
            ]
        )
    return buf.getvalue().encode("utf-8")


def test_csv_seeds_are_valid(workdir, seeded, codings_seed):
    from workbench.ops.cases import import_cases_csv
    from workbench.ops.codings_io import import_codings_csv

    real_cases = (TRANSCRIPTS / "cases.csv").read_bytes()
    for data in (CASES_SEED, real_cases):
        path = written(workdir, ".csv", data)
        assert seeded.attempt(lambda p, path=path: import_cases_csv(p, path)) is None
    assert codings_seed.count(b"\n") > 5
    path = written(workdir, ".csv", codings_seed)
    added = []
    assert seeded.attempt(lambda p: added.append(import_codings_csv(p, path))) is None
    assert [a.added for a in added] == [codings_seed.count(b"\n") - 1]  # every row is new


@FEW
@given(data=st.binary(max_size=3000), reader=st.sampled_from(["cases", "codings"]))
@example(data=b"participant\n\x00\n", reader="cases")
@example(
    data=b"document,code,coder,text\nrosa,Transparency,x," + b"y" * 140_000 + b"\n",
    reader="codings",
)
def test_arbitrary_bytes_as_csv(workdir, seeded, data, reader):
    from workbench.ops.cases import import_cases_csv
    from workbench.ops.codings_io import import_codings_csv

    call = import_cases_csv if reader == "cases" else import_codings_csv
    path = written(workdir, ".csv", data)
    seeded.attempt(lambda p: call(p, path))


CSV_VALUES = (
    *NASTY_VALUES,
    "1e999",
    "inf",
    "+7",
    "007",
    "１２",
    "1_000",
    "TRUE",
    "Sí",
    "2024-02-30",
    "0000-01-01",
    "rosa",
    "juan",
    "Transparency",
    "Transparency/",
    "/Transparency",
    "Representation//Seat allocation",
    '"',
    "a\nb",
    ";",
    "\t",
)


@st.composite
def mutated_csv(draw, seed: bytes) -> bytes:
    """A CSV file with cells replaced by odd values, cells dropped or added, then maybe bytes
    damaged: the rows stay parseable more often than with byte damage alone, so the checks
    after parsing (types, spans, names) get exercised too."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(seed.decode("utf-8"), newline="")))
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        row = rows[r]
        how = draw(st.sampled_from(["value", "value", "value", "drop", "add"]))
        if how == "add" or not row:
            row.insert(draw(st.integers(0, len(row))), draw(st.sampled_from(CSV_VALUES)))
        elif how == "drop":
            del row[draw(st.integers(0, len(row) - 1))]
        else:
            row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(CSV_VALUES))
    buf = io.StringIO()
    csv.writer(buf, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    data = buf.getvalue().encode("utf-8")
    if draw(st.booleans()):
        data = byte_mutation(draw, data, lines=True)
    return data


def csv_mutation(seed: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(mutated_text(seed), mutated_csv(seed))


@pytest.mark.parametrize("seed", ["crafted", "sample"])
@examples(60)
@given(data=st.data())
def test_mutated_cases_csv(workdir, seeded, seed, data):
    from workbench.ops.cases import import_cases_csv

    base = CASES_SEED if seed == "crafted" else (TRANSCRIPTS / "cases.csv").read_bytes()
    path = written(workdir, ".csv", data.draw(csv_mutation(base)))
    seeded.attempt(lambda p: import_cases_csv(p, path))


@examples(80)
@given(data=st.data())
def test_mutated_codings_csv(workdir, seeded, codings_seed, data):
    from workbench.ops.codings_io import import_codings_csv

    path = written(workdir, ".csv", data.draw(csv_mutation(codings_seed)))
    seeded.attempt(lambda p: import_codings_csv(p, path))
