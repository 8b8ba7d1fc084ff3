"""``workbench export ...`` (qdpx, quotations, matrix, units, codings) and ``import-qdpx``."""

from __future__ import annotations

import click

from workbench.analysis.units import SPAN_UNITS, UNIT_PLURALS
from workbench.cli.common import open_project, where_option
from workbench.cli.localise import output_language_options
from workbench.i18n import N_, _, speaking


@click.group(
    name="export",
    help=N_("Export the project: REFI-QDA, quotations, matrices and codings for papers."),
)
def export_cmd() -> None:
    pass


POSITION_UNITS = ("codepoints", "utf16", "bytes")


@export_cmd.command(name="qdpx", help=N_("Write the whole project as a REFI-QDA project (.qdpx)."))
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--positions",
    type=click.Choice(POSITION_UNITS),
    default="codepoints",
    show_default=True,
    help=N_(
        "Unit of selection positions: code points (the standard), UTF-16 code units (as "
        "NVivo for Windows reads them) or UTF-8 bytes."
    ),
)
@click.pass_context
def qdpx_cmd(ctx: click.Context, out: str, positions: str) -> None:
    from workbench.interop.qdpx import export_qdpx

    summary = export_qdpx(open_project(ctx), out, positions=positions)
    click.echo(summary.summary())


def _coder_option(fn):
    return click.option("--coder", default=None, help=N_("Only this coder's codings."))(fn)


@export_cmd.command(
    name="quotations", help=N_("Quotations grouped by code, as OUT.md, OUT.html or OUT.docx.")
)
@click.argument("out", type=click.Path(dir_okay=False))
@_coder_option
@where_option
@click.option(
    "--codes",
    "codes",
    multiple=True,
    metavar="PATH",
    help=N_("Only these codes and their subcodes (repeatable)."),
)
@output_language_options
@click.pass_context
def quotations_cmd(
    ctx: click.Context,
    out: str,
    coder: str | None,
    where: tuple[str, ...],
    codes: tuple[str, ...],
    lang: str | None,
    decimal: str,
) -> None:
    from workbench.export.reports import export_quotations

    project = open_project(ctx)
    with speaking(lang, decimal=decimal):
        n = export_quotations(project, out, coder=coder, where=where, codes=list(codes))
    _record(ctx, out, project)
    click.echo(_("{out}: {n} quotations").format(out=out, n=n))


def _record(ctx: click.Context, out: str, project) -> None:
    """Put the command and project fingerprint into a table or report file that can hold it."""
    from pathlib import Path

    from workbench.cli.figures import make_record
    from workbench.export.provenance import embed_copy

    if Path(out).suffix.lower() in (".md", ".html", ".docx", ".xlsx"):  # CSV has no place
        embed_copy(out, make_record(ctx, out, project, {}))


@export_cmd.command(
    name="matrix",
    help=N_("Code x case or code x attribute-value frequencies, as OUT.csv or OUT.xlsx."),
)
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--by",
    default="case",
    show_default=True,
    metavar="case|ATTRIBUTE",
    help=N_("Columns: cases, or the values of a case attribute."),
)
@click.option(
    "--count",
    type=click.Choice(["codings", "documents"]),
    default="codings",
    show_default=True,
    help=N_("Count codings, or documents with at least one coding."),
)
@_coder_option
@where_option
@output_language_options
@click.pass_context
def matrix_cmd(
    ctx: click.Context,
    out: str,
    by: str,
    count: str,
    coder: str | None,
    where: tuple[str, ...],
    lang: str | None,
    decimal: str,
) -> None:
    from workbench.export.tables import export_matrix

    project = open_project(ctx)
    with speaking(lang, decimal=decimal):
        matrix = export_matrix(project, out, by=by, count=count, coder=coder, where=where)
    _record(ctx, out, project)
    click.echo(
        _("{out}: {n_codes} codes x {n_columns} columns").format(
            out=out, n_codes=len(matrix.codes), n_columns=len(matrix.columns)
        )
    )


@export_cmd.command(name="units", help=N_("A 0/1 unit x code matrix (OUT.csv) for R or SPSS."))
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--unit",
    type=click.Choice(SPAN_UNITS),
    default="sentence",
    show_default=True,
    help=N_("One row per unit of this kind."),
)
@_coder_option
@where_option
@click.pass_context
def units_cmd(
    ctx: click.Context, out: str, unit: str, coder: str | None, where: tuple[str, ...]
) -> None:
    from workbench.export.tables import export_units

    n = export_units(open_project(ctx), out, unit=unit, coder=coder, where=where)
    click.echo(f"{out}: {n} {_(UNIT_PLURALS[unit])}")


@export_cmd.command(
    name="codings",
    help=N_("All codings with their text as OUT.csv (document,code,coder,start,end,text,...)."),
)
@click.argument("out", type=click.Path(dir_okay=False))
@_coder_option
@where_option
@click.option(
    "--codes",
    "codes",
    multiple=True,
    metavar="PATH",
    help=N_("Only these codes and their subcodes (repeatable)."),
)
@click.pass_context
def codings_cmd(
    ctx: click.Context, out: str, coder: str | None, where: tuple[str, ...], codes: tuple[str, ...]
) -> None:
    from workbench.export.tables import selection_of
    from workbench.ops.codings_io import export_codings_csv

    selection = (
        selection_of(coder=coder, where=where, codes=codes) if coder or where or codes else None
    )
    n = export_codings_csv(open_project(ctx), out, selection)
    click.echo(_("{out}: {n} codings").format(out=out, n=n))


@click.command(
    name="import-qdpx",
    help=N_("Import a REFI-QDA project (.qdpx) into this project (a new one unless --merge)."),
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--merge",
    is_flag=True,
    help=N_(
        "Add to a project that has documents (match documents by text, codes by GUID "
        "then path, coders by name)."
    ),
)
@click.option(
    "--max-size",
    "max_size",
    type=click.IntRange(min=1),
    default=2048,
    show_default=True,
    metavar="MB",
    help=N_("Refuse archives that expand beyond this."),
)
@click.option(
    "--positions",
    type=click.Choice(POSITION_UNITS),
    default=None,
    help=N_(
        "Unit the file's selection positions count (default: decided per source from "
        "where the selections fall, and named in the summary)."
    ),
)
@click.pass_context
def import_qdpx_cmd(
    ctx: click.Context, file: str, merge: bool, max_size: int, positions: str | None
) -> None:
    from workbench.interop.qdpx import Limits, import_qdpx

    report = import_qdpx(
        open_project(ctx, create=True),
        file,
        merge=merge,
        limits=Limits(max_total=max_size * 1024**2),
        positions=positions,
    )
    for line in report.lines():
        click.echo(line)
