"""What a Sankey diagram shows: its columns, nodes and links (``SankeyData``), built from
co-occurring codes, case attributes or stages, and its columns ordered by barycentre.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from workbench.i18n import _, number
from workbench.palette import value_colours
from workbench.store.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.analysis.cooccurrence import CooccurrenceResult
    from workbench.store.project import Project


__all__ = [
    "SankeyData",
    "aspect_flows",
    "attribute_flows",
    "code_flows",
    "group_flows",
    "order_columns",
    "stage_flows",
]

ATTRIBUTE_COLOUR = "#7F7F7F"
VALUES = ("count", "c", "conditional", "none")


@dataclass(frozen=True)
class SankeyData:
    """Nodes and links before drawing: what a test compares with the rendered file.

    ``labels`` identify nodes (code paths or attribute values); ``columns`` give each node's
    column (nodes of a column are listed in drawing order, top first); ``values`` are link
    widths and ``texts`` what is printed on each link ("" for none).
    """

    labels: list[str]
    colours: list[str]
    sources: list[int]
    targets: list[int]
    values: list[float]
    columns: list[int] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    hovers: list[str] = field(default_factory=list)
    attributes: frozenset[str] = frozenset()
    #: codes of the requested scope drawn without a link, with their frequency
    unlinked: tuple[tuple[str, int], ...] = ()
    #: per pair of neighbouring columns, what its bands measure and how much they hold:
    #: {"measure": "co-occurrences" | "c" | "codings" | "units", "links": n, "total": n}
    gaps: tuple[dict[str, Any], ...] = ()
    #: frequency (codings, or units in unit mode) of each code drawn as a node
    frequencies: dict[str, int] = field(default_factory=dict)
    noun: str = "codings"  # what a frequency counts: codings, or units in unit mode

    @property
    def node_count(self) -> int:
        return len(self.labels)

    @property
    def link_count(self) -> int:
        return len(self.values)

    def column_labels(self, column: int) -> list[str]:
        return [lab for lab, col in zip(self.labels, self.columns, strict=True) if col == column]


def _fmt(value: float, kind: str) -> str:
    if kind == "count":
        return str(int(value))
    if kind == "conditional":
        return f"{value:.0%}"
    return number(value, 2)


@dataclass
class _Flow:
    a: str
    b: str
    width: float
    shown: float
    hover: str
    count: int = 0  # co-occurrences (or codings, for an attribute) the link stands for


def _build(
    columns: Sequence[Sequence[str]],
    flows: Sequence[Sequence[_Flow]],
    colours: dict[str, str],
    headings: Sequence[str],
    values: str,
    attributes: frozenset[str] = frozenset(),
    *,
    measures: Sequence[str] = (),
    frequencies: dict[str, int] | None = None,
    scope: Sequence[str] = (),
    noun: str = "codings",
) -> SankeyData:
    """Nodes only for labels that carry a link; ``flows[i]`` run from column i to i + 1.

    ``measures[i]`` names what the bands between columns i and i + 1 measure; codes of
    ``scope`` that carry no link are kept in ``unlinked`` with their ``frequencies``.
    """
    used: list[set[str]] = [set() for _unused in columns]
    for i, between in enumerate(flows):
        for f in between:
            used[i].add(f.a)
            used[i + 1].add(f.b)
    labels: list[str] = []
    cols: list[int] = []
    index: list[dict[str, int]] = []
    for i, column in enumerate(columns):
        index.append({})
        for label in column:
            if label in used[i] and label not in index[i]:
                index[i][label] = len(labels)
                labels.append(label)
                cols.append(i)
    sources, targets, widths, texts, hovers = [], [], [], [], []
    for i, between in enumerate(flows):
        for f in between:
            sources.append(index[i][f.a])
            targets.append(index[i + 1][f.b])
            widths.append(f.width)
            texts.append("" if values == "none" else _fmt(f.shown, values))
            hovers.append(f.hover)
    frequencies = frequencies or {}
    drawn = {x for x in labels if x not in attributes}
    gaps = tuple(
        {
            "measure": measures[i] if i < len(measures) else "co-occurrences",
            "links": len(between),
            "total": sum(f.count for f in between),
        }
        for i, between in enumerate(flows)
    )
    return SankeyData(
        labels=labels,
        colours=[colours.get(x, ATTRIBUTE_COLOUR) for x in labels],
        sources=sources,
        targets=targets,
        values=widths,
        columns=cols,
        headings=list(headings),
        texts=texts,
        hovers=hovers,
        attributes=attributes,
        unlinked=tuple(
            (code, int(frequencies.get(code, 0)))
            for code in dict.fromkeys(scope)
            if code not in drawn
        ),
        gaps=gaps,
        frequencies={x: int(frequencies[x]) for x in labels if x in frequencies},
        noun=noun,
    )


def _check(measure: str, values: str | None) -> str:
    if measure not in ("count", "c"):
        raise WorkbenchError(
            _("a Sankey link is a count or a c-coefficient, not {measure!r}").format(
                measure=measure
            )
        )
    values = measure if values is None else values
    if values not in VALUES:
        raise WorkbenchError(
            _("link values are one of {items}, not {values!r}").format(
                items=", ".join(VALUES), values=values
            )
        )
    return values


def _pair_flow(result: CooccurrenceResult, a: str, b: str, measure: str, values: str) -> _Flow:
    p = result.pair(a, b)
    assert p is not None
    width = round(float(p.c), 4) if measure == "c" else p.count
    shown = {
        "count": p.count,
        "c": p.c,
        "conditional": result.value(a, b, "conditional"),
        "none": 0,
    }[values]
    hover = _("{a} – {b}: {count} co-occurrences, c = {c}, {share} of {a}").format(
        a=a,
        b=b,
        count=p.count,
        c=number(p.c, 2),
        share=f"{result.value(a, b, 'conditional'):.0%}",
    )
    return _Flow(a, b, width, shown, hover, p.count)


def _noun(result: CooccurrenceResult) -> str:
    return "units" if result.mode.startswith("unit") else "codings"


def code_flows(
    result: CooccurrenceResult,
    left: Sequence[str] | None = None,
    right: Sequence[str] | None = None,
    measure: str = "count",
    values: str | None = None,
    headings: Sequence[str] | None = None,
    scope: Sequence[str] | None = None,
) -> SankeyData:
    """One link per unordered pair of co-occurring codes, from a left code to a right code.

    ``left``/``right`` are rolled-up code paths from ``result.codes``; ``None`` means all.
    A pair whose codes could go either way runs from the one first in the codebook. A
    conditional share on a link is the share of the left code's occurrences that meet the
    right code. Codes of ``scope`` (default: left and right) without a link are listed in
    ``unlinked``.
    """
    values = _check(measure, values)
    order = {code: i for i, code in enumerate(result.codes)}
    lefts = set(result.codes if left is None else left)
    rights = set(result.codes if right is None else right)
    flows: list[_Flow] = []
    for p in sorted(result.pairs, key=lambda p: (order[p.a], order[p.b])):
        a, b = (p.a, p.b) if order[p.a] < order[p.b] else (p.b, p.a)
        if a in lefts and b in rights:
            pass
        elif b in lefts and a in rights:
            a, b = b, a
        else:
            continue
        if p.count > 0:
            flows.append(_pair_flow(result, a, b, measure, values))
    if not flows:
        raise WorkbenchError(_("no co-occurrences between the chosen codes; nothing to draw"))
    if headings is None:
        headings = [_("Code"), _("Co-occurring code")]
    if scope is None:
        scope = [c for c in result.codes if c in lefts or c in rights]
    return _build(
        [result.codes, result.codes],
        [flows],
        result.colours,
        headings,
        values,
        measures=["c" if measure == "c" else "co-occurrences"],
        frequencies=result.frequencies,
        scope=scope,
        noun=_noun(result),
    )


def group_flows(
    result: CooccurrenceResult, group: str, measure: str = "count", values: str | None = None
) -> SankeyData:
    """The codes of one group with each other (``result`` rolled up to the group's children)."""
    members = [c for c in result.codes if c.startswith(group + "/")]
    if not members:
        raise WorkbenchError(_("{group!r} has no subcodes to draw").format(group=group))
    try:
        leaf = group.rsplit("/", 1)[-1]
        return code_flows(
            result, members, members, measure, values, headings=[leaf, f"with {leaf}"]
        )
    except WorkbenchError as exc:
        raise WorkbenchError(
            _("no two codes of {group} co-occur; nothing to draw").format(group=group)
        ) from exc


def aspect_flows(
    result: CooccurrenceResult, group: str, measure: str = "count", values: str | None = None
) -> SankeyData:
    """One group's codes (left) with every code outside the group they meet (right): the
    figure case-study papers draw per aspect ("the Participation aspect").

    ``result`` counts the group's codes at their own level and every other code as it is
    (rolled up to the same depth); the group's codes that meet none outside it are listed as
    not co-occurring.
    """
    members = [c for c in result.codes if c.startswith(group + "/")]
    if not members:
        raise WorkbenchError(_("{group!r} has no coded subcodes to draw").format(group=group))
    others = [c for c in result.codes if not c.startswith(group + "/") and c != group]
    leaf = group.rsplit("/", 1)[-1]
    try:
        return code_flows(
            result,
            members,
            others,
            measure,
            values,
            headings=[leaf, _("Co-occurring codes")],
            scope=members,
        )
    except WorkbenchError as exc:
        raise WorkbenchError(
            _("no code of {group} meets a code outside it; nothing to draw").format(group=group)
        ) from exc


def _natural(values: Sequence[str]) -> list[str]:
    def key(v: str) -> tuple:
        try:
            return (0, float(v), v)
        except ValueError:
            return (1, 0.0, v.casefold())

    return sorted(values, key=key)


def _attribute_links(
    counts: dict[str, dict[str, int]], codes: Sequence[str], values: str, attribute: str
) -> list[_Flow]:
    flows = []
    for value in _natural(list(counts)):
        total = sum(counts[value].get(code, 0) for code in codes)
        for code in codes:
            n = counts[value].get(code, 0)
            if n > 0:
                share = n / total
                shown = {"count": n, "conditional": share, "none": 0}.get(values)
                if shown is None:
                    raise WorkbenchError(
                        _(
                            "attribute links are counts or conditional shares; use --values count, "
                            "conditional or none"
                        )
                    )
                flows.append(
                    _Flow(
                        value,
                        code,
                        n,
                        shown,
                        _(
                            "{attribute} = {value} → {code}: {n} ({share} of {value}'s codings "
                            "shown)"
                        ).format(
                            attribute=attribute, value=value, code=code, n=n, share=f"{share:.0%}"
                        ),
                        n,
                    )
                )
    return flows


def attribute_flows(
    counts: dict[str, dict[str, int]],
    codes: Sequence[str],
    colours: dict[str, str],
    values: str = "count",
    attribute: str = "attribute",
    headings: Sequence[str] | None = None,
    frequencies: dict[str, int] | None = None,
    noun: str = "codings",
) -> SankeyData:
    """Links from attribute values (left, natural order) to codes (right, codebook order).

    A conditional share on a link is the share of that value's codings (of the codes shown)
    that are of the code. Codes without codings in any value's documents are listed in
    ``unlinked`` with their ``frequencies`` (all documents of the selection).
    """
    flows = _attribute_links(counts, codes, values, attribute)
    if not flows:
        raise WorkbenchError(_("no codings of the chosen codes in documents with that attribute"))
    names = _natural(list(counts))
    palette = {**colours, **value_colours(names)}
    return _build(
        [names, list(codes)],
        [flows],
        palette,
        headings or [attribute, _("Code")],
        values,
        frozenset(names),
        measures=[noun],
        frequencies=frequencies or _totals(counts),
        scope=[c for c in codes if (frequencies or _totals(counts)).get(c)],
        noun=noun,
    )


def _totals(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for per_code in counts.values():
        for code, n in per_code.items():
            out[code] = out.get(code, 0) + n
    return out


def stage_flows(
    project: Project,
    stages: Sequence[str],
    options: Any = None,
    selection: Any = None,
    measure: str = "count",
    values: str | None = None,
) -> SankeyData:
    """Flows over three or more columns: an optional case attribute, then code groups.

    Each code group is drawn as its subcodes (codings rolled up to them); consecutive groups
    are linked by co-occurrence, the attribute to the first group by code frequency per value
    (as ``--attribute`` does). All groups must sit at the same level of the codebook, so one
    roll-up counts every pair exactly.
    """
    from workbench.analysis.cooccurrence import OVERLAP, cooccurrence, frequencies_by
    from workbench.analysis.filters import EVERYTHING, case_values
    from workbench.store.queries import normalise_path

    values = _check(measure, values)
    options = options or OVERLAP
    selection = selection or EVERYTHING
    stages = [s.strip() for s in stages if s.strip()]
    if len(stages) < 2:
        raise WorkbenchError(_("--stages needs two or more names, separated by commas"))
    attribute = None
    names = {r[0] for r in project.conn.execute("SELECT name FROM attributes")}
    if stages[0] in names:
        attribute, stages = stages[0], stages[1:]
        if measure == "c":
            raise WorkbenchError(
                _(
                    "--stages starting with an attribute draws counts (codings, then "
                    "co-occurrences) on one scale; drop --measure c"
                )
            )
    groups = []
    for stage in stages:
        if stage in names:
            raise WorkbenchError(
                _("--stages: the attribute {stage!r} can only come first").format(stage=stage)
            )
        groups.append(project.code(normalise_path(stage)).path)
    if len(set(groups)) != len(groups):
        raise WorkbenchError(_("--stages names a code group twice"))
    depths = {g.count("/") + 1 for g in groups}
    if len(depths) != 1:
        raise WorkbenchError(
            _("--stages: the code groups must sit at the same level of the codebook")
        )
    depth = depths.pop() + 1
    chosen = replace(selection, codes=tuple(groups), depth=depth)
    result = cooccurrence(project, options, chosen)
    members = [[c for c in result.codes if c.startswith(g + "/")] for g in groups]
    columns: list[list[str]] = []
    flows: list[list[_Flow]] = []
    headings: list[str] = []
    colours = dict(result.colours)
    attrs: frozenset[str] = frozenset()
    if attribute:
        _chosen, counts = frequencies_by(project, case_values(project, attribute), options, chosen)
        names_sorted = _natural(list(counts))
        colours.update(value_colours(names_sorted))
        attrs = frozenset(names_sorted)
        columns.append(names_sorted)
        headings.append(attribute)
        flows.append(_attribute_links(counts, members[0], values, attribute))
    for i, group in enumerate(groups):
        columns.append(members[i])
        headings.append(group)
        if i + 1 < len(groups):
            between = []
            targets = set(members[i + 1])
            for a in members[i]:
                for b in members[i + 1]:
                    if b in targets and result.pair(a, b) is not None:
                        between.append(_pair_flow(result, a, b, measure, values))
            flows.append(between)
    if not any(flows):
        raise WorkbenchError(_("no flows between the chosen stages; nothing to draw"))
    noun = _noun(result)
    measures = ([noun] if attribute else []) + ["c" if measure == "c" else "co-occurrences"] * (
        len(groups) - 1
    )
    return _prune(
        _build(
            columns,
            flows,
            colours,
            headings,
            values,
            attrs,
            measures=measures,
            frequencies=result.frequencies,
            scope=[c for group in members for c in group],
            noun=noun,
        )
    )


def _prune(data: SankeyData) -> SankeyData:
    """Stages can leave a column empty; an empty column would break the figure."""
    present = sorted(set(data.columns))
    if present == list(range(len(data.headings))):
        return data
    raise WorkbenchError(_("a stage has no links to its neighbours; nothing to draw there"))


def order_columns(data: SankeyData) -> SankeyData:
    """Reorder each column after the first by the barycentre of its links into the one before.

    A node's barycentre is the value-weighted mean position of its sources in the previous
    column; nodes without such links go last. Ties keep the incoming (codebook) order.
    """
    n_cols = max(data.columns, default=-1) + 1
    position: dict[int, float] = {}
    order: list[int] = []
    for col in range(n_cols):
        nodes = [i for i, c in enumerate(data.columns) if c == col]
        if col > 0:

            def key(node: int, before: int = col - 1) -> tuple[int, float, int]:
                weights = [
                    (position[s], v)
                    for s, t, v in zip(data.sources, data.targets, data.values, strict=True)
                    if t == node and s in position and data.columns[s] == before
                ]
                total = sum(v for _p, v in weights)
                if not total:
                    return (1, 0.0, node)
                return (0, sum(p * v for p, v in weights) / total, node)

            nodes.sort(key=key)
        for rank, node in enumerate(nodes):
            position[node] = rank
        order.extend(nodes)
    new = {old: i for i, old in enumerate(order)}
    return replace(
        data,
        labels=[data.labels[i] for i in order],
        colours=[data.colours[i] for i in order],
        columns=[data.columns[i] for i in order],
        sources=[new[s] for s in data.sources],
        targets=[new[t] for t in data.targets],
    )


def drawn_counts(data: SankeyData) -> dict[str, Any]:
    """What the figure draws, for its caption: codes (each once, with their frequency),
    links, and per pair of columns what the bands measure and add up to; and the codes of
    the scope drawn without a link."""
    codes = list(dict.fromkeys(x for x in data.labels if x not in data.attributes))
    headings = list(data.headings) or [""] * (max(data.columns, default=0) + 1)
    return {
        "kind": "sankey",
        "codes": len(codes),
        "codings": sum(data.frequencies.get(c, 0) for c in codes),
        "noun": data.noun,
        "links": data.link_count,
        "gaps": [
            {
                "from": headings[i] if i < len(headings) else str(i),
                "to": headings[i + 1] if i + 1 < len(headings) else str(i + 1),
                **gap,
            }
            for i, gap in enumerate(data.gaps)
        ],
        "unlinked": [list(x) for x in data.unlinked],
    }
