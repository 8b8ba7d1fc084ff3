"""Language pipelines for the suggesters: built once, saved beside the project, loaded fast.

A pipeline is ``spacy.blank(lang)`` with the rule-based sentencizer and a lookup lemmatizer.
The lookup tables come from ``spacy-lookups-data`` only when the pipeline is first built; the
initialised pipeline is then written with ``nlp.to_disk`` into ``<project>.spacy/pipeline-<lang>/``
(a temporary folder for in-memory projects), so later runs read it back in well under a second
and need neither the build step nor the lookups package.

The stock lookup lemmatizer looks a token up exactly as written, so "Elecciones" at the start of
a sentence keeps its capital and misses the table. ``workbench_lemmatizer`` tries the form as
written, then its lower case, and always returns a lower-case lemma; keyword phrases go through
the same pipeline, so both sides of a match agree.

A project may name an installed spaCy pipeline (``workbench`` never downloads one) in the
setting ``spacy_model.<lang>`` or ``spacy_model``; it is used for documents in its language.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.project import Project

PIPELINE_VERSION = 1
MARKER = "workbench-pipeline.json"
LEMMATIZER = "workbench_lemmatizer"

_registered = False
_built: dict[str, Any] = {}  # lang -> initialised pipeline, reused within one process
_loaded: dict[str, Any] = {}  # folder -> loaded pipeline


def register_components() -> None:
    """Register ``workbench_lemmatizer`` with spaCy (needed before loading a saved pipeline)."""
    global _registered
    if _registered:
        return
    from spacy.language import Language
    from spacy.pipeline.lemmatizer import Lemmatizer

    class CaseFoldingLemmatizer(Lemmatizer):
        """Lookup lemmatizer that falls back to the lower-case form and lower-cases lemmas."""

        def lookup_lemmatize(self, token: Any) -> list[str]:
            table = self.lookups.get_table("lemma_lookup", {})
            lemma = table.get(token.text)
            if lemma is None:
                lower = token.lower_
                lemma = table.get(lower, lower)
            return [lemma.lower()]

    @Language.factory(
        LEMMATIZER,
        assigns=["token.lemma"],
        default_config={"model": None, "mode": "lookup", "overwrite": False,
                        "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}},
    )
    def make_lemmatizer(nlp: Any, model: Any, name: str, mode: str, overwrite: bool,
                        scorer: Any) -> CaseFoldingLemmatizer:
        return CaseFoldingLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite,
                                     scorer=scorer)

    _registered = True


def storage_dir(project: Project) -> Path:
    """The folder beside the project that holds pipelines and the trained model.

    ``study/workbench.db`` -> ``study/workbench.spacy/``. In-memory projects get a temporary
    folder that is removed when the process ends.
    """
    folder = getattr(project, "_suggest_dir", None)
    if folder is not None:
        return folder
    if str(project.path) == ":memory:":
        folder = Path(tempfile.mkdtemp(prefix="workbench-suggest-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    else:
        folder = project.path.with_suffix(".spacy")
    project._suggest_dir = folder  # type: ignore[attr-defined]
    return folder


def language_of(project: Project, document_language: str | None) -> str:
    return (document_language or project.language or "en").strip().lower() or "en"


def build_pipeline(lang: str) -> Any:
    """A fresh blank pipeline with sentencizer and lookup lemmatizer, initialised from
    spacy-lookups-data. Languages without lookup tables get the sentencizer only."""
    import spacy

    register_components()
    try:
        nlp = spacy.blank(lang)
    except Exception as exc:  # spaCy raises ImportError/KeyError flavours for unknown codes
        raise WorkbenchError(f"spaCy has no language {lang!r}") from exc
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(LEMMATIZER)
    try:
        nlp.initialize()
    except (ValueError, KeyError, ImportError, OSError):
        nlp.remove_pipe(LEMMATIZER)
        nlp.initialize()
    nlp.max_length = 100_000_000
    return nlp


def _marker_ok(folder: Path) -> bool:
    import spacy

    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (marker.get("version") == PIPELINE_VERSION
            and marker.get("spacy", "").split(".")[:2] == spacy.__version__.split(".")[:2])


def save_pipeline(nlp: Any, folder: Path) -> None:
    import spacy

    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    (tmp / MARKER).write_text(
        json.dumps({"version": PIPELINE_VERSION, "lang": nlp.lang, "spacy": spacy.__version__}),
        encoding="utf-8",
    )
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)


def load_saved_pipeline(folder: str | Path) -> Any:
    """Load a pipeline written by ``save_pipeline``: no lookups package needed."""
    import spacy

    register_components()
    nlp = spacy.load(Path(folder))
    nlp.max_length = 100_000_000
    return nlp


def _installed_model(project: Project, lang: str) -> Any | None:
    name = project.setting(f"spacy_model.{lang}") or project.setting("spacy_model")
    if not name:
        return None
    import spacy

    if not spacy.util.is_package(name) and not Path(name).is_dir():
        raise WorkbenchError(f"the spaCy pipeline {name!r} named in the project settings "
                             "is not installed", place="setting spacy_model")
    key = f"model:{name}"
    if key not in _loaded:
        _loaded[key] = spacy.load(name)
    nlp = _loaded[key]
    return nlp if nlp.lang == lang else None


def pipeline(project: Project, lang: str) -> Any:
    """The pipeline for ``lang``: an installed one named in the settings, else the saved one
    (built and saved on first use)."""
    installed = _installed_model(project, lang)
    if installed is not None:
        return installed
    folder = storage_dir(project) / f"pipeline-{lang}"
    key = str(folder.resolve())
    if key in _loaded:
        return _loaded[key]
    register_components()
    if _marker_ok(folder):
        nlp = load_saved_pipeline(folder)
    else:
        nlp = _built.get(lang)
        if nlp is None:
            nlp = _built[lang] = build_pipeline(lang)
        folder.parent.mkdir(parents=True, exist_ok=True)
        save_pipeline(nlp, folder)
    _loaded[key] = nlp
    return nlp
