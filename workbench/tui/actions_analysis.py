"""The actions of the analysis and review screens, as data: co-occurrence and its quotations,
agreement and reconciliation, suggestions, and the pseudonym review.

These are the screens the app opens with ``analysis(kind)`` and the ones they open in turn.
Part of the one action table (``workbench.tui.action_table`` puts the parts in order).
"""

from __future__ import annotations

from workbench.i18n import N_
from workbench.tui.action_spec import ActionSpec, _a

#: the co-occurrence screen
COOCCURRENCE_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "cooccur-filters",
        "filters",
        N_("Filters: mode, unit, distance, coder, depth, where"),
        "f",
        "cooccurrence",
        show=True,
        label=N_("Filters"),
    ),
    _a(
        "cooccur-sort",
        "cycle_sort",
        N_("Sort by the next measure (count, c, conditional)"),
        "s",
        "cooccurrence",
        show=True,
        label=N_("Sort"),
    ),
    _a(
        "cooccur-quotations",
        "quotations",
        N_("Quotations where the two codes meet"),
        "enter",
        "cooccurrence",
        show=True,
        label=N_("Quotations"),
    ),
    _a(
        "cooccur-export",
        "export",
        N_("Export the Sankey figure to exports/"),
        "e",
        "cooccurrence",
        show=True,
        label=N_("Export figure"),
    ),
    _a("cooccur-back", "back", N_("Back"), "escape", "cooccurrence", show=True, label=N_("Back")),
)

#: quotations (from a co-occurrence cell)
QUOTATIONS_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "quotation-open",
        "open_quotation",
        N_("Open the quotation in the coding screen"),
        "enter",
        "quotations",
        show=True,
        label=N_("Open"),
    ),
    _a(
        "quotations-close",
        "close",
        N_("Close the quotations"),
        "escape",
        "quotations",
        show=True,
        label=N_("Close"),
    ),
)

#: the agreement screen
AGREEMENT_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "agree-unit",
        "cycle_unit",
        N_("Next unit (char, sentence, turn, document)"),
        "t",
        "agreement",
        show=True,
        label=N_("Unit"),
    ),
    _a(
        "agree-coders",
        "choose_coders",
        N_("Choose the coders compared"),
        "c",
        "agreement",
        show=True,
        label=N_("Coders"),
    ),
    _a(
        "agree-reconcile",
        "reconcile",
        N_("Walk through the disagreements"),
        "r",
        "agreement",
        show=True,
        label=N_("Reconcile"),
    ),
    _a(
        "agree-gamma",
        "gamma",
        N_("Compute Mathet's gamma (slow; needs the gamma extra)"),
        "g",
        "agreement",
        show=True,
        label=N_("Gamma"),
    ),
    _a("agree-back", "back", N_("Back"), "escape", "agreement", show=True, label=N_("Back")),
)

#: the reconciliation screen
RECONCILE_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "keep-a",
        "keep('a')",
        N_("Keep coder A's coding"),
        "a",
        "reconcile",
        show=True,
        label=N_("Keep A"),
    ),
    _a(
        "keep-b",
        "keep('b')",
        N_("Keep coder B's coding"),
        "b",
        "reconcile",
        show=True,
        label=N_("Keep B"),
    ),
    _a(
        "keep-both",
        "keep('both')",
        N_("Keep both (their union)"),
        "o",
        "reconcile",
        show=True,
        label=N_("Both"),
    ),
    _a("keep-none", "keep('none')", N_("Keep none"), "x", "reconcile", show=True, label=N_("None")),
    _a(
        "reconcile-next",
        "step(1)",
        N_("Next disagreement"),
        "n,right",
        "reconcile",
        show=True,
        label=N_("Next"),
    ),
    _a(
        "reconcile-previous",
        "step(-1)",
        N_("Previous disagreement"),
        "p,left",
        "reconcile",
        show=True,
        label=N_("Previous"),
    ),
    _a(
        "reconcile-open",
        "open_passage",
        N_("Open the passage in the coding screen"),
        "enter",
        "reconcile",
    ),
    _a("reconcile-back", "back", N_("Back"), "escape", "reconcile", show=True, label=N_("Back")),
)

#: the suggestions screen
SUGGESTIONS_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "suggestion-accept",
        "accept",
        N_("Accept: code it for the current coder"),
        "a",
        "suggestions",
        show=True,
        label=N_("Accept"),
    ),
    _a(
        "suggestion-reject",
        "reject",
        N_("Reject: never suggest it again"),
        "x",
        "suggestions",
        show=True,
        label=N_("Reject"),
    ),
    _a(
        "suggestion-reject-code",
        "reject_code",
        N_("Reject every open suggestion of this code in this document"),
        "X",
        "suggestions",
    ),
    _a(
        "suggestion-similar",
        "more_like_this",
        N_("More like this: uncoded passages like this suggestion's code (again: back)"),
        "m",
        "suggestions",
        show=True,
        label=N_("Like this"),
    ),
    _a(
        "suggestion-retrain",
        "retrain",
        N_("Retrain the model on your decisions now"),
        "T",
        "suggestions",
    ),
    _a(
        "suggestion-skip",
        "skip",
        N_("Skip to the next suggestion"),
        "s",
        "suggestions",
        show=True,
        label=N_("Skip"),
    ),
    _a(
        "suggestion-open",
        "open_suggestion",
        N_("Open the suggestion in the coding screen"),
        "enter",
        "suggestions",
        show=True,
        label=N_("Open"),
    ),
    _a(
        "suggestion-order",
        "toggle_order",
        N_("Order by uncertainty or by position"),
        "o",
        "suggestions",
        show=True,
        label=N_("Order"),
    ),
    _a(
        "suggestion-run",
        "run_suggesters",
        N_("Run the keyword rules (and model) on every document"),
        "R",
        "suggestions",
    ),
    _a(
        "suggestions-back", "back", N_("Back"), "escape", "suggestions", show=True, label=N_("Back")
    ),
)

#: the pseudonym review
PSEUDONYMISE_ACTIONS: tuple[ActionSpec, ...] = (
    _a(
        "pseudonym-accept",
        "accept",
        N_("Accept: add it to the key with a pseudonym"),
        "a",
        "pseudonymise",
        show=True,
        label=N_("Accept"),
    ),
    _a(
        "pseudonym-reject",
        "reject",
        N_("Reject: it identifies no one (not asked again)"),
        "x",
        "pseudonymise",
        show=True,
        label=N_("Reject"),
    ),
    _a(
        "pseudonym-merge",
        "merge",
        N_("Merge: another spelling of an entry of the key"),
        "m",
        "pseudonymise",
        show=True,
        label=N_("Merge"),
    ),
    _a("pseudonym-kind", "kind", N_("Change the candidate's kind"), "k", "pseudonymise"),
    _a(
        "pseudonym-skip",
        "skip",
        N_("Skip to the next undecided candidate"),
        "j",
        "pseudonymise",
        show=True,
        label=N_("Skip"),
    ),
    _a(
        "pseudonymise-back",
        "back",
        N_("Back"),
        "escape",
        "pseudonymise",
        show=True,
        label=N_("Back"),
    ),
)
