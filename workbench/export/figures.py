"""Writing plotly figures to files: offline HTML, and SVG/PDF/PNG through kaleido.

Static export needs a Chrome or Chromium. Starting one costs about two seconds, so a single
kaleido server is started on first use and reused for every later figure of the process
(about 0.1 s each); ``close_server`` stops it (it also stops when the process exits).
The heat map of a co-occurrence table is built here too: it is drawn with the same styles.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from workbench.cells import xlsx_append
from workbench.export.fontmetrics import FONT_FAMILY
from workbench.files import write_atomic
from workbench.i18n import N_, _
from workbench.store.errors import WorkbenchError

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from openpyxl.worksheet.worksheet import Worksheet

    from workbench.analysis.cooccurrence import CooccurrenceResult
    from workbench.export.record import Record

STATIC = (".svg", ".pdf", ".png")
FORMATS = (".html", *STATIC)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = N_("no Chrome/Chromium found for SVG/PDF/PNG export; install chromium or export .html")


@dataclass(frozen=True)
class FigureStyle:
    """Title, size and font in layout pixels (CSS pixels, 96 per inch), and scale (PNG pixels
    per layout pixel) for a figure.

    ``max_height`` lets a laid-out figure grow taller than ``height`` (up to it) when its
    text needs room; None keeps the height fixed. ``min_font`` is the smallest text size (in
    pixels) the figure may print. A PNG always records its resolution, ``dpi`` (96 x scale
    unless a print size set it).
    """

    title: str | None = None
    width: int = 1000
    height: int = 700
    font_size: float = 12
    font_family: str = FONT_FAMILY
    scale: float = 1.0
    dpi: int | None = None
    size: str | None = None  # the preset this style came from, for captions
    max_height: int | None = None
    min_font: float = 0.0

    @property
    def png_dpi(self) -> int:
        """The resolution written into a PNG: the preset's, else 96 per layout pixel."""
        return self.dpi or int(round(96 * self.scale))

    def __post_init__(self) -> None:
        if self.width < 100 or self.height < 100:
            raise WorkbenchError(_("width and height must be at least 100 pixels"))
        if self.font_size < 4:
            raise WorkbenchError(_("font size must be at least 4"))
        if not 0 < self.scale <= 10:
            raise WorkbenchError(_("scale must be above 0 and at most 10"))

    def apply(self, fig: go.Figure) -> go.Figure:
        fig.update_layout(
            title={"text": self.title} if self.title else None,
            width=self.width,
            height=self.height,
            font={"size": self.font_size, "family": self.font_family},
            margin={"l": 20, "r": 20, "t": 60 if self.title else 20, "b": 20},
            paper_bgcolor="white",
            plot_bgcolor="white",
        )
        return fig


DEFAULT_STYLE = FigureStyle()

# Journal presets. Layout units are CSS pixels (96 per inch), so an SVG or PDF comes out at
# the printed size and a PNG at ``scale`` = dpi / 96. Fonts: 7 pt in a single column and 8 pt
# across the page are the smallest most journals accept; a slide is 1280 x 720 at 18 px.
PX_PER_MM = 96 / 25.4
PT = 96 / 72
#: the smallest text a print figure carries (journals ask for 6 to 7 pt at printed size)
MIN_PRINT_PT = 7
#: the tallest a print figure may grow: a journal page's text height
MAX_PRINT_HEIGHT_MM = 240
SIZES: dict[str, dict[str, float]] = {
    "single": {"width_mm": 85, "font_pt": 7, "dpi": 300},
    "double": {"width_mm": 175, "font_pt": 8, "dpi": 300},
    "slide": {"width_px": 1280, "height_px": 720, "font_px": 18, "dpi": 144},
}


def points(pt: float) -> float:
    """Layout pixels of a font size given in points."""
    return round(pt * PT, 2)


def preset_style(
    size: str,
    *,
    title: str | None = None,
    font_family: str = FONT_FAMILY,
    height: int | None = None,
) -> FigureStyle:
    """The style for a journal column (``single``, ``double``) or a ``slide``.

    Print presets leave the height to the figure (it may grow up to a page's text height)
    unless one is given; a slide is 1280 x 720.
    """
    if size not in SIZES:
        raise WorkbenchError(
            _("--size is one of {items}, not {size!r}").format(items=", ".join(SIZES), size=size)
        )
    p = SIZES[size]
    dpi = int(p["dpi"])
    grow: int | None = None
    if size == "slide":
        width, font = int(p["width_px"]), float(p["font_px"])
        height = height or int(p["height_px"])
    else:
        width = int(round(p["width_mm"] * PX_PER_MM))
        font = points(p["font_pt"])
        if not height:
            height = max(100, int(round(width * 0.75)))
            grow = int(round(MAX_PRINT_HEIGHT_MM * PX_PER_MM))
    return FigureStyle(
        title=title,
        width=width,
        height=height,
        font_size=font,
        font_family=font_family,
        scale=dpi / 96,
        dpi=dpi,
        size=size,
        max_height=grow,
        min_font=points(MIN_PRINT_PT),
    )


