"""Signing in to the console with the admin token, and signing out.

The sign-in page opens a visitor session (its CSRF token is in the form); a right token replaces it with an admin
session under a new id (no session fixation). The token is compared in constant time; a wrong one is logged with
the client's address and never its value, and MAX_FAILURES wrong tokens within a minute block the address for the
rest of that minute (429).
"""
from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import Response

from bundlesmith.serve.admin_gate import TOKEN_ENV
from bundlesmith.serve.console.gate import SESSION_KEY
from bundlesmith.serve.console.sessions import FAILURE_WINDOW, clear_cookie_header, set_cookie_header
from bundlesmith.serve.console.state import ConsoleState, form_of, safe_next, see_other, session_of

log = logging.getLogger(__name__)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def sign_in_page(console: ConsoleState, request: Request) -> Response:
    """Show the sign-in form (opening a visitor session for its CSRF token)."""
    session = session_of(request)
    back = safe_next(request.query_params.get("next"))
    if session is not None and session.admin:
        return see_other(back)
    fresh = session is None
    if fresh:
        session = console.sessions.open()
        request.scope[SESSION_KEY] = session
    response = _form(console, request, back, None, 200)
    if fresh:
        response.headers.append("set-cookie", set_cookie_header(session.id, secure=_secure(request)))
    return response


def _form(console: ConsoleState, request: Request, back: str, error: str | None, status: int) -> Response:
    configured = console.token is not None
    return console.page(request, "sign_in.html.j2", status, back=back, error=error, configured=configured,
                        token_env=TOKEN_ENV)


def sign_in(console: ConsoleState, request: Request) -> Response:
    """Check the token; on success, an admin session under a new id and back where the admin was going."""
    form = dict(form_of(request))
    back = safe_next(form.get("next"))
    client = request.client.host if request.client else "unknown"
    if console.throttle.blocked(client):
        log.warning("console sign-in from %s refused: too many wrong tokens within %d s", client, FAILURE_WINDOW)
        return _form(console, request, back, "Too many wrong tokens from this address: wait a minute and try again.",
                     429)
    given = form.get("token", "").strip().encode("utf-8")
    if console.token is None or not hmac.compare_digest(given, console.token.encode("utf-8")):
        failures = console.throttle.failed(client)
        log.warning("console sign-in from %s with a wrong token (%d characters; %d wrong within %d s)", client,
                    len(given), failures, FAILURE_WINDOW)
        return _form(console, request, back, "That is not the service's admin token.", 401)
    console.throttle.succeeded(client)
    visitor = session_of(request)
    session = console.sessions.sign_in(visitor.id if visitor else None)
    log.info("console sign-in from %s", client)
    response = see_other(back)
    response.headers.append("set-cookie", set_cookie_header(session.id, secure=_secure(request)))
    return response


def sign_out(console: ConsoleState, request: Request) -> Response:
    """End the session and go back to the sign-in page."""
    session = session_of(request)
    console.sessions.close(session.id if session else None)
    response = see_other("/sign-in")
    response.headers.append("set-cookie", clear_cookie_header(secure=_secure(request)))
    return response
