"""``workbench suggest rules``: list the rules suggestions come from, and add or remove the
speaker rules (a code suggested for every turn of a speaker or role)."""

from __future__ import annotations

import click

from workbench.cli.common import emit, format_option, open_project
from workbench.i18n import N_, _


@click.group(
    "rules",
    invoke_without_command=True,
    help=N_("List the rules: keywords and patterns from the codebook, and speaker rules."),
)
@format_option()
@click.pass_context
def rules_cmd(ctx, fmt) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from workbench.suggest.rules import describe_rules

    emit(
        describe_rules(open_project(ctx)),
        fmt,
        columns=["number", "kind", "code", "language", "rule"],
    )


@rules_cmd.command(
    "add", help=N_("Add a speaker rule: suggest CODE for every turn of a speaker or role.")
)
@click.option("--code", "code", required=True, help=N_("The code to suggest (path)."))
@click.option("--speaker", default=None, help=N_("Speaker label (glob, case-insensitive)."))
@click.option("--role", default=None, help=N_("Value of the case attribute 'role'."))
@click.pass_context
def rules_add_cmd(ctx, code, speaker, role) -> None:
    from workbench.suggest.rules import add_speaker_rule

    rule = add_speaker_rule(open_project(ctx), code, speaker=speaker, role=role)
    click.echo(
        _("rule added: {describe} -> {code}").format(describe=rule.describe(), code=rule.code)
    )


@rules_cmd.command(
    "remove", help=N_("Remove speaker rule NUMBER (as listed by 'workbench suggest rules').")
)
@click.argument("number", type=int)
@click.pass_context
def rules_remove_cmd(ctx, number) -> None:
    from workbench.suggest.rules import remove_speaker_rule

    rule = remove_speaker_rule(open_project(ctx), number)
    click.echo(
        _("rule removed: {describe} -> {code}").format(describe=rule.describe(), code=rule.code)
    )
