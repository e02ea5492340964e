"""The console's routes as one Starlette application, and the static files its pages load.

    GET  /                                         sources
    GET  /console/status.json                      every source's row, polled by the pages
    GET  /console/static/{name}                    console.css, console.js, preview.css (no session needed)
    GET  /sign-in, POST /sign-in, POST /sign-out
    GET  /sources/{id}                             a source: destinations, catalog picker, snippet
    GET  /sources/{id}/destinations/new?destination=NAME, POST /sources/{id}/destinations
    GET  /sources/{id}/destinations/{name}/edit, POST the same path
    POST /sources/{id}/destinations/{name}/enabled, POST /sources/{id}/destinations/{name}/delete
    POST /sources/{id}/rebuild
    GET  /sources/{id}/builds, GET /sources/{id}/diff?from=&to=, GET and POST /sources/{id}/rollback

`ConsoleGate` (`console.gate`) stands in front: nothing here runs without a signed-in session (sign-in and static
files excepted), and every POST has passed the CSRF check. Handlers are plain functions (Starlette runs them on
its thread pool): they block on file writes and the target. An unexpected error is logged by type and frames only.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from functools import partial

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from builder import resources
from bundlesmith.serve.console import actions, pages, signin
from bundlesmith.serve.console.state import ConsoleState

log = logging.getLogger(__name__)

STATIC = {"console.css": ("console", "text/css"), "console.js": ("console", "text/javascript"),
          "preview.css": ("preview", "text/css")}  # the preview's look, shared (read, never edited)


def static_file(request: Request) -> Response:
    """Serve one of the console's static files."""
    name = request.path_params["name"]
    if name not in STATIC:
        return PlainTextResponse("no such file\n", status_code=404)
    folder, content_type = STATIC[name]
    body = (resources.templates_dir() / folder / name).read_bytes()
    return Response(body, media_type=content_type)


def console_app(console: ConsoleState) -> Starlette:
    """Return the console's routes over `console`."""

    def bound(handler: Callable[[ConsoleState, Request], Response]) -> Callable[[Request], Response]:
        return partial(handler, console)

    source, destination = "/sources/{source_id}", "/sources/{source_id}/destinations/{name:path}"
    routes = [
        Route("/", bound(pages.sources_page)),
        Route("/console/status.json", bound(pages.status_json)),
        Route("/console/static/{name}", static_file),
        Route("/sign-in", bound(signin.sign_in_page), methods=["GET"]),
        Route("/sign-in", bound(signin.sign_in), methods=["POST"]),
        Route("/sign-out", bound(signin.sign_out), methods=["POST"]),
        Route(source, bound(pages.source_page)),
        Route(f"{source}/destinations/new", bound(pages.new_destination_page), methods=["GET"]),
        Route(f"{source}/destinations", bound(actions.create_destination), methods=["POST"]),
        Route(f"{destination}/edit", bound(pages.edit_destination_page), methods=["GET"]),
        Route(f"{destination}/edit", bound(actions.update_destination), methods=["POST"]),
        Route(f"{destination}/enabled", bound(actions.toggle_destination), methods=["POST"]),
        Route(f"{destination}/delete", bound(actions.delete_destination), methods=["POST"]),
        Route(f"{source}/rebuild", bound(actions.rebuild), methods=["POST"]),
        Route(f"{source}/builds", bound(pages.builds_page)),
        Route(f"{source}/diff", bound(pages.diff_page)),
        Route(f"{source}/rollback", bound(pages.rollback_page), methods=["GET"]),
        Route(f"{source}/rollback", bound(actions.rollback), methods=["POST"]),
    ]
    return Starlette(routes=routes, exception_handlers={Exception: _unexpected})


def _unexpected(request: Request, exc: Exception) -> Response:
    """Log an unexpected error by type and frames only (its text may hold a value) and say so."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("console %s %s failed: %s\n%s", request.method, request.url.path[:200], type(exc).__name__, frames)
    return PlainTextResponse(f"the console failed to answer: {type(exc).__name__}\n", status_code=500)

