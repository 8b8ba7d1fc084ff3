"""Code co-occurrence: which codes meet in the text, how often, and how strongly.

Definitions (docs/cooccurrence.md has worked examples; tests check the same numbers):

- Pairs are formed only inside one coder's codings; the default sums over coders.
- ``overlap``: two codings of codes A != B in one document whose ranges share at least one
  character count once. Half-open ranges: ``[0, 5)`` and ``[5, 9)`` touch but do not overlap.
- ``proximity`` N: as overlap, plus pairs whose gap (later start minus earlier end) is at most
  N characters; touching codings have gap 0.
- ``unit`` (sentence, turn, paragraph, document): the number of units in which a coder applied
  both codes (a coding applies its code to every unit it shares a character with).
- Frequencies n1: codings of the code in overlap and proximity modes, units containing the
  code in unit mode; always after roll-up and filters.
- c = n12 / (n1 + n2 - n12), exactly as ATLAS.ti defines it; conditional_ab = n12 / n1;
  conditional_ba = n12 / n2. In overlap and proximity modes one coding can meet several codings
  of the other code, so n12 can exceed n1 or n2. Then c is still reported unchanged (it may
  exceed 1, as in ATLAS.ti) and the pair carries ``overlap_warning``, the mark ATLAS.ti puts on
  such cells; when n1 + n2 - n12 is 0 or less the formula has no value and c is ``None``. The
  conditional shares use n12 capped at the frequency they divide by (a share above 1 has no
  reading) and the pair is marked ``capped``. The count itself is never capped.

In overlap and proximity modes the engine reads the selected codings in one query as packed
number columns (``filters.read_columns``) and counts with numpy (``count_arrays``): within each
document and coder, in start order, a coding's partners are the next few codings, found for all
codings at once by comparing shifted columns (binary search for long runs), O(n log n + k) for n
codings and k meeting pairs. ``count_sweep`` is the same count as a plain Python sweep with an
active set per coder: the reference the tests hold the engine to (with a brute-force count).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.analysis.filters import (
    EVERYTHING,
    CodingSelection,
    Selection,
    read_columns,
    scope,
    select,
)
from workbench.analysis.units import SPAN_UNITS, check_unit, spans_by_document, touched
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

if TYPE_CHECKING:
    import networkx

MODES = ("overlap", "unit", "proximity")
MEASURES = ("count", "c", "conditional")


@dataclass(frozen=True)
class Options:
    """How to count: ``mode``, the ``unit`` for unit mode, the ``distance`` for proximity."""

    mode: str = "overlap"
    unit: str = "sentence"
    distance: int = 0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise WorkbenchError(
                _("unknown mode {mode!r}; use one of {items}").format(
                    mode=self.mode, items=", ".join(MODES)
                )
            )
        check_unit(self.unit, SPAN_UNITS)
        if self.distance < 0:
            raise WorkbenchError(
                _("distance must be 0 or more, not {distance}").format(distance=self.distance)
            )

    @classmethod
    def choose(cls, mode: str | None, unit: str, distance: int | None) -> Options:
        """The options a user asked for: a distance alone means proximity, and a distance
        with another mode is refused rather than ignored."""
        if mode is None:
            mode = "proximity" if distance is not None else "overlap"
        if distance is not None and mode != "proximity":
            raise WorkbenchError(_("--distance applies to --mode proximity only"))
        return cls(mode=mode, unit=unit, distance=distance or 0)

    @property
    def label(self) -> str:
        """``overlap``, ``unit:sentence`` or ``proximity:50``: the mode as JSON reports it."""
        if self.mode == "unit":
            return f"unit:{self.unit}"
        if self.mode == "proximity":
            return f"proximity:{self.distance}"
        return "overlap"

    @property
    def reach(self) -> int:
        """A later coding meets an earlier one when ``later.start <= earlier.end + reach``."""
        return self.distance if self.mode == "proximity" else -1


OVERLAP = Options()


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    count: int
    c: float | None
    conditional_ab: float
    conditional_ba: float
    capped: bool = False

    @property
    def overlap_warning(self) -> bool:
        """ATLAS.ti's warning: n12 exceeds a frequency, one occurrence meets several."""
        return self.capped

    def as_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "count": self.count,
            "c": self.c,
            "conditional_ab": self.conditional_ab,
            "conditional_ba": self.conditional_ba,
            "overlap_warning": self.overlap_warning,
        }


