"""Colours for codes that stay apart in 256-colour terminals and for colour-blind readers.

Three steps, each a small function:

- ``code_colours``: the codebook's own colour, else a palette colour for a top-level code, else a
  shade of the parent's colour (so subcodes of one group look related but not identical);
- ``stripe_colours``: the colour of each code's stripe and name in the margin, and
- ``tint_colours``: the background tint of coded text,

both picked among the 240 colours of the xterm 256-colour table, nearest to the wanted colour
but at least ``MIN_DISTANCE`` (CIE76 in CIELAB) from every colour picked before. A terminal that
reduces truecolour to 256 colours (tmux's default) then shows exactly these colours, so two codes
never collapse into the same tint; in a truecolour terminal they look nearly as asked.

``PALETTE`` was chosen among the xterm colours to keep the minimum CIEDE2000 distance between any
two of its colours above 10 for normal vision and under simulated deuteranopia and protanopia
(Machado 2009), most distinct first; ``tests/tui/test_tui_colours.py`` measures it.

Figures colour codes by the core's rule (``workbench.palette``): a codebook colour is the same
in both; codes without one get this palette here and the print palette there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from workbench.store.model import Code

PALETTE = (
    "#D75F87",
    "#D7D700",
    "#5FD7FF",
    "#875FFF",
    "#5F8700",
    "#FF8787",
    "#00AFAF",
    "#00D7AF",
    "#AF87FF",
    "#87AF00",
    "#D75F5F",
    "#0087AF",
)
#: CIE76 distance under which two picked colours count as the same
MIN_DISTANCE = 12.0
#: how strongly a tint leans towards the code colour (0 = background, 1 = the colour)
TINT = 0.45
_LEVELS = (0, 95, 135, 175, 215, 255)


def _hex(rgb: Sequence[int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


@lru_cache(maxsize=4096)
def lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB ``#RRGGBB``."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def distance(a: str, b: str) -> float:
    la, lb = lab(a), lab(b)
    return sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)) ** 0.5


@lru_cache(maxsize=1)
def xterm_colours() -> tuple[str, ...]:
    """Colours 16 to 255 of the xterm table (the 6x6x6 cube and the grey ramp) that a
    reduction to 256 colours keeps exactly as they are (a few cube greys map to the ramp)."""
    from rich.color import Color, ColorSystem

    cube = [_hex((r, g, b)) for r in _LEVELS for g in _LEVELS for b in _LEVELS]
    greys = [_hex((v, v, v)) for v in range(8, 239, 10)]
    return tuple(
        c
        for c in cube + greys
        if Color.parse(c).downgrade(ColorSystem.EIGHT_BIT).get_truecolor().hex.upper() == c
    )


def blend(a: str, b: str, share: float) -> str:
    """``share`` of ``b`` mixed into ``a``."""
    return _hex(tuple(round(p + (q - p) * share) for p, q in zip(_rgb(a), _rgb(b), strict=True)))


def shade(colour: str, step: int) -> str:
    """A lighter (odd ``step``) or darker (even) version of ``colour``, further with ``step``."""
    amount = min(0.18 * ((step + 1) // 2), 0.6)
    return blend(colour, "#FFFFFF" if step % 2 else "#000000", amount)


def code_colours(codes: Sequence[Code]) -> dict[int, str]:
    """``code id -> #RRGGBB`` for every code (parents come before children in ``codes``)."""
    colours: dict[int, str] = {}
    children: dict[int, int] = {}
    top = 0
    for code in codes:
        if code.colour:
            colours[code.id] = code.colour.upper()
        elif code.parent_id is not None and code.parent_id in colours:
            n = children[code.parent_id] = children.get(code.parent_id, 0) + 1
            colours[code.id] = shade(colours[code.parent_id], n)
        else:
            colours[code.id] = PALETTE[top % len(PALETTE)]
        if code.parent_id is None:
            top += 1
    return colours


def _pick(
    wanted: Iterable[tuple[int, str]], candidates: list[str], avoid: Sequence[str] = ()
) -> dict[int, str]:
    """For each ``(key, colour)`` in order, the nearest candidate at least ``MIN_DISTANCE``
    from those already picked and from ``avoid`` (the nearest unused one when none is far
    enough)."""
    picked: dict[int, str] = {}
    by_colour: dict[str, str] = {}
    taken: list[str] = [a.upper() for a in avoid]
    for key, colour in wanted:
        if colour in by_colour:
            picked[key] = by_colour[colour]
            continue
        ranked = sorted(candidates, key=lambda c: distance(c, colour))
        choice = next(
            (c for c in ranked if all(distance(c, t) >= MIN_DISTANCE for t in taken)), None
        ) or next((c for c in ranked if c not in taken), ranked[0])
        taken.append(choice)
        by_colour[colour] = picked[key] = choice
    return picked


def _lightness_band(low: float, high: float) -> list[str]:
    return [c for c in xterm_colours() if low <= lab(c)[0] <= high]


def stripe_colours(
    colours: dict[int, str], *, dark: bool = True, background: str | None = None
) -> dict[int, str]:
    """Margin colours (text on the background): light enough on a dark theme, dark on light."""
    band = _lightness_band(52, 90) if dark else _lightness_band(25, 58)
    return _pick(colours.items(), band, avoid=(background,) if background else ())


def tint_colours(colours: dict[int, str], background: str, *, dark: bool = True) -> dict[int, str]:
    """Background tints of coded text that keep the theme's text readable."""
    band = _lightness_band(14, 46) if dark else _lightness_band(72, 95)
    wanted = ((k, blend(background, c, TINT)) for k, c in colours.items())
    return _pick(wanted, band, avoid=(background,))
