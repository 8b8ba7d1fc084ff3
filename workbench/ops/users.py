"""The people who may sign in to ``workbench serve``, kept in the project file.

A user is a coder with a way to prove who they are: a password (stored as an Argon2id hash
from argon2-cffi, salted per user) or a random token printed once (stored as its SHA-256: a
token carries 192 random bits, so a slow hash adds nothing, and it is compared with
``hmac.compare_digest`` so the time taken does not tell how much of it was right). A user
signs in as the coder of the same name; the ``lead`` role may see everyone's work, run
agreement, reconcile and lift blind coding.

Blind coding is a project setting, so every app session of the team server reads the same
value, and the lead lifting it reaches every coder's session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from workbench.i18n import _
from workbench.store.connection import now
from workbench.store.errors import WorkbenchError
from workbench.store.project import Project

ROLES = ("coder", "lead")
MIN_PASSWORD = 8
BLIND_SETTING = "serve_blind"


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


def _hasher():
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


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise WorkbenchError(_("a user needs a name"))
    if any(ch in name for ch in "\n\r\t") or len(name) > 100:
        raise WorkbenchError(_("not a usable user name: {name!r}").format(name=name))
    return name


def add_user(
    project: Project,
    name: str,
    *,
    password: str | None = None,
    token: bool = False,
    lead: bool = False,
) -> str | None:
    """Add a user who signs in with ``password`` or, with ``token=True``, a new token.

    Returns the token (shown to the person once; only its digest is kept), else None. The user
    codes as the coder of the same name, created here if new.
    """
    name = _check_name(name)
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
    secret = secrets.token_urlsafe(24) if token else None
    password_hash = _hasher().hash(password) if password is not None else None
    with project.transaction():
        project.coder_id(name)
        project.conn.execute(
            "INSERT INTO users (name, role, password_hash, token_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                name,
                "lead" if lead else "coder",
                password_hash,
                token_digest(secret) if secret else None,
                now(),
            ),
        )
    return secret


def remove_user(project: Project, name: str) -> None:
    """Remove a user (their codings stay, under the coder of the same name)."""
    with project.transaction():
        cur = project.conn.execute("DELETE FROM users WHERE name = ?", (name.strip(),))
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
    return next((u for u in list_users(project) if u.name == name), None)


def verify(project: Project, name: str, secret: str) -> User | None:
    """The user when ``secret`` is their password or token, else None (never an exception)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    row = project.conn.execute(
        "SELECT password_hash, token_hash FROM users WHERE name = ?", (name.strip(),)
    ).fetchone()
    password_hash, token_hash = row if row else (None, None)
    ok = False
    if token_hash is not None and tokens_equal(secret, token_hash):
        ok = True
    elif password_hash is not None or row is None:
        try:
            ok = _hasher().verify(password_hash or _dummy_hash(), secret) and row is not None
        except (VerificationError, InvalidHashError):
            ok = False
    return user(project, name.strip()) if ok else None


# ------------------------------------------------------------------ blind coding


def blind_coding(project: Project) -> bool:
    """Whether coders (not the lead) see only their own codings and progress."""
    return project.setting(BLIND_SETTING) == "1"


def set_blind_coding(project: Project, on: bool) -> None:
    project.set_setting(BLIND_SETTING, "1" if on else "0")
