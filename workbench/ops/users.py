"""The people who may sign in to ``workbench serve``, kept in the project file.

A user is a coder with a way to prove who they are: a password (stored as an Argon2id hash
from argon2-cffi, salted per user) or a random token printed once (stored as its SHA-256: a
token carries 192 random bits, so a slow hash adds nothing, and it is compared with
``hmac.compare_digest`` so the time taken does not tell how much of it was right). A user
signs in as the coder of the same name; what each role may do is ``workbench.permissions``.

Names are compared as people read them: stored in NFC, and refused when they hold an invisible
or control character, a compatibility form (fullwidth letters, ligatures, mathematical
letters) or letters of two scripts (a Cyrillic "а" among Latin ones), or when they differ from
an existing user's name only in letter case. Such names could pass for someone else's in the
action log, a reason or a sign-in form.

Verifying a secret costs the same for every name: one Argon2 verification and one digest
comparison, whether the name is a password user, a token user or no user at all, so the time
taken does not tell them apart.

Blind coding is a project setting, so every app session of the team server reads the same
value, and the lead lifting it reaches every coder's session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.i18n import _
from workbench.permissions import BLIND_SETTING, USER_ROLES, blind_coding, require
from workbench.store.connection import now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

if TYPE_CHECKING:
    from argon2 import PasswordHasher

ROLES = USER_ROLES
MIN_PASSWORD = 8
MAX_NAME = 100
#: scripts used together in one language's names, counted as one when looking for a mix
SCRIPT_FAMILIES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK"}
__all__ = ["blind_coding", "set_blind_coding", "add_user", "remove_user", "verify"]


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str
    password: bool  # signs in with a password
    token: bool  # signs in with a token
    created_at: str

    @property
    def lead(self) -> bool:
        return self.role == "lead"


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher  # lazy: only sign-in and `users add` need it

    return PasswordHasher()


# A hash of a random string, verified when the name is unknown, so that a wrong name takes as
# long to refuse as a wrong password (no listing of user names by timing).
_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(_hasher().hash(secrets.token_urlsafe(16)))
    return _DUMMY_HASH[0]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_equal(given: str, stored_digest: str) -> bool:
    """Compare a presented token with a stored digest in constant time."""
    return hmac.compare_digest(token_digest(given), stored_digest)


def normalise_name(name: str) -> str:
    """A name as stored and looked up: NFC, without surrounding spaces."""
    return unicodedata.normalize("NFC", name).strip()


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name (LATIN, CYRILLIC, GREEK, CJK ...)."""
    word = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return SCRIPT_FAMILIES.get(word, word)


def check_name(name: str) -> str:
    """``name`` normalised, or a one-line error saying what makes it unusable."""
    name = normalise_name(name)
    if not name:
        raise WorkbenchError(_("a user needs a name"))
    if len(name) > MAX_NAME:
        raise WorkbenchError(_("a user name has at most {n} characters").format(n=MAX_NAME))
    for ch in name:
        if ch != " " and unicodedata.category(ch)[0] in "CZ":
            raise WorkbenchError(
                _(
                    "user name {name!r} holds an invisible or control character (U+{code:04X})"
                ).format(name=name, code=ord(ch))
            )
    if unicodedata.normalize("NFKC", name) != name:
        raise WorkbenchError(
            _("user name {name!r} holds look-alike characters; type it in plain letters").format(
                name=name
            )
        )
    scripts = sorted({_script(ch) for ch in name if ch.isalpha()})
    if len(scripts) > 1:
        raise WorkbenchError(
            _("user name {name!r} mixes scripts ({scripts}): letters of one script only").format(
                name=name, scripts=", ".join(scripts)
            )
        )
    return name


