"""What the console's pages show, as pure functions of the service's status, the source file and the catalog.

    source_row("storefront", record, source_file, building=False)   # a row of the sources page (and status.json)
    settings_fields(destination, instance_settings)                 # the settings form generated from the catalog
    field_errors(problem_details, index)                            # 422 problems placed at the fields they concern
    history(published, triggers)                                    # the builds page: events newest first

No value here is a private setting's: instances arrive masked (`api_values.mask_instance`), and a private field's
`value` is always empty (password inputs are never filled back in; `stored` says whether one is kept).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from builder.catalog import Catalog, Destination, SettingSpec
from bundlesmith.serve.api_values import iso_time

STATES = {  # board state -> (css class, what the admin reads)
    "pending": ("pending", "built, publishing"), "published": ("ready", "published"),
    "build-failed": ("failed", "build failed"), "publish-failed": ("failed", "publish failed"),
    "removed": ("pending", "removed"), "enqueued": ("pending", "handed to the workers"),
    "building": ("pending", "building"),
}
_PROBLEM_PATH = re.compile(r"^destinations\[(\d+)\](?:\.(.+))?$")
GENERAL = ""  # field_errors' key for problems no field of the form owns


def iso(epoch: float | None) -> str | None:
    """Return an epoch time as ISO 8601 in UTC (None stays None)."""
    return None if epoch is None or isinstance(epoch, bool) else iso_time(epoch)


def source_row(source_id: str, record: dict[str, Any] | None, source: Any, file: str, building: bool,
               root: str = "") -> dict[str, Any]:
    """Return one source as the sources page and its status JSON show it (paths relative to `root`)."""
    record = record or {}
    state = "building" if building else str(record.get("state") or "pending")
    css, text = STATES.get(state, ("pending", state))
    instances = list(getattr(source, "destinations", None) or [])
    error = record.get("last_error")
    return {
        "id": source_id, "name": getattr(source, "name", None) or source_id, "file": file,
        "type": getattr(source, "type", None) or "unknown", "enabled": bool(getattr(source, "enabled", True)),
        "device": sum(1 for i in instances if i.mode == "device"),
        "cloud": sum(1 for i in instances if i.mode == "cloud"),
        "state": state, "state_class": css, "state_text": text,
        "build_id": record.get("published_build_id"), "last_build_id": record.get("build_id"),
        "published_at": iso(record.get("published_at")),
        "visible_everywhere_by": iso(record.get("visible_everywhere_by")),
        "error": error_summary(error, root) if error else None,
    }


def error_summary(error: dict[str, Any], root: str = "") -> dict[str, Any]:
    """Return a last error as the page shows it: each problem with its file (relative to `root`) and line.

    The sentence is shown only when there is no problem list (a publish error): a build error's sentence is its
    first problem again.
    """
    prefix = root.rstrip("/") + "/" if root else ""

    def short(path: str) -> str:
        return path[len(prefix):] if prefix and path.startswith(prefix) else path

    problems = [{"where": f"{short(str(p.get('file') or '')) or '<workspace>'}"
                          f"{':' + str(p['line']) if p.get('line') else ''}",
                 "code": p.get("code", ""), "path": p.get("path", ""), "message": p.get("message", "")}
                for p in error.get("problems") or ()]
    message = "" if problems else str(error.get("message", ""))
    message = message.replace(prefix, "") if prefix else message
    return {"stage": error.get("stage", ""), "at": iso(error.get("at")), "message": message,
            "problems": problems[:20], "more": max(0, len(problems) - 20)}


def destination_rows(instances: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the source's instances as its page lists them (settings stay out of the list)."""
    return [{"name": i["name"], "destination": i["destination"], "mode": i["mode"], "enabled": i.get("enabled", True),
             "categories": list(i.get("consent_categories") or [])} for i in instances]


def catalog_categories(destination: Destination) -> list[str]:
    """Return the picker's categories of a destination (the catalog's modes and kinds)."""
    kinds = {("cloud",): "Cloud-mode only", ("device",): "Device-mode only"}.get(tuple(destination.modes),
                                                                                "Device and cloud")
    return [kinds] + (["Multiple instances"] if destination.multi_instance else []) + (
        ["Data lake"] if destination.data_lake else [])


def catalog_entries(catalog: Catalog, source_type: str) -> list[dict[str, Any]]:
    """Return the picker's entries: every destination the source's type can connect, with its categories."""
    entries = []
    for name in catalog.names():
        destination = catalog.get(name)
        assert destination is not None
        modes = [m for m in destination.modes if source_type != "server" or m == "cloud"]
        if modes:
            entries.append({"name": name, "slug": destination.slug, "modes": modes,
                            "categories": catalog_categories(destination),
                            "search": f"{name} {destination.slug} {' '.join(modes)}".lower()})
    return entries


