"""A group of codes as one variable: its subcodes are the values each coder gives a unit.

Per code, agreement asks "did the coder apply X here?" (a binary variable per code). A codebook
often means something else by a group: *Rating* with subcodes *1* to *5*, or *Stance* with
*For*, *Against*, *Neutral*, where a coder chooses one value per unit. Krippendorff's alpha for
such a variable compares the values themselves, at the level of measurement they have (nominal,
ordinal, interval, ratio), instead of pooling binary tables.

Rules (written out in ``docs/agreement.md``):

- the values are the direct subcodes of the group; a coding of a deeper code counts as its
  ancestor among them; a coding of the group code itself is no value;
- a coder gives a unit the value whose coding shares a character with it; a unit given two
  different values by one coder is a *conflict*: reported, and that coder's value there is
  missing (never silently counted);
- a unit a coder left without any value is the value ``none`` (``missing="none"``, nominal
  only), or missing for that coder (``missing="uncoded"``);
- ordinal, interval and ratio levels use the codes' numeric ``value:`` from the codebook.

Alpha comes from the ``krippendorff`` package on the units x values table of counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.analysis.units import load_units, units_touched
from workbench.i18n import _
from workbench.store.errors import WorkbenchError
from workbench.store.model import Code
from workbench.store.project import Project

LEVELS = ("nominal", "ordinal", "interval", "ratio")
MISSING = ("none", "uncoded")
NONE_LABEL = "none"


@dataclass(frozen=True)
class Conflict:
    """One coder gave one unit two or more values of the group."""

    document: str
    start: int
    end: int
    coder: str
    codes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "coder": self.coder,
            "codes": list(self.codes),
        }


@dataclass(frozen=True)
class VariableTable:
    """The reliability data of one variable, as counts: ``counts[u, v]`` coders giving unit
    ``u`` category ``v``. ``labels`` name the categories (code paths, then ``none``);
    ``numbers`` are their numeric values (None for nominal data)."""

    group: str
    level: str
    missing: str
    labels: tuple[str, ...]
    numbers: tuple[float, ...] | None
    counts: np.ndarray
    conflicts: tuple[Conflict, ...] = ()
    codes: dict[str, float | None] = field(default_factory=dict)

    @property
    def pairable(self) -> np.ndarray:
        """Rows of units with at least two values: the only ones alpha can use."""
        return self.counts[self.counts.sum(axis=1) >= 2]


def check_level(level: str, missing: str) -> None:
    if level not in LEVELS:
        raise WorkbenchError(
            _("unknown level {level!r}; use one of {items}").format(
                level=level, items=", ".join(LEVELS)
            )
        )
    if missing not in MISSING:
        raise WorkbenchError(
            _("unknown --missing {missing!r}; use one of {items}").format(
                missing=missing, items=", ".join(MISSING)
            )
        )


def value_codes(project: Project, group: str) -> tuple[Code, list[Code], dict[int, int]]:
    """(group, its direct subcodes, code id -> value index) for every code below the group."""
    root = project.code(group)
    codes = project.codes()
    values = [c for c in codes if c.parent_id == root.id]
    if not values:
        raise WorkbenchError(
            _("--group {path!r} has no subcodes to serve as values").format(path=root.path)
        )
    index: dict[int, int] = {}
    for i, value in enumerate(values):
        for c in codes:
            if c.path == value.path or c.path.startswith(value.path + "/"):
                index[c.id] = i
    return root, values, index


def variable_table(
    project: Project,
    sel: Any,
    group: str,
    *,
    level: str = "nominal",
    missing: str = "none",
) -> VariableTable:
    """Build the units x categories counts of ``group`` over the compared units of ``sel``.

    ``sel`` is an ``agreement.Selection`` (coders, documents, availability, unit).
    """
    check_level(level, missing)
    if sel.unit not in ("sentence", "turn", "document"):
        raise WorkbenchError(
            _(
                "--group compares one value per unit: use --unit sentence, turn or document (not "
                "{unit})"
            ).format(unit=sel.unit)
        )
    root, values, index = value_codes(project, group)
    labels = [v.path for v in values]
    numbers: list[float] | None = None
    if level != "nominal":
        unvalued = [v.path for v in values if v.value is None]
        if unvalued:
            raise WorkbenchError(
                _(
                    "--level {level} needs a numeric value on every value of {path!r}; {value!r} has "
                    "none (set 'value:' in the codebook)"
                ).format(level=level, path=root.path, value=unvalued[0])
            )
        if missing == "none":
            raise WorkbenchError(
                _(
                    "--level {level} needs --missing uncoded: a unit without a value of {path!r} has "
                    "no place on a {level} scale"
                ).format(level=level, path=root.path)
            )
        numbers = [float(v.value) for v in values]  # type: ignore[arg-type]
    n_coders = len(sel.coders)
    units = load_units(project, [d.id for d in sel.documents], sel.unit)
    n_units = len(units)
    given = np.zeros((n_units, n_coders, len(values)), dtype=bool)
    codings = _group_codings(project, sel, index)
    if codings.size and n_units:
        span_idx, unit_idx = units_touched(units, codings[:, 0], codings[:, 2], codings[:, 3])
        given[unit_idx, codings[span_idx, 1], codings[span_idx, 4]] = True
    available = sel.available[units.doc] if n_units else np.zeros((0, n_coders), dtype=bool)
    n_given = given.sum(axis=2)
    conflicts = _conflicts(sel, units, given, n_given, labels)
    single = available & (n_given == 1)
    counts = np.zeros((n_units, len(values) + 1), dtype=np.int64)
    u, k = np.nonzero(single)
    if u.size:
        np.add.at(counts, (u, given[u, k].argmax(axis=1)), 1)
    if missing == "none":
        counts[:, -1] = (available & (n_given == 0)).sum(axis=1)
        labels.append(NONE_LABEL)
    else:
        counts = counts[:, :-1]
    return VariableTable(
        root.path,
        level,
        missing,
        tuple(labels),
        tuple(numbers) if numbers is not None else None,
        counts,
        tuple(conflicts),
        {v.path: v.value for v in values},
    )


def _group_codings(project: Project, sel: Any, index: dict[int, int]) -> np.ndarray:
    """Columns: document position, coder position, start, end, value index."""
    doc_pos = {d.id: i for i, d in enumerate(sel.documents)}
    coder_pos = {c.id: i for i, c in enumerate(sel.coders)}
    rows: list[tuple[int, int, int, int, int]] = []
    marks = ",".join("?" * len(coder_pos))
    for doc_id, code_id, coder_id, start, end in project.conn.execute(
        f'SELECT document_id, code_id, coder_id, start, "end" FROM codings '
        f"WHERE coder_id IN ({marks})",
        list(coder_pos),
    ):
        d, v = doc_pos.get(doc_id), index.get(code_id)
        if d is None or v is None or end <= start:
            continue
        rows.append((d, coder_pos[coder_id], start, end, v))
    return np.array(rows, dtype=np.int64).reshape(-1, 5)


def _conflicts(
    sel: Any, units: Any, given: np.ndarray, n_given: np.ndarray, labels: Sequence[str]
) -> list[Conflict]:
    out: list[Conflict] = []
    for u, k in zip(*np.nonzero(n_given > 1), strict=True):
        doc = sel.documents[int(units.doc[u])]
        out.append(
            Conflict(
                doc.name,
                int(units.start[u]),
                int(units.end[u]),
                sel.coders[int(k)].name,
                tuple(labels[v] for v in np.nonzero(given[u, k])[0]),
            )
        )
    return out


def domain(table: VariableTable) -> tuple[np.ndarray, list[float]]:
    """Counts with categories of equal numeric value merged, and the sorted value domain.

    Nominal data keep one category per code (and ``none``), numbered 0, 1, ...
    """
    if table.numbers is None:
        return table.counts, [float(i) for i in range(table.counts.shape[1])]
    values = sorted(set(table.numbers))
    merged = np.zeros((table.counts.shape[0], len(values)), dtype=np.int64)
    for col, number in enumerate(table.numbers):
        merged[:, values.index(number)] += table.counts[:, col]
    return merged, values


def variable_alpha(table: VariableTable) -> float | None:
    """Krippendorff's alpha at the table's level, through the ``krippendorff`` package."""
    counts, values = domain(table)
    paired = counts[counts.sum(axis=1) >= 2]
    if not paired.size or np.count_nonzero(paired.sum(axis=0)) < 2:
        return None
    import krippendorff

    alpha = krippendorff.alpha(
        value_counts=paired, value_domain=values, level_of_measurement=table.level
    )
    return None if alpha is None or np.isnan(alpha) else float(alpha)


def variable_percent(table: VariableTable) -> float | None:
    """Share of pairable units on which every coder with a value gave the same one."""
    paired = table.pairable
    if not paired.size:
        return None
    same = (paired.max(axis=1) == paired.sum(axis=1)).sum()
    return 100.0 * float(same) / paired.shape[0]


def summary(table: VariableTable, alpha: float | None) -> dict[str, Any]:
    """The ``variable`` block of ``agree --format json``."""
    paired = table.pairable
    totals = paired.sum(axis=0) if paired.size else np.zeros(len(table.labels), dtype=np.int64)
    values = []
    for i, label in enumerate(table.labels):
        number = table.codes.get(label)
        values.append(
            {
                "code": None if label == NONE_LABEL and label not in table.codes else label,
                "label": label,
                "value": number,
                "count": int(totals[i]),
            }
        )
    percent = variable_percent(table)
    return {
        "group": table.group,
        "level": table.level,
        "missing": table.missing,
        "alpha": None if alpha is None else round(alpha, 6),
        "percent": None if percent is None else round(percent, 6),
        "units": int(table.counts.shape[0]),
        "pairable_units": int(paired.shape[0]),
        "pairable_values": int(paired.sum()),
        "values": values,
        "conflicts": [c.to_json() for c in table.conflicts],
    }


__all__ = [
    "Conflict",
    "LEVELS",
    "MISSING",
    "VariableTable",
    "check_level",
    "domain",
    "summary",
    "value_codes",
    "variable_alpha",
    "variable_percent",
    "variable_table",
]
