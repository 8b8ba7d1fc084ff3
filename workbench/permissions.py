"""Who may do what: one table of operations and roles, asked by every operation.

The rules live here, in the core, so the app, the command line under a signed-in identity
(``workbench --user NAME``), the team server and scripts all get the same answer from the
same call. A screen or a command never decides a permission itself: the operation it calls
asks ``require`` with the acting user, and a refusal is one line that says why.

Who is acting: ``project.user`` (set by the app for the person signed in, by the command line
for ``--user``, by a script for itself), else the person the team server started this process
for (``WORKBENCH_SESSION_USER``), else nobody in particular: the person at the keyboard, who
owns the project file and may do everything, as before roles existed ("local").

The roles:

- ``lead``: codebook changes, merges, deleting others' work, agreement, reconciliation,
  lifting blind coding, users;
- ``coder``: their own codings, memos, done marks and suggestions; reading the codebook and
  the documents; others' work only while blind coding is off;
- ``reviewer``: reads everything, changes nothing;
- ``local``: no identity (see above): everything, as the lead, and today's behaviour kept.

Each operation's rule for a role is one of ``Rule``: allowed, allowed on their own work only,
allowed on others' work only while blind coding is off, or refused. Memos are their author's:
nobody edits another person's memo (they reply to it), not even the lead.

Operations added later (text edits, media links, a model as coder ...) add a row to
``OPERATIONS`` and call ``require(project, "their.name", owner=...)`` before they write.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum

from workbench.i18n import N_, _
from workbench.store.errors import PermissionDenied
from workbench.store.project import Project

#: set by the team server for each app session it starts (the person signed in)
SESSION_USER_ENV = "WORKBENCH_SESSION_USER"
#: the project setting that holds blind coding (on for the team until the lead lifts it)
BLIND_SETTING = "serve_blind"

LEAD, CODER, REVIEWER, LOCAL = "lead", "coder", "reviewer", "local"
#: the roles a user may have (``workbench users add --role``)
USER_ROLES = (CODER, LEAD, REVIEWER)
#: every role the table answers for; ``local`` is nobody signed in (the file's owner)
ROLES = (LEAD, CODER, REVIEWER, LOCAL)
#: the roles in words, for refusals (translated when shown)
ROLE_NAMES = {
    LEAD: N_("lead"),
    CODER: N_("coder"),
    REVIEWER: N_("reviewer"),
    LOCAL: N_("no one signed in"),
}


class Rule(StrEnum):
    YES = "yes"  # allowed
    OWN = "own"  # on their own work only
    SEEN = "seen"  # on others' work only while blind coding is off (own work always)
    NO = "no"  # refused


YES, OWN, SEEN, NO = Rule.YES, Rule.OWN, Rule.SEEN, Rule.NO


@dataclass(frozen=True)
class Operation:
    """One row of the table: what the operation is, in words, and each role's rule.

    ``what`` names it in general ("write memos"), ``others`` when it touches someone else's
    work ("write a memo as {owner}"); both are marked with N_ and translated when a refusal
    says them.
    """

    name: str
    what: str
    lead: Rule
    coder: Rule
    reviewer: Rule
    local: Rule = YES
    others: str = ""

    def rule(self, role: str) -> Rule:
        return Rule(getattr(self, role))


def _table(*rows: Operation) -> dict[str, Operation]:
    return {row.name: row for row in rows}


def _op(name: str, what: str, others: str, lead: Rule, coder: Rule, reviewer: Rule) -> Operation:
    return Operation(name, what, lead, coder, reviewer, others=others)


#: operation -> who may do it. ``docs/serve.md`` shows this table; the tests walk every cell.
OPERATIONS: dict[str, Operation] = _table(
    # reading
    Operation("project.read", N_("read the codebook and the documents"), YES, YES, YES),
    _op("work.read", N_("see other coders' work"), N_("see {owner}'s work"), YES, SEEN, YES),
    Operation("agreement.read", N_("compare coders (agreement, disagreements)"), YES, NO, YES),
    Operation("project.backup", N_("back up the project"), YES, NO, YES),
    # the codebook
    Operation("codebook.edit", N_("change the codebook"), YES, NO, NO),
    Operation("code.merge", N_("merge codes"), YES, NO, NO),
    Operation("code.delete", N_("delete a code"), YES, NO, NO),
    # the project's material
    Operation("documents.edit", N_("import or change documents and cases"), YES, NO, NO),
    Operation("codings.import", N_("import codings"), YES, NO, NO),
    Operation("project.merge", N_("merge another project file into this one"), YES, NO, NO),
    Operation("project.restore", N_("restore the project from a backup"), YES, NO, NO),
    Operation(
        "project.settings",
        N_("change the project's settings (language, spaCy pipeline, speaker rules)"),
        YES,
        NO,
        NO,
    ),
    # coding
    _op("coding.apply", N_("code passages"), N_("code as {owner}"), YES, OWN, NO),
    _op("coding.edit", N_("change codings"), N_("change {owner}'s codings"), YES, OWN, NO),
    _op(
        "document.done",
        N_("mark documents done"),
        N_("mark documents done for {owner}"),
        YES,
        OWN,
        NO,
    ),
    _op(
        "coder.state",
        N_("keep favourite codes and places"),
        N_("change {owner}'s favourite codes or places"),
        YES,
        OWN,
        NO,
    ),
    _op("memo.add", N_("write memos"), N_("write a memo as {owner}"), YES, OWN, NO),
    _op("memo.reply", N_("reply to memos"), N_("reply to {owner}'s memo"), YES, SEEN, NO),
    Operation(
        "memo.edit",
        N_("edit memos"),
        OWN,
        OWN,
        NO,
        local=YES,
        others=N_("edit {owner}'s memo"),
    ),
    _op("memo.delete", N_("delete memos"), N_("delete {owner}'s memo"), YES, OWN, NO),
    _op(
        "history.undo",
        N_("undo and redo"),
        N_("undo or redo {owner}'s actions"),
        YES,
        OWN,
        NO,
    ),
    # suggestions
    Operation("suggest.train", N_("train the suggestion model"), YES, YES, NO),
    Operation("suggest.run", N_("run the suggesters"), YES, YES, NO),
    _op(
        "suggest.decide",
        N_("accept or reject suggestions"),
        N_("accept or reject suggestions for {owner}"),
        YES,
        OWN,
        NO,
    ),
    # the team
    Operation("reconcile", N_("reconcile coders into a consensus"), YES, NO, NO),
    Operation("blind.set", N_("switch blind coding on or off for the team"), YES, NO, NO),
    Operation("users.manage", N_("add or remove users"), YES, NO, NO),
)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user's name and role, or nobody in particular (``local``)."""

    name: str | None
    role: str

    def label(self) -> str:
        return _("{name} ({role})").format(
            name=self.name, role=_(ROLE_NAMES.get(self.role, self.role))
        )


