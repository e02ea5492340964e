"""The admin API's front door: a pure ASGI middleware that checks Host, then the token, then the body's size.

    app = AdminGate(fastapi_app, token="...", allowed_hosts=allowed_hosts("0.0.0.0", ["admin.internal"]))

In this order, before the application sees anything:
1. `Host` (port stripped) must be a loopback name or an allowed host: otherwise 421 `host-not-allowed`, so a page
   on another site that re-points its DNS name at 127.0.0.1 (DNS rebinding) cannot reach the API from a browser.
2. Every route but the open ones (`GET /healthz` and the API's description: OpenAPI document and docs pages, which
   hold no data) needs `Authorization: Bearer <token>`, compared in constant time: otherwise 401 `unauthorized`,
   answered without reading a byte of the body. With no token configured every guarded route is 401.
3. The body is counted while it streams in: a `Content-Length` over MAX_BODY_BYTES is 413 `body-too-large` at once;
   a chunked body is cut off at the limit (413). A JSON body holding NaN or Infinity, which JSON cannot represent,
   is 422 `request-invalid`.

Every refusal is the admin API's one envelope, `{"error": {"code", "message", "details"}}`.
"""
from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

from bundlesmith.loopback import LOOPBACK_NAMES

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # request bodies: an instance's settings are a few hundred bytes
OPEN_ROUTES = frozenset({("GET", "/healthz"), ("GET", "/openapi.json"), ("GET", "/docs"),
                         ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc")})
TOKEN_ENV = "BUNDLESMITH_ADMIN_TOKEN"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class Refusal:
    """An answer the gate gives instead of the application."""

    status: int
    code: str
    message: str
    headers: tuple[tuple[str, str], ...] = ()
    details: Any = None


def envelope(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """Return the admin API's one error envelope."""
    return {"error": {"code": code, "message": message, "details": details}}


def host_name(header: str) -> str:
    """Return the host of a `Host` header value, lowercased, without its port or brackets."""
    value = header.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else value
    if value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".")


def allowed_hosts(listen_host: str | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    """Return the Host names to answer: loopback names, `extra`, and the address listened on."""
    names = set(LOOPBACK_NAMES) | {host_name(name) for name in extra if name.strip()}
    if listen_host and listen_host not in ("0.0.0.0", "::"):
        names.add(host_name(listen_host))
    return frozenset(names)


def check_host(host: str | None, allowed: frozenset[str]) -> Refusal | None:
    """Refuse a request whose Host header names no host this service answers to."""
    if host is None:
        return Refusal(421, "host-not-allowed", "the request must carry exactly one Host header, naming this service")
    name = host_name(host)
    if name in allowed:
        return None
    shown = name[:100]
    return Refusal(421, "host-not-allowed",
                   f"the Host header names '{shown}', which this service does not answer to (a guard against DNS "
                   f"rebinding); if that name is this service's, start it with `bundlesmith serve --allowed-host "
                   f"{shown}`")


def check_token(method: str, path: str, authorization: bytes | None, token: str | None) -> Refusal | None:
    """Refuse a guarded route without `Authorization: Bearer <token>` (constant-time comparison)."""
    if (method, path) in OPEN_ROUTES:
        return None
    challenge = (("www-authenticate", "Bearer"),)
    if not token:
        return Refusal(401, "unauthorized", f"this service has no admin token, so it answers nothing but /healthz: "
                                            f"set {TOKEN_ENV} and start it again", challenge)
    scheme, _, given = (authorization or b"").partition(b" ")
    if scheme.lower() != b"bearer" or not hmac.compare_digest(given.strip(), token.encode("utf-8")):
        return Refusal(401, "unauthorized", f"send `Authorization: Bearer <token>` with the service's admin token "
                                            f"({TOKEN_ENV})", challenge)
    return None


def check_length(content_length: bytes | None, limit: int) -> Refusal | None:
    """Refuse a declared body longer than `limit` before reading it."""
    if content_length is None:
        return None
    try:
        length = int(content_length)
    except ValueError:
        return Refusal(400, "request-invalid", "the Content-Length header is not a number")
    return _too_large(limit) if length > limit else None


def check_json_values(body: bytes, content_type: bytes | None) -> Refusal | None:
    """Refuse a JSON body holding NaN or Infinity (no JSON value); other malformed JSON is the app's to report."""
    if not body or (content_type is not None and b"json" not in content_type.lower()):
        return None
    constants: list[str] = []

    def keep(name: str) -> float:
        constants.append(name)
        return 0.0

    try:
        json.loads(body, parse_constant=keep)
    except ValueError:
        return None
    if not constants:
        return None
    return Refusal(422, "request-invalid", f"body: {constants[0]} is not a JSON value; send a number, a string or "
                                           "null", details=[{"loc": ["body"], "message": f"{constants[0]} is not JSON",
                                                             "type": "json_value"}])


def _too_large(limit: int) -> Refusal:
    return Refusal(413, "body-too-large", f"the request body is larger than {limit} bytes, the admin API's limit")


class AdminGate:
    """ASGI middleware: Host allow-list, then token, then a bounded body; see the module docstring."""

    def __init__(self, app: Callable[..., Awaitable[None]], *, token: str | None, allowed: frozenset[str],
                 max_body: int = MAX_BODY_BYTES):
        self.app, self.token, self.allowed, self.max_body = app, token, allowed, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            return await self.app(scope, receive, send)
        if scope["type"] != "http":  # no websocket routes: close anything else
            return await send({"type": "websocket.close", "code": 1008})
        headers = _headers(scope)
        hosts = [value for name, value in scope.get("headers", []) if name.lower() == b"host"]
        body: bytes | None = None
        refusal = (check_host(_text(hosts[0]) if len(hosts) == 1 else None, self.allowed)
                   or check_token(scope["method"], scope["path"], headers.get(b"authorization"), self.token)
                   or check_length(headers.get(b"content-length"), self.max_body))
        if refusal is None:
            body, refusal = await self._read_body(receive)
            if body is None and refusal is None:
                return  # the client went away
            refusal = refusal or check_json_values(body or b"", headers.get(b"content-type"))
        if refusal is not None:
            log.info("admin API refused %s %s: %s", scope["method"], scope["path"][:200], refusal.code)
            return await _send_refusal(send, refusal)
        await self.app(scope, _replay(body or b"", receive), send)

    async def _read_body(self, receive: Receive) -> tuple[bytes | None, Refusal | None]:
        """Read the body as it streams in, stopping at the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None, None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None, _too_large(self.max_body)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None


def _headers(scope: Scope) -> dict[bytes, bytes]:
    """Return the request headers by lowercased name (the last of repeated ones)."""
    return {name.lower(): value for name, value in scope.get("headers", [])}


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


def _replay(body: bytes, receive: Receive) -> Receive:
    """Return a `receive` that yields the already read body once, then the client's later messages."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    return replayed


async def _send_refusal(send: Send, refusal: Refusal) -> None:
    """Answer with the envelope and close the connection (an unread body cannot be skipped safely)."""
    body = json.dumps(envelope(refusal.code, refusal.message, refusal.details)).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *((n.encode(), v.encode()) for n, v in refusal.headers)]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
