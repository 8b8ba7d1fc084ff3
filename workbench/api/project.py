"""``workbench.open(path)``: a project as a researcher scripts it, one call per command.

Each method takes the options of its command under the same names (``--where`` is
``where=``, ``--coder`` and ``--coders`` are ``coders=``) and returns typed records that carry
the equivalent command line (``workbench.api.records``). Nothing here holds a rule: every
call goes to the same core function the command line and the app call, so the three faces
give the same numbers.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from workbench.api.records import (
    Agreement,
    Code,
    Coding,
    Cooccurrence,
    Document,
    Option,
    Records,
    Suggestion,
    command_args,
    from_row,
)
from workbench.store.project import Project as StoreProject

if TYPE_CHECKING:
    from workbench.analysis.filters import Selection
    from workbench.api.figure import Figure
    from workbench.export.record import Record

#: ``where=`` takes "key=value" strings, (key, value) pairs, or a mapping of key to one value
#: or several (alternatives)
Where = str | Mapping[str, str | Sequence[str]] | Iterable[str | tuple[str, str]] | None
Names = str | Iterable[str] | None
#: the file the command line of a Sankey figure names (the API returns the figure itself)
SANKEY_FILE = "sankey.html"


def where_items(where: Where) -> list[str]:
    """``where=`` as the ``KEY=VALUE`` items of ``--where``, in the order given."""
    if where is None:
        return []
    if isinstance(where, str):
        return [where]
    if isinstance(where, Mapping):
        items = []
        for key, value in where.items():
            values = [value] if isinstance(value, str) else list(value)
            items += [f"{key}={v}" for v in values]
        return items
    return [w if isinstance(w, str) else f"{w[0]}={w[1]}" for w in where]


def names(value: Names) -> list[str]:
    """A name or several as a list (``"maria"`` and ``["maria"]`` alike)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def open(path: str | os.PathLike[str], read_only: bool = False) -> Project:
    """Open the project file at ``path`` (it must exist); ``read_only`` never writes to it.

    Use it as a context manager, or call ``close()`` when done::

        with workbench.open("workbench-demo/workbench.db") as project:
            project.codings(where="region=Piura").to_pandas()
    """
    return Project(StoreProject.open(path, create=False, read_only=read_only), str(path))