def c_coefficient(n12: int, n1: int, n2: int) -> float | None:
    """ATLAS.ti's c = n12 / (n1 + n2 - n12), uncapped; None where the denominator is 0 or less.

    0 when the codes never meet (n12 = 0), whatever the frequencies.
    """
    if n12 <= 0:
        return 0.0
    union = n1 + n2 - n12
    return n12 / union if union > 0 else None


def coefficients(n12: int, n1: int, n2: int) -> tuple[float | None, float, float, bool]:
    """(c, conditional_ab, conditional_ba, flag) for counts n12, n1, n2.

    ``c`` is ATLAS.ti's formula unchanged (``c_coefficient``); the conditional shares use n12
    capped at the frequency they divide by. ``flag`` is True when n12 > min(n1, n2).
    """
    flag = n12 > min(n1, n2)
    ab = min(n12, n1) / n1 if n1 else 0.0
    ba = min(n12, n2) / n2 if n2 else 0.0
    return c_coefficient(n12, n1, n2), ab, ba, flag


def _c_key(p: Pair) -> float:
    """Sort key for c: an undefined c (n12 >= n1 + n2) sorts above every number."""
    return float("inf") if p.c is None else p.c


@dataclass
class CooccurrenceResult:
    """Codes, their frequencies and the pairs that meet, plus views for tables and figures."""

    mode: str
    codes: list[str]
    frequencies: dict[str, int]
    pairs: list[Pair]
    colours: dict[str, str] = field(default_factory=dict)

    # --------------------------------------------------------------- lookups

    def pair(self, a: str, b: str) -> Pair | None:
        a, b = min(a, b), max(a, b)
        for p in self.pairs:
            if p.a == a and p.b == b:
                return p
        return None

    def value(self, row: str, column: str, measure: str = "count") -> float:
        """The cell (row, column) of the matrix for ``measure``.

        ``conditional`` reads as "share of the row code's occurrences that meet the column code".
        """
        p = self.pair(row, column)
        if p is None:
            return 0
        if measure == "count":
            return p.count
        if measure == "c":
            return p.c if p.c is not None else float("nan")
        if measure == "conditional":
            return p.conditional_ab if row == p.a else p.conditional_ba
        raise WorkbenchError(
            _("unknown measure {measure!r}; use one of {items}").format(
                measure=measure, items=", ".join(MEASURES)
            )
        )

    # ----------------------------------------------------------------- views

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "codes": list(self.codes),
            "frequencies": dict(self.frequencies),
            "pairs": [p.as_json() for p in self.pairs],
        }

    def rows(self, measure: str = "count") -> list[dict[str, Any]]:
        """One row per pair, strongest first by ``measure``; flagged pairs marked."""
        key = {
            "count": lambda p: (p.count, _c_key(p)),
            "c": lambda p: (_c_key(p), p.count),
            "conditional": lambda p: (max(p.conditional_ab, p.conditional_ba), p.count),
        }
        if measure not in key:
            raise WorkbenchError(
                _("unknown measure {measure!r}; use one of {items}").format(
                    measure=measure, items=", ".join(MEASURES)
                )
            )
        out = []
        for p in sorted(self.pairs, key=key[measure], reverse=True):
            out.append(
                {
                    "a": p.a,
                    "b": p.b,
                    "count": p.count,
                    "n_a": self.frequencies[p.a],
                    "n_b": self.frequencies[p.b],
                    "c": "" if p.c is None else round(p.c, 4),
                    "conditional_ab": round(p.conditional_ab, 4),
                    "conditional_ba": round(p.conditional_ba, 4),
                    "capped": "yes" if p.capped else "",
                    "overlap_warning": "yes" if p.overlap_warning else "",
                }
            )
        return out

    def matrix(self, measure: str = "count") -> tuple[list[str], list[list[float | None]]]:
        """(codes, cells): a code-by-code matrix; the diagonal holds frequencies for counts."""
        cells: list[list[float | None]] = []
        for r in self.codes:
            row: list[float | None] = []
            for c in self.codes:
                if r == c:
                    row.append(self.frequencies[r] if measure == "count" else None)
                else:
                    v = self.value(r, c, measure)
                    if isinstance(v, float):
                        row.append(None if v != v else round(v, 4))  # NaN: c undefined
                    else:
                        row.append(v)
            cells.append(row)
        return list(self.codes), cells

    def graph(self) -> networkx.Graph:
        """Codes as nodes (frequency, colour), meeting pairs as edges (count, c, conditionals).

        Nodes come in codebook order and each edge runs from the code earlier in it (its
        source, as GraphML and GEXF files write it) to the later one (its target):
        ``conditional_ab`` is the share of the source's occurrences that meet the target,
        ``conditional_ba`` the target's that meet the source.
        """
        import networkx as nx

        order = {code: i for i, code in enumerate(self.codes)}
        g = nx.Graph(mode=self.mode)
        for code in self.codes:
            g.add_node(
                code,
                label=code,
                frequency=self.frequencies[code],
                colour=self.colours.get(code, "#999999"),
            )
        for p in sorted(self.pairs, key=lambda p: sorted((order[p.a], order[p.b]))):
            extra = {} if p.c is None else {"c": p.c}
            forward = order[p.a] < order[p.b]
            g.add_edge(
                p.a if forward else p.b,
                p.b if forward else p.a,
                count=p.count,
                conditional_ab=p.conditional_ab if forward else p.conditional_ba,
                conditional_ba=p.conditional_ba if forward else p.conditional_ab,
                weight=p.count,
                overlap_warning=p.overlap_warning,
                **extra,
            )
        return g


