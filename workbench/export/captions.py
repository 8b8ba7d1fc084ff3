"""The words of a figure's draft caption: what it shows and draws, over which material, how.

A caption is written beside each figure (``NAME.caption.md``, by
``workbench.export.provenance.write_caption``) from the counts its ``Record`` carries, in the
language of the figure. The phrases and the mark that tells a draft from a caption edited by
hand live here, apart from the record itself, so the wording can be read and translated in one
place.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from workbench.export.record import Record
from workbench.i18n import N_, _, ngettext

MODES = {
    "overlap": N_("codings that share at least one character"),
    "unit:sentence": N_("codes applied in the same sentence"),
    "unit:turn": N_("codes applied in the same speaker turn"),
    "unit:paragraph": N_("codes applied in the same paragraph"),
    "unit:document": N_("codes applied in the same document"),
}
MEASURES = {
    "count": N_("number of co-occurrences"),
    "c": N_("c-coefficient n12 / (n1 + n2 - n12)"),
    "conditional": N_("share of the left code's occurrences that meet the right code"),
}
#: what a band measures, by the name ``SankeyData.gaps`` gives it
BANDS = {
    "co-occurrences": N_("number of co-occurrences"),
    "c": N_("c-coefficient n12 / (n1 + n2 - n12)"),
    "codings": N_("number of codings of the code in the documents of that value"),
    "units": N_("number of units holding the code in the documents of that value"),
}
#: the things a figure counts, as ``drawn["noun"]`` and the band measures name them
NOUNS = {
    "codings": N_("codings"),
    "units": N_("units"),
    "co-occurrences": N_("co-occurrences"),
}
CAPTION_MARK = "workbench-caption"


def _words(table: dict[str, str], key: str) -> str:
    """A caption's phrase for ``key`` in the language of the figure (the key if unknown)."""
    return _(table[key]) if key in table else key


def _how(mode: str) -> str:
    if mode.startswith("proximity:"):
        return _("codings at most {n} characters apart").format(n=mode.split(":")[1])
    return _words(MODES, mode)


def _drawn_sentences(drawn: dict[str, Any], counts: dict[str, Any]) -> list[str]:
    """What the figure draws, counted from the figure itself."""
    kind = drawn.get("kind")
    noun = _words(NOUNS, drawn.get("noun", "codings"))
    out: list[str] = []
    if kind == "sankey":
        out.append(
            _("Drawn: {codes} codes ({codings} {noun}) and {links} links.").format(
                codes=drawn["codes"], codings=drawn["codings"], noun=noun, links=drawn["links"]
            )
        )
        for gap in drawn.get("gaps", []):
            measure = _words(BANDS, gap["measure"])
            total = (
                ", "
                + _("{total} {what} in all").format(
                    total=gap["total"], what=_words(NOUNS, gap["measure"])
                )
                if gap["measure"] in ("co-occurrences", "codings", "units")
                else " "
                + _("(the links stand for {total} co-occurrences)").format(total=gap["total"])
            )
            out.append(
                _(
                    "Bands, \u201c{start}\u201d to \u201c{end}\u201d: {links} links, width = "
                    "{measure}{total}."
                ).format(
                    start=gap["from"],
                    end=gap["to"],
                    links=gap["links"],
                    measure=measure,
                    total=total,
                )
            )
    elif kind == "heatmap":
        out.append(
            _(
                "Drawn: {codes} codes, {cells} non-empty cells of the lower triangle (blank "
                "cells: the codes never meet), cell = {measure}."
            ).format(
                codes=drawn["codes"],
                cells=drawn["cells"],
                measure=_words(MEASURES, drawn["measure"]),
            )
        )
    elif kind == "network":
        out.append(
            _(
                "Drawn: {nodes} codes (nodes, {codings} {noun}) and {edges} pairs that meet "
                "(edges, weight = number of co-occurrences)."
            ).format(
                nodes=drawn["nodes"], codings=drawn["codings"], noun=noun, edges=drawn["edges"]
            )
        )
    unlinked = drawn.get("unlinked") or []
    if unlinked:
        listed = ", ".join(f"{code} ({n} {noun})" for code, n in unlinked)
        out.append(_("Not co-occurring (not drawn): {codes}.").format(codes=listed))
    return out


def _numbers(values: str, measures: set[str]) -> str:
    """What the number printed on each band says."""
    if values == "count" and measures:
        return "; ".join(
            _(BANDS[m])
            for m in ("codings", "units", "co-occurrences")
            if m in measures or (m == "co-occurrences" and "c" in measures)
        )
    if values == "conditional" and measures & {"codings", "units"}:
        return _("share of that value's codings (of the codes shown) that are of the code")
    return _words(MEASURES, values)


def caption_text(record: Record, what: str) -> str:
    """A draft caption: what the figure shows and draws, over which material, counted how, in
    the language of the figure being written (``i18n.speaking``)."""
    c = record.counts
    mode = str(c.get("mode", "overlap"))
    coders = c.get("coders") or []
    parts = [f"{what}."]
    if c.get("documents") is not None:
        material = _("{documents} documents, {coders}").format(
            documents=c["documents"],
            coders=ngettext("{n} coder", "{n} coders", len(coders)).format(n=len(coders)),
        ) + (f" ({', '.join(coders)})" if coders else "")
        if "drawn" not in c:
            material += ", " + _("{n} codings").format(n=c.get("codings", 0))
        parts.append(_("From {material}.").format(material=material))
    drawn = c.get("drawn") or {}
    measures = {g["measure"] for g in drawn.get("gaps", [])}
    if "mode" in c and (not measures or measures & {"co-occurrences", "c"}):
        parts.append(_("Co-occurrence: {how} ({mode}).").format(how=_how(mode), mode=mode))
    if drawn:
        parts += _drawn_sentences(drawn, c)
    if c.get("values") and c.get("values") != "none":
        parts.append(
            _("Numbers on the bands: {what}.").format(what=_numbers(c["values"], measures))
        )
    if c.get("filters"):
        parts.append(_("Selection: {filters}.").format(filters=c["filters"]))
    made = (
        _("- Made: {created} with workbench {version}").format(
            created=record.created, version=record.version
        )
        + "\n"
        if record.created
        else ""
    )
    body = (
        f"# {Path(record.output).name}\n\n"
        + _("Draft caption: {caption}").format(caption=" ".join(parts))
        + "\n\n"
        + _("- Command: `{command}`").format(command=record.command)
        + "\n"
        + _("- Project: `{project}`, fingerprint {fingerprint}").format(
            project=record.project, fingerprint=record.fingerprint
        )
        + "\n"
        + made
    )
    return body + f"\n<!-- {CAPTION_MARK} {_digest(body)} -->\n"


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def caption_edited(text: str) -> bool:
    """True when a caption file is no longer the draft workbench wrote (edited by hand)."""
    m = re.search(rf"\n<!-- {CAPTION_MARK} (sha256:[0-9a-f]+) -->\n?$", text)
    return m is None or _digest(text[: m.start()]) != m.group(1)
