"""The result of an agreement run: per-code and overall figures, as JSON, table rows and Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.analysis import bootstrap as boot
from workbench.i18n import N_, _, number


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (or one rolled-up group of codes)."""

    code: str
    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None
    counts: dict[str, Any]
    used: bool
    bootstrap: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "code": self.code,
            "units": self.units,
            "percent": _round(self.percent),
            "kappa": _round(self.kappa),
            "alpha": _round(self.alpha),
            "counts": self.counts,
        }
        if self.bootstrap is not None:
            out["bootstrap"] = self.bootstrap
        return out


@dataclass(frozen=True)
class Agreement:
    """The result of one comparison: per-code figures and the pooled overall figures."""

    unit: str
    coders: tuple[str, ...]
    documents: tuple[str, ...]
    codes: tuple[CodeAgreement, ...]
    percent: float | None
    kappa: float | None
    alpha: float | None
    variable: dict[str, Any] | None = None
    overlap: float | None = None  # segment units: minimum overlap, percent of the longer
    bootstrap: dict[str, Any] | None = None  # of the pooled alpha, when requested
    draws: int | None = None  # bootstrap resamples requested (blocks may still be None)

    @property
    def kappa_method(self) -> str:
        """``cohen`` (2x2 tables over units) or ``brennan-prediger`` (segments, as MAXQDA)."""
        return "brennan-prediger" if self.unit == "segment" else "cohen"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "unit": self.unit,
            "coders": list(self.coders),
            "codes": [c.to_json() for c in self.codes],
            "overall": {
                "percent": _round(self.percent),
                "kappa": _round(self.kappa),
                "alpha": _round(self.alpha),
            },
        }
        if self.unit == "segment":
            out["overlap"] = self.overlap
            out["overall"]["kappa_method"] = self.kappa_method
            out["overall"]["categories"] = sum(1 for c in self.codes if c.used)
        if self.bootstrap is not None:
            out["overall"]["bootstrap"] = self.bootstrap
        if self.variable is not None:
            out["variable"] = self.variable
        return out

    def variable_line(self) -> str:
        """One line on the group variable, for tables and the methods paragraph."""
        v = self.variable
        if v is None:
            return ""
        alpha = _("undefined") if v["alpha"] is None else number(v["alpha"], 3)
        named = [x for x in v["values"] if x["label"] != "none" or x["code"]]
        interval = (
            "; " + _("95 % interval {interval}").format(interval=_ci(v["bootstrap"]))
            if v.get("bootstrap")
            else ""
        )
        return _(
            "Variable {group} ({n_values} values, {level}, uncoded = {uncoded}): "
            "Krippendorff's alpha {alpha} over {units} pairable units ({pairable} "
            "values{interval}); {conflicts} unit(s) given two values by one coder."
        ).format(
            group=v["group"],
            n_values=len(named),
            level=v["level"],
            uncoded=_("missing") if v["missing"] == "uncoded" else _("none"),
            alpha=alpha,
            units=v["pairable_units"],
            pairable=v["pairable_values"],
            interval=interval,
            conflicts=len(v["conflicts"]),
        )

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows (one per code, then ``overall``) for tables and CSV."""
        out: list[dict[str, Any]] = []
        for c in self.codes:
            row: dict[str, Any] = {
                "code": c.code,
                "units": c.units,
                "percent": _fmt(c.percent, 1),
                "kappa": _fmt(c.kappa),
                "alpha": _fmt(c.alpha),
            }
            row.update(
                {k: v for k, v in c.counts.items() if k != "units" and not isinstance(v, dict)}
            )
            if self.draws:
                row.update(_boot_cells(c.bootstrap))
            out.append(row)
        total: dict[str, Any] = {
            "code": "overall",
            "units": sum(c.units for c in self.codes if c.used),
            "percent": _fmt(self.percent, 1),
            "kappa": _fmt(self.kappa),
            "alpha": _fmt(self.alpha),
        }
        if self.draws:
            total.update(_boot_cells(self.bootstrap))
        out.append(total)
        return out

    def columns(self) -> list[str]:
        if self.unit == "segment":
            counts = ["segments_a", "matched_a", "segments_b", "matched_b"]
        elif self.unit == "frequency":
            counts = ["equal", "differ"]
        elif len(self.coders) == 2:
            counts = ["both", "only_a", "only_b", "neither"]
        else:
            counts = ["all", "some", "none"]
        boot_columns = list(_boot_cells(None)) if self.draws else []
        return ["code", "units", "percent", "kappa", "alpha", *counts, *boot_columns]

    @property
    def unit_label(self) -> str:
        """The unit in words, for footnotes and the methods paragraph."""
        if self.unit == "segment":
            return _(
                "coded segment (matched by a segment of the same code overlapping at least "
                "{overlap} % of the longer)"
            ).format(overlap=f"{self.overlap:g}")
        return _(UNIT_LABELS[self.unit]) if self.unit in UNIT_LABELS else self.unit

    def footnote(self) -> str:
        """Unit, coders and documents, as a line under a table in a paper."""
        text = _(
            "Unit: {unit}. Coders: {coders}. Documents ({n}): {documents}. Overall figures "
            "pool the codes applied by at least one coder."
        ).format(
            unit=self.unit_label,
            coders=", ".join(self.coders),
            n=len(self.documents),
            documents=", ".join(self.documents),
        )
        if self.unit == "segment":
            k = sum(1 for c in self.codes if c.used)
            text += " " + _(
                "Kappa: Brennan and Prediger's kappa_n with chance agreement 1/k, k = "
                "the number of codes compared, as MAXQDA computes it for segments"
            )
            text += f" (k = {k})." if k >= 2 else "; " + _("undefined with k = {k}.").format(k=k)
        return text

    def methods(self) -> str:
        """One paragraph a paper can quote: coders, documents, unit, measures, level, figures."""
        from workbench.analysis.methods import methods_paragraph

        return methods_paragraph(self)

    def to_markdown(self) -> str:
        """A pipe table ready for a paper, its footnote, and the methods paragraph last."""
        two = len(self.coders) == 2
        kappa = _("Brennan–Prediger κ") if self.unit == "segment" else _("Cohen's κ")
        head = [_("Code"), _("Units"), _("Agreement (%)"), kappa, _("Krippendorff's α")]
        if self.draws:
            head.append(_("α 95 % CI"))
        if not two:
            head.remove(kappa)

        def cells(name: str, units: int, percent, kap, alpha, block) -> str:
            out = [name, str(units), _num(percent, 1), _num(kap, 2), _num(alpha, 2)]
            if self.draws:
                out.append(_ci(block, 2, mark=True) or "–")
            if not two:
                del out[3]
            return "| " + " | ".join(out) + " |"

        lines = [
            "| " + " | ".join(head) + " |",
            "|" + "|".join([":---", *["---:"] * (len(head) - 1)]) + "|",
        ]
        for c in self.codes:
            lines.append(
                cells(c.code.replace("|", "\\|"), c.units, c.percent, c.kappa, c.alpha, c.bootstrap)
            )
        lines.append(
            cells(
                "**" + _("Overall") + "**",
                sum(c.units for c in self.codes if c.used),
                self.percent,
                self.kappa,
                self.alpha,
                self.bootstrap,
            )
        )
        text = "\n".join(lines) + "\n\n" + self.footnote() + "\n"
        if self.variable is not None:
            text += "\n" + self.variable_line() + "\n"
        return text + "\n" + self.methods() + "\n"


def _ci(block: dict[str, Any] | None, digits: int = 3, *, mark: bool = False) -> str:
    """``0.61–0.88`` from a bootstrap block; empty without one. ``mark``: with the report's
    decimal mark (``0,61–0,88`` under ``--decimal comma``), for text rather than data."""
    if not block:
        return ""
    low, high = block["ci95"]
    if mark:
        return f"{number(low, digits)}–{number(high, digits)}"
    return f"{low:.{digits}f}–{high:.{digits}f}"


def _num(value: float | None, digits: int) -> str:
    """A figure of the Markdown table, with the report's decimal mark; a dash when missing."""
    return "–" if value is None else number(value, digits)


def unit_word(unit: str) -> str:
    """A unit of comparison in words, in the language spoken now (``sentence`` -> oración)."""
    return _(UNIT_LABELS[unit]) if unit in UNIT_LABELS else unit


#: units in words for the footnote (the others are their own name)
UNIT_LABELS = {
    "char": N_("character"),
    "sentence": N_("sentence"),
    "turn": N_("turn"),
    "document": N_("document"),
    "presence": N_("code presence per document"),
    "frequency": N_("code frequency per document"),
}


def _boot_cells(block: dict[str, Any] | None) -> dict[str, str]:
    """Table cells of a bootstrap block: the interval and P(alpha < each minimum)."""
    out = {"alpha_ci95": _ci(block)}
    for t in boot.THRESHOLDS:
        key = f"{t:.3f}"
        value = block["p_below"][key] if block else None
        out[f"p_below_{key}"] = _fmt(value)
    return out


def _fmt(value: float | None, digits: int = 3, missing: str = "") -> str:
    return missing if value is None else f"{value:.{digits}f}"


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(float(value), digits)
