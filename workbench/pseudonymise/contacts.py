"""E-mail addresses, phone numbers, ID numbers and numbered roads: identifiers found by their
shape, not by their capitals.

The patterns that must hold digits are looked for from the digits (or the "@") outward: a
pattern that may open with a letter, "+" or "(" is tried at every character of a transcript.
"""

from __future__ import annotations

import re

#: where a contact is written: start, end, kind and the reason it was found
Found = tuple[int, int, str, str]

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: Peru's DNI and other 8-digit ID numbers, 11-digit RUC, passports, UK NI and US SSN
ID_NUMBERS = re.compile(
    r"(?<![\w.,])(?:\d{8}|(?:10|15|17|20)\d{9}|[A-Z]{2}\d{6}[A-D]|\d{3}-\d{2}-\d{4}|"
    r"[A-Z]{1,2}\d{6,8})(?![\w.,]\d|\w)"
)
ID_CUE = re.compile(
    r"\b(?:DNI|D\.N\.I\.|RUC|documento|carn[eé]t?|pasaporte|passport|ID|NI|SSN|c[eé]dula|"
    r"CURP|CUIT|CUIL|RFC|INE|NIN|TRN|NIT|RUT|NHS|accession|expediente|matr[ií]cula|"
    r"licen[cs]e|registration)\b",
    re.I,
)
#: what follows such a word and holds five digits or more: "34.545.218", "30-71548239-4",
#: "CF99041023PKLW", "OCOH-2019-0417"
CUED_ID = re.compile(r"(?<![\w.-])[A-Z]{0,6}\d[\dA-Z./-]{3,}[\dA-Z](?![\w-])")
#: Mexico's CURP, written anywhere
CURP = re.compile(r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z\d]\d\b")
#: a numbered road ("Route 42", "Ruta 3", "Calle 12"): a place
NUMBERED_ROAD = re.compile(
    r"\b(?:Route|Highway|Interstate|Ruta|Carretera|Calle|Avenida|Carrera|Jir[oó]n)\s+\d+\b"
)
PHONE_FALLBACK = re.compile(r"(?<![\d\w])(?:\+?\d{2,3}[ .-]?)?9\d{2}[ .-]?\d{3}[ .-]?\d{3}(?!\d)")
#: stretches that may hold a phone number: six digits or more, with separators
#: (``digit_runs`` adds a "+" or "(" written before the first digit)
DIGIT_RUN = re.compile(r"\d[\d ().\-]{4,}\d")
#: the fewest digits a phone number is written with (a local number with its area code)
PHONE_DIGITS = 7
#: words that say a number which follows is a phone, in any country's format
PHONE_CUE = re.compile(
    r"\b(?:phone|telephone|tel|mobile|cell|cellphone|number|whatsapp|call|ring|fax|"
    r"tel[eé]fono|celular|cel|m[oó]vil|n[uú]mero|fono|llame|ll[aá]meme|llamar|whatsapp)\b",
    re.I,
)


def contact_mentions(text: str, lang: str) -> list[Found]:
    """Every contact, ID number and numbered road of ``text``; where two patterns claim one
    stretch, the first here keeps it (an e-mail over a phone, a cued ID over a bare one)."""
    out: list[Found] = [(a, b, "contact", "e-mail") for a, b in email_spans(text)]
    taken = [(m[0], m[1]) for m in out]
    for start, end in phone_spans(text, lang):
        if not any(a < end and start < b for a, b in taken):
            out.append((start, end, "contact", "phone"))
            taken.append((start, end))
    for found in (*CURP.finditer(text), *_cued_ids(text)):
        if not any(a < found.end() and found.start() < b for a, b in taken):
            out.append((found.start(), found.end(), "number", "id number"))
            taken.append((found.start(), found.end()))
    for m in ID_NUMBERS.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        cue = ID_CUE.search(text, max(0, m.start() - 30), m.start())
        digits_only = m.group().isdigit()
        if cue or (digits_only and len(m.group()) in (8, 11)):
            out.append((m.start(), m.end(), "number", "id number"))
    out.extend((m.start(), m.end(), "place", "numbered road") for m in NUMBERED_ROAD.finditer(text))
    return out


def phone_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Phone numbers by libphonenumber's matcher (Peru for Spanish text, the US and the UK
    for English), and Peruvian mobiles written any way. The matcher reads only the stretches
    around runs of digits (it is slow over a whole transcript)."""
    import phonenumbers

    regions = ("PE",) if lang == "es" else ("US", "GB")
    spans: list[tuple[int, int]] = []
    # a year, a sum, a short count: no phone anywhere is written with so few digits
    runs = [r for r in digit_runs(text) if sum(c.isdigit() for c in r[2]) >= PHONE_DIGITS]
    for a, b, _run in runs:
        start = max(0, a - 4)
        window = text[start : b + 1]
        for region in regions:
            for match in phonenumbers.PhoneNumberMatcher(window, region):
                span = (start + match.start, start + match.end)
                if span not in spans:
                    spans.append(span)
    for a, b, _run in runs:
        for m in PHONE_FALLBACK.finditer(text, max(0, a - 1), min(len(text), b + 1)):
            if not any(x < m.end() and m.start() < y for x, y in spans):
                spans.append(m.span())
    # any other country's number: 7 to 15 digits written as one run, after "+" or a word
    # such as "phone", "celular" or "his number is" (a sum of money has no such word)
    for a, b, run in runs:
        if any(x < b and a < y for x, y in spans):
            continue
        digits = sum(c.isdigit() for c in run)
        cued = run.startswith("+") or PHONE_CUE.search(text, max(0, a - 40), a)
        if digits <= 15 and cued:
            spans.append((a, b))
    return spans


def digit_runs(text: str) -> list[tuple[int, int, str]]:
    """The runs of digits, with the "+" or "(" before them: found from their digits, since a
    pattern that may open with "+" or "(" is tried at every character of the text, one that
    opens with a digit skips to the next digit."""
    out = []
    for m in DIGIT_RUN.finditer(text):
        a, b = m.span()
        if a and text[a - 1] == "(":
            a -= 1
        if a and text[a - 1] == "+":
            a -= 1
        out.append((a, b, text[a:b]))
    return out


def email_spans(text: str) -> list[tuple[int, int]]:
    """``EMAIL``'s matches, looked for only around each "@"."""
    out: list[tuple[int, int]] = []
    at = text.find("@")
    while at != -1:
        a = at
        while a > 0 and (text[a - 1].isalnum() or text[a - 1] in "._+-"):
            a -= 1
        m = EMAIL.match(text, a) if a < at else None
        if m is not None and m.end() > at + 1:
            out.append(m.span())
        at = text.find("@", max(at + 1, m.end() if m is not None else 0))
    return out


def _cued_ids(text: str) -> list[re.Match[str]]:
    """Identifiers written within a few words after the word that names them ("mi cédula,
    34.545.218"; "My TRN is 114-562-873"), five digits or more. Codes are rarer than the
    words that name them ("ni", "id"), so the codes are found first."""
    out = []
    for m in CUED_ID.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 5 and ID_CUE.search(
            text, max(0, m.start() - 40), m.start()
        ):
            out.append(m)
    return out
