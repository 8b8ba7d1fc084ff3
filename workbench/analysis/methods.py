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


REFERENCES = {
    "alpha_u": "Krippendorff (1995, 2004)",
    "family": "Krippendorff, Mathet, Bouvry and Widlöcher (2016)",
    "ac1": "Gwet (2008, 2014)",
    "gamma": "Mathet, Widlöcher and Métivier (2015)",
}


def statistic_lines(result: Any) -> list[str]:
    """One line per unitizing coefficient and extra statistic, each naming its reference."""
    from workbench.i18n import _

    lines: list[str] = []
    u = result.unitizing
    if u is not None:
        lines.append(
            _(
                "uα over all codes {alpha} ({ref}); |uα (coded against not coded) {binary}, "
                "Cuα (which domain, where passages meet) {cu} ({family})."
            ).format(
                alpha=_f(u["alpha_u"], 3),
                ref=REFERENCES["alpha_u"],
                binary=_f(u["alpha_u_binary"], 3),
                cu=_f(u["alpha_Cu"], 3),
                family=REFERENCES["family"],
            )
        )
        for d in u["domains"]:
            lines.append(
                _("Domain {domain}: |uα {binary}, cuα {cu}.").format(
                    domain=d["domain"], binary=_f(d["alpha_u_binary"], 3), cu=_f(d["alpha_cu"], 3)
                )
            )
    stats = result.statistics or {}
    if "ac1" in stats:
        lines.append(
            _("Gwet's AC1 pooled over the codes applied {value} ({ref}).").format(
                value=_f(stats["ac1"]["overall"], 3), ref=REFERENCES["ac1"]
            )
        )
        v = stats["ac1"].get("variable")
        if v is not None:
            lines.append(
                _("{name} on the variable ({weights} weights) {value}.").format(
                    name=v["statistic"], weights=v["weights"], value=_f(v["value"], 3)
                )
            )
    if "gamma" in stats:
        g = stats["gamma"]
        lines.append(
            _(
                "Mathet's gamma {value} (alpha {a:g}, beta {b:g}, {n} random continua; {ref})."
            ).format(
                value=_f(g["value"], 3),
                a=g["dissimilarity"]["alpha"],
                b=g["dissimilarity"]["beta"],
                n=g["samples"],
                ref=REFERENCES["gamma"],
            )
        )
    return lines


def _unitizing_paragraph(result: Any, parts: list[str]) -> str:
    from workbench.i18n import _

    u = result.unitizing
    grain = _("words") if u["grain"] == "word" else _("characters")
    used = [c for c in result.codes if c.used]
    parts.append(
        _(
            "The coders chose their own passages. Agreement was computed over the continuum of "
            "each document's {grain} ({length} in all) with Krippendorff's unitizing alpha uα "
            "per code ({ref}), pooled over the {n} codes applied, and with the coefficients of "
            "{family}: |uα for coded against not coded text, cuα for the codes within each "
            "domain (a top-level code and its subcodes) and Cuα for the domains, where the "
            "coders' passages meet."
        ).format(
            grain=grain,
            length=u["length"],
            ref=REFERENCES["alpha_u"],
            n=len(used),
            family=REFERENCES["family"],
        )
    )
    parts.append(
        _("Pooled uα {alpha}{interval}; |uα {binary}; Cuα {cu}.").format(
            alpha=_f(result.alpha, 3),
            interval=_interval(result.bootstrap),
            binary=_f(u["alpha_u_binary"], 3),
            cu=_f(u["alpha_Cu"], 3),
        )
    )
    return " ".join(parts + _extra_sentences(result))


def _extra_sentences(result: Any) -> list[str]:
    from workbench.i18n import _

    stats = result.statistics or {}
    out = []
    if "ac1" in stats:
        out.append(
            _(
                "Gwet's AC1 ({ref}), which does not depend on how rare a code is, was {value}."
            ).format(ref=REFERENCES["ac1"], value=_f(stats["ac1"]["overall"], 3))
        )
    if "gamma" in stats:
        g = stats["gamma"]
        out.append(
            _(
                "Mathet's gamma ({ref}), which aligns the coders' passages by position and code, "
                "was {value}."
            ).format(ref=REFERENCES["gamma"], value=_f(g["value"], 3))
        )
    return out


def methods_paragraph(result: Any) -> str:
    """One quotable paragraph for an ``agreement.Agreement``."""
    coders = NUMBERS.get(len(result.coders), str(len(result.coders)))
    n_docs = len(result.documents)
    used = [c for c in result.codes if c.used]
    docs = f"{n_docs} document{'s' * (n_docs != 1)}"
    parts = [f"{coders} coders ({_names(result.coders)}) coded {docs} independently."]
    if result.unit == "unitizing":
        return _unitizing_paragraph(result, parts)
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
        return " ".join(parts + _extra_sentences(result))
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
    return " ".join(parts + _extra_sentences(result))


__all__ = ["REFERENCES", "methods_paragraph", "statistic_lines"]
