"""The console's forms (POST): connect, change, enable/disable and disconnect instances; rebuild; roll back.

Every write goes through `bundlesmith.serve.connections.Connections`, the admin API's own code: the same rules,
the same 422 codes (shown at the field they concern), the same 409 on a conflicting edit (explained, with a link
that reloads the form), the file's comments kept. The form's hidden `etag` is the source file's ETag when the form
was rendered, sent as If-Match. Private fields are never shown again: a refused form comes back with them blank.
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from builder.errors import BundlesmithError, UsageError
from builder.models import InstanceFile
from bundlesmith.serve.connections import ApiError, InstanceChange
from bundlesmith.serve.console.forms import changed_fields, form_dict, instance_fields
from bundlesmith.serve.console.pages import destination_of, instance_form, not_found, source_page
from bundlesmith.serve.console.state import ConsoleState, form_of, see_other
from bundlesmith.serve.console.views import GENERAL, field_errors, settings_fields

log = logging.getLogger(__name__)


def source_url(source_id: str, done: str | None = None) -> str:
    """Return a source page's path (with a flash code)."""
    return f"/sources/{quote(source_id, safe='')}" + (f"?done={done}" if done else "")


def conflict_text(exc: ApiError) -> str:
    """Explain a 409 to the admin."""
    return (f"{exc.message}. Someone (or an editor) changed the source file after this page was opened; nothing was "
            "written. Reload to see the file as it is now, then make your change again.")


def _validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    """Return pydantic's complaints about the form's fields by field (never echoing a value)."""
    found: dict[str, list[str]] = {}
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        field = "settings." + loc[1] if loc[:1] == ["settings"] and len(loc) > 1 else (loc[0] if loc else GENERAL)
        found.setdefault(field, []).append(str(error.get("msg", "invalid")))
    return found


def create_destination(console: ConsoleState, request: Request) -> Response:
    """Connect the instance the form describes, or show the form again with every problem at its field."""
    source_id = request.path_params["source_id"]
    form = form_of(request)
    values = form_dict(form)
    row = console.row(source_id)
    destination = console.service.live.catalog.get(values.get("destination", ""))
    if row is None or destination is None:
        return not_found(console, request, "No such source, or no such destination in the catalog.")
    fields, typed, errors = instance_fields(form, destination)
    etag = values.get("etag") or None
    try:
        index = len(console.connections.read(source_id)[0])  # the new instance is appended: its problems' index
    except ApiError as exc:
        return console.page(request, "message.html.j2", exc.status, title="The source file cannot be edited",
                            message=exc.message, back=source_url(source_id))
    status, conflict = 422, None
    if not errors:
        started = console.clock()
        try:
            console.connections.create(source_id, InstanceFile(destination=destination.name, **fields), etag)
            console.note(source_id, f"console: connected {fields['name']}", started)
            return see_other(source_url(source_id, "added"))
        except ValidationError as exc:
            errors = _validation_errors(exc)
        except ApiError as exc:
            errors, status, conflict = _refusal(exc, index)
    return _again(console, request, row, destination, fields, typed, etag, None, errors, conflict, status)


def _refusal(exc: ApiError, index: int | None) -> tuple[dict[str, list[str]], int, str | None]:
    """Return (errors by field, status, conflict text) of a refused write."""
    if exc.status == 409 and exc.code == "edit-conflict":
        return {}, 409, conflict_text(exc)
    errors = field_errors(exc.details, index)
    if not errors:
        errors = {GENERAL: [f"{exc.message} [{exc.code}]"]}
    return errors, exc.status, None


def _again(console: ConsoleState, request: Request, row: dict[str, Any], destination: Any, fields: dict[str, Any],
           typed: dict[str, str], etag: str | None, editing: str | None, errors: dict[str, list[str]],
           conflict: str | None, status: int) -> Response:
    """Show the form again with what was typed (private fields blank) and the problems."""
    stored = None
    if editing is not None:
        stored = next((i for i in _instances(console, row["id"]) if i["name"] == editing), None)
    values = {"name": fields.get("name", ""), "mode": fields.get("mode", ""), "enabled": fields.get("enabled", True),
              "consent_categories": ", ".join(fields.get("consent_categories") or [])}
    fields_shown = settings_fields(destination, (stored or {}).get("settings"), typed)
    return instance_form(console, request, row, destination, values, fields_shown, etag or "", editing, errors,
                         conflict, status)