def acting_name(project: Project) -> str | None:
    """The signed-in person acting on ``project`` (see the module docstring), or None."""
    return project.user or os.environ.get(SESSION_USER_ENV) or None


def actor(project: Project) -> Actor:
    """The acting user with their role, read from the project now (a role changed or a user
    removed takes effect at the next operation). A name that is no user is refused: a session
    outliving its user can do nothing."""
    name = acting_name(project)
    if name is None:
        return Actor(None, LOCAL)
    row = project.conn.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise PermissionDenied(
            _("{name} is not a user of this project (removed, or signed out)").format(name=name)
        )
    return Actor(name, row[0])


def blind_coding(project: Project) -> bool:
    """Whether coders (not the lead) see only their own work."""
    return project.setting(BLIND_SETTING) == "1"


def operation(name: str) -> Operation:
    try:
        return OPERATIONS[name]
    except KeyError:
        raise ValueError(f"no operation {name!r} in the permission table") from None


def refusal(project: Project, name: str, *, owner: str | None = None) -> str | None:
    """Why the acting user may not do operation ``name`` (on ``owner``'s work), else None."""
    op = operation(name)
    who = actor(project)
    rule = op.rule(who.role)
    own = owner is None or owner == who.name
    if (
        rule is YES
        or (rule is OWN and own)
        or (rule is SEEN and (own or not blind_coding(project)))
    ):
        return None
    label = who.label()
    doing = _(op.others).format(owner=owner) if op.others and not own else _(op.what)
    if rule is SEEN:
        return _("{who} may not {what}: blind coding is on until the project lead lifts it").format(
            who=label, what=doing
        )
    if name == "memo.edit" and rule is OWN:
        return _("{who} may not {what}: a memo is its author's; write a reply instead").format(
            who=label, what=doing
        )
    if rule is OWN:
        return _("{who} may not {what}: only the project lead may").format(who=label, what=doing)
    if who.role == REVIEWER:
        return _("{who} may not {what}: a reviewer reads and changes nothing").format(
            who=label, what=doing
        )
    return _("{who} may not {what}: only the project lead may").format(who=label, what=doing)


def require(project: Project, name: str, *, owner: str | None = None) -> Actor:
    """Raise ``PermissionDenied`` (one line saying why) unless the acting user may do
    operation ``name`` on ``owner``'s work (None: work of nobody in particular)."""
    why = refusal(project, name, owner=owner)
    if why is not None:
        raise PermissionDenied(why)
    return actor(project)


def allowed(project: Project, name: str, *, owner: str | None = None) -> bool:
    try:
        return refusal(project, name, owner=owner) is None
    except PermissionDenied:
        return False


def visible_coders(project: Project) -> set[str] | None:
    """The coders whose work the acting user may see: None for everyone's, else only their
    own (a coder while blind coding is on)."""
    who = actor(project)
    rule = OPERATIONS["work.read"].rule(who.role)
    if who.name is None or rule is YES or (rule is SEEN and not blind_coding(project)):
        return None
    return {who.name}


def visible_coder_ids(project: Project) -> set[int] | None:
    """``visible_coders`` as coder ids (None: everyone's), for readers that count or list
    codings and memos themselves rather than through ``analysis.filters``."""
    seen = visible_coders(project)
    if seen is None:
        return None
    return {c.id for c in project.coders() if c.name in seen}


def require_everyones_work(project: Project) -> None:
    """Refuse (one line) unless the acting user may see every coder's work, as a whole
    project's export does."""
    if visible_coders(project) is not None:
        raise PermissionDenied(
            _("{who} may not {what}: blind coding is on until the project lead lifts it").format(
                who=actor(project).label(), what=_(OPERATIONS["work.read"].what)
            )
        )


def coder_for(project: Project, coder: str | None) -> str:
    """The coder an action writes as: the one named, else the acting user, else the
    project's default coder."""
    return (coder or acting_name(project) or project.default_coder()).strip()


def coding_owner(project: Project, coding_id: int) -> str | None:
    row = project.conn.execute(
        "SELECT k.name FROM codings c JOIN coders k ON k.id = c.coder_id WHERE c.id = ?",
        (coding_id,),
    ).fetchone()
    return row[0] if row else None


def memo_owner(project: Project, memo_id: int) -> str | None:
    """The memo's author (None: a memo credited to nobody, such as an imported one)."""
    row = project.conn.execute(
        "SELECT k.name FROM memos m LEFT JOIN coders k ON k.id = m.coder_id WHERE m.id = ?",
        (memo_id,),
    ).fetchone()
    return row[0] if row else None
