"""``workbench import / documents / cases`` from the command line, including bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, file_bytes
from ingest_helpers import write_docx

from workbench.cli import cli

INTERVIEW = "ENTREVISTADOR: ¿Participó usted?\nAna: Sí. Mucho.\nENTREVISTADOR: ¿Y?\nAna: Nada.\n"


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(project), *args], catch_exceptions=False)


def workbench(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("WORKBENCH_PROJECT", None)
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_import_prints_one_summary_line_per_document(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    (tmp_path / "DRS01.txt").write_text(INTERVIEW, encoding="utf-8")
    write_docx(tmp_path / "COM01.docx", ["ENTREVISTADOR: ¿Qué tal?", "Rosa: Bien."])
    result = run(
        db, "import", str(tmp_path / "DRS01.txt"), str(tmp_path / "COM01.docx"), "--language", "es"
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        "COM01: 37 characters, 2 turns, 2 speakers, 2 sentences",
        f"DRS01: {len(INTERVIEW)} characters, 4 turns, 2 speakers, 5 sentences",
    ]
    listing = run(db, "documents", "--format", "json")
    rows = json.loads(listing.output)
    assert rows[1] == {
        "name": "DRS01",
        "case": None,
        "characters": len(INTERVIEW),
        "turns": 4,
        "speakers": 2,
        "sentences": 5,
    }
    assert (
        run(db, "documents", "--format", "csv").output.splitlines()[0]
        == "name,case,characters,turns,speakers,sentences"
    )
    assert "DRS01" in run(db, "documents").output


def test_name_case_and_language_options(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    (tmp_path / "raw.txt").write_text(INTERVIEW, encoding="utf-8")
    result = run(
        db,
        "import",
        str(tmp_path / "raw.txt"),
        "--name",
        "DRS09",
        "--case",
        "DRS09",
        "--language",
        "es",
    )
    assert (
        result.output.strip()
        == f"DRS09: {len(INTERVIEW)} characters, 4 turns, 2 speakers, 5 sentences "
        "(case DRS09)"
    )
    from workbench.store.project import Project

    with Project.open(db) as project:
        assert project.language == "es"
        assert project.document("DRS09").language == "es"


def test_reimport_is_refused_unless_forced(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    (tmp_path / "DRS01.txt").write_text(INTERVIEW, encoding="utf-8")
    assert workbench("-p", str(db), "import", "DRS01.txt", cwd=tmp_path).returncode == 0
    before = file_bytes(db)
    again = workbench("-p", str(db), "import", "DRS01.txt", cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr == (
        "error: DRS01.txt: the same text is already in the project as "
        "'DRS01' (use --force to import it again)\n"
    )
    assert file_bytes(db) == before
    forced = workbench("-p", str(db), "import", "DRS01.txt", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and forced.stdout.startswith("DRS01 (2): ")


def _bad_files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "data.bin.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" * 10)
    whole = write_docx(tmp_path / "whole.docx", ["Ana: hola", "Luis: chau"]).read_bytes()
    (tmp_path / "interview.docx").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "slides.pptx").write_bytes(b"PK\x03\x04")
    return {
        "empty.txt": "error: empty.txt: empty file\n",
        "data.bin.txt": "error: data.bin.txt: binary data at byte 7, not a transcript\n",
        "interview.docx": "error: interview.docx: not a valid .docx (truncated or not a zip)\n",
        "slides.pptx": "error: slides.pptx: unsupported file type '.pptx' "
        "(use .txt, .md, .markdown, .docx, .odt, .vtt, .srt)\n",
    }


def test_bad_files_exit_1_with_one_line_and_leave_the_project_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    (tmp_path / "DRS01.txt").write_text(INTERVIEW, encoding="utf-8")
    assert workbench("-p", str(db), "import", "DRS01.txt", cwd=tmp_path).returncode == 0
    before = file_bytes(db)
    assert before and not Path(f"{db}-wal").exists()
    for name, message in _bad_files(tmp_path).items():
        # the bad file comes last, after a good one, so a half-done import would show
        (tmp_path / "good.txt").write_text(f"Ana: {name}\n", encoding="utf-8")
        result = workbench("-p", str(db), "import", "good.txt", name, cwd=tmp_path)
        assert result.returncode == 1, name
        assert result.stderr == message
        assert result.stdout == ""
        assert file_bytes(db) == before, name


def test_a_failed_first_import_creates_no_project(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = workbench("-p", "new.db", "import", "empty.txt", cwd=tmp_path)
    assert result.returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt"]


def test_name_with_several_files_is_refused(tmp_path: Path) -> None:
    for n in ("a", "b"):
        (tmp_path / f"{n}.txt").write_text(f"Ana: {n}\n", encoding="utf-8")
    result = workbench("-p", "p.db", "import", "a.txt", "b.txt", "--name", "X", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "error: --name needs exactly one file\n"


def test_cases_import_and_list(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    (tmp_path / "NGO02.txt").write_text(INTERVIEW, encoding="utf-8")
    run(db, "import", str(tmp_path / "NGO02.txt"))
    csv_path = tmp_path / "cases.csv"
    csv_path.write_text(
        "participant,region,interview_year\nNGO02,San Martín,2024\nDRS01,Piura,2023\n",
        encoding="utf-8",
    )
    result = run(db, "cases", "import", str(csv_path))
    assert result.output.splitlines() == [
        "2 cases created, 0 updated; attributes: region (text), interview_year (integer)",
        "linked documents: NGO02",
    ]
    rows = json.loads(run(db, "cases", "list", "--format", "json").output)
    assert rows == [
        {"participant": "DRS01", "region": "Piura", "interview_year": 2023},
        {"participant": "NGO02", "region": "San Martín", "interview_year": 2024},
    ]
    assert json.loads(run(db, "documents", "--format", "json").output)[0]["case"] == "NGO02"


def test_bad_cases_csv_exits_1_and_leaves_the_project_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    (tmp_path / "cases.csv").write_text("participant,region\nA,Piura\nB\n", encoding="utf-8")
    (tmp_path / "x.txt").write_text(INTERVIEW, encoding="utf-8")
    assert workbench("-p", str(db), "import", "x.txt", cwd=tmp_path).returncode == 0
    before = file_bytes(db)
    result = workbench("-p", str(db), "cases", "import", "cases.csv", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "error: cases.csv:row 3: expected 2 fields, found 1\n",
    )
    assert file_bytes(db) == before


IMPORT_GUARD = """
import sys

