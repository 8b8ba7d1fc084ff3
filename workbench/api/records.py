"""What the Python API returns: typed records in sequences that know how they were made.

Each call of ``workbench.api.Project`` returns either a ``Records`` sequence (documents,
codes, codings, suggestions) or a result object (co-occurrence, agreement), and each carries
``command``: the ``workbench`` command line that prints the same numbers with ``--format
json``, and ``provenance``: the record exported figures and tables carry (command, project,
fingerprint of the project's content, time). ``to_json()`` is exactly that command's JSON;
``to_pandas()`` a DataFrame (pandas is the optional ``notebook`` extra).

The field names are the JSON keys of the commands, which are a public contract: a record
keeps them even when the command's table shows them under other headings.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from workbench.i18n import _
from workbench.store.errors import WorkbenchError

if TYPE_CHECKING:
    import pandas

    from workbench.export.record import Record

R = TypeVar("R")


def pandas_module() -> Any:
    """pandas, or the one-line error saying how to install it."""
    try:
        import pandas
    except ImportError:
        raise WorkbenchError(
            _("to_pandas() needs pandas: pip install 'workbench[notebook]'")
        ) from None
    return pandas


def from_row(cls: type[R], row: Mapping[str, Any]) -> R:
    """A record of ``cls`` from a command's JSON row (keys the record does not have are left
    out; a key the row lacks is None)."""
    return cls(**{f.name: row.get(f.name) for f in fields(cls)})  # type: ignore[arg-type]


class Made:
    """What every result carries: the record of how it was made."""

    provenance: Record

    @property
    def command(self) -> str:
        """The command line that prints the same result (``--format json``)."""
        return self.provenance.command


class Records(Made, Sequence[R], Generic[R]):
    """A sequence of typed records, with the command that gives them and ``to_pandas()``."""

    def __init__(self, rows: Sequence[R], provenance: Record, json_value: Any = None) -> None:
        self._rows = tuple(rows)
        self.provenance = provenance
        self._json = json_value

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[R, ...]: ...

    def __getitem__(self, index: int | slice) -> R | tuple[R, ...]:
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[R]:
        return iter(self._rows)

    def __repr__(self) -> str:
        kind = type(self._rows[0]).__name__ if self._rows else "record"
        return f"<{len(self)} {kind} records from: {self.command}>"

    def to_json(self) -> Any:
        """What the command prints with ``--format json``."""
        if self._json is not None:
            return self._json
        return [asdict(r) for r in self._rows]  # type: ignore[call-overload]

    def to_pandas(self) -> pandas.DataFrame:
        """One row per record, one column per field (nested counts spread into columns)."""
        pd = pandas_module()
        return pd.DataFrame([_flat(asdict(r)) for r in self._rows])  # type: ignore[call-overload]

    def _repr_html_(self) -> str:
        """A notebook shows the table, with the command that makes it again under it."""
        try:
            table = self.to_pandas().to_html(max_rows=30)
        except WorkbenchError:
            table = html.escape(repr(self))
        return f"{table}<p><code>{html.escape(self.command)}</code></p>"


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """``counts: {both: 1}`` -> ``both: 1``: a nested dict of counts becomes columns."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == "counts" and isinstance(value, dict):
            out.update({k: v for k, v in value.items() if not isinstance(v, dict)})
        else:
            out[key] = value
    return out


# ------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class Document:
    """A document as ``workbench documents`` lists it."""

    name: str
    case: str | None
    characters: int
    turns: int
    speakers: int
    sentences: int


@dataclass(frozen=True)
class Code:
    """A code as ``workbench codebook show`` lists it: ``count`` its own codings, ``total``
    with its subcodes'."""

    path: str
    name: str
    description: str | None
    count: int
    total: int
    colour: str | None
    guid: str
    depth: int
    parent: str | None
    inclusion: str | None
    exclusion: str | None
    keywords: dict[str, list[str]]
    examples: list[str]
    value: float | None