#: the default text size of a figure without a print size, in points (12 px)
DEFAULT_FONT_PT = 9.0
#: a figure without a print size or a height given may grow to this many times its height
GROW_FACTOR = 4


def style_for(
    *,
    size: str | None = None,
    title: str | None = None,
    width: int = 1000,
    height: int = 700,
    font_size: float = DEFAULT_FONT_PT,
    font_family: str | None = None,
    scale: float = 1.0,
    given: Collection[str] = (),
    square: bool = False,
) -> FigureStyle:
    """The style a figure command's options describe (``--size``, ``--width`` ...).

    ``given`` names the options the user set (``height``, ``font_size``, ``scale``), as
    opposed to their defaults: a print ``size`` sets width, font and resolution unless those
    were given; a height not given may grow with the figure's text. ``square`` makes the
    default print height the width (a heat map). The command line and the Python API both
    call this, so one set of options draws the same figure.
    """
    family = font_family or FONT_FAMILY
    height_given = "height" in given
    if size:
        style = preset_style(
            size, title=title, font_family=family, height=height if height_given else None
        )
        if square and not height_given and size != "slide":
            style = replace(style, height=style.width)
        if "font_size" in given:
            style = replace(style, font_size=points(font_size))
        if "scale" in given:
            style = replace(style, scale=scale, dpi=int(round(96 * scale)))
        return style
    return FigureStyle(
        title=title,
        width=width,
        height=height,
        font_size=points(font_size),
        font_family=family,
        scale=scale,
        max_height=None if height_given else height * GROW_FACTOR,
    )


def display_labels(paths: list[str], labels: str = "leaf") -> list[str]:
    """What a figure writes for each code: its own name (``leaf``) or its ``path``.

    A leaf name shared by two codes shown together falls back to the path for both, so a
    figure never shows two codes under one name. Sankey, heat map and network use this.
    """
    if labels not in ("leaf", "path"):
        raise WorkbenchError(_("--labels is leaf or path, not {labels!r}").format(labels=labels))
    if labels == "path":
        return list(paths)
    leaves = [p.rsplit("/", 1)[-1] for p in paths]
    return [p if leaves.count(leaf) > 1 else leaf for p, leaf in zip(paths, leaves, strict=True)]


