"""A team project for the permission tests: a lead, two coders and a reviewer, each with a
coding, a memo and an action of their own, plus what every operation needs to run.

``EXPECTED`` is the permission table written out by hand from the issue (the tests' oracle):
the core's table must equal it, and every operation must behave as it says through the core,
the command line and the app.
"""

from __future__ import annotations

import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "tui"))

from tui_helpers import build_project  # noqa: E402

from workbench.ops import history  # noqa: E402
from workbench.ops.backup import backup_project, restore_project  # noqa: E402
from workbench.ops.cases import set_document_case  # noqa: E402
from workbench.ops.coderstate import pin  # noqa: E402
from workbench.ops.codes import add_code, delete_code, merge_codes  # noqa: E402
from workbench.ops.coding import (  # noqa: E402
    add_memo,
    apply_code,
    delete_memo,
    edit_memo,
    mark_done,
    remove_coding,
)
from workbench.ops.codings_io import import_codings_csv  # noqa: E402
from workbench.ops.merge import merge  # noqa: E402
from workbench.ops.reconcile import disagreements, resolve  # noqa: E402
from workbench.ops.stats import project_stats  # noqa: E402
from workbench.ops.users import add_user, set_blind_coding  # noqa: E402
from workbench.store.errors import PermissionDenied  # noqa: E402
from workbench.store.project import Project  # noqa: E402
from workbench.suggest.pipelines import clear_named_pipeline  # noqa: E402

# role -> (the user acting, or None for nobody signed in)
ACTORS = {"lead": "rosa", "coder": "ana", "reviewer": "vera", "local": None}
ROLES = tuple(ACTORS)
OTHER = "ben"  # another coder: the "other" cases touch his work
LOCAL_OWN = "ana"  # whose work "own" means for the person at the keyboard (no name)

# op -> rule for (lead, coder, reviewer, local); yes / own / seen (others' only while blind
# coding is off) / no. Written from issue 22, not copied from the code.
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    "project.read": ("yes", "yes", "yes", "yes"),
    "work.read": ("yes", "seen", "yes", "yes"),
    "agreement.read": ("yes", "no", "yes", "yes"),
    "project.backup": ("yes", "no", "yes", "yes"),
    "codebook.edit": ("yes", "no", "no", "yes"),
    "code.merge": ("yes", "no", "no", "yes"),
    "code.delete": ("yes", "no", "no", "yes"),
    "documents.edit": ("yes", "no", "no", "yes"),
    "codings.import": ("yes", "no", "no", "yes"),
    "project.merge": ("yes", "no", "no", "yes"),
    "project.restore": ("yes", "no", "no", "yes"),
    "project.settings": ("yes", "no", "no", "yes"),
    "coding.apply": ("yes", "own", "no", "yes"),
    "coding.edit": ("yes", "own", "no", "yes"),
    "document.done": ("yes", "own", "no", "yes"),
    "coder.state": ("yes", "own", "no", "yes"),
    "memo.add": ("yes", "own", "no", "yes"),
    "memo.reply": ("yes", "seen", "no", "yes"),
    "memo.edit": ("own", "own", "no", "yes"),  # nobody edits another's memo, not the lead
    "memo.delete": ("yes", "own", "no", "yes"),
    "history.undo": ("yes", "own", "no", "yes"),
    "suggest.train": ("yes", "yes", "no", "yes"),
    "suggest.run": ("yes", "yes", "no", "yes"),
    "suggest.decide": ("yes", "own", "no", "yes"),
    "reconcile": ("yes", "no", "no", "yes"),
    "blind.set": ("yes", "no", "no", "yes"),
    "users.manage": ("yes", "no", "no", "yes"),
}


def expected_allowed(op: str, role: str, own: bool, blind: bool) -> bool:
    rule = EXPECTED[op][ROLES.index(role)]
    return rule == "yes" or (rule == "own" and own) or (rule == "seen" and (own or not blind))


@dataclass
class Team:
    """The scenario's files and ids (the same in every copy of the project)."""

    folder: Path
    template: Path
    backup: Path
    other_project: Path
    codings_csv: Path
    transcript: Path
    coding: dict[str, int] = field(default_factory=dict)  # person -> their coding
    memo: dict[str, int] = field(default_factory=dict)  # person -> their memo on NGO01
    tokens: dict[str, str] = field(default_factory=dict)

    def copy(self, name: str, *, blind: bool = False) -> Path:
        """A fresh copy of the project for one case (a closed file, copied whole)."""
        path = self.folder / f"{name}.db"
        shutil.copyfile(self.template, path)
        if blind:
            with Project.open(path) as p:
                set_blind_coding(p, True)
        return path

    def whose(self, role: str, own: bool) -> str:
        """The person whose work a case touches."""
        if not own:
            return OTHER
        return ACTORS[role] or LOCAL_OWN


