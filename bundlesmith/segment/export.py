"""Segment's Public API "list destinations" export, for many sources at once, as the same plain data as a settings JSON.

    sources = parse_export(document, "export.json")     # [(ExportSource, SegmentSettings), ...], one per source

The file is the JSON the Public API answers (`GET /destinations`: `{"data": {"destinations": [...]}}`), with the
answer of `GET /sources` beside it (`data.sources`: id, slug, name, `writeKeys`), since destinations carry a
`sourceId` but no write key. Each destination: `metadata.name` (Segment's display name), `name` (the instance's
name), `enabled`, `settings` (private ones included: written to the source file, never printed).

The export does not say whether a destination runs in the browser: a `connectionMode` (`DEVICE` / `CLOUD`) on the
destination or in its settings is used when present; otherwise a browser Actions destination ("... Web", "Web Mode")
or a device-only one is device-mode and everything else cloud-mode, and the report says it was assumed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bundlesmith.segment.fetch import ImportInputError
from bundlesmith.segment.report import Item
from bundlesmith.segment.settings_json import SegmentDestination, SegmentSettings

MODE_KEYS = ("connectionMode", "connection_mode", "mode")
BROWSER_ACTIONS = re.compile(r"(\bWeb\b|\bWeb Mode\b|^FullStory \(Actions\)$|^Fullstory \(Actions\)$)")


@dataclass(frozen=True)
class ExportSource:
    """A source named in the export."""

    segment_id: str
    slug: str
    name: str


def parse_export(document: dict[str, Any], where: str, device_only: frozenset[str] = frozenset()) -> list[
        tuple[ExportSource, SegmentSettings]]:
    """Read a Public API export; `device_only` names Segment destinations that can only run in the browser."""
    data = document.get("data") if isinstance(document.get("data"), dict) else document
    destinations = data.get("destinations")
    if not isinstance(destinations, list) or not all(isinstance(d, dict) for d in destinations):
        raise ImportInputError(f"{where}: data.destinations must be the list the Public API's list destinations "
                               "call returns")
    sources = _sources(data.get("sources"), where)
    grouped: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for index, destination in enumerate(destinations):
        source_id = destination.get("sourceId")
        if not isinstance(source_id, str) or not source_id:
            raise ImportInputError(f"{where}: data.destinations[{index}].sourceId must name the source")
        grouped.setdefault(source_id, []).append((index, destination))
    result = []
    for source_id in sorted(grouped):
        if source_id not in sources:
            raise ImportInputError(f"{where}: no write key for the source {source_id!r}: add the Public API's list "
                                   "sources answer as data.sources (id, slug, name, writeKeys)")
        source, write_key = sources[source_id]
        result.append((source, _settings(where, write_key, grouped[source_id], device_only)))
    return result


def _sources(value: Any, where: str) -> dict[str, tuple[ExportSource, str]]:
    found: dict[str, tuple[ExportSource, str]] = {}
    for index, source in enumerate(value if isinstance(value, list) else []):
        keys = source.get("writeKeys") if isinstance(source, dict) else None
        if not isinstance(source, dict) or not isinstance(source.get("id"), str) or not isinstance(keys, list) \
                or not keys or not isinstance(keys[0], str):
            raise ImportInputError(f"{where}: data.sources[{index}] must have an id and writeKeys")
        slug = source.get("slug") if isinstance(source.get("slug"), str) else source["id"]
        name = source.get("name") if isinstance(source.get("name"), str) and source.get("name") else slug
        found[source["id"]] = (ExportSource(source["id"], slug, name), keys[0])
    return found


def _settings(where: str, write_key: str, destinations: list[tuple[int, dict[str, Any]]],
              device_only: frozenset[str]) -> SegmentSettings:
    items: list[Item] = []
    parsed = []
    for index, destination in destinations:
        path = f"data.destinations[{index}]"
        metadata = destination.get("metadata") if isinstance(destination.get("metadata"), dict) else {}
        name = metadata.get("name") or destination.get("name")
        settings = destination.get("settings") if isinstance(destination.get("settings"), dict) else {}
        if not isinstance(name, str) or not name:
            raise ImportInputError(f"{where}: {path}.metadata.name must be the destination's name")
        mode = _mode(destination, settings, name, device_only, path, items)
        clean = {k: v for k, v in settings.items() if k not in MODE_KEYS}
        parsed.append(SegmentDestination(name, mode, "classic" if mode == "device" else "cloud", path, clean,
                                         enabled=destination.get("enabled", True) is not False,
                                         instance_name=_text(destination.get("name")),
                                         settings_where=f"{path}.settings"))
    return SegmentSettings(where=where, write_key=write_key, api_host=None, protocol=None,
                           destinations=tuple(parsed), all_categories=None, has_unmapped_destinations=None,
                           items=tuple(items))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _mode(destination: dict[str, Any], settings: dict[str, Any], name: str, device_only: frozenset[str],
          path: str, items: list[Item]) -> str:
    for holder in (destination, settings):
        for key in MODE_KEYS:
            value = holder.get(key)
            if isinstance(value, str) and value.lower() in ("device", "cloud"):
                return value.lower()
    if BROWSER_ACTIONS.search(name) or name in device_only:
        return "device"
    items.append(Item("note", path, f"'{name}': the export does not say its connection mode; cloud-mode assumed "
                      "(set mode: device in the source file if Segment loads it in the browser)"))
    return "cloud"
