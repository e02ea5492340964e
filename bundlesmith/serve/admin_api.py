"""The admin HTTP API of `bundlesmith serve` (FastAPI): status, rebuilds, rollback, connection management.

    app = create_app(service, token=os.environ["BUNDLESMITH_ADMIN_TOKEN"], allowed=allowed_hosts(host, extra))

    GET    /healthz                                       liveness, and whether a build is pending
    GET    /api/v1/sources                                every source: last build, published build, last error
    GET    /api/v1/sources/{id}                           one source, with what the target serves for it
    POST   /api/v1/rebuild, /api/v1/sources/{id}/rebuild  mark for rebuilding (202)
    POST   /api/v1/sources/{id}/rollback                  serve an earlier build again ({"to": build id} optional)
    GET    /api/v1/sources/{id}/destinations              the source's instances; ETag of the source file
    POST   /api/v1/sources/{id}/destinations              connect an instance (If-Match optional)
    PATCH  /api/v1/sources/{id}/destinations/{name}       change an instance
    DELETE /api/v1/sources/{id}/destinations/{name}       disconnect an instance

Every 4xx and 5xx answer is one envelope, `{"error": {"code", "message", "details"}}`: our own errors, FastAPI's
request validation (422 `request-invalid`), unknown routes (404 `not-found`) and anything unexpected (500
`internal`, logged by type and frames only, never the exception's text).

In front of the app, `bundlesmith.serve.admin_gate.AdminGate` checks the Host header (DNS rebinding), then
`Authorization: Bearer <token>` on every route but `/healthz` and the API's description (`/openapi.json`, `/docs`,
`/redoc`: the shape of the API, which is public in the source, and no data; Swagger UI must load the document without
a header, and its Authorize button then sends the token), then bounds the body while it streams in.

The console (`bundlesmith.serve.console`) is served by the same app at `/` (`/sign-in`, `/sources/...`,
`/console/...`): `ConsoleFront` sends those paths to the console's own gate (Host, session cookie, body limit, CSRF)
and every other path to `AdminGate`, so the API behaves exactly as without it. Every epoch time in a status answer
(`published_at`, `visible_everywhere_by`, an event's `at`, ...) has an ISO 8601 twin beside it (`published_at_iso`).

Private settings are write-only (`api_values`): every instance returned has them masked; the mask sent back
keeps the stored value. An instance name is the rest of the path (`{name:path}`), so names holding `/` (an imported
"GA / EU") can be edited and deleted: send them as they are or percent-encoded (`%2F`).
"""
from __future__ import annotations

import logging
import socket
import threading
import traceback
from collections.abc import Callable
from typing import Any

from fastapi import Body, Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from builder import __version__
from builder.errors import BundlesmithError, UsageError
from builder.models import InstanceFile
from bundlesmith.loopback import is_loopback
from bundlesmith.serve.admin_gate import allowed_hosts, envelope
from bundlesmith.serve.api_values import with_iso_times
from bundlesmith.serve.connections import ApiError, Connections, InstanceChange
from bundlesmith.serve.console.app import console_app
from bundlesmith.serve.console.gate import ConsoleFront
from bundlesmith.serve.console.sessions import SessionStore
from bundlesmith.serve.console.state import ConsoleState

log = logging.getLogger(__name__)


class RollbackRequest(BaseModel):
    """Which build to serve again (the previous one when `to` is left out)."""

    model_config = ConfigDict(extra="forbid")
    to: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[0-9a-f]+$")


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """Return the one error envelope."""
    return JSONResponse(envelope(code, message, details), status_code=status, headers=headers)


def create_app(service: Any, token: str | None, allowed: frozenset[str] | None = None) -> FastAPI:
    """Return the admin API and the console over a running `serve.service.Service`, behind their gates."""
    app = FastAPI(title="bundlesmith admin API", version=__version__)
    connections = Connections(service)
    console = ConsoleState(service, connections, token, SessionStore())
    app.add_middleware(ConsoleFront, token=token, allowed=allowed if allowed is not None else allowed_hosts(),
                       console=console_app(console), sessions=console.sessions)
    _install_error_handlers(app)
    bearer = HTTPBearer(auto_error=False, description="the admin token (BUNDLESMITH_ADMIN_TOKEN); the gate checks it")
    guarded = [Depends(bearer)]  # documents the scheme in the OpenAPI document; AdminGate enforces it
    known = _known_source(service)
    _add_status_routes(app, service, known, guarded)
    _add_connection_routes(app, connections, known, guarded)
    return app


def _known_source(service: Any) -> Callable[[str], str]:
    """Return a check that a source id names a source of the service (404 `source-not-found` otherwise)."""

    def known(source_id: str) -> str:
        if service.board.get(source_id) is None and service.live.file_of(source_id) is None:
            raise ApiError(404, "source-not-found", f"no source with id '{source_id}' in {service.root}")
        return source_id
    return known


