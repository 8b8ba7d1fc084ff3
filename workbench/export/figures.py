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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cells import xlsx_append
from workbench.files import write_atomic
from workbench.store.errors import WorkbenchError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from workbench.analysis.cooccurrence import CooccurrenceResult
    from workbench.export.provenance import Record

STATIC = (".svg", ".pdf", ".png")
FORMATS = (".html", *STATIC)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = "no Chrome/Chromium found for SVG/PDF/PNG export; install chromium or export .html"


@dataclass(frozen=True)
class FigureStyle:
    """Title, size in pixels, font and scale (PNG pixels per layout pixel) for a figure."""

    title: str | None = None
    width: int = 1000
    height: int = 700
    font_size: float = 12
    font_family: str = "Arial, Helvetica, sans-serif"
    scale: float = 1.0
    dpi: int | None = None  # written into PNG files (pHYs) when a print size was chosen
    size: str | None = None  # the preset this style came from, for captions

    def __post_init__(self) -> None:
        if self.width < 100 or self.height < 100:
            raise WorkbenchError("width and height must be at least 100 pixels")
        if self.font_size < 4:
            raise WorkbenchError("font size must be at least 4")
        if not 0 < self.scale <= 10:
            raise WorkbenchError("scale must be above 0 and at most 10")

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
SIZES: dict[str, dict[str, float]] = {
    "single": {"width_mm": 85, "font_pt": 7, "dpi": 300},
    "double": {"width_mm": 175, "font_pt": 8, "dpi": 300},
    "slide": {"width_px": 1280, "height_px": 720, "font_px": 18, "dpi": 144},
}


def preset_style(
    size: str,
    *,
    title: str | None = None,
    font_family: str = "Arial, Helvetica, sans-serif",
    height: int | None = None,
) -> FigureStyle:
    """The style for a journal column (``single``, ``double``) or a ``slide``.

    Print presets leave the height to the figure (``height`` 0 here means "as tall as the
    content needs"; callers fill it in) unless one is given.
    """
    if size not in SIZES:
        raise WorkbenchError(f"--size is one of {', '.join(SIZES)}, not {size!r}")
    p = SIZES[size]
    dpi = int(p["dpi"])
    if size == "slide":
        width, font = int(p["width_px"]), float(p["font_px"])
        height = height or int(p["height_px"])
    else:
        width = int(round(p["width_mm"] * PX_PER_MM))
        font = round(p["font_pt"] * PT, 2)
        height = height or max(100, int(round(width * 0.75)))
    return FigureStyle(
        title=title,
        width=width,
        height=height,
        font_size=font,
        font_family=font_family,
        scale=dpi / 96,
        dpi=dpi,
        size=size,
    )


# Average advance of a character in Arial/Helvetica, in em, with headroom: labels are placed
# from this estimate, so it errs wide (capitals and accents included).
CHAR_EM = 0.58


def display_labels(paths: list[str], labels: str = "leaf") -> list[str]:
    """What a figure writes for each code: its own name (``leaf``) or its ``path``.

    A leaf name shared by two codes shown together falls back to the path for both, so a
    figure never shows two codes under one name. Sankey, heat map and network use this.
    """
    if labels not in ("leaf", "path"):
        raise WorkbenchError(f"--labels is leaf or path, not {labels!r}")
    if labels == "path":
        return list(paths)
    leaves = [p.rsplit("/", 1)[-1] for p in paths]
    return [p if leaves.count(leaf) > 1 else leaf for p, leaf in zip(paths, leaves, strict=True)]


def text_width(text: str, font_size: float) -> float:
    """Estimated width in pixels of one line of ``text`` at ``font_size``."""
    return len(text) * CHAR_EM * font_size


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
        raise WorkbenchError(NO_BROWSER)
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
            f"unknown figure format {suffix or '(none)'!r}; use {', '.join(FORMATS)}",
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
        raise WorkbenchError("the folder does not exist", source=str(path))
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
            )
        else:
            _ensure_server()
            import kaleido

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
                raise WorkbenchError(f"static export failed: {exc}", source=str(path)) from exc
        if record is not None:
            from workbench.export.provenance import embed

            embed(tmp, record, suffix, dpi=style.dpi)
        write_atomic(path, tmp.read_bytes())
    return path


def heatmap_figure(
    result: CooccurrenceResult,
    measure: str = "count",
    style: FigureStyle = DEFAULT_STYLE,
    labels: str = "leaf",
) -> go.Figure:
    """The co-occurrence matrix as a heat map, each cell labelled with its value.

    With ``conditional`` a cell reads "share of the row code's occurrences that meet the column
    code", so the map is not symmetric. The diagonal is left empty: it is no co-occurrence.
    Codes run in codebook order, named as in the Sankey (``labels``), each with a swatch of
    its code colour; cells use a single-hue scale from 0 to the largest value, readable with
    colour blindness and in grey.
    """
    import plotly.graph_objects as go

    codes, cells = result.matrix(measure)
    z: list[list[Any]] = [
        [None if i == j else v for j, v in enumerate(row)] for i, row in enumerate(cells)
    ]
    names = display_labels(codes, labels)
    ticks = [
        f'<span style="color:{result.colours.get(c, "#999999")}">■</span> {n}'
        for c, n in zip(codes, names, strict=True)
    ]
    text_format = "%{z}" if measure == "count" else "%{z:.2f}"
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=codes,
            y=codes,
            colorscale="Blues",
            hoverongaps=False,
            texttemplate=text_format,
            colorbar={"title": {"text": measure}},
            zmin=0,
            textfont={"size": max(6, style.font_size * 0.85)},
        )
    )
    fig.update_xaxes(tickmode="array", tickvals=codes, ticktext=ticks, tickangle=-45)
    fig.update_yaxes(tickmode="array", tickvals=codes, ticktext=ticks, autorange="reversed")
    style.apply(fig)
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 40 if style.title else 10, "b": 10},
        meta={"heatmap": {"codes": codes, "labels": names, "measure": measure}},
    )
    return fig


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
        raise WorkbenchError("an xlsx table needs a file name ending in .xlsx", source=str(path))
    if not path.parent.exists():
        raise WorkbenchError("the folder does not exist", source=str(path))
    wb = Workbook()
    ws = wb.active
    ws.title = "matrix"
    codes, cells = result.matrix(measure)
    xlsx_append(ws, [f"{result.mode} / {measure}", *codes])
    for code, row in zip(codes, cells, strict=True):
        xlsx_append(ws, [code, *row])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    for row in ws.iter_rows(min_row=2, max_col=1):
        row[0].font = bold
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
        from workbench.export.provenance import set_xlsx_record

        set_xlsx_record(wb, record)
    out = io.BytesIO()
    wb.save(out)
    write_atomic(path, out.getvalue())
    return path
