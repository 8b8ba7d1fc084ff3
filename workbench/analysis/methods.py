"""The methods paragraph under an agreement table: what a paper says about its reliability check.

Reviewers want to read who coded, how much, at which unit, with which measure and level, and
how certain the figures are. ``methods_paragraph`` writes that as one paragraph from an
``Agreement`` result, so ``agree --format markdown`` and the app's agreement screen print the
same text and the numbers always match the table above it.
"""

from __future__ import annotations

from typing import Any

from workbench.i18n import N_, _, ngettext, number

NUMBERS = {2: N_("Two"), 3: N_("Three"), 4: N_("Four"), 5: N_("Five"), 6: N_("Six")}

UNIT_WORDS = {
    "char": N_("character units (every character of the text is a unit)"),
    "sentence": N_("sentence units"),
    "turn": N_("speaker-turn units"),
    "document": N_("document units"),
    "presence": N_("code presence per document"),
    "frequency": N_("code frequency per document"),
}


def _f(value: float | None, digits: int = 2) -> str:
    return _("undefined") if value is None else number(value, digits)


def _codes(n: int) -> str:
    return ngettext("{n} code", "{n} codes", n).format(n=n)


def _names(items: list[str] | tuple[str, ...]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return _("{names} and {last}").format(names=", ".join(items[:-1]), last=items[-1])


def _interval(block: dict[str, Any] | None) -> str:
    if not block:
        return ""
    low, high = block["ci95"]
    p = block["p_below"]
    return " " + _(
        "(95 % bootstrap interval {low} to {high}, {draws} draws; P(α < 0.667) = {p667}, "
        "P(α < 0.800) = {p800})"
    ).format(
        low=number(low, 2),
        high=number(high, 2),
        draws=f"{block['draws']:,}",
        p667=number(p["0.667"], 3),
        p800=number(p["0.800"], 3),
    )


def methods_paragraph(result: Any) -> str:
    """One quotable paragraph for an ``agreement.Agreement``, in the language of the report
    being written (``i18n.speaking``) with its decimal mark."""
    n_coders = len(result.coders)
    coders = _(NUMBERS[n_coders]) if n_coders in NUMBERS else str(n_coders)
    n_docs = len(result.documents)
    used = [c for c in result.codes if c.used]
    docs = ngettext("{n} document", "{n} documents", n_docs).format(n=n_docs)
    parts = [
        _("{coders} coders ({names}) coded {documents} independently.").format(
            coders=coders, names=_names(result.coders), documents=docs
        )
    ]
    if result.unit == "segment":
        parts.append(
            _(
                "Agreement was assessed on coded segments: a segment counted as matched when "
                "the other coder had coded a segment with the same code overlapping at least "
                "{overlap} % of the longer of the two. Percent agreement is the share of both "
                "coders' segments that were matched; kappa follows Brennan and Prediger (1981) "
                "with chance agreement 1/k for the k = {k} codes compared, as MAXQDA computes it."
            ).format(overlap=f"{result.overlap:g}", k=len(used))
        )
        parts.append(
            _(
                "Over {segments} segments, percent agreement was {percent} % and kappa {kappa}."
            ).format(
                segments=sum(c.units for c in used),
                percent=_f(result.percent, 1),
                kappa=_f(result.kappa),
            )
        )
        return " ".join(parts)
    unit = _(UNIT_WORDS[result.unit]) if result.unit in UNIT_WORDS else result.unit
    measures = (
        _("percent agreement, Cohen's kappa and Krippendorff's alpha")
        if len(result.coders) == 2
        else _("percent agreement and Krippendorff's alpha")
    )
    if result.unit == "frequency":
        measures = _(
            "percent agreement (documents with equal numbers of codings) and "
            "Krippendorff's alpha at the interval level on the numbers of codings"
        )
        parts.append(
            _("Agreement on {codes} was computed per code over {unit} with {measures}.").format(
                codes=_codes(len(result.codes)), unit=unit, measures=measures
            )
        )
    else:
        parts.append(
            _(
                "Agreement on {codes} was computed per code over {unit} with {measures} "
                "(nominal, each code applied or not)."
            ).format(codes=_codes(len(result.codes)), unit=unit, measures=measures)
        )
    interval = _interval(result.bootstrap)
    if result.kappa is not None:
        figures = _(
            "percent agreement {percent} %, Cohen's kappa {kappa} and Krippendorff's alpha "
            "{alpha}{interval}"
        ).format(
            percent=_f(result.percent, 1),
            kappa=_f(result.kappa),
            alpha=_f(result.alpha),
            interval=interval,
        )
    else:
        figures = _(
            "percent agreement {percent} % and Krippendorff's alpha {alpha}{interval}"
        ).format(percent=_f(result.percent, 1), alpha=_f(result.alpha), interval=interval)
    parts.append(
        _("Pooled over the {codes} applied, {figures}.").format(
            codes=_codes(len(used)), figures=figures
        )
    )
    v = result.variable
    if v is not None:
        missing = (
            _("units a coder left without a value were treated as missing")
            if v["missing"] == "uncoded"
            else _("a unit without a value counted as 'none'")
        )
        values = len([x for x in v["values"] if x["label"] != "none" or x["code"]])
        parts.append(
            _(
                "The {values} subcodes of {group} were also compared as the values of one "
                "variable at the {level} level ({missing}): Krippendorff's alpha {alpha} over "
                "{units} pairable units{interval}."
            ).format(
                values=values,
                group=v["group"],
                level=_(LEVELS.get(v["level"], v["level"])),
                missing=missing,
                alpha=_f(v["alpha"], 3),
                units=v["pairable_units"],
                interval=_interval(v.get("bootstrap")),
            )
        )
    return " ".join(parts)


#: levels of measurement in words
LEVELS = {
    "nominal": N_("nominal"),
    "ordinal": N_("ordinal"),
    "interval": N_("interval"),
    "ratio": N_("ratio"),
}

__all__ = ["methods_paragraph"]
