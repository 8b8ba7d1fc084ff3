"""``workbench report codebook|frequencies``: tables for a paper's methods section."""

from __future__ import annotations

import click

from workbench.cli.common import open_project, require_clean_option


@click.group(name="report")
def report_cmd() -> None:
    """Tables for the methods section: the codebook, and code frequencies by attribute."""


def _record(ctx, out, project, counts):
    from workbench.cli.figures import make_record

    return make_record(ctx, out, project, counts)


@report_cmd.command(name="codebook")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--unit",
    type=click.Choice(["char", "sentence", "turn", "document"]),
    default="char",
    show_default=True,
    help="Unit of the per-code agreement.",
)
@click.option(
    "--coders",
    default=None,
    metavar="A,B",
    help="Coders compared (default: every coder who marked documents done).",
)
@require_clean_option()
@click.pass_context
def codebook_cmd(ctx: click.Context, out: str, unit: str, coders: str | None) -> None:
    """The codebook as a table (OUT.md, .html, .docx or .xlsx).

    Category, subcategory and code, with definition, inclusion and exclusion criteria, an
    example, codings and documents per code and, when two or more coders marked documents
    done, per-code Cohen's kappa and Krippendorff's alpha.

    \b
    Example:
      workbench report codebook exports/codebook.docx --unit sentence
    """
    from workbench.analysis.agreement import split_list
    from workbench.export.methods import CODEBOOK_FORMATS, codebook_table, write_table
    from workbench.export.provenance import selection_counts, write_caption

    project = open_project(ctx)
    table = codebook_table(project, unit=unit, coders=split_list(coders))
    counts = selection_counts(project)
    record = _record(ctx, out, project, counts)
    write_table(table, out, CODEBOOK_FORMATS, record)
    write_caption(
        out,
        record,
        f"Codebook: {len(table.rows)} codes in "
        f"{len(table.group_rows)} groups, with definitions and counts",
    )
    click.echo(f"wrote {out}: {len(table.rows)} codes", err=True)


@report_cmd.command(name="frequencies")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--by",
    "by",
    required=True,
    metavar="ATTRIBUTE",
    help="The case attribute whose values make the columns (region, sector, ...).",
)
@click.option("--coder", "coders", multiple=True, help="Only this coder's codings (repeatable).")
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="KEY=VALUE",
    help="Only documents whose case has this attribute value (repeatable).",
)
@require_clean_option()
@click.pass_context
def frequencies_cmd(
    ctx: click.Context, out: str, by: str, coders: tuple[str, ...], where: tuple[str, ...]
) -> None:
    """Code frequencies by a case attribute (OUT.md, .docx or .xlsx), groups subtotalled.

    \b
    Example:
      workbench report frequencies exports/by-region.docx --by region
    """
    from workbench.analysis.filters import Selection
    from workbench.export.methods import FREQUENCY_FORMATS, frequency_table, write_table
    from workbench.export.provenance import selection_counts, write_caption

    project = open_project(ctx)
    table = frequency_table(project, by, coders=coders, where=where)
    counts = selection_counts(project, Selection.build(coders=coders, where=where))
    record = _record(ctx, out, project, counts)
    write_table(table, out, FREQUENCY_FORMATS, record)
    write_caption(
        out,
        record,
        f"Code frequencies by {by}: codings and share of documents per value, groups subtotalled",
    )
    click.echo(
        f"wrote {out}: {len(table.rows)} codes x {(len(table.header) - 3) // 2} values", err=True
    )
