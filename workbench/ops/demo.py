"""The demo workspace: the bundled interviews, codebook and two coders' codings in one folder.

The sample content ships inside the wheel (``workbench/_bundled``) and sits at the top of a
source checkout (``codebooks/``, ``transcripts/``); ``bundled_dir`` finds whichever is there.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx", ".odt", ".vtt", ".srt")
DEMO_CODEBOOK = "health-governance.yaml"


def bundled_dir() -> Path:
    """The folder holding ``codebooks/`` and ``transcripts/``: in the wheel or the checkout."""
    package = Path(__file__).resolve().parent.parent  # workbench/, above ops/
    for candidate in (package / "_bundled", package.parent):
        if (candidate / "codebooks").is_dir() and (candidate / "transcripts").is_dir():
            return candidate
    raise WorkbenchError(_("the bundled sample content is missing from this installation"))


@dataclass
class DemoSummary:
    folder: Path
    project: Path
    documents: int = 0
    codes: int = 0
    codings: dict[str, int] = field(default_factory=dict)


def build_demo(
    folder: str | Path, *, reset: bool = False, first_language: str | None = None
) -> DemoSummary:
    """Create (or reuse) the demo workspace in ``folder`` and return what it holds.

    The folder gets ``workbench.db``, copies of the transcripts and codebook, and an empty
    ``exports/``. An existing demo project is reused unless ``reset`` is given, so coding done
    in the demo is never thrown away by running the command again. ``first_language`` (``es``
    for the Spanish demo) lists the interviews in that language first.
    """
    from workbench.ingest import read_transcript
    from workbench.ops.cases import import_cases_csv
    from workbench.ops.codebook import load_codebook
    from workbench.ops.coding import mark_done
    from workbench.ops.codings_io import import_codings_csv
    from workbench.ops.documents import add_document, set_language

    source = bundled_dir()
    folder = Path(folder)
    db_path = folder / "workbench.db"
    if db_path.exists() and not reset:
        with Project.open(db_path, create=False) as project:
            _list_first(project, first_language)
            return summarise(project, folder)
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("transcripts", "codebooks"):
        shutil.copytree(source / sub, folder / sub, dirs_exist_ok=True)
    (folder / "exports").mkdir(exist_ok=True)
    for stale in folder.glob("workbench.db*"):
        stale.unlink()

    transcripts = folder / "transcripts"
    languages = _case_languages(transcripts / "cases.csv")
    files = sorted(p for p in transcripts.iterdir() if p.suffix.lower() in TRANSCRIPT_SUFFIXES)
    parsed = [(path, read_transcript(path)) for path in files]
    with Project.open(db_path) as project:
        set_language(project, "es")
        with project.transaction():
            load_codebook(project, folder / "codebooks" / DEMO_CODEBOOK)
            for path, transcript in parsed:
                add_document(
                    project,
                    transcript,
                    name=path.stem,
                    case=path.stem,
                    source_path=path.name,
                    language=languages.get(path.stem),
                )
            import_cases_csv(project, transcripts / "cases.csv")
            for codings_csv in sorted(transcripts.glob("codings-*.csv")):
                import_codings_csv(project, codings_csv)
            _add_memos(project, transcripts / "memos.csv")
            coders = [c.name for c in project.coders()]
            for doc in project.documents():
                for coder in coders:
                    mark_done(project, doc.id, coder)
        _list_first(project, first_language)
        return summarise(project, folder)


def _list_first(project: Project, language: str | None) -> None:
    """Interviews in ``language`` first on the documents screen (None: by name only)."""
    from workbench.ops.progress import FIRST_LANGUAGE_SETTING

    if (project.setting(FIRST_LANGUAGE_SETTING) or None) == (language or None):
        return
    with project.transaction():
        project.conn.execute("DELETE FROM settings WHERE key = ?", (FIRST_LANGUAGE_SETTING,))
        if language:
            project.set_setting(FIRST_LANGUAGE_SETTING, language)


def _add_memos(project: Project, memos_csv: Path) -> None:
    """The sample memos: on the project, documents and codes (columns on,target,coder,text)."""
    from workbench.ops.coding import add_memo

    if not memos_csv.exists():
        return
    with memos_csv.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind, target = row["on"], row["target"]
            if kind == "document":
                target_id = project.document(target).id
            elif kind == "code":
                target_id = project.code(target).id
            else:
                target_id = None
            add_memo(project, kind, target_id, row["text"], coder=row["coder"] or None)


def _case_languages(cases_csv: Path) -> dict[str, str]:
    if not cases_csv.exists():
        return {}
    with cases_csv.open(encoding="utf-8", newline="") as fh:
        return {row["participant"]: row.get("language") or "" for row in csv.DictReader(fh)}


def summarise(project: Project, folder: Path) -> DemoSummary:
    counts = dict(
        project.conn.execute(
            "SELECT coders.name, count(codings.id) FROM coders "
            "LEFT JOIN codings ON codings.coder_id = coders.id GROUP BY coders.name ORDER BY coders.name"
        )
    )
    return DemoSummary(
        folder=folder,
        project=project.path,
        documents=len(project.documents()),
        codes=len(project.codes()),
        codings=counts,
    )