# ------------------------------------------------------------------ the engine


def cooccurrence(
    project: Project,
    options: Options = OVERLAP,
    selection: Selection = EVERYTHING,
) -> CooccurrenceResult:
    """Count co-occurrences of the selected codings (one query, one sweep per document)."""
    if options.mode == "unit":
        chosen = select(project, selection, ids=False)
        units = load_units(project, options.unit, {r[0] for r in chosen.rows})
        freq, pairs = count_units(chosen.rows, chosen.rollup, units)
    else:
        chosen = scope(project, selection, names=False)
        columns = read_columns(project, selection, chosen)
        freq, pairs = count_arrays(columns, chosen.rollup, len(chosen.codes), options.reach)
    return build_result(options.label, chosen, freq, pairs)


# ``count_arrays`` pairs codings 1 to NEAR places apart in sweep order by comparing shifted
# whole columns; the few codings with more partners than that (a long coding holding many
# others) find the rest by binary search, CHUNK_PAIRS candidate pairs at a time (about 100
# bytes each), so memory stays bounded when one coder stacks thousands of codings.
NEAR = 8
CHUNK_PAIRS = 1 << 21


def count_arrays(
    columns: Sequence[Any], rollup: dict[int, int], size: int, reach: int
) -> tuple[Counter[int], Counter[tuple[int, int]]]:
    """``count_sweep`` followed by ``fold``, computed with numpy on whole columns.

    ``columns`` are ``(group, start, end, code_id)`` int64 arrays ordered by group and start,
    ``group`` numbering the (document, coder) pairs (``filters.read_columns``); ``size`` is
    the number of rolled-up codes. With ``key = (group, start)`` and ``needle = (group, end +
    reach)`` packed into single numbers, coding i meets exactly the codings j > i with
    ``key[j] <= needle[i]``: a contiguous run after i, because keys ascend. Partners k places
    on are found for all codings at once (``key[k:] <= needle[:-k]``), for k = 1, 2, ...
    until none has one; runs longer than NEAR continue by binary search. Pairs of rolled-up
    codes are counted with ``bincount``. Same results as the Python sweep (the tests compare
    both with a brute-force count), several times faster.
    """
    import numpy as np

    group, start, end, code = (np.asarray(c, dtype=np.int64) for c in columns)
    freq: Counter[int] = Counter()
    pairs: Counter[tuple[int, int]] = Counter()
    if len(code) == 0 or not rollup:
        return freq, pairs
    # stored code id -> rolled-up index; codings of codes outside the selection drop out
    # here (the sweep pairs them and ``fold`` drops those pairs: the same counts)
    ids = np.fromiter(rollup.keys(), dtype=np.int64, count=len(rollup))
    low = min(int(ids.min()), int(code.min()))
    table = np.full(max(int(ids.max()), int(code.max())) - low + 1, -1, dtype=np.int64)
    table[ids - low] = np.fromiter(rollup.values(), dtype=np.int64, count=len(rollup))
    index = table[code - low]
    keep = index >= 0
    if not keep.all():
        group, start, end, index = group[keep], start[keep], end[keep], index[keep]
    n = len(index)
    for i, count in enumerate(np.bincount(index, minlength=size).tolist()):
        if count:
            freq[i] = count
    if n < 2:
        return freq, pairs
    top = int(end.max())
    reach = min(reach, top)  # a reach past every end reaches every later start already
    stride = top + reach + 2  # > every start and every end + reach
    if int(group[0]) < 0 or (int(group[-1]) + 1) * stride >= 1 << 62:
        changes = group[1:] != group[:-1]
        group = np.zeros(n, dtype=np.int64)  # renumber the groups 0, 1, 2, ...
        np.cumsum(changes, out=group[1:])
        if (int(group[-1]) + 1) * stride >= 1 << 62:
            raise WorkbenchError(_("offsets too large to count co-occurrences"))
    key = group * stride + start
    needle = key + (end + reach - start)

    # ``square``: count ordered pairs (a, b) in a size x size table, then add it to its
    # transpose and read the upper triangle (the diagonal, a == b, is not a pair). Past a
    # few million cells, count min/max keys with np.unique instead.
    square = size * size <= 1 << 22
    totals = np.zeros(size * size if square else 0, dtype=np.int64)

    def tally(a: Any, b: Any) -> None:
        nonlocal totals
        if square:
            totals += np.bincount(a * size + b, minlength=size * size)
            return
        meet = a != b
        a, b = a[meet], b[meet]
        keys, counts = np.unique(np.minimum(a, b) * size + np.maximum(a, b), return_counts=True)
        for k, count in zip(keys.tolist(), counts.tolist(), strict=True):
            pairs[divmod(k, size)] += count

    near = min(NEAR, n - 1)
    for k in range(1, near + 1):
        meet = key[k:] <= needle[:-k]
        if not meet.any():
            break
        tally(index[:-k][meet], index[k:][meet])
    else:
        far = np.flatnonzero(key[near + 1 :] <= needle[: n - near - 1])
        runs = np.searchsorted(key, needle[far], side="right") - far - 1 - near
        ends = np.cumsum(runs)
        first = 0
        while first < len(far):
            done = int(ends[first - 1]) if first else 0
            stop = max(int(np.searchsorted(ends, done + CHUNK_PAIRS, side="right")), first + 1)
            run = runs[first:stop]
            # pair p of far coding i is with coding p + shift (its run starts at i + near + 1)
            shift = far[first:stop] + near + 1 - (ends[first:stop] - run - done)
            a = np.repeat(index[far[first:stop]], run)
            tally(a, index[np.arange(int(ends[stop - 1]) - done) + np.repeat(shift, run)])
            first = stop
    if square:
        counted = totals.reshape(size, size)
        upper = np.triu(counted + counted.T, 1)
        for x, y in zip(*(v.tolist() for v in np.nonzero(upper)), strict=True):
            pairs[(x, y)] = int(upper[x, y])
    return freq, pairs


