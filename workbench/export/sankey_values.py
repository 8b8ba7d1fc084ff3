"""Where each link's number goes: on its own band, or beside it with a leader line.

A number belongs to one band and must be read as that band's. So it is written *inside* its
band where the band is thick enough and nothing else is drawn there (the bands are painted
into a raster of the canvas and the box must lie on exactly one of them), preferring the
band's start, where it leaves its node. A band too thin for its number gets the number
*beside* it, in free canvas (no band, no node, no other text), joined to the band by a short
leader line from the band's centre. Boxes never meet each other, nor labels or headings.
When some number finds no place, ``place_values`` says which; the layout then grows or
refuses, it never prints a number somewhere else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.export.figure_text import LINE, Box, Text, block_size

#: distance in pixels kept between a number and anything it must not touch
MARGIN = 1.5
#: how far from its band a number may sit (pixels), tried nearest first
OFFSETS = (1.5, 3, 5, 8, 12, 17, 23, 30, 40, 52, 66, 82)
#: farther places, tried last, for a number whose leader must cross other bands
FAR = (100, 125, 155, 190)


_T = np.linspace(0.0, 1.0, 257)
#: the cubic's x and y as fractions of the way across and down, at evenly spaced t
_XS = 1.5 * _T - 1.5 * _T**2 + _T**3
_YS = 3 * _T**2 - 2 * _T**3


@dataclass(frozen=True)
class Band:
    """A link drawn from (x0, y0) to (x1, y1) (centres), ``width`` pixels thick throughout."""

    x0: float
    x1: float
    y0: float
    y1: float
    width: float

    def centre(self, x: np.ndarray | float) -> np.ndarray:
        """The centre line's y at ``x``: the horizontal-tangent cubic the path draws."""
        return np.interp(
            x, self.x0 + (self.x1 - self.x0) * _XS, self.y0 + (self.y1 - self.y0) * _YS
        )


@dataclass(frozen=True)
class ValueMark:
    """A link's number: its text box, whether it sits inside the band, and the leader
    (x, y on the band's centre line, x, y at the box) when it sits beside it."""

    link: int
    text: Text
    inside: bool
    leader: tuple[float, float, float, float] | None = None


