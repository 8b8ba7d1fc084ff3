"""Reading figures back from the files workbench wrote: plotly JSON, geometry, text boxes."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from workbench.cli import cli
from workbench.ops.demo import build_demo

# The figures' font, measured by FreeType from the font file itself (not from the table the
# layout uses): DejaVu Sans is what the figures name first and what CI installs.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# plotly.js draws lines of annotation text 1.3 em apart
LINE_EM = 1.3


def measure(text: str, size: float, bold: bool = False) -> float:
    """Width in pixels of one line of ``text`` in DejaVu Sans at ``size`` pixels."""
    from functools import lru_cache

    from PIL import ImageFont

    @lru_cache(maxsize=64)
    def font(px: float, heavy: bool) -> ImageFont.FreeTypeFont:
        name = "DejaVuSans-Bold.ttf" if heavy else "DejaVuSans.ttf"
        return ImageFont.truetype(str(FONT_DIR / name), 100)

    return font(size, bold).getlength(text) * size / 100


def demo_workspace(root: Path) -> Path:
    """A fresh demo workspace under ``root``; returns its project file."""
    return build_demo(root / "workbench-demo").project


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--project", str(project), *args], catch_exceptions=False)
    assert result.exit_code == 0, f"{args}\n{result.output}"
    return result.output


def plotly_json(html: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The data and layout that ``Plotly.newPlot`` receives in an exported HTML file."""
    start = html.index("Plotly.newPlot(")
    decoder = json.JSONDecoder()
    pos = html.index(",", start) + 1
    while html[pos].isspace():
        pos += 1
    data, end = decoder.raw_decode(html, pos)
    pos = html.index(",", end) + 1
    while html[pos].isspace():
        pos += 1
    layout, _ = decoder.raw_decode(html, pos)
    return data, layout


def named(layout: dict[str, Any], kind: str, prefix: str) -> dict[int, dict[str, Any]]:
    """Shapes or annotations whose name is ``prefix:N``, by N."""
    return {
        int(item["name"].split(":")[1]): item
        for item in layout.get(kind, [])
        if str(item.get("name", "")).startswith(prefix + ":")
    }


def band_ends(path: str) -> tuple[float, float, float, float, float]:
    """(x0, x1, y_top_at_x0, y_top_at_x1, width) of a band path ``M x0,y C ... x1,y L ...``."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    x0, y0 = numbers[0], numbers[1]
    x1, y1 = numbers[6], numbers[7]
    ybot1 = numbers[9]
    return x0, x1, y0, y1, ybot1 - y1


def text_box(ann: dict[str, Any], layout: dict[str, Any]) -> tuple[float, float, float, float]:
    """(left, right, top, bottom) of the annotation's text (y down), measured in its font."""
    size = ann.get("font", {}).get("size") or layout["font"]["size"]
    bold = "<b>" in ann["text"]
    lines = [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in ann["text"].split("<br>")]
    width = max(measure(line, size, bold) for line in lines)
    height = len(lines) * LINE_EM * size
    x, y = ann["x"], ann["y"]
    left = {"left": x, "right": x - width, "center": x - width / 2}[ann.get("xanchor", "center")]
    top = {"top": y, "bottom": y - height, "middle": y - height / 2}[ann.get("yanchor", "middle")]
    return left, left + width, top, top + height


def has_poppler() -> bool:
    return shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None