def count_sweep(
    rows: Sequence[tuple], reach: int
) -> tuple[Counter[int], dict[tuple[int, int], int]]:
    """Frequencies per stored code id and meeting counts per pair of stored code ids.

    ``rows`` are ``(document_id, coder_id, start, end, code_id)`` ordered by document then
    start. A later coding meets an earlier one of the same coder when
    ``later.start <= earlier.end + reach`` (reach -1 = sharing a character). Each coder keeps
    an active list of ``(earlier.end + reach, code)``; entries drop out once a start passes them.
    Codings of one stored code never pair; pairs that fold into one code are dropped later.
    """
    counts: dict[tuple[int, int], int] = {}
    get = counts.get
    current_doc = None
    actives: dict[int, list[tuple[int, int]]] = {}
    for doc, coder, start, end, code in rows:
        if doc != current_doc:
            current_doc = doc
            actives = {}
        active = actives.get(coder)
        if active is None:
            actives[coder] = [(end + reach, code)]
            continue
        if len(active) == 1:
            # The common case in real coding: at most one coding open at a time.
            limit, other = active[0]
            if limit < start:
                active[0] = (end + reach, code)
                continue
            if other != code:
                key = (other, code) if other < code else (code, other)
                counts[key] = get(key, 0) + 1
            active.append((end + reach, code))
            continue
        active = [entry for entry in active if entry[0] >= start]
        actives[coder] = active
        for _limit, other in active:
            if other != code:
                key = (other, code) if other < code else (code, other)
                counts[key] = get(key, 0) + 1
        active.append((end + reach, code))
    frequencies = Counter([row[4] for row in rows])
    return frequencies, counts