class _Raster:
    """Bands and nodes painted on a pixel grid, with integral images for box sums."""

    def __init__(self, width: float, height: float, bands: Sequence[Band], nodes: Sequence[Box]):
        self.w = int(math.ceil(width)) + 2
        self.h = int(math.ceil(height)) + 2
        diff = np.zeros((self.h + 1, self.w), dtype=np.int32)
        for band in bands:
            lo_x = max(0, int(math.floor(band.x0)))
            hi_x = min(self.w - 1, int(math.ceil(band.x1)))
            if hi_x <= lo_x:
                continue
            xs = np.arange(lo_x, hi_x + 1, dtype=float)
            c = band.centre(xs)
            top = np.minimum(c[:-1], c[1:]) - band.width / 2
            bottom = np.maximum(c[:-1], c[1:]) + band.width / 2
            rows0 = np.clip(np.floor(top).astype(int), 0, self.h)
            rows1 = np.clip(np.ceil(bottom).astype(int), 0, self.h)
            cols = np.arange(lo_x, hi_x)
            np.add.at(diff, (rows0, cols), 1)
            np.add.at(diff, (rows1, cols), -1)
        count = np.cumsum(diff, axis=0)[: self.h]
        self.count = self._integral(count)
        self.any = self._integral((count > 0).astype(np.int32))
        mask = np.zeros((self.h, self.w), dtype=np.int32)
        for n in nodes:
            r0, r1, c0, c1 = self._cells(n)
            mask[r0:r1, c0:c1] = 1
        self.nodes = self._integral(mask)

    @staticmethod
    def _integral(a: np.ndarray) -> np.ndarray:
        out = np.zeros((a.shape[0] + 1, a.shape[1] + 1), dtype=np.int64)
        out[1:, 1:] = a.cumsum(0).cumsum(1)
        return out

    def _cells(self, b: Box) -> tuple[int, int, int, int]:
        r0 = min(max(int(math.floor(b.y0)), 0), self.h)
        r1 = min(max(int(math.ceil(b.y1)), 0), self.h)
        c0 = min(max(int(math.floor(b.x0)), 0), self.w)
        c1 = min(max(int(math.ceil(b.x1)), 0), self.w)
        return r0, r1, c0, c1

    def sums(self, table: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """Sums over the cells of many boxes at once (rows of x0, y0, x1, y1)."""
        low = np.floor(boxes[:, :2]).astype(np.intp)
        high = np.ceil(boxes[:, 2:]).astype(np.intp)
        limit = np.array([self.w, self.h])
        low = np.minimum(np.maximum(low, 0), limit)
        high = np.minimum(np.maximum(high, 0), limit)
        c0, r0, c1, r1 = low[:, 0], low[:, 1], high[:, 0], high[:, 1]
        return table[r1, c1] - table[r0, c1] - table[r1, c0] + table[r0, c0]

    def sum(self, table: np.ndarray, b: Box) -> tuple[int, int]:
        """(sum over the box's cells, number of cells)."""
        r0, r1, c0, c1 = self._cells(b)
        total = table[r1, c1] - table[r0, c1] - table[r1, c0] + table[r0, c0]
        return int(total), max(0, r1 - r0) * max(0, c1 - c0)


def _free_of_texts(box: Box, texts: Sequence[Text]) -> bool:
    return not any(box.meets(t.box, MARGIN) for t in texts)


def _inside(
    k: int, band: Band, size: tuple[float, float], raster: _Raster, texts: Sequence[Text]
) -> Box | None:
    """A box for the number on band ``k`` alone, nearest the band's start, or None."""
    tw, th = size
    span = band.x1 - band.x0
    if band.width < th + 2 * MARGIN or span < tw + 4 * MARGIN:
        return None
    step = max(2.0, tw / 3)
    starts = np.arange(band.x0 + 2 * MARGIN, band.x1 - tw - 2 * MARGIN + 1e-9, step)
    # from the start, then from the end, then the middle
    order = sorted(range(len(starts)), key=lambda i: min(i, len(starts) - 1 - i) * 2 + (i > 0))
    for i in order:
        left = float(starts[i])
        c = band.centre(np.linspace(left, left + tw, 9))
        spread = float(c.max() - c.min())
        if band.width < th + spread + 2 * MARGIN:
            continue
        yc = float(c.max() + c.min()) / 2
        box = Box(left, yc - th / 2, left + tw, yc + th / 2)
        on_bands, cells = raster.sum(raster.count, box)
        covered, _cells = raster.sum(raster.any, box)
        if cells == 0 or on_bands != cells or covered != cells:
            continue  # another band crosses here
        if raster.sum(raster.nodes, box)[0]:
            continue
        if _free_of_texts(box, texts):
            return box
    return None


def _beside(
    band: Band,
    size: tuple[float, float],
    raster: _Raster,
    texts: Sequence[Text],
    width: float,
    height: float,
    cross: bool,
) -> tuple[Box, tuple[float, float, float, float]] | None:
    """A box in free canvas next to the band, and its leader; nearest first.

    Every candidate (distance from the band's edge, place along the band, above or below,
    centred or to one side) is tested against the raster at once; the first that is free of
    bands, nodes and texts, whose leader crosses no other band (unless ``cross``), wins.
    """
    tw, th = size
    span = band.x1 - band.x0
    fractions = np.array([0.06, 0.12, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.88, 0.94])
    xa = band.x0 + fractions * span
    ca = band.centre(xa)
    offsets = OFFSETS + FAR if cross else OFFSETS
    for start in range(0, len(offsets), 4):  # nearest first; most numbers stop early
        found = _beside_at(
            band,
            (tw, th),
            raster,
            texts,
            width,
            height,
            cross,
            np.array(offsets[start : start + 4]),
            xa,
            ca,
        )
        if found is not None:
            return found
    return None


def _beside_at(
    band: Band,
    size: tuple[float, float],
    raster: _Raster,
    texts: Sequence[Text],
    width: float,
    height: float,
    cross: bool,
    offsets: np.ndarray,
    xa: np.ndarray,
    ca: np.ndarray,
) -> tuple[Box, tuple[float, float, float, float]] | None:
    tw, th = size
    d, fi, side, shift = (
        a.ravel()
        for a in np.meshgrid(offsets, np.arange(len(xa)), (-1, 1), (0, 1, 2), indexing="ij")
    )
    x_anchor = xa[fi]
    centre = ca[fi]
    edge = np.where(side < 0, centre - band.width / 2, centre + band.width / 2)
    y0 = np.where(side < 0, edge - d - th, edge + d)
    left = x_anchor - np.choose(shift, [tw / 2, tw - 2, 2])
    boxes = np.stack([left, y0, left + tw, y0 + th], axis=1)
    ok = (
        (boxes[:, 0] >= MARGIN)
        & (boxes[:, 1] >= MARGIN)
        & (boxes[:, 2] <= width - MARGIN)
        & (boxes[:, 3] <= height - MARGIN)
    )
    if not ok.any():
        return None
    boxes, x_anchor, centre, edge, side = (boxes[ok], x_anchor[ok], centre[ok], edge[ok], side[ok])
    grown = boxes + np.array([-MARGIN, -MARGIN, MARGIN, MARGIN])
    ok = (raster.sums(raster.any, grown) == 0) & (raster.sums(raster.nodes, grown) == 0)
    end = np.where(side < 0, boxes[:, 3], boxes[:, 1])
    gap = np.stack(
        [x_anchor - 0.5, np.minimum(edge, end), x_anchor + 0.5, np.maximum(edge, end)], axis=1
    )
    if not cross:
        ok &= (gap[:, 3] - gap[:, 1] <= 1) | (raster.sums(raster.any, gap) == 0)
    # the leader starts where its band is the only one, so it points at one band
    dot = np.stack([x_anchor - 1, centre - 1, x_anchor + 1, centre + 1], axis=1)
    ok &= raster.sums(raster.count, dot) == raster.sums(raster.any, dot)
    for i in np.flatnonzero(ok):
        box = Box(*(float(v) for v in boxes[i]))
        lead = Box(*(float(v) for v in gap[i]))
        if _free_of_texts(box, texts) and not any(lead.meets(t.box) for t in texts):
            return box, (float(x_anchor[i]), float(centre[i]), float(x_anchor[i]), float(end[i]))
    return None


def place_values(
    texts_on_links: Sequence[str],
    bands: Sequence[Band],
    nodes: Sequence[Box],
    fixed: Sequence[Text],
    font: float,
    width: float,
    height: float,
    stop_early: bool = False,
) -> tuple[list[ValueMark], list[int]]:
    """Each link's number placed inside or beside its band; and the links left without a
    place (empty when every number found one). ``stop_early`` gives up at the first number
    without a place (the rest are reported missing unplaced): a layout about to grow needs
    no more."""
    raster = _Raster(width, height, bands, nodes)
    taken: list[Text] = list(fixed)
    marks: dict[int, ValueMark] = {}
    todo = [k for k, t in enumerate(texts_on_links) if t]
    sizes = {k: block_size([texts_on_links[k]], font) for k in todo}
    sizes = {k: (w + 2, h) for k, (w, h) in sizes.items()}
    for k in todo:
        box = _inside(k, bands[k], sizes[k], raster, taken)
        if box is not None:
            text = Text("value", k, (texts_on_links[k],), font, box)
            marks[k] = ValueMark(k, text, True)
            taken.append(text)
    beside = [k for k in todo if k not in marks]
    # the most hemmed-in first: thin bands from crowded columns, top to bottom
    beside.sort(key=lambda k: (bands[k].x0, bands[k].y0))
    missing: list[int] = []
    for k in beside:
        if missing and stop_early:
            missing.append(k)
            continue
        found = _beside(bands[k], sizes[k], raster, taken, width, height, cross=False)
        if found is None:
            found = _beside(bands[k], sizes[k], raster, taken, width, height, cross=True)
        if found is None:
            missing.append(k)
            continue
        box, leader = found
        text = Text("value", k, (texts_on_links[k],), font, box)
        marks[k] = ValueMark(k, text, False, leader)
        taken.append(text)
    return [marks[k] for k in sorted(marks)], missing


__all__ = ["LINE", "Band", "ValueMark", "place_values"]
