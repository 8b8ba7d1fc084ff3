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
``set_named_pipeline`` checks a name before storing it, so a typo fails when it is typed
rather than at the next ``suggest run``.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from workbench.files import replace_folder
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

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
        default_config={
            "model": None,
            "mode": "lookup",
            "overwrite": False,
            "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"},
        },
    )
    def make_lemmatizer(
        nlp: Any, model: Any, name: str, mode: str, overwrite: bool, scorer: Any
    ) -> CaseFoldingLemmatizer:
        return CaseFoldingLemmatizer(
            nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer
        )

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
        raise WorkbenchError(_("spaCy has no language {lang!r}").format(lang=lang)) from exc
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
    return (
        marker.get("version") == PIPELINE_VERSION
        and marker.get("spacy", "").split(".")[:2] == spacy.__version__.split(".")[:2]
    )


def save_pipeline(nlp: Any, folder: Path) -> None:
    import spacy

    def fill(tmp: Path) -> None:
        nlp.to_disk(tmp)
        (tmp / MARKER).write_text(
            json.dumps({"version": PIPELINE_VERSION, "lang": nlp.lang, "spacy": spacy.__version__}),
            encoding="utf-8",
        )

    replace_folder(folder, fill)


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

    register_components()  # a named folder may hold a pipeline saved by workbench
    if not spacy.util.is_package(name) and not Path(name).is_dir():
        raise WorkbenchError(
            _("the spaCy pipeline {name!r} named in the project settings is not installed").format(
                name=name
            ),
            place="setting spacy_model",
        )
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


# ------------------------------------------------------------ named pipelines in the settings

SETTING = "spacy_model"


def _package_meta(name: str) -> dict[str, Any] | None:
    """The ``meta.json`` of an installed spaCy pipeline package, or None when ``name`` is not
    one. The package is located, not imported: naming some other package runs none of its code.
    """
    import importlib.util

    import spacy

    if not spacy.util.is_package(name):
        return None
    try:
        spec = importlib.util.find_spec(name.replace("-", "_"))
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        try:
            meta = json.loads((Path(location) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and meta.get("lang"):
            return meta
    return None


def check_named_pipeline(name: str) -> tuple[str, str]:
    """Check that ``name`` is an installed spaCy pipeline package or a folder holding a saved
    pipeline; return ``(value to store, its language)``. Folders are stored as absolute paths
    so the setting means the same from any working directory."""
    import spacy

    meta = _package_meta(name)
    if meta is not None:
        return name, str(meta["lang"])
    folder = Path(name).expanduser()
    if folder.is_dir():
        register_components()
        try:
            nlp = spacy.util.load_model(folder)
        except Exception as exc:  # spaCy raises IOError, ValueError, config errors...
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise WorkbenchError(
                _("the folder {name!r} does not hold a saved spaCy pipeline ({reason})").format(
                    name=name, reason=reason
                )
            ) from exc
        assert nlp.lang, "spaCy gives every pipeline it loads a language"
        return str(folder.resolve()), nlp.lang
    if spacy.util.is_package(name):
        raise WorkbenchError(
            _("{name!r} is an installed package but not a spaCy pipeline").format(name=name)
        )
    raise WorkbenchError(
        _(
            "no installed spaCy pipeline or pipeline folder named {name!r} (workbench never "
            "downloads one; install it with pip first)"
        ).format(name=name)
    )


def set_named_pipeline(project: Project, name: str, language: str | None = None) -> tuple[str, str]:
    """Check ``name`` and store it as the pipeline for its language; return ``(key, value)``.

    ``language`` defaults to the pipeline's own; naming a different one is an error, because
    a pipeline is only ever used for documents in its own language.
    """
    from workbench.permissions import require

    require(project, "project.settings")
    value, lang = check_named_pipeline(name)
    if language is not None:
        language = language.strip().lower()
        if language != lang:
            raise WorkbenchError(
                _("the spaCy pipeline {name!r} is for language {lang!r}, not {language!r}").format(
                    name=name, lang=lang, language=language
                )
            )
    key = f"{SETTING}.{lang}"
    project.set_setting(key, value)
    return key, value


def clear_named_pipeline(project: Project, language: str | None = None) -> list[str]:
    """Remove the named pipeline for ``language`` (every one when None); return the keys
    removed. Documents then use the built-in pipeline again."""
    from workbench.permissions import require

    require(project, "project.settings")
    keys = [
        key
        for key, _unused in named_pipeline_settings(project)
        if language is None or key == f"{SETTING}.{language.strip().lower()}"
    ]
    with project.transaction():
        for key in keys:
            project.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
    return keys


def named_pipeline_settings(project: Project) -> list[tuple[str, str]]:
    """The ``spacy_model`` settings of the project, as ``(key, value)`` sorted by key."""
    rows = project.conn.execute(
        "SELECT key, value FROM settings WHERE key = ? OR key LIKE ? ORDER BY key",
        (SETTING, SETTING + ".%"),
    )
    return [(key, value) for key, value in rows]


def describe_pipelines(project: Project) -> list[dict[str, str]]:
    """Per language in use (project, documents, settings): the setting and the pipeline that
    ``pipeline`` would use. Nothing is built or loaded."""
    settings = dict(named_pipeline_settings(project))
    langs = {language_of(project, None)}
    langs.update(language_of(project, doc.language) for doc in project.documents())
    langs.update(key.split(".", 1)[1] for key in settings if "." in key)
    general = settings.get(SETTING)
    general_lang = _named_language(general) if general else None
    if general_lang:
        langs.add(general_lang)
    rows = []
    for lang in sorted(langs):
        key = f"{SETTING}.{lang}" if f"{SETTING}.{lang}" in settings else SETTING
        name = settings.get(key)
        if key == SETTING and general_lang != lang:
            name = None
        if name and key == SETTING:
            used_lang = general_lang
        else:
            used_lang = _named_language(name) if name else None
        folder = storage_dir(project) / f"pipeline-{lang}"
        if name and used_lang is None:
            used = f"error: {name} is not installed"
        elif name and used_lang == lang:
            used = name
        elif name:
            used = f"built-in ({name} is for {used_lang!r})"
        elif _marker_ok(folder):
            used = f"built-in, saved in {folder}"
        else:
            used = "built-in, built on first use"
        rows.append(
            {"language": lang, "setting": f"{key} = {name}" if name else "", "pipeline": used}
        )
    return rows


def _named_language(name: str) -> str | None:
    """The language of a named pipeline without loading it (None when it is not available)."""
    meta = _package_meta(name)
    if meta is not None:
        return str(meta["lang"])
    try:
        meta = json.loads((Path(name).expanduser() / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(meta["lang"]) if isinstance(meta, dict) and meta.get("lang") else None
