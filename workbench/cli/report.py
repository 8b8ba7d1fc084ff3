"""``workbench report codebook|frequencies``: tables for a paper's methods section."""

from __future__ import annotations

import click

from workbench.cli.common import open_project
from workbench.cli.localise import output_language_options
from workbench.i18n import N_, _, speaking


@click.group(
    name="report",
    help=N_("Tables for the methods section: the codebook, and code frequencies by attribute."),
)
def report_cmd() -> None:
    pass


def _record(ctx, out, project, counts):
    from workbench.cli.figures import make_record

    return make_record(ctx, out, project, counts)


@report_cmd.command(
    name="codebook",
    help=N_(
        "The codebook as a table (OUT.md, .html, .docx or .xlsx).\n"
        "\nCategory, subcategory and code, with definition, inclusion and exclusion criteria, a"
        "n example, codings and documents per code and, when two or more coders marked "
        "documents done, per-code Cohen's kappa and Krippendorff's alpha.\n"
        "\n\x08\nExample:\n  workbench report codebook exports/codebook.docx --unit sentence"
    ),
)
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--unit",
    type=click.Choice(["char", "sentence", "turn", "document"]),
    default="char",
    show_default=True,
    help=N_("Unit of the per-code agreement."),
)
@click.option(
    "--coders",
    default=None,
    metavar="A,B",
    help=N_("Coders compared (default: every coder who marked documents done)."),
)
@output_language_options
@click.pass_context
def codebook_cmd(
    ctx: click.Context, out: str, unit: str, coders: str | None, lang: str | None, decimal: str
) -> None:
    from workbench.analysis.agreement import split_list
    from workbench.export.methods import CODEBOOK_FORMATS, codebook_table, write_table
    from workbench.export.provenance import selection_counts, write_caption

    project = open_project(ctx)
    counts = selection_counts(project)
    record = _record(ctx, out, project, counts)
    with speaking(lang, decimal=decimal):
        table = codebook_table(project, unit=unit, coders=split_list(coders))
        write_table(table, out, CODEBOOK_FORMATS, record)
        write_caption(
            out,
            record,
            _("Codebook: {codes} codes in {groups} groups, with definitions and counts").format(
                codes=len(table.rows), groups=len(table.group_rows)
            ),
        )
    click.echo(_("wrote {out}: {n_rows} codes").format(out=out, n_rows=len(table.rows)), err=True)


@report_cmd.command(
    name="frequencies",
    help=N_(
        "Code frequencies by a case attribute (OUT.md, .docx or .xlsx), groups subtotalled.\n"
        "\n\x08\nExample:\n  workbench report frequencies exports/by-region.docx --by region"
    ),
)
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--by",
    "by",
    required=True,
    metavar="ATTRIBUTE",
    help=N_("The case attribute whose values make the columns (region, sector, ...)."),
)
@click.option(
    "--coder", "coders", multiple=True, help=N_("Only this coder's codings (repeatable).")
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="KEY=VALUE",
    help=N_("Only documents whose case has this attribute value (repeatable)."),
)
@output_language_options
@click.pass_context
def frequencies_cmd(
    ctx: click.Context,
    out: str,
    by: str,
    coders: tuple[str, ...],
    where: tuple[str, ...],
    lang: str | None,
    decimal: str,
) -> None:
    from workbench.analysis.filters import Selection
    from workbench.export.methods import FREQUENCY_FORMATS, frequency_table, write_table
    from workbench.export.provenance import selection_counts, write_caption

    project = open_project(ctx)
    counts = selection_counts(project, Selection.build(coders=coders, where=where))
    record = _record(ctx, out, project, counts)
    with speaking(lang, decimal=decimal):
        table = frequency_table(project, by, coders=coders, where=where)
        write_table(table, out, FREQUENCY_FORMATS, record)
        write_caption(
            out,
            record,
            _(
                "Code frequencies by {attribute}: codings and share of documents per value, "
                "groups subtotalled"
            ).format(attribute=by),
        )
    click.echo(
        _("wrote {out}: {n_rows} codes x {value} values").format(
            out=out, n_rows=len(table.rows), value=(len(table.header) - 3) // 2
        ),
        err=True,
    )
