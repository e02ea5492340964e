"""The console's pages (GET): sources, a source, the destination forms, builds and their differences.

Each handler reads the service (status board, the source file through `serve.connections`, the target's
`status()`), turns it into view models (`console.views`, pure) and renders a template of `templates/console/`.
"""
from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from builder.build import bundle_key, settings_key
from builder.catalog import Destination
from builder.snippet import render_snippet
from bundlesmith.serve.connections import ApiError
from bundlesmith.serve.console.build_copies import read_build_copy
from bundlesmith.serve.console.diffs import diff_object
from bundlesmith.serve.console.state import ConsoleState
from bundlesmith.serve.console.views import (allowed_modes, catalog_entries, destination_rows, history, iso,
                                             picker_categories, retained_builds, settings_fields)

log = logging.getLogger(__name__)


def not_found(console: ConsoleState, request: Request, what: str) -> Response:
    """Answer 404 with a page that says what was not found."""
    return console.page(request, "message.html.j2", 404, title="Not found", message=what, back="/")


def sources_page(console: ConsoleState, request: Request) -> Response:
    """Every source: state, build served, when published, visible everywhere by, last error."""
    return console.page(request, "sources.html.j2", rows=console.rows(), problems=list(console.service.board.problems),
                        data={"status_url": "/console/status.json"})


def status_json(console: ConsoleState, request: Request) -> Response:
    """Every source's row as JSON, for the pages' polling (times in ISO 8601)."""
    return JSONResponse({"sources": console.rows(), "idle": console.service.loop.wait_idle(0),
                         "now": iso(console.clock())})


def source_page(console: ConsoleState, request: Request, alert: str | None = None, status: int = 200) -> Response:
    """One source: its status, its destinations, the catalog picker, the snippet."""
    source_id = request.path_params["source_id"]
    row = console.row(source_id)
    if row is None:
        return not_found(console, request, f"The service knows no source with id '{source_id}'.")
    try:
        instances, etag = console.connections.read(source_id)
        file_problem = None
    except ApiError as exc:
        instances, etag, file_problem = [], "", exc.message
    source = console.sources().get(source_id, ("", None))[1]
    snippet, preview, live = None, None, console.service.live
    if source is not None and source.type == "web" and live.config is not None:
        snippet = render_snippet(live.config.cdn.base_url, source.write_key, live.assets)
        preview = console.preview.link(source_id, source.write_key)
    entries = catalog_entries(console.service.live.catalog, row["type"])
    return console.page(request, "source.html.j2", status, row=row, destinations=destination_rows(instances),
                        etag=etag, file_problem=file_problem, alert=alert, snippet=snippet, preview=preview,
                        entries=entries,
                        categories=picker_categories(entries), data={"status_url": "/console/status.json",
                                                                     "source_id": source_id})


def new_destination_page(console: ConsoleState, request: Request) -> Response:
    """The form that connects a destination picked from the catalog."""
    source_id = request.path_params["source_id"]
    destination = console.service.live.catalog.get(request.query_params.get("destination", ""))
    row = console.row(source_id)
    if row is None or destination is None:
        return not_found(console, request, "No such source, or no such destination in the catalog.")
    try:
        instances, etag = console.connections.read(source_id)
    except ApiError as exc:
        return console.page(request, "message.html.j2", exc.status, title="The source file cannot be edited",
                            message=exc.message, back=f"/sources/{source_id}")
    taken = {i["name"] for i in instances}
    name = next(n for n in (destination.name, *(f"{destination.name} {k}" for k in range(2, 200))) if n not in taken)
    modes = allowed_modes(destination, row["type"])
    mode = "device" if "device" in modes and row["type"] == "web" else modes[0]
    values = {"name": name, "mode": mode, "enabled": True, "consent_categories": ""}
    return instance_form(console, request, row, destination, values, settings_fields(destination, None), etag, None)


def edit_destination_page(console: ConsoleState, request: Request) -> Response:
    """The form that changes one connected instance (private settings blank: left blank, they are kept)."""
    source_id, name = request.path_params["source_id"], request.path_params["name"]
    row = console.row(source_id)
    try:
        instances, etag = console.connections.read(source_id) if row else ([], "")
    except ApiError as exc:
        return console.page(request, "message.html.j2", exc.status, title="The source file cannot be edited",
                            message=exc.message, back=f"/sources/{source_id}")
    instance = next((i for i in instances if i["name"] == name), None)
    if row is None or instance is None:
        return not_found(console, request, f"No destination instance named '{name}' on this source.")
    destination = destination_of(console, instance)
    values = {"name": instance["name"], "mode": instance["mode"], "enabled": instance.get("enabled", True),
              "consent_categories": ", ".join(instance.get("consent_categories") or [])}
    return instance_form(console, request, row, destination, values,
                         settings_fields(destination, instance.get("settings")), etag, instance["name"])


