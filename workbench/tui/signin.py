"""Sign-in state of the team server: sessions and the limit on failed attempts.

Kept apart from the web code so it can be tested without a server. Sessions live in memory
only: restarting ``workbench serve`` signs everyone out, and nothing about a session is
written to the project file or a log.

A session ends when its person signs out (every session of theirs), when they are removed
from the project, after ``idle`` seconds without a key pressed (30 minutes unless ``serve
--idle`` says otherwise), and in any case after ``SESSION_HOURS``.

Failed attempts are counted *before* the secret is checked: an attempt takes a place in the
count first (``FailureLimiter.reserve``) and gives it back only when it succeeds. Attempts
sent in parallel therefore cannot all pass the limit while the first ones are still being
checked, and a right guess gives back its own place only, never the others' failures.
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

SESSION_COOKIE = "workbench_session"
SESSION_HOURS = 12  # the longest a session lasts, however active
IDLE_MINUTES = 30  # a session without a key pressed for this long ends
MAX_FAILURES = 5  # failed sign-ins for one name ...
MAX_FAILURES_PER_ADDRESS = 20  # ... or from one address (a team behind one proxy shares it)
FAILURE_WINDOW = 15 * 60  # ... within this many seconds, before further tries are refused


@dataclass
class Session:
    user: str
    expires: float
    seen: float  # the last sign of life (a page load, a key pressed)


@dataclass
class Sessions:
    """Signed-in browsers: an unguessable id (the cookie) -> who signed in, until when."""

    hours: float = SESSION_HOURS
    clock: Callable[[], float] = time.monotonic
    idle: float = IDLE_MINUTES * 60
    _by_id: dict[str, Session] = field(default_factory=dict)

    def start(self, user: str) -> str:
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        self._by_id[session_id] = Session(user, now + self.hours * 3600, now)
        return session_id

    def _alive(self, session: Session, now: float) -> bool:
        return session.expires >= now and now - session.seen <= self.idle

    def user(self, session_id: str | None) -> str | None:
        """Who the session id belongs to, or None when unknown, expired or idle too long."""
        if not session_id:
            return None
        session = self._by_id.get(session_id)
        if session is None:
            return None
        if not self._alive(session, self.clock()):
            del self._by_id[session_id]
            return None
        return session.user

    def touch(self, session_id: str | None) -> None:
        """A sign of life: the idle time starts again."""
        session = self._by_id.get(session_id or "")
        if session is not None and self._alive(session, self.clock()):
            session.seen = self.clock()

    def end(self, session_id: str | None) -> str | None:
        """End one session; returns whose it was."""
        session = self._by_id.pop(session_id or "", None)
        return session.user if session else None

    def end_user(self, user: str) -> None:
        """Sign a user out everywhere (they signed out, or were removed)."""
        for sid in [s for s, v in self._by_id.items() if v.user == user]:
            del self._by_id[sid]

    def sweep(self) -> set[str]:
        """End every session past its time; returns the ids ended."""
        now = self.clock()
        gone = {sid for sid, s in self._by_id.items() if not self._alive(s, now)}
        for sid in gone:
            del self._by_id[sid]
        return gone

    def alive(self, session_id: str) -> bool:
        return session_id in self._by_id


@dataclass
class FailureLimiter:
    """Refuse sign-in for a key (a name, or an address) after too many recent failures.

    The server keeps one per name (guessing one person's password from many addresses) and a
    looser one per address (many names from one address; a team behind one proxy shares an
    address, so its limit is higher). Attempts are reserved before the secret is checked
    (see the module docstring).
    """

    limit: int = MAX_FAILURES
    window: float = FAILURE_WINDOW
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        cutoff = self.clock() - self.window
        while times and times[0] < cutoff:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        return any(len(self._recent(k)) >= self.limit for k in keys)

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self.clock())
        self._forget_old()

    def reserve(self, key: str) -> float | None:
        """Count an attempt for ``key`` now, before its secret is checked; None (nothing
        counted) when the key is blocked. Give the place back with ``release`` on success."""
        if self.blocked(key):
            return None
        stamp = self.clock()
        self._recent(key).append(stamp)
        self._forget_old()
        return stamp

    def release(self, key: str, stamp: float) -> None:
        """A reserved attempt succeeded: it is not a failure (the others still count)."""
        times = self._failures.get(key)
        if times is not None and stamp in times:
            times.remove(stamp)

    def _forget_old(self) -> None:
        if len(self._failures) > 10_000:  # random names must not grow memory without end
            for key in [k for k in self._failures if not self._recent(k)]:
                del self._failures[key]


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` keeps the server to this machine."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