def fold(
    raw_freq: Counter[int], raw_pairs: dict[tuple[int, int], int], rollup: dict[int, int]
) -> tuple[Counter[int], Counter[tuple[int, int]]]:
    """Counts per stored code id -> counts per rolled-up code index (A == B pairs dropped)."""
    freq: Counter[int] = Counter()
    for code, n in raw_freq.items():
        if code in rollup:
            freq[rollup[code]] += n
    pairs: Counter[tuple[int, int]] = Counter()
    for (x, y), n in raw_pairs.items():
        a, b = rollup.get(x), rollup.get(y)
        if a is None or b is None or a == b:
            continue
        pairs[(a, b) if a < b else (b, a)] += n
    return freq, pairs


def load_units(
    project: Project, kind: str, documents: set[int]
) -> dict[int, tuple[list[int], list[int]]]:
    """Document id -> (unit starts, unit ends): ``analysis.units.spans_by_document``."""
    return spans_by_document(project, kind, documents)


def units_of(span_start: int, span_end: int, unit: tuple[list[int], list[int]]) -> range:
    """Indices of the units a span ``[start, end)`` touches: ``analysis.units.touched``."""
    return touched(unit[0], unit[1], span_start, span_end)


def count_units(
    rows: Sequence[tuple], rollup: dict[int, int], units: dict[int, tuple[list[int], list[int]]]
) -> tuple[Counter[int], Counter[tuple[int, int]]]:
    """Units containing each rolled-up code, and units containing both codes of a pair,
    per coder, summed over coders."""
    present: dict[tuple[int, int, int], set[int]] = {}
    for doc, coder, start, end, code, *_unused in rows:
        index = rollup.get(code)
        unit = units.get(doc)
        if index is None or unit is None:
            continue
        for u in units_of(start, end, unit):
            present.setdefault((doc, coder, u), set()).add(index)
    freq: Counter[int] = Counter()
    pairs: Counter[tuple[int, int]] = Counter()
    for codes in present.values():
        ordered = sorted(codes)
        freq.update(ordered)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs[(a, b)] += 1
    return freq, pairs


def build_result(
    label: str, chosen: CodingSelection, freq: Counter[int], pairs: Counter[tuple[int, int]]
) -> CooccurrenceResult:
    codes = [path for i, path in enumerate(chosen.codes) if freq.get(i)]
    frequencies = {chosen.codes[i]: freq[i] for i in range(len(chosen.codes)) if freq.get(i)}
    out: list[Pair] = []
    for (x, y), n in pairs.items():
        if n <= 0:
            continue
        a, b = chosen.codes[x], chosen.codes[y]
        if b < a:
            a, b = b, a
        c, ab, ba, capped = coefficients(n, frequencies[a], frequencies[b])
        out.append(Pair(a, b, n, c, ab, ba, capped))
    out.sort(key=lambda p: (p.a, p.b))
    colours = {code: chosen.colours[code] for code in codes}
    return CooccurrenceResult(label, codes, frequencies, out, colours)


def frequencies_by(
    project: Project,
    groups: dict[int, str],
    options: Options = OVERLAP,
    selection: Selection = EVERYTHING,
) -> tuple[CodingSelection, dict[str, Counter[str]]]:
    """Code frequencies (as the mode defines them) per group of documents.

    ``groups`` maps document id -> a group label such as a case attribute value; documents
    without a group are left out. For attribute -> code flows in figures.
    """
    chosen = select(project, selection, ids=False)
    out: dict[str, Counter[str]] = {}
    rows = [r for r in chosen.rows if r[0] in groups and r[4] in chosen.rollup]
    if options.mode == "unit":
        units = load_units(project, options.unit, {r[0] for r in rows})
        present: dict[tuple[int, int, int], set[int]] = {}
        for doc, coder, start, end, code in rows:
            if doc in units:
                for u in units_of(start, end, units[doc]):
                    present.setdefault((doc, coder, u), set()).add(chosen.rollup[code])
        for (doc, _coder, _u), codes in present.items():
            counter = out.setdefault(groups[doc], Counter())
            counter.update(chosen.codes[i] for i in codes)
    else:
        for doc, _coder, _start, _end, code in rows:
            out.setdefault(groups[doc], Counter())[chosen.codes[chosen.rollup[code]]] += 1
    return chosen, out