def destination_of(console: ConsoleState, instance: dict[str, Any]) -> Destination:
    """Return the catalog entry of an instance (one without settings when the catalog lost it: they are kept)."""
    found = console.service.live.catalog.get(instance["destination"])
    return found or Destination(name=instance["destination"], slug="unknown", modes=(instance["mode"],))


def instance_form(console: ConsoleState, request: Request, row: dict[str, Any], destination: Destination,
                  values: dict[str, Any], fields: list[dict[str, Any]], etag: str, editing: str | None,
                  errors: dict[str, list[str]] | None = None, conflict: str | None = None,
                  status: int = 200) -> Response:
    """Render the destination form (new or edit), with problems at their fields."""
    return console.page(request, "instance_form.html.j2", status, row=row, destination=destination,
                        modes=allowed_modes(destination, row["type"]), values=values,
                        required_fields=[f for f in fields if f["required"] or f["private"]],
                        other_fields=[f for f in fields if not (f["required"] or f["private"])],
                        etag=etag, editing=editing, errors=errors or {}, conflict=conflict)


def builds_page(console: ConsoleState, request: Request) -> Response:
    """A source's publishes and rollbacks, its retained builds, the difference form, rollback buttons."""
    source_id = request.path_params["source_id"]
    row = console.row(source_id)
    if row is None:
        return not_found(console, request, f"The service knows no source with id '{source_id}'.")
    published = published_of(console, source_id)
    builds = retained_builds(published)
    return console.page(request, "builds.html.j2", row=row, events=history(published, console.triggers(source_id)),
                        builds=builds, data={"status_url": "/console/status.json", "source_id": source_id})


def published_of(console: ConsoleState, source_id: str) -> dict[str, Any] | None:
    """Return what the target says it serves for the source (None when it cannot be read)."""
    try:
        return console.service.published(source_id)
    except Exception as exc:  # an unreachable target: the page shows no history
        log.warning("cannot read what the target serves for %s: %s", source_id, type(exc).__name__)
        return None


def diff_page(console: ConsoleState, request: Request) -> Response:
    """The difference between two retained builds: settings JSON and bundle."""
    source_id = request.path_params["source_id"]
    row = console.row(source_id)
    published = published_of(console, source_id)
    retained = [b["build_id"] for b in retained_builds(published)]
    old, new = request.query_params.get("from", ""), request.query_params.get("to", "")
    if row is None or old not in retained or new not in retained:
        return not_found(console, request, "Pick two builds this source keeps (the builds page lists them).")
    objects = [diff_object(key, "settings" if key.endswith("/settings") else "bundle",
                           read_build_copy(console.service.target, source_id, old, key),
                           read_build_copy(console.service.target, source_id, new, key))
               for key in entry_keys(console, source_id, published)]
    return console.page(request, "diff.html.j2", row=row, old=old, new=new, objects=objects)


def entry_keys(console: ConsoleState, source_id: str, published: dict[str, Any] | None) -> list[str]:
    """Return the entry objects' keys of a source: those served now, and those of its write key today."""
    objects = (published or {}).get("objects") or {}
    keys = {k for k, meta in objects.items() if isinstance(meta, dict) and not meta.get("immutable")} \
        if isinstance(objects, dict) else set()
    source = console.sources().get(source_id, ("", None))[1]
    if source is not None:
        keys |= {settings_key(source.write_key)} | ({bundle_key(source.write_key)} if source.type == "web" else set())
    return sorted(keys, key=lambda k: (not k.endswith("/settings"), k))


def rollback_page(console: ConsoleState, request: Request) -> Response:
    """Ask for confirmation before serving an earlier build again."""
    source_id = request.path_params["source_id"]
    row = console.row(source_id)
    builds = retained_builds(published_of(console, source_id))
    to = request.query_params.get("to", "")
    if row is None or to not in [b["build_id"] for b in builds if not b["served"]]:
        return not_found(console, request, "Pick a retained build that is not served now (the builds page lists them).")
    return console.page(request, "rollback.html.j2", row=row, to=to)