class Project:
    """An open project. Every method mirrors a command (see ``docs/python.md``)."""

    def __init__(self, store: StoreProject, path: str) -> None:
        self._store = store
        self.path = path

    # ------------------------------------------------------------------ lifetime

    @property
    def read_only(self) -> bool:
        return bool(self._store.read_only)

    @property
    def store(self) -> StoreProject:
        """The project as the core sees it, for what the API does not cover (not part of the
        API's contract: its names may change between releases)."""
        return self._store

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = ", read-only" if self.read_only else ""
        return f"<workbench project {self.path}{mode}>"

    # ------------------------------------------------------------------ listings

    def documents(self) -> Records[Document]:
        """The documents: name, case, characters, turns, speakers, sentences
        (``workbench documents``)."""
        from workbench.ingest.summary import document_rows

        rows = document_rows(self._store)
        return self._records(Document, rows, ["documents"], [])

    def codes(self) -> Records[Code]:
        """The codebook, parents first, with each code's codings (``workbench codebook
        show``): ``count`` its own, ``total`` with its subcodes."""
        from workbench.ops.codebook import code_rows

        rows = code_rows(self._store)
        return self._records(Code, rows, ["codebook", "show"], [])

    def codings(
        self,
        *,
        doc: str | None = None,
        code: str | None = None,
        coder: str | None = None,
        where: Where = None,
    ) -> Records[Coding]:
        """The codings with their text, by document and position (``workbench codings``).

        ``doc`` one document; ``code`` one code (exact path, not its subcodes); ``coder``
        one coder's name; ``where`` documents whose case has these attribute values
        (``"region=Piura"``, ``{"region": ["Piura", "Cusco"]}``; see docs/selection.md).
        """
        from workbench.ops.retrieval import listing

        items = where_items(where)
        rows = listing(self._store, doc=doc, code=code, coder=coder, where=items, full_text=True)
        options = [
            Option("--doc", doc),
            Option("--code", code),
            Option("--coder", coder),
            Option("--where", items, []),
        ]
        return self._records(Coding, rows, ["codings"], options)

    def suggest(
        self,
        *,
        doc: str | None = None,
        code: str | None = None,
        order: str = "position",
        status: str = "open",
    ) -> Records[Suggestion]:
        """Stored suggestions with their score, reason and text (``workbench suggest list``):
        ``order`` position, uncertainty (the review queue) or score; ``status`` open,
        accepted, rejected or all. ``workbench suggest run`` makes them."""
        from workbench.suggest.review import list_suggestions, suggestion_rows

        items = list_suggestions(self._store, doc, order=order, status=status, code=code)
        rows = suggestion_rows(self._store, items)
        options = [
            Option("--doc", doc),
            Option("--code", code),
            Option("--order", order, "position"),
            Option("--status", status, "open"),
        ]
        return self._records(Suggestion, rows, ["suggest", "list"], options)

    # ------------------------------------------------------------------ analyses

    def cooccurrence(
        self,
        *,
        mode: str | None = None,
        unit: str = "sentence",
        distance: int | None = None,
        coders: Names = None,
        codes: Names = None,
        depth: int | None = None,
        where: Where = None,
        measure: str = "count",
    ) -> Cooccurrence:
        """Code co-occurrence (``workbench cooccur``): ``mode`` overlap (default), unit or
        proximity; ``unit`` for the unit mode; ``distance`` in characters for proximity;
        ``coders``, ``codes``, ``depth``, ``where`` select codings as everywhere;
        ``measure`` (count, c, conditional) orders the pairs and fills ``matrix()``."""
        from workbench.analysis.cooccurrence import CooccurrenceResult, Options, cooccurrence

        CooccurrenceResult("", [], {}, []).rows(measure)  # an unknown measure: the one error
        options = Options.choose(mode, unit, distance)
        selection = self._selection(coders, codes, depth, where)
        result = cooccurrence(self._store, options, selection)
        args = command_args(
            ["cooccur"],
            [
                *self._mode_options(mode, unit, distance),
                *self._selection_options(coders, codes, depth, where),
                Option("--measure", measure, "count"),
                Option("--format", "json"),
            ],
        )
        return Cooccurrence(result, measure, self._record(args, selection))

    def agreement(
        self,
        *,
        coders: Names = None,
        unit: str = "char",
        overlap: float | None = None,
        codes: Names = None,
        depth: int | None = None,
        docs: Names = None,
        where: Where = None,
        group: str | None = None,
        missing: str = "none",
        level: str = "nominal",
        bootstrap: int | None = None,
        seed: int | None = None,
    ) -> Agreement:
        """Agreement between coders per code and overall (``workbench agree``): percent,
        Cohen's kappa, Krippendorff's alpha over documents every compared coder marked done
        (or ``docs``); ``unit`` char, sentence, turn, document, segment, presence or
        frequency; ``group``/``level``/``missing`` compare a group's subcodes as one
        variable; ``bootstrap`` N resamples (``seed``) for 95 % intervals."""
        from workbench.analysis.agreement import agreement

        result = agreement(
            self._store,
            coders=names(coders) or None,
            unit=unit,
            codes=names(codes) or None,
            depth=depth,
            docs=names(docs) or None,
            group=group,
            level=level,
            missing=missing,
            overlap=overlap,
            bootstrap=bootstrap,
            seed=seed,
            where=where_items(where),
        )
        args = command_args(
            ["agree"],
            [
                Option("--coders", names(coders), [], joined=True),
                Option("--unit", unit, "char"),
                Option("--overlap", overlap),
                Option("--codes", names(codes), []),
                Option("--depth", depth),
                Option("--docs", names(docs), [], joined=True),
                Option("--where", where_items(where), []),
                Option("--group", group),
                Option("--missing", missing, "none"),
                Option("--level", level, "nominal"),
                Option("--bootstrap", bootstrap),
                Option("--seed", seed),
                Option("--format", "json"),
            ],
        )
        return Agreement(result, self._record(args, None))

    def sankey(
        self,
        *,
        left: Names = None,
        right: Names = None,
        group: str | None = None,
        aspect: str | None = None,
        stages: str | Sequence[str] | None = None,
        attribute: str | None = None,
        measure: str = "count",
        values: str | None = None,
        labels: str = "leaf",
        order: str = "crossings",
        size: str | None = None,
        mode: str | None = None,
        unit: str = "sentence",
        distance: int | None = None,
        coders: Names = None,
        codes: Names = None,
        depth: int | None = None,
        where: Where = None,
        title: str | None = None,
        width: int = 1000,
        height: int | None = None,
        font_size: float | None = None,
        font_family: str | None = None,
        scale: float | None = None,
        lang: str | None = None,
        decimal: str | None = None,
    ) -> Figure:
        """A Sankey diagram of co-occurring codes (``workbench sankey``) as a plotly Figure
        that displays inline; ``fig.write_html(...)`` or ``write_image`` saves it. The options
        are the command's: ``left``/``right`` codes, or one of ``group``, ``aspect``,
        ``stages`` (``"region,Decentralization,Effectiveness"``) and ``attribute``; link
        ``measure`` and printed ``values``; print ``size`` (single, double, slide) or
        ``width``/``height`` in pixels and ``font_size`` in points; ``lang`` the language of
        its text and ``decimal`` its decimal mark (``point``, ``comma``)."""
        from workbench.analysis.cooccurrence import Options
        from workbench.api.figure import Figure
        from workbench.export.figures import DEFAULT_FONT_PT, style_for
        from workbench.export.sankey_request import SankeyRequest, draw_sankey
        from workbench.i18n import speaking

        stage_text = stages if stages is None or isinstance(stages, str) else ",".join(stages)
        request = SankeyRequest(
            options=Options.choose(mode, unit, distance),
            left=tuple(names(left)),
            right=tuple(names(right)),
            group=group,
            aspect=aspect,
            stages=stage_text,
            attribute=attribute,
            measure=measure,
            values=values,
            coders=tuple(names(coders)),
            codes=tuple(names(codes)),
            depth=depth,
            where=tuple(where_items(where)),
        )
        request.check()
        given = {
            name
            for name, value in (("height", height), ("font_size", font_size), ("scale", scale))
            if value is not None
        }
        style = style_for(
            size=size,
            title=title,
            width=width,
            height=700 if height is None else height,
            font_size=DEFAULT_FONT_PT if font_size is None else font_size,
            font_family=font_family,
            scale=1.0 if scale is None else scale,
            given=given,
        )
        with speaking(lang, decimal=decimal):
            drawing = draw_sankey(self._store, request, style, labels=labels, order=order)
        args = command_args(
            ["sankey", SANKEY_FILE],
            [
                Option("--left", names(left), []),
                Option("--right", names(right), []),
                Option("--group", group),
                Option("--aspect", aspect),
                Option("--stages", stage_text),
                Option("--attribute", attribute),
                Option("--measure", measure, "count"),
                Option("--values", values),
                Option("--labels", labels, "leaf"),
                Option("--order", order, "crossings"),
                Option("--size", size),
                *self._mode_options(mode, unit, distance),
                *self._selection_options(coders, codes, depth, where),
                Option("--title", title),
                Option("--width", width, 1000),
                Option("--height", height),
                Option("--font-size", font_size),
                Option("--font-family", font_family),
                Option("--scale", scale),
                Option("--lang", lang),
                Option("--decimal", decimal),
            ],
        )
        record = self._record(args, drawing.selection, output=SANKEY_FILE)
        return Figure(drawing.figure, record)

    # ------------------------------------------------------------------ helpers

    def _records(
        self,
        kind: type[Any],
        rows: list[dict[str, Any]],
        words: list[str],
        options: list[Option],
    ) -> Records[Any]:
        args = command_args(words, [*options, Option("--format", "json")])
        return Records([from_row(kind, r) for r in rows], self._record(args, None), rows)

    def _selection(self, coders: Names, codes: Names, depth: int | None, where: Where) -> Selection:
        from workbench.analysis.filters import Selection

        return Selection.build(
            coders=names(coders), codes=names(codes), depth=depth, where=where_items(where)
        )

    @staticmethod
    def _mode_options(mode: str | None, unit: str, distance: int | None) -> list[Option]:
        return [
            Option("--mode", mode),
            Option("--unit", unit, "sentence"),
            Option("--distance", distance),
        ]

    @staticmethod
    def _selection_options(
        coders: Names, codes: Names, depth: int | None, where: Where
    ) -> list[Option]:
        return [
            Option("--coder", names(coders), []),
            Option("--codes", names(codes), []),
            Option("--depth", depth),
            Option("--where", where_items(where), []),
        ]

    def _record(self, args: list[str], selection: Selection | None, output: str = "") -> Record:
        """The provenance of a result: the command line, the project, its fingerprint now."""
        from workbench.export.provenance import fingerprint, now_text, selection_counts
        from workbench.export.record import Record

        argv = ["workbench", "--project", self.path, *args]
        counts = selection_counts(self._store, selection) if selection is not None else {}
        return Record(
            command=shlex.join(argv),
            args=args,
            output=output,
            project=self.path,
            fingerprint=fingerprint(self._store),
            created=now_text(),
            counts=counts,
        )