@dataclass(frozen=True)
class Coding:
    """A coding as ``workbench codings`` lists it, with the coded text."""

    id: int
    document: str
    code: str
    coder: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CodePair:
    """Two codes that meet: ``count`` (n12), each code's frequency (``n_a``, ``n_b``), the
    c-coefficient (None where undefined) and the conditional shares."""

    a: str
    b: str
    count: int
    n_a: int
    n_b: int
    c: float | None
    conditional_ab: float
    conditional_ba: float
    overlap_warning: bool


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code: units compared, percent, Cohen's kappa, Krippendorff's alpha,
    the counts behind them and, with a bootstrap, its interval block."""

    code: str
    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None
    counts: dict[str, Any]
    bootstrap: dict[str, Any] | None = None


@dataclass(frozen=True)
class Suggestion:
    """A stored suggestion as ``workbench suggest list`` lists it."""

    id: int
    document: str
    start: int
    end: int
    code: str
    score: float
    suggester: str
    reason: str
    status: str
    coder: str | None
    coding_id: int | None
    text: str


# ------------------------------------------------------------------------------ results


class Cooccurrence(Made):
    """Co-occurrence of codes (``workbench cooccur``): the codes, their frequencies, and the
    pairs that meet, strongest first by the chosen ``measure``."""

    def __init__(self, result: Any, measure: str, provenance: Record) -> None:
        self._result = result
        self.mode: str = result.mode
        self.measure = measure
        self.codes: list[str] = list(result.codes)
        self.frequencies: dict[str, int] = dict(result.frequencies)
        self.provenance = provenance
        freq = result.frequencies
        self.pairs: Records[CodePair] = Records(
            [
                CodePair(
                    **p.as_json(),
                    n_a=freq[p.a],
                    n_b=freq[p.b],
                )
                for p in _ordered_pairs(result, measure)
            ],
            provenance,
        )

    def __repr__(self) -> str:
        return (
            f"<co-occurrence of {len(self.codes)} codes, {len(self.pairs)} pairs "
            f"({self.mode}) from: {self.command}>"
        )

    def to_json(self) -> dict[str, Any]:
        """What ``workbench cooccur --format json`` prints."""
        return dict(self._result.to_json())

    def to_pandas(self) -> pandas.DataFrame:
        """One row per pair, strongest first by ``measure``."""
        return self.pairs.to_pandas()

    def matrix(self, measure: str | None = None) -> pandas.DataFrame:
        """The code-by-code matrix (``--layout matrix``): counts with frequencies on the
        diagonal, or ``c`` / ``conditional`` (row code's share) with an empty diagonal."""
        pd = pandas_module()
        codes, cells = self._result.matrix(measure or self.measure)
        return pd.DataFrame(cells, index=codes, columns=codes)

    def _repr_html_(self) -> str:
        return self.pairs._repr_html_()


def _ordered_pairs(result: Any, measure: str) -> list[Any]:
    """The result's pairs in the order its table rows come (``rows(measure)``)."""
    by_key = {(p.a, p.b): p for p in result.pairs}
    return [by_key[(row["a"], row["b"])] for row in result.rows(measure)]


class Agreement(Made):
    """Agreement between coders (``workbench agree``): per code and pooled overall."""

    def __init__(self, result: Any, provenance: Record) -> None:
        self._result = result
        self.provenance = provenance
        self.unit: str = result.unit
        self.coders: tuple[str, ...] = tuple(result.coders)
        self.documents: tuple[str, ...] = tuple(result.documents)
        self.percent: float | None = result.percent
        self.kappa: float | None = result.kappa
        self.alpha: float | None = result.alpha
        self.variable: dict[str, Any] | None = result.variable
        self.codes: Records[CodeAgreement] = Records(
            [from_row(CodeAgreement, c.to_json()) for c in result.codes], provenance
        )

    @property
    def overall(self) -> dict[str, Any]:
        """The pooled figures as the JSON's ``overall`` block."""
        return dict(self.to_json()["overall"])

    def __repr__(self) -> str:
        alpha = "undefined" if self.alpha is None else f"{self.alpha:.3f}"
        return (
            f"<agreement of {', '.join(self.coders)} over {len(self.documents)} documents "
            f"({self.unit} units), alpha {alpha}, from: {self.command}>"
        )

    def to_json(self) -> dict[str, Any]:
        """What ``workbench agree --format json`` prints."""
        return dict(self._result.to_json())

    def to_pandas(self) -> pandas.DataFrame:
        """One row per code, with its counts as columns."""
        return self.codes.to_pandas()

    def to_markdown(self, lang: str | None = None, decimal: str | None = None) -> str:
        """The pipe table, footnote and methods paragraph of ``--format markdown`` (in
        ``lang``, with the ``decimal`` mark, as ``--lang`` and ``--decimal`` give them)."""
        from workbench.i18n import speaking

        with speaking(lang, decimal=decimal):
            return str(self._result.to_markdown())

    def methods(self, lang: str | None = None, decimal: str | None = None) -> str:
        """The methods paragraph a paper can quote (in ``lang``, with the ``decimal`` mark)."""
        from workbench.i18n import speaking

        with speaking(lang, decimal=decimal):
            return str(self._result.methods())

    def _repr_html_(self) -> str:
        return self.codes._repr_html_()


@dataclass(frozen=True)
class Option:
    """One command-line option of an API call: left out when ``value`` is ``default``; a
    sequence repeats the option (or joins its items with commas when ``joined``)."""

    flag: str
    value: Any
    default: Any = None
    joined: bool = False


def command_args(words: Sequence[str], options: Sequence[Option]) -> list[str]:
    """The arguments after ``workbench --project FILE`` that ask for what a call asked for."""
    args = list(words)
    for option in options:
        value = option.value
        if value == option.default or value is None or value is False:
            continue
        if value is True:
            args.append(option.flag)
        elif isinstance(value, list | tuple):
            if option.joined:
                args += [option.flag, ",".join(str(v) for v in value)]
            else:
                for item in value:
                    args += [option.flag, str(item)]
        else:
            args += [option.flag, _number(value)]
    return args


def _number(value: Any) -> str:
    """``9.0`` -> ``"9"``: numbers as a user types them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