class Guard:
    # Records every import of a UI library made by a workbench module. sqlite-utils itself
    # imports click (it ships a CLI), which is outside our control and not counted.
    hits = set()

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("click", "rich", "textual"):
            frame = sys._getframe(1)
            while frame and "importlib" in frame.f_globals.get("__name__", "importlib"):
                frame = frame.f_back
            caller = frame.f_globals.get("__name__", "") if frame else ""
            if caller.startswith("workbench"):
                self.hits.add(caller + " -> " + name)
        return None

sys.meta_path.insert(0, Guard())
import {module}, workbench.ingest.speakers, workbench.ingest.encoding
loaded = {{m.split(".")[0] for m in sys.modules}}
print(sorted(Guard.hits), sorted(loaded & {{"textual", "rich", "spacy", "docx", "odf", "lxml"}}))
"""


@pytest.mark.parametrize(
    "module", ["workbench.store.project", "workbench.ingest", "workbench.ops.cases"]
)
def test_core_modules_load_no_ui_or_heavy_libraries(module: str) -> None:
    code = IMPORT_GUARD.format(module=module)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"


def test_the_import_guard_would_notice_a_ui_import(tmp_path: Path) -> None:
    (tmp_path / "workbench_probe.py").write_text("import rich.console\n", encoding="utf-8")
    code = IMPORT_GUARD.format(module="workbench_probe")
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert (
        result.stdout.strip()
        == "['workbench_probe -> rich', 'workbench_probe -> rich.console'] ['rich']"
    )
