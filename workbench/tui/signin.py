"""Sign-in state of the team server: sessions and the limit on failed attempts.

Kept apart from the web code so it can be tested without a server. Sessions live in memory
only: restarting ``workbench serve`` signs everyone out, and nothing about a session is
written to the project file or a log.
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

SESSION_COOKIE = "workbench_session"
SESSION_HOURS = 12
MAX_FAILURES = 5  # failed sign-ins for one name ...
MAX_FAILURES_PER_ADDRESS = 20  # ... or from one address (a team behind one proxy shares it)
FAILURE_WINDOW = 15 * 60  # ... within this many seconds, before further tries are refused


@dataclass
class Session:
    user: str
    expires: float


@dataclass
class Sessions:
    """Signed-in browsers: an unguessable id (the cookie) -> who signed in, until when."""

    hours: float = SESSION_HOURS
    clock: object = time.monotonic
    _by_id: dict[str, Session] = field(default_factory=dict)

    def start(self, user: str) -> str:
        session_id = secrets.token_urlsafe(32)
        self._by_id[session_id] = Session(user, self.clock() + self.hours * 3600)
        return session_id

    def user(self, session_id: str | None) -> str | None:
        """Who the session id belongs to, or None when unknown or expired."""
        if not session_id:
            return None
        session = self._by_id.get(session_id)
        if session is None:
            return None
        if session.expires < self.clock():
            del self._by_id[session_id]
            return None
        return session.user

    def end(self, session_id: str | None) -> None:
        self._by_id.pop(session_id or "", None)

    def end_user(self, user: str) -> None:
        """Sign a user out everywhere (they were removed)."""
        for sid in [s for s, v in self._by_id.items() if v.user == user]:
            del self._by_id[sid]


@dataclass
class FailureLimiter:
    """Refuse sign-in for a key (a name, or an address) after too many recent failures.

    The server keeps one per name (guessing one person's password from many addresses) and a
    looser one per address (many names from one address; a team behind one proxy shares an
    address, so its limit is higher).
    """

    limit: int = MAX_FAILURES
    window: float = FAILURE_WINDOW
    clock: object = time.monotonic
    _failures: dict[str, deque] = field(default_factory=dict)

    def _recent(self, key: str) -> deque:
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
        if len(self._failures) > 10_000:  # random names must not grow memory without end
            for key in [k for k in self._failures if not self._recent(k)]:
                del self._failures[key]

    def succeeded(self, name_key: str) -> None:
        self._failures.pop(name_key, None)


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` keeps the server to this machine."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