def _instances(console: ConsoleState, source_id: str) -> list[dict[str, Any]]:
    try:
        return console.connections.read(source_id)[0]
    except ApiError:
        return []


def update_destination(console: ConsoleState, request: Request) -> Response:
    """Change one instance as the form says (blank private fields keep their stored values)."""
    source_id, name = request.path_params["source_id"], request.path_params["name"]
    form = form_of(request)
    etag = form_dict(form).get("etag") or None
    row = console.row(source_id)
    instances = _instances(console, source_id) if row else []
    index = next((n for n, i in enumerate(instances) if i["name"] == name), None)
    if row is None or index is None:
        return not_found(console, request, f"No destination instance named '{name}' on this source.")
    destination = destination_of(console, instances[index])
    fields, typed, errors = instance_fields(form, destination, stored=instances[index])
    status, conflict = 422, None
    if not errors:
        changed = changed_fields(fields, instances[index])
        if not changed:
            return see_other(source_url(source_id, "unchanged"))
        started = console.clock()
        try:
            console.connections.update(source_id, name, InstanceChange(**changed), etag)
            console.note(source_id, f"console: changed {name}", started)
            return see_other(source_url(source_id, "saved"))
        except ValidationError as exc:
            errors = _validation_errors(exc)
        except ApiError as exc:
            errors, status, conflict = _refusal(exc, index)
    return _again(console, request, row, destination, fields, typed, etag, name, errors, conflict, status)


def toggle_destination(console: ConsoleState, request: Request) -> Response:
    """Enable or disable one instance."""
    source_id, name = request.path_params["source_id"], request.path_params["name"]
    values = form_dict(form_of(request))
    enabled = values.get("enabled") == "true"
    started = console.clock()
    try:
        console.connections.update(source_id, name, InstanceChange(enabled=enabled), values.get("etag") or None)
    except ApiError as exc:
        return source_page(console, request, _alert(exc), exc.status)
    console.note(source_id, f"console: {'enabled' if enabled else 'disabled'} {name}", started)
    return see_other(source_url(source_id, "enabled" if enabled else "disabled"))


def delete_destination(console: ConsoleState, request: Request) -> Response:
    """Disconnect one instance."""
    source_id, name = request.path_params["source_id"], request.path_params["name"]
    started = console.clock()
    try:
        console.connections.delete(source_id, name, form_dict(form_of(request)).get("etag") or None)
    except ApiError as exc:
        return source_page(console, request, _alert(exc), exc.status)
    console.note(source_id, f"console: disconnected {name}", started)
    return see_other(source_url(source_id, "deleted"))


def _alert(exc: ApiError) -> str:
    return conflict_text(exc) if exc.status == 409 and exc.code == "edit-conflict" else f"{exc.message} [{exc.code}]"


def rebuild(console: ConsoleState, request: Request) -> Response:
    """Build and publish the source again."""
    source_id = request.path_params["source_id"]
    if console.row(source_id) is None:
        return not_found(console, request, f"The service knows no source with id '{source_id}'.")
    console.note(source_id, "console: rebuild requested")
    console.service.rebuild([source_id])
    return see_other(source_url(source_id, "rebuild"))


def rollback(console: ConsoleState, request: Request) -> Response:
    """Serve an earlier retained build of the source again (confirmed on the page before)."""
    source_id = request.path_params["source_id"]
    to = form_dict(form_of(request)).get("to") or None
    back = f"{source_url(source_id)}/builds"
    started = console.clock()
    try:
        report = console.service.rollback(source_id, to)
    except UsageError as exc:
        return console.page(request, "message.html.j2", 409, title="Rollback refused", message=str(exc), back=back)
    except BundlesmithError as exc:
        return console.page(request, "message.html.j2", 502, title="Rollback failed", message=str(exc), back=back)
    if not report.ok:
        return console.page(request, "message.html.j2", 502, title="Rollback failed",
                            message="; ".join(r.error or r.status for r in report.results), back=back)
    console.note(source_id, f"console: rollback to {to or 'the previous build'}", started, builds=False)
    return see_other(f"{back}?done=rolled-back")
