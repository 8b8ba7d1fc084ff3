"""The result of an agreement run: per-code and overall figures, as JSON, table rows and Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.analysis import bootstrap as boot


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
    unitizing: dict[str, Any] | None = None  # unit "unitizing": |uα, Cuα, domains, documents
    statistics: dict[str, Any] | None = None  # --statistic gamma / ac1: one block each

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
        if self.unitizing is not None:
            out["unitizing"] = self.unitizing
        if self.statistics:
            out.update(self.statistics)
        return out

    def statistic_lines(self) -> list[str]:
        """One line per extra statistic (gamma, AC1) and per unitizing coefficient."""
        from workbench.analysis.methods import statistic_lines

        return statistic_lines(self)

    def variable_line(self) -> str:
        """One line on the group variable, for tables and the methods paragraph."""
        v = self.variable
        if v is None:
            return ""
        alpha = "undefined" if v["alpha"] is None else f"{v['alpha']:.3f}"
        named = [x for x in v["values"] if x["label"] != "none" or x["code"]]
        return (
            f"Variable {v['group']} ({len(named)} values, {v['level']}, uncoded = "
            f"{'missing' if v['missing'] == 'uncoded' else 'none'}): Krippendorff's alpha "
            f"{alpha} over {v['pairable_units']} pairable units ({v['pairable_values']} "
            f"values{'; 95 % interval ' + _ci(v.get('bootstrap')) if v.get('bootstrap') else ''}"
            f"); {len(v['conflicts'])} unit(s) given two values by one coder."
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
        if self.unit == "unitizing":
            counts = []
        elif self.unit == "segment":
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
            return (
                f"coded segment (matched by a segment of the same code overlapping at "
                f"least {self.overlap:g} % of the longer)"
            )
        if self.unit == "unitizing":
            grain = (self.unitizing or {}).get("grain", "char")
            return (
                f"the continuum of each document's {'words' if grain == 'word' else 'characters'}"
            )
        return {
            "char": "character",
            "presence": "code presence per document",
            "frequency": "code frequency per document",
        }.get(self.unit, self.unit)

    def footnote(self) -> str:
        """Unit, coders and documents, as a line under a table in a paper."""
        text = (
            f"Unit: {self.unit_label}. Coders: {', '.join(self.coders)}. "
            f"Documents ({len(self.documents)}): {', '.join(self.documents)}. "
            "Overall figures pool the codes applied by at least one coder."
        )
        if self.unit == "segment":
            k = sum(1 for c in self.codes if c.used)
            text += (
                " Kappa: Brennan and Prediger's kappa_n with chance agreement 1/k, k = "
                "the number of codes compared, as MAXQDA computes it for segments"
            )
            text += f" (k = {k})." if k >= 2 else f"; undefined with k = {k}."
        return text

    def methods(self) -> str:
        """One paragraph a paper can quote: coders, documents, unit, measures, level, figures."""
        from workbench.analysis.methods import methods_paragraph

        return methods_paragraph(self)

    def to_markdown(self) -> str:
        """A pipe table ready for a paper, its footnote, and the methods paragraph last."""
        two = len(self.coders) == 2
        kappa = "Brennan–Prediger κ" if self.unit == "segment" else "Cohen's κ"
        alpha_name = "Krippendorff's uα" if self.unit == "unitizing" else "Krippendorff's α"
        head = ["Code", "Units", "Agreement (%)", kappa, alpha_name]
        if self.draws:
            head.append("α 95 % CI")
        if not two:
            head.remove(kappa)

        def cells(name: str, units: int, percent, kap, alpha, block) -> str:
            out = [name, str(units), _fmt(percent, 1, "–"), _fmt(kap, 2, "–"), _fmt(alpha, 2, "–")]
            if self.draws:
                out.append(_ci(block, 2) or "–")
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
                "**Overall**",
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
        extra = self.statistic_lines()
        if extra:
            text += "\n" + "\n".join(f"- {line}" for line in extra) + "\n"
        return text + "\n" + self.methods() + "\n"


def _ci(block: dict[str, Any] | None, digits: int = 3) -> str:
    """``0.61–0.88`` from a bootstrap block; empty without one."""
    if not block:
        return ""
    low, high = block["ci95"]
    return f"{low:.{digits}f}–{high:.{digits}f}"


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
