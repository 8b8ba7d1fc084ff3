"""Writing a memo from any screen: one's own memo is edited; someone else's is answered.

A memo is its author's: the lead, a coder or anyone else writing on a target where another
person's memo stands writes a reply to it (``ops.coding.memo_draft``), shown with the memo it
answers in the dialog's title.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.i18n import _
from workbench.ops import coding as core
from workbench.tui.screens.modals import MemoModal

QUOTE = 60


def write_memo(
    screen,
    target_type: str,
    target_id: int | None,
    title: str,
    run: Callable[[Callable[[], object], str], object],
) -> None:
    """Open the memo dialog on the target for the app's coder; ``run(fn, message)`` writes."""
    project, coder = screen.wb.project, screen.wb.coder
    draft = core.memo_draft(project, target_type, target_id, coder)
    if draft.reply_to is not None:
        quoted = " ".join(draft.reply_to.text.split())
        if len(quoted) > QUOTE:
            quoted = quoted[: QUOTE - 1] + "…"
        title = _("{title}: reply to {author}'s memo “{quoted}”").format(
            title=title, author=draft.reply_author, quoted=quoted
        )

    def saved(text: str | None) -> None:
        if text is None or text == draft.text:
            return
        if draft.memo_id is None and not text.strip():
            return
        if draft.memo_id is not None and not text.strip():
            message = _("Memo deleted")
        elif draft.reply_to is not None:
            message = _("Reply saved")
        else:
            message = _("Memo saved")
        run(lambda: core.save_memo_draft(project, draft, text, coder), message)

    screen.app.push_screen(MemoModal(title, draft.text), saved)