def find_browser() -> str | None:
    """The Chrome/Chromium kaleido will use: BROWSER_PATH, /usr/bin/chromium, then PATH."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env if os.access(env, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_browser() -> str:
    browser = find_browser()
    if browser is None:
        raise WorkbenchError(_(NO_BROWSER))
    return browser


_server_browser: str | None = None


def _ensure_server() -> None:
    """Start the shared kaleido server once (no MathJax: it would come from the network)."""
    global _server_browser
    import kaleido

    browser = require_browser()
    if _server_browser is not None and _server_browser != browser:
        close_server()
    if _server_browser is None:
        kaleido.start_sync_server(
            n=1, timeout=60, mathjax=False, path=browser, silence_warnings=True
        )
        _server_browser = browser


def close_server() -> None:
    """Stop the shared kaleido server if it runs."""
    global _server_browser
    if _server_browser is not None:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _server_browser = None


def figure_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise WorkbenchError(
            _("unknown figure format {value!r}; use {items}").format(
                value=suffix or "(none)", items=", ".join(FORMATS)
            ),
            source=str(path),
        )
    return suffix


def write_figure(
    fig: go.Figure,
    path: str | Path,
    style: FigureStyle = DEFAULT_STYLE,
    record: Record | None = None,
) -> Path:
    """Write ``fig`` to ``path`` in the format its extension names; return the path.

    HTML carries plotly.js inline, so it opens without a network. Static formats go through
    the shared kaleido server. The figure is made in a scratch folder and its bytes put in
    place by ``write_atomic``, so a failure never leaves half a file behind. A ``record`` (how
    the figure was made) goes into the file's metadata and, for HTML, into
    ``layout.meta.workbench``.
    """
    path = Path(path)
    suffix = figure_format(path)
    if not path.parent.exists():
        raise WorkbenchError(_("the folder does not exist"), source=str(path))
    if record is not None:
        import json

        meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
        fig.update_layout(meta={**meta, "workbench": json.loads(record.to_json())})
    import tempfile

    with tempfile.TemporaryDirectory(prefix="workbench-figure-") as scratch:
        tmp = Path(scratch) / f"figure{suffix}"
        if suffix == ".html":
            fig.write_html(
                tmp,
                include_plotlyjs=True,
                full_html=True,
                include_mathjax=False,
                config={"displaylogo": False, "responsive": True},
                div_id="workbench-figure",
            )
        else:
            _ensure_server()
            _write_static(fig, tmp, suffix, style, path)
        if record is not None:
            from workbench.export.record_embed import embed

            embed(tmp, record, suffix, dpi=style.png_dpi)
        elif suffix == ".png":
            from workbench.export.record_embed import set_png_dpi

            set_png_dpi(tmp, style.png_dpi)
        data = tmp.read_bytes()
        if suffix == ".svg" and record is not None and not record.created:
            data = stable_svg(data)
        write_atomic(path, data)
    return path


def stable_svg(data: bytes) -> bytes:
    """An SVG from plotly with its random figure identifier (in the ids of its clip paths
    and definitions) replaced by a fixed one: same figure, same bytes."""
    import re

    text = data.decode("utf-8")
    found = re.search(r'id="defs-([0-9a-f]{6})"', text)
    if found:
        text = text.replace(found.group(1), "wbfig0")
    return text.encode("utf-8")


MAGIC = {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<svg"}


def _write_static(fig: go.Figure, tmp: Path, suffix: str, style: FigureStyle, path: Path) -> None:
    """One static file through the shared kaleido server. What the browser side reports
    (errors it logs and goes on from, such as a message it could not decode) is caught and
    becomes one line; a file that is not what was asked for is refused."""
    import logging

    import kaleido

    caught: list[logging.LogRecord] = []

    class _Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            caught.append(record)

    handler = _Catch(level=logging.ERROR)
    loggers = [logging.getLogger(name) for name in ("choreographer", "kaleido", "logistro")]
    saved = [(lg, lg.propagate, list(lg.handlers)) for lg in loggers]
    for lg in loggers:
        lg.handlers = [handler]
        lg.propagate = False
    try:
        kaleido.write_fig_sync(
            fig,
            path=str(tmp),
            opts={
                "format": suffix[1:],
                "width": fig.layout.width or style.width,
                "height": fig.layout.height or style.height,
                # scale multiplies pixels; vector formats keep layout size
                "scale": style.scale if suffix == ".png" else 1,
            },
        )
    except Exception as exc:  # kaleido reports browser trouble in many types
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise WorkbenchError(
            _("static export failed: {why}").format(why=message), source=str(path)
        ) from None
    finally:
        for lg, propagate, handlers in saved:
            lg.handlers = handlers
            lg.propagate = propagate
    if caught:
        first = " ".join(caught[0].getMessage().split())
        raise WorkbenchError(
            _("static export failed: the browser reported: {why}").format(why=first),
            source=str(path),
        )
    head = tmp.read_bytes()[:200] if tmp.exists() else b""
    if MAGIC[suffix] not in head:
        raise WorkbenchError(
            _("static export failed: the browser returned no {kind} file").format(
                kind=suffix[1:].upper()
            ),
            source=str(path),
        )


def write_heatmap_xlsx(
    result: CooccurrenceResult,
    path: str | Path,
    measure: str = "count",
    record: Record | None = None,
) -> Path:
    """A workbook with the matrix as a heat map (colour scale), the pairs and frequencies.

    Sheets: ``matrix`` (the ``measure`` per cell, a white-to-blue colour scale over the
    off-diagonal cells), ``pairs`` (every measure per pair) and ``frequencies``.
    """
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise WorkbenchError(_("an xlsx table needs a file name ending in .xlsx"), source=str(path))
    if not path.parent.exists():
        raise WorkbenchError(_("the folder does not exist"), source=str(path))
    wb = Workbook()
    ws = cast("Worksheet", wb.active)  # a new workbook has one worksheet, active
    ws.title = "matrix"
    codes, cells = result.matrix(measure)
    xlsx_append(ws, [f"{result.mode} / {measure}", *codes])
    for code, row in zip(codes, cells, strict=True):
        xlsx_append(ws, [code, *row])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    for first_cells in ws.iter_rows(min_row=2, max_col=1):
        first_cells[0].font = bold
    ws.column_dimensions["A"].width = max([12, *(len(c) for c in codes)]) + 2
    if codes:
        last = get_column_letter(len(codes) + 1)
        ws.conditional_formatting.add(
            f"B2:{last}{len(codes) + 1}",
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="FFFFFF",
                end_type="max",
                end_color="2171B5",
            ),
        )
    ws.freeze_panes = "B2"
    pairs = wb.create_sheet("pairs")
    rows = result.rows(measure)
    header = ["a", "b", "count", "n_a", "n_b", "c", "conditional_ab", "conditional_ba", "capped"]
    pairs.append(header)
    for r in rows:
        xlsx_append(pairs, [r[h] for h in header])
    freq = wb.create_sheet("frequencies")
    freq.append(["code", "frequency"])
    for code in codes:
        xlsx_append(freq, [code, result.frequencies[code]])
    if record is not None:
        from workbench.export.record_embed import set_xlsx_record

        set_xlsx_record(wb, record)
    out = io.BytesIO()
    wb.save(out)
    from workbench.export.record_embed import office_bytes

    write_atomic(path, office_bytes(out.getvalue(), record))
    return path
