"""The methods paragraph under an agreement table: what a paper says about its reliability check.

Reviewers want to read who coded, how much, at which unit, with which measure and level, and
how certain the figures are. ``methods_paragraph`` writes that as one paragraph from an
``Agreement`` result, so ``agree --format markdown`` and the app's agreement screen print the
same text and the numbers always match the table above it.
"""

from __future__ import annotations

from typing import Any

NUMBERS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six"}

UNIT_WORDS = {
    "char": "character units (every character of the text is a unit)",
    "sentence": "sentence units",
    "turn": "speaker-turn units",
    "document": "document units",
    "presence": "code presence per document",
    "frequency": "code frequency per document",
}


def _f(value: float | None, digits: int = 2) -> str:
    return "undefined" if value is None else f"{value:.{digits}f}"


def _codes(n: int) -> str:
    return f"{n} code{'s' * (n != 1)}"


def _names(items: list[str] | tuple[str, ...]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _interval(block: dict[str, Any] | None) -> str:
    if not block:
        return ""
    low, high = block["ci95"]
    p = block["p_below"]
    return (
        f" (95 % bootstrap interval {low:.2f} to {high:.2f}, {block['draws']:,} draws; "
        f"P(α < 0.667) = {p['0.667']:.3f}, P(α < 0.800) = {p['0.800']:.3f})"
    )


def methods_paragraph(result: Any) -> str:
    """One quotable paragraph for an ``agreement.Agreement``."""
    coders = NUMBERS.get(len(result.coders), str(len(result.coders)))
    n_docs = len(result.documents)
    used = [c for c in result.codes if c.used]
    docs = f"{n_docs} document{'s' * (n_docs != 1)}"
    parts = [f"{coders} coders ({_names(result.coders)}) coded {docs} independently."]
    if result.unit == "segment":
        parts.append(
            f"Agreement was assessed on coded segments: a segment counted as matched when the "
            f"other coder had coded a segment with the same code overlapping at least "
            f"{result.overlap:g} % of the longer of the two. Percent agreement is the share of "
            f"both coders' segments that were matched; kappa follows Brennan and Prediger "
            f"(1981) with chance agreement 1/k for the k = {len(used)} codes compared, as "
            f"MAXQDA computes it."
        )
        parts.append(
            f"Over {sum(c.units for c in used)} segments, percent agreement was "
            f"{_f(result.percent, 1)} % and kappa {_f(result.kappa)}."
        )
        return " ".join(parts)
    unit = UNIT_WORDS.get(result.unit, f"{result.unit} units")
    measures = (
        "percent agreement, Cohen's kappa and Krippendorff's alpha"
        if len(result.coders) == 2
        else "percent agreement and Krippendorff's alpha"
    )
    if result.unit == "frequency":
        measures = (
            "percent agreement (documents with equal numbers of codings) and "
            "Krippendorff's alpha at the interval level on the numbers of codings"
        )
        parts.append(
            f"Agreement on {_codes(len(result.codes))} was computed per code over "
            f"{unit} with {measures}."
        )
    else:
        parts.append(
            f"Agreement on {_codes(len(result.codes))} was computed per code over "
            f"{unit} with {measures} (nominal, each code applied or not)."
        )
    figures = f"percent agreement {_f(result.percent, 1)} %"
    if result.kappa is not None:
        figures += f", Cohen's kappa {_f(result.kappa)}"
    figures += f" and Krippendorff's alpha {_f(result.alpha)}{_interval(result.bootstrap)}"
    parts.append(f"Pooled over the {_codes(len(used))} applied, {figures}.")
    v = result.variable
    if v is not None:
        missing = (
            "units a coder left without a value were treated as missing"
            if v["missing"] == "uncoded"
            else "a unit without a value counted as 'none'"
        )
        values = len([x for x in v["values"] if x["label"] != "none" or x["code"]])
        parts.append(
            f"The {values} subcodes of {v['group']} were also compared as the values of one "
            f"variable at the {v['level']} level ({missing}): Krippendorff's alpha "
            f"{_f(v['alpha'], 3)} over {v['pairable_units']} pairable units"
            f"{_interval(v.get('bootstrap'))}."
        )
    return " ".join(parts)


__all__ = ["methods_paragraph"]