def _skeleton(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def add_user(
    project: Project,
    name: str,
    *,
    password: str | None = None,
    token: bool = False,
    lead: bool = False,
    role: str | None = None,
) -> str | None:
    """Add a user who signs in with ``password`` or, with ``token=True``, a new token.

    ``role`` is coder (default), lead (also ``lead=True``) or reviewer. Returns the token
    (shown to the person once; only its digest is kept), else None. The user codes as the
    coder of the same name, created here if new.
    """
    require(project, "users.manage")
    role = role or ("lead" if lead else "coder")
    if role not in ROLES:
        raise WorkbenchError(
            _("unknown role {role!r}; use {roles}").format(role=role, roles=", ".join(ROLES))
        )
    name = check_name(name)
    if token == (password is not None):
        raise WorkbenchError(_("give a user either a password or a token"))
    if password is not None and len(password) < MIN_PASSWORD:
        raise WorkbenchError(
            _("the password needs at least {MIN_PASSWORD} characters").format(
                MIN_PASSWORD=MIN_PASSWORD
            )
        )
    if project.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
        raise WorkbenchError(
            _("user {name!r} exists; remove it first to change how it signs in").format(name=name)
        )
    for (other,) in project.conn.execute("SELECT name FROM users"):
        if _skeleton(other) == _skeleton(name):
            raise WorkbenchError(
                _("user name {name!r} is too like the user {other!r}").format(
                    name=name, other=other
                )
            )
    secret = secrets.token_urlsafe(24) if token else None
    password_hash = _hasher().hash(password) if password is not None else None
    with project.transaction():
        project.coder_id(name)
        project.conn.execute(
            "INSERT INTO users (name, role, password_hash, token_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                name,
                role,
                password_hash,
                token_digest(secret) if secret else None,
                now(),
            ),
        )
    return secret


def remove_user(project: Project, name: str) -> None:
    """Remove a user (their codings stay, under the coder of the same name). Their open app
    sessions can do nothing more from the next operation on (``permissions.actor``); the team
    server also ends them."""
    require(project, "users.manage")
    with project.transaction():
        cur = project.conn.execute("DELETE FROM users WHERE name = ?", (normalise_name(name),))
        if cur.rowcount == 0:
            raise WorkbenchError(_("no user named {name!r}").format(name=name))


def list_users(project: Project) -> list[User]:
    rows = project.conn.execute(
        "SELECT name, role, password_hash IS NOT NULL, token_hash IS NOT NULL, created_at "
        "FROM users ORDER BY name"
    )
    return [User(n, r, bool(p), bool(t), c) for n, r, p, t, c in rows]


def has_users(project: Project) -> bool:
    return project.conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def user(project: Project, name: str) -> User | None:
    name = normalise_name(name)
    return next((u for u in list_users(project) if u.name == name), None)


def verify(project: Project, name: str, secret: str) -> User | None:
    """The user when ``secret`` is their password or token, else None (never an exception).

    Every call does the same work (one Argon2 verification, one digest comparison) whatever
    ``name`` is: a password user, a token user, or nobody.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    name = normalise_name(name)
    row = project.conn.execute(
        "SELECT password_hash, token_hash FROM users WHERE name = ?", (name,)
    ).fetchone()
    password_hash, token_hash = row if row else (None, None)
    token_ok = tokens_equal(secret, token_hash or _DUMMY_DIGEST)
    password_ok: bool
    try:
        password_ok = _hasher().verify(password_hash or _dummy_hash(), secret)
    except (VerificationError, InvalidHashError):
        password_ok = False
    ok = (token_hash is not None and token_ok) or (password_hash is not None and password_ok)
    return user(project, name) if ok else None


# the digest a token is compared with when the name has none (equal work, never a match:
# no token hashes to it that anyone knows)
_DUMMY_DIGEST = hashlib.sha256(secrets.token_bytes(32)).hexdigest()


# ------------------------------------------------------------------ blind coding


def set_blind_coding(project: Project, on: bool) -> None:
    """Switch blind coding on or off for the team (the lead's, or the file's owner's)."""
    require(project, "blind.set")
    project.set_setting(BLIND_SETTING, "1" if on else "0")