def build_team(folder: Path) -> Team:
    """Write the team project (and the files some operations read) under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    template = build_project(folder / "team.db")
    team = Team(
        folder,
        template,
        folder / "team-backup.db",
        folder / "other.db",
        folder / "codings.csv",
        folder / "NEW01.txt",
    )
    with Project.open(template) as p:
        for name, role in (
            ("rosa", "lead"),
            ("ana", "coder"),
            ("ben", "coder"),
            ("vera", "reviewer"),
        ):
            team.tokens[name] = add_user(p, name, token=True, role=role)
        text = p.text(p.document("DRS01").id)
        doc = p.document("NGO01").id
        start = text.index("Each network chose")
        for i, name in enumerate(("rosa", "ana", "ben", "vera")):
            team.coding[name] = apply_code(
                p,
                "DRS01",
                "Representation/Selecting representatives",
                start,
                start + 20 + i,
                coder=name,
            )
            team.memo[name] = add_memo(p, "document", doc, f"{name}'s note", coder=name)
        for name in ("ana", "ben"):
            mark_done(p, "DRS01", name)
            mark_done(p, "NGO01", name)
        # an open suggestion for the team and one for each coder
        for who in (None, "rosa", "ana", "ben", "vera"):
            p.conn.execute(
                'INSERT INTO suggestions (document_id, code_id, start, "end", score, suggester, '
                "reason, created_at, for_coder_id) VALUES (?, ?, ?, ?, 0.5, 'rules', "
                "'keyword', '2025-01-01', ?)",
                (
                    doc,
                    p.code("Transparency/Access to information").id,
                    0,
                    10 + len(who or ""),
                    p.coder_id(who) if who else None,
                ),
            )
        backup_project(p, team.backup)
    build_project(team.other_project)
    team.codings_csv.write_text(
        "document,code,coder,start,end,text\nNGO01,Transparency/Access to information,ana,0,5,\n",
        encoding="utf-8",
    )
    team.transcript.write_text("Interviewer: Hello?\n\nNEW01: Hello.\n", encoding="utf-8")
    return team


# --------------------------------------------------------------- performing an operation


def _reconcile(p: Project, team: Team, target: str) -> None:
    user, p.user = p.user, None  # find a disagreement as the file's owner, then act
    [item, *_] = disagreements(p, coders=["ana", "ben"], unit="char")
    p.user = user
    resolve(p, item, "a", "consensus")


def _train(p: Project, team: Team, target: str) -> None:
    from workbench.suggest.trained import train

    train(p)


def _run(p: Project, team: Team, target: str) -> None:
    from workbench.suggest.run import run_suggestions

    run_suggestions(p, suggester="rules")


def _decide(p: Project, team: Team, target: str) -> None:
    from workbench.suggest.review import list_suggestions, reject

    reject(p, list_suggestions(p)[0].id, target)


def _select(p: Project, team: Team, target: str) -> None:
    from workbench.analysis.filters import Selection, select

    select(p, Selection.build(coders=[target]))


def _agreement(p: Project, team: Team, target: str) -> None:
    from workbench.analysis.agreement import agreement

    agreement(p, coders=["ana", "ben"], unit="sentence")


def _doc(p: Project) -> int:
    return p.document("NGO01").id


# operation -> what performing it means (``target``: whose work it touches)
PROBES: dict[str, Callable[[Project, Team, str], object]] = {
    "project.read": lambda p, t, who: project_stats(p),
    "work.read": _select,
    "agreement.read": _agreement,
    "project.backup": lambda p, t, who: backup_project(p, t.folder / f"b-{uuid.uuid4().hex}.db"),
    "codebook.edit": lambda p, t, who: add_code(p, "Participation/Youth councils"),
    "code.merge": lambda p, t, who: merge_codes(
        p, "Transparency/Access to information", "Representation/Seat allocation"
    ),
    "code.delete": lambda p, t, who: delete_code(p, "Representation", force=True),
    "documents.edit": lambda p, t, who: set_document_case(p, "NGO01", "NGO-cases"),
    "codings.import": lambda p, t, who: import_codings_csv(p, t.codings_csv),
    "project.merge": lambda p, t, who: merge(p, t.other_project),
    "project.restore": lambda p, t, who: restore_project(p.path, t.backup, user=p.user),
    "project.settings": lambda p, t, who: clear_named_pipeline(p),
    "coding.apply": lambda p, t, who: apply_code(
        p, "NGO01", "Transparency/Access to information", 0, 5, coder=who
    ),
    "coding.edit": lambda p, t, who: remove_coding(p, t.coding[who]),
    "document.done": lambda p, t, who: mark_done(p, "NGO01", who, False),
    "coder.state": lambda p, t, who: pin(p, who, 3, p.code("Representation").id),
    "memo.add": lambda p, t, who: add_memo(p, "document", _doc(p), "more", coder=who),
    "memo.reply": lambda p, t, who: add_memo(
        p, "document", _doc(p), "I read it differently", reply_to=t.memo[who]
    ),
    "memo.edit": lambda p, t, who: edit_memo(p, t.memo[who], "changed"),
    "memo.delete": lambda p, t, who: delete_memo(p, t.memo[who]),
    "history.undo": lambda p, t, who: history.undo(p, who),
    "suggest.train": _train,
    "suggest.run": _run,
    "suggest.decide": _decide,
    "reconcile": _reconcile,
    "blind.set": lambda p, t, who: set_blind_coding(p, False),
    "users.manage": lambda p, t, who: add_user(p, "newcomer", token=True),
}


def core_refusal(team: Team, op: str, role: str, own: bool, blind: bool, name: str) -> str | None:
    """Perform ``op`` through the core on a fresh copy; the refusal's line, or None."""
    path = team.copy(name, blind=blind)
    with Project.open(path) as p:
        p.user = ACTORS[role]
        try:
            PROBES[op](p, team, team.whose(role, own))
        except PermissionDenied as refused:
            return str(refused)
    return None
