"""The console's front door, and the one in front of both the console and the admin API.

    ConsoleFront(api_app, token=..., allowed=..., console=console_app, sessions=store)

`ConsoleFront` sends the console's paths (`/`, `/sign-in`, `/sign-out`, `/sources/...`, `/console/...`) to
`ConsoleGate` and everything else to the admin API's `AdminGate` (token, Host, body limit), unchanged.

`ConsoleGate` keeps the admin API's properties for the console, in this order, before the console sees anything:
1. `Host` must be one the service answers to (`admin_gate.check_host`, the DNS-rebinding guard): else 421.
2. A signed-in session (the cookie's random id, `sessions.SessionStore`), checked before any body byte is read:
   without one, every page but the sign-in page and the static files is a 303 to `/sign-in`.
3. The body is bounded while it streams in (`admin_gate.MAX_BODY_BYTES`): else 413.
4. Every POST is an `application/x-www-form-urlencoded` form carrying the session's CSRF token in `csrf`
   (compared in constant time): else 403 and nothing is done. Only GET, HEAD and POST are answered.
Every answer carries a strict Content-Security-Policy (scripts and styles from this origin only, no framing) and
`Cache-Control: no-store`. The parsed form and the session reach the console in the ASGI scope.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, quote

from bundlesmith.serve.admin_gate import MAX_BODY_BYTES, AdminGate, check_host, check_length
from bundlesmith.serve.console.sessions import SessionStore, cookie_value

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_KEY, FORM_KEY = "console.session", "console.form"
OPEN_PATHS = frozenset({"/sign-in"})
STATIC_PREFIX = "/console/static/"
SECURITY_HEADERS = (
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"), (b"cache-control", b"no-store"),
)


def is_console_path(path: str) -> bool:
    """True for the paths the console answers (everything else is the admin API's)."""
    return (path in ("/", "/sign-in", "/sign-out", "/sources") or path.startswith(("/sources/", "/console/")))


def sign_in_location(path: str, query: bytes) -> str:
    """Return where to send a request without a session: the sign-in page, coming back here afterwards."""
    back = path + ("?" + query.decode("latin-1") if query else "")
    return "/sign-in" if back == "/" else "/sign-in?next=" + quote(back, safe="/")


class ConsoleFront:
    """ASGI: the console's paths to `ConsoleGate`, every other path to the admin API's `AdminGate`."""

    def __init__(self, app: App, *, token: str | None, allowed: frozenset[str], console: App,
                 sessions: SessionStore):
        self.api = AdminGate(app, token=token, allowed=allowed)
        self.console = ConsoleGate(console, allowed=allowed, sessions=sessions)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_console_path(scope["path"]):
            return await self.console(scope, receive, send)
        return await self.api(scope, receive, send)


class ConsoleGate:
    """ASGI: Host, then the session, then a bounded body, then the CSRF token; see the module docstring."""

    def __init__(self, app: App, *, allowed: frozenset[str], sessions: SessionStore, max_body: int = MAX_BODY_BYTES):
        self.app, self.allowed, self.sessions, self.max_body = app, allowed, sessions, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        send = _with_security_headers(send)
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        hosts = [value for name, value in scope.get("headers", []) if name.lower() == b"host"]
        method, path = scope["method"], scope["path"]
        refusal = check_host(hosts[0].decode("latin-1") if len(hosts) == 1 else None, self.allowed)
        if refusal is not None:
            return await _answer(send, refusal.status, refusal.message)
        if method not in ("GET", "HEAD", "POST"):
            return await _answer(send, 405, "the console answers GET and POST only", [(b"allow", b"GET, POST")])
        session = self.sessions.get(cookie_value(_text(headers.get(b"cookie"))))
        if not (path in OPEN_PATHS or path.startswith(STATIC_PREFIX) or (session is not None and session.admin)):
            location = sign_in_location(path, scope.get("query_string", b""))
            return await _answer(send, 303, "sign in first", [(b"location", location.encode("latin-1"))])
        scope[SESSION_KEY], scope[FORM_KEY] = session, []
        if method == "POST":
            problem = check_length(headers.get(b"content-length"), self.max_body)
            if problem is not None:
                return await _answer(send, problem.status, problem.message)
            body = await _read_body(receive, self.max_body)
            if body is None:
                return await _answer(send, 413, f"the form is larger than {self.max_body} bytes, the console's limit")
            status, message, form = _checked_form(body, headers.get(b"content-type"), session)
            if status:
                log.info("console refused %s %s: %s", method, path[:200], message)
                return await _answer(send, status, message)
            scope[FORM_KEY] = form
        await self.app(scope, receive, send)


def _checked_form(body: bytes, content_type: bytes | None, session: Any) -> tuple[int, str, list[tuple[str, str]]]:
    """Return (0, "", fields) for a form carrying the session's CSRF token, else (status, reason, [])."""
    if not (content_type or b"").lower().startswith(b"application/x-www-form-urlencoded"):
        return 415, "the console accepts HTML forms only (application/x-www-form-urlencoded)", []
    try:
        form = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=1000)
    except (UnicodeDecodeError, ValueError):
        return 400, "the form could not be read", []
    given = [value for name, value in form if name == "csrf"]
    if session is None or len(given) != 1 or not session.csrf_matches(given[0]):
        return 403, "this form did not come from this console session (missing or stale CSRF token): reload the " \
                    "page and try again", []
    return 0, "", form


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """Read the whole body, or None past `limit` bytes (or when the client went away)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _with_security_headers(send: Send) -> Send:
    """Return a `send` that adds the console's security headers to every response."""

    async def secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)
    return secured


async def _answer(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Answer with a short plain-text page and close the connection."""
    body = (message + "\n").encode("utf-8")
    start = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
             (b"connection", b"close"), *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")
