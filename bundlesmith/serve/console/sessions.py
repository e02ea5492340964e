"""The console's sessions: a server-side table of random ids, a CSRF token per session, sign-in throttling.

    sessions = SessionStore()
    visitor = sessions.open()                       # before sign-in: carries the sign-in form's CSRF token
    admin = sessions.sign_in(visitor.id)            # a new id and a new CSRF token (no fixation)
    sessions.get(cookie_value)                      # None when unknown, expired or signed out
    set_cookie_header(admin.id, secure=True)        # HttpOnly; SameSite=Strict; Secure over HTTPS

The cookie holds nothing but a 256-bit random id; what it stands for stays in this process (a restart signs every
admin out, which is the safe default). Sessions end after IDLE_SECONDS without a request or MAX_AGE_SECONDS in all;
the table is bounded (the oldest dropped first). `SignInThrottle` refuses a client after MAX_FAILURES wrong tokens
within FAILURE_WINDOW seconds until the window has passed.
"""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

COOKIE = "bundlesmith_console"
IDLE_SECONDS = 8 * 3600
MAX_AGE_SECONDS = 24 * 3600
MAX_SESSIONS = 1000
MAX_FAILURES = 5
FAILURE_WINDOW = 60.0


@dataclass
class Session:
    """One browser's session: its id (the cookie), its CSRF token, whether it holds the admin token's rights."""

    id: str
    csrf: str
    admin: bool
    created: float
    seen: float

    def csrf_matches(self, given: str | None) -> bool:
        """True when `given` is this session's CSRF token (constant-time comparison)."""
        return given is not None and hmac.compare_digest(given.encode("utf-8"), self.csrf.encode("utf-8"))


def _token() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class SessionStore:
    """Sessions by id, bounded and expiring; safe to share between threads."""

    clock: Callable[[], float] = time.time
    _sessions: OrderedDict[str, Session] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, admin: bool = False) -> Session:
        """Start a session (a visitor's, or an admin's after sign-in)."""
        now = self.clock()
        session = Session(_token(), _token(), admin, now, now)
        with self._lock:
            self._sessions[session.id] = session
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return session

    def get(self, session_id: str | None) -> Session | None:
        """Return the live session with this id (and note it was used), else None."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.seen > IDLE_SECONDS or now - session.created > MAX_AGE_SECONDS:
                del self._sessions[session_id]
                return None
            session.seen = now
            self._sessions.move_to_end(session_id)
            return session

    def sign_in(self, visitor_id: str | None) -> Session:
        """Replace the visitor's session by an admin session with a new id and CSRF token."""
        self.close(visitor_id)
        return self.open(admin=True)

    def close(self, session_id: str | None) -> None:
        """End a session (sign out)."""
        if session_id:
            with self._lock:
                self._sessions.pop(session_id, None)


def set_cookie_header(session_id: str, *, secure: bool) -> str:
    """Return the Set-Cookie value of a session: HttpOnly, SameSite=Strict, Secure over HTTPS."""
    return (f"{COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={MAX_AGE_SECONDS}"
            + ("; Secure" if secure else ""))


def clear_cookie_header(*, secure: bool) -> str:
    """Return the Set-Cookie value that removes the session cookie."""
    return f"{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + ("; Secure" if secure else "")


def cookie_value(header: str | None) -> str | None:
    """Return the session id in a Cookie header (the first one named COOKIE), else None."""
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            return value
    return None


@dataclass
class SignInThrottle:
    """Wrong tokens per client address: MAX_FAILURES within FAILURE_WINDOW seconds, then refused until it passes."""

    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, client: str) -> bool:
        """True when `client` has failed too often lately."""
        with self._lock:
            return len(self._recent(client)) >= MAX_FAILURES

    def failed(self, client: str) -> int:
        """Record a wrong token from `client`; return its failures within the window."""
        with self._lock:
            recent = self._recent(client)
            recent.append(self.clock())
            if len(self._failures) > 10_000:  # bounded: forget the quietest clients
                now = self.clock()
                self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] <= FAILURE_WINDOW}
            return len(recent)

    def succeeded(self, client: str) -> None:
        """Forget the failures of a client that signed in."""
        with self._lock:
            self._failures.pop(client, None)

    def _recent(self, client: str) -> deque[float]:
        recent = self._failures.setdefault(client, deque())
        while recent and self.clock() - recent[0] > FAILURE_WINDOW:
            recent.popleft()
        return recent
