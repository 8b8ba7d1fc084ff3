"""What a Sankey diagram shows, from the options a user chose: the one place their rules live.

The command line, the app and scripts describe a figure with a ``SankeyRequest``;
``sankey_data`` checks it (one of --group, --stages or --attribute; what each excludes) and
builds the nodes and links (``sankey_flows``) over the selection it implies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.analysis.filters import Selection
from workbench.i18n import _
from workbench.store.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.analysis.cooccurrence import Options
    from workbench.export.sankey_flows import SankeyData
    from workbench.store.project import Project


@dataclass(frozen=True)
class SankeyRequest:
    """The figure asked for: which codes meet which (or flow through which stages), counted
    how (``options``, ``measure``), over which coders, codes and documents."""

    options: Options
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    group: str | None = None
    aspect: str | None = None
    stages: str | None = None
    attribute: str | None = None
    measure: str = "count"
    values: str | None = None
    coders: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    depth: int | None = None
    where: tuple[str | tuple[str, str], ...] = ()

    def check(self) -> None:
        """Refuse combinations that cannot mean one figure, before any work."""
        if sum(bool(x) for x in (self.group, self.aspect, self.stages, self.attribute)) > 1:
            raise WorkbenchError(_("choose one of --group, --aspect, --stages and --attribute"))
        if (self.group or self.stages) and (self.left or self.right):
            raise WorkbenchError(_("--group and --stages choose the codes; drop --left/--right"))
        if self.aspect and (self.left or self.right):
            raise WorkbenchError(_("--aspect chooses the codes; drop --left/--right"))
        if self.attribute and self.left:
            raise WorkbenchError(
                _("--attribute puts the attribute values on the left; drop --left")
            )
        if self.attribute and self.measure != "count":
            raise WorkbenchError(_("attribute flows are counts; drop --measure c"))

    def selection(self, codes: Sequence[str], depth: int | None) -> Selection:
        """The request's coders and documents with ``codes`` at ``depth``."""
        return Selection.build(coders=self.coders, codes=codes, depth=depth, where=self.where)


def sankey_data(project: Project, request: SankeyRequest) -> tuple[SankeyData, Selection, str]:
    """The nodes and links ``request`` asks for, the selection they come from, and one line
    saying what the figure shows (for its caption); the figure is drawn by the caller."""
    from workbench.analysis.cooccurrence import cooccurrence, frequencies_by
    from workbench.analysis.filters import case_values, code_scope
    from workbench.export.sankey_flows import (
        aspect_flows,
        attribute_flows,
        code_flows,
        group_flows,
        stage_flows,
    )

    request.check()
    options, measure, values, depth = (
        request.options,
        request.measure,
        request.values,
        request.depth,
    )
    left, right, codes = request.left, request.right, request.codes
    group, stages, attribute = request.group, request.stages, request.attribute

    if stages:
        names = [x.strip() for x in stages.split(",") if x.strip()]
        data = stage_flows(
            project, names, options, request.selection(codes, depth), measure, values
        )
        groups = names[1:] if data.attributes else names
        sel = request.selection(groups, None)
        return (
            data,
            sel,
            _("Flows from {first} to {last}").format(
                first=_(" through ").join(names[:-1]), last=names[-1]
            ),
        )
    if group:
        path = project.code(group).path
        sel = request.selection([path], path.count("/") + 2)
        data = group_flows(cooccurrence(project, options, sel), path, measure, values)
        return (
            data,
            sel,
            _("Co-occurrence of the codes of {path} with each other").format(path=path),
        )
    if request.aspect:
        path = project.code(request.aspect).path
        sel = request.selection(list(codes), path.count("/") + 2)
        data = aspect_flows(cooccurrence(project, options, sel), path, measure, values)
        what = _(
            "Co-occurrence of the codes of the {group} aspect (left) with every code "
            "outside it that they meet (right)"
        ).format(group=path)
        return data, sel, what
    scope_codes = list(codes) + list(left) + list(right) if codes else []
    selection = request.selection(scope_codes, depth)
    right_codes = code_scope(project, right, depth)[0] if right else None
    if attribute:
        groups = case_values(project, attribute)
        chosen, counts = frequencies_by(project, groups, options, selection)
        shown = [c for c in chosen.codes if right_codes is None or c in right_codes]
        heading = ", ".join(right) if right else _("Code")
        data = attribute_flows(
            counts,
            shown,
            chosen.colours,
            values or "count",
            attribute,
            [attribute, heading],
            noun="units" if options.mode == "unit" else "codings",
        )
        return (
            data,
            selection,
            _("Codings of {codes} by {attribute}").format(
                codes=heading if right else _("codes"), attribute=attribute
            ),
        )
    result = cooccurrence(project, options, selection)
    left_codes = code_scope(project, left, depth)[0] if left else None
    headings = [
        ", ".join(left) if left else _("Code"),
        ", ".join(right) if right else _("Co-occurring code"),
    ]
    data = code_flows(result, left_codes, right_codes, measure, values, headings)
    if left or right:
        what = _("Co-occurrence of {left} codes (left) with {right} codes (right)").format(
            left=headings[0], right=headings[1]
        )
    else:
        what = _("Co-occurrence of code groups") if depth == 1 else _("Co-occurrence of codes")
    return data, selection, what