def _add_status_routes(app: FastAPI, service: Any, known: Callable[[str], str], guarded: list[Any]) -> None:
    """Add health, status, rebuild and rollback."""

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        """Say the service is up, and whether a build is pending."""
        return {"status": "ok", "sources": len(service.board.all()), "idle": service.loop.wait_idle(0),
                "target": service.target_description()}

    @app.get("/api/v1/sources", dependencies=guarded)
    def list_sources() -> dict[str, Any]:
        """Return every source's status, and problems no source owns (times also in ISO 8601: `*_iso`)."""
        return with_iso_times({"sources": [r.as_dict() for r in service.board.all()],
                               "problems": list(service.board.problems), "target": service.target_description()})

    @app.get("/api/v1/sources/{source_id}", dependencies=guarded)
    def get_source(source_id: str) -> dict[str, Any]:
        """Return one source: last build, what is published where, visible_everywhere_by, last error."""
        record = service.board.get(known(source_id))
        return with_iso_times({**(record.as_dict() if record else {"source_id": source_id}),
                               "target": service.target_description(), "published": service.published(source_id)})

    @app.post("/api/v1/rebuild", status_code=202, dependencies=guarded)
    def rebuild_all() -> dict[str, Any]:
        """Rebuild and publish every source."""
        return {"queued": service.rebuild(None)}

    @app.post("/api/v1/sources/{source_id}/rebuild", status_code=202, dependencies=guarded)
    def rebuild_one(source_id: str) -> dict[str, Any]:
        """Rebuild and publish one source."""
        return {"queued": service.rebuild([known(source_id)])}

    @app.post("/api/v1/sources/{source_id}/rollback", dependencies=guarded)
    def rollback(source_id: str, request: RollbackRequest | None = Body(None)) -> dict[str, Any]:
        """Serve an earlier retained build of the source again."""
        try:
            report = service.rollback(known(source_id), request.to if request else None)
        except UsageError as exc:
            raise ApiError(409, "rollback-refused", str(exc)) from exc
        except BundlesmithError as exc:
            raise ApiError(502, "publish-failed", str(exc)) from exc
        return {"results": [with_iso_times(r.__dict__) for r in report.results], "ok": report.ok}


def _add_connection_routes(app: FastAPI, connections: Connections, known: Callable[[str], str],
                           guarded: list[Any]) -> None:
    """Add reading, connecting, changing and disconnecting destination instances."""

    @app.get("/api/v1/sources/{source_id}/destinations", dependencies=guarded)
    def list_destinations(source_id: str) -> JSONResponse:
        """Return the source's destination instances, with the ETag of its file."""
        instances, etag = connections.read(known(source_id))
        return JSONResponse({"destinations": instances}, headers={"ETag": etag})

    @app.post("/api/v1/sources/{source_id}/destinations", status_code=201, dependencies=guarded)
    def create_destination(source_id: str, instance: InstanceFile,
                           if_match: str | None = Header(None)) -> JSONResponse:
        """Connect a destination instance to the source."""
        created, etag = connections.create(known(source_id), instance, if_match)
        return JSONResponse({"destination": created}, status_code=201, headers={"ETag": etag})

    @app.patch("/api/v1/sources/{source_id}/destinations/{name:path}", dependencies=guarded)
    def update_destination(source_id: str, name: str, change: InstanceChange,
                           if_match: str | None = Header(None)) -> JSONResponse:
        """Change fields of one instance."""
        updated, etag = connections.update(known(source_id), name, change, if_match)
        return JSONResponse({"destination": updated}, headers={"ETag": etag})

    @app.delete("/api/v1/sources/{source_id}/destinations/{name:path}", dependencies=guarded)
    def delete_destination(source_id: str, name: str, if_match: str | None = Header(None)) -> JSONResponse:
        """Disconnect one instance."""
        etag = connections.delete(known(source_id), name, if_match)
        return JSONResponse({"deleted": name}, headers={"ETag": etag})


def _install_error_handlers(app: FastAPI) -> None:
    """Answer every error with the one envelope."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"loc": list(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
                   for e in exc.errors()]
        first = details[0] if details else {"loc": [], "message": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return error_response(422, "request-invalid", f"{where}: {first['message']}" if where else first["message"],
                              details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, f"http-{exc.status_code}")
        return error_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        frames = "".join(traceback.format_tb(exc.__traceback__))  # frames only: the text may hold a value
        log.error("admin API %s %s failed: %s\n%s", request.method, request.url.path[:200], type(exc).__name__, frames)
        return error_response(500, "internal", f"the service failed to answer: {type(exc).__name__}")


class ApiServer:
    """uvicorn serving an app on its own thread; the socket is bound on construction (a taken port fails here)."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 8585, *, token: str | None = None):
        import uvicorn

        if not is_loopback(host) and not token:
            raise UsageError(f"refusing to listen on {host}, which other machines can reach, without an admin "
                             "token: set BUNDLESMITH_ADMIN_TOKEN")
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((host, port))
        except OSError:
            self._socket.close()
            raise
        self._socket.listen(128)
        bound_host, bound_port = self._socket.getsockname()[:2]
        self.url = f"http://{'[' + bound_host + ']' if ':' in bound_host else bound_host}:{bound_port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name="bundlesmith-admin-api", daemon=True)

    def __enter__(self) -> "ApiServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