def picker_categories(entries: list[dict[str, Any]]) -> list[str]:
    """Return every category the picker offers, in a stable order."""
    return sorted({c for e in entries for c in e["categories"]})


def allowed_modes(destination: Destination, source_type: str) -> list[str]:
    """Return the modes the form offers: the destination's, cloud only for a server source."""
    return [m for m in destination.modes if source_type != "server" or m == "cloud"]


def settings_fields(destination: Destination, settings: dict[str, Any] | None,
                    typed: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Return the settings form of a destination: required and private first, each with its input and value.

    `settings` are the instance's (masked) stored settings; `typed` what the admin typed in a refused form (shown
    again, private fields excepted). A private field's value is never filled in: `stored` says one is kept.
    """
    settings, typed = settings or {}, typed or {}
    fields = [_field(key, spec, settings, typed) for key, spec in destination.settings.items()]
    fields.sort(key=lambda f: (not f["required"], not f["private"], f["key"].lower()))
    return fields


def _field(key: str, spec: SettingSpec, settings: dict[str, Any], typed: dict[str, str]) -> dict[str, Any]:
    stored = settings.get(key)
    kind = {"boolean": "checkbox", "number": "number", "integer": "number", "array": "textarea",
            "object": "textarea"}.get(spec.type, "password" if spec.private else "text")
    if spec.private and spec.type in ("array", "object"):
        kind = "password"  # a private list or mapping is typed as JSON into a password input
    if spec.private:
        value = ""
    elif key in typed:
        value = typed[key]
    else:
        value = input_text(stored if key in settings else spec.default, spec.type)
    checked = (typed.get(key) == "true") if key in typed else bool(stored if key in settings else spec.default)
    return {"key": key, "id": "setting-" + re.sub(r"[^A-Za-z0-9_-]", "-", key), "type": spec.type, "input": kind,
            "required": spec.required, "private": spec.private, "description": spec.description,
            "default": None if spec.default is None else input_text(spec.default, spec.type),
            "value": value, "checked": checked, "stored": spec.private and stored is not None,
            "step": "1" if spec.type == "integer" else "any"}


def input_text(value: Any, kind: str) -> str:
    """Return a setting's value as the text of its input (JSON for lists and mappings)."""
    if value is None:
        return ""
    if kind in ("array", "object") or not isinstance(value, str | int | float | bool):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_errors(details: Any, index: int | None) -> dict[str, list[str]]:
    """Return the problems of a refused edit by form field (`mode`, `settings.token`, ...; GENERAL for the rest).

    `index` is the edited instance's position in the file's `destinations` (the new one is last); a problem of
    another instance, or of the file, goes to GENERAL with its path.
    """
    found: dict[str, list[str]] = {}
    for problem in details if isinstance(details, list) else []:
        if not isinstance(problem, dict):
            continue
        match = _PROBLEM_PATH.match(str(problem.get("path") or ""))
        text = f"{problem.get('message', '')} [{problem.get('code', '')}]"
        if match and index is not None and int(match.group(1)) == index and match.group(2):
            field = match.group(2)
            field = field if field.startswith("settings.") else field.split(".")[0].split("[")[0]
            found.setdefault(field, []).append(text)
        else:
            where = str(problem.get("path") or "")
            found.setdefault(GENERAL, []).append(f"{where}: {text}" if where else text)
    return found


def history(published: dict[str, Any] | None, triggers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a source's publish and rollback events, newest first, each with what triggered it when known."""
    events = list((published or {}).get("events") or [])
    rows, previous_at = [], 0.0
    for event in sorted(events, key=lambda e: e.get("at") or 0):
        at = float(event.get("at") or 0)
        cause = next((t["what"] for t in reversed(triggers) if previous_at < t["at"] <= at + 1), None)
        if cause is None:
            cause = ("rollback" if event.get("action") == "rollback"
                     else "a change of the source file, workspace or catalog (or a rebuild)")
        rows.append({"action": event.get("action", "publish"), "build_id": event.get("build_id"),
                     "from": event.get("from"), "at": iso(at), "trigger": cause})
        previous_at = at
    return rows[::-1]


def retained_builds(published: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Return the retained builds, newest first, marking the one served and when each was first published."""
    published = published or {}
    first_at: dict[str, float] = {}
    for event in published.get("events") or []:
        if event.get("action") == "publish" and event.get("build_id") not in first_at:
            first_at[event["build_id"]] = event.get("at")
    return [{"build_id": b, "served": b == published.get("build_id"), "published_at": iso(first_at.get(b))}
            for b in reversed(list(published.get("builds") or []))]
