"""A Segment settings JSON (what browsers fetch at `cdn.segment.com/v1/projects/<writeKey>/settings`) as plain data.

    parsed = parse_settings(document, "settings.json")    # SegmentSettings; ImportInputError if it is not one
    parsed.write_key, parsed.api_host                      # from integrations["Segment.io"]
    [d.name for d in parsed.destinations if d.mode == "device"]
    parsed.items                                           # what bundlesmith cannot represent (report.Item)

How `@segment/analytics-next` reads it, and so how it is read here:
- a **classic** device-mode destination is an `integrations` entry the browser installs: not `Segment.io`,
  `bundlingStatus` not "unbundled", and `type: "browser"` or "browser" in `versionSettings.componentTypes`;
- an **Actions** device-mode destination is a `remotePlugins` entry (`creationName` names its `integrations`
  entry, `settings` holds its settings and `subscriptions`);
- everything else in `integrations`, and every name in `Segment.io.unbundledIntegrations`, is delivered by
  Segment's servers: **cloud-mode** (the settings JSON carries public settings at most, never private ones);
- per destination, `consentSettings.categories`; at the top, `consentSettings.{allCategories,
  hasUnmappedDestinations}`.
Names stay Segment's here (`Keen IO`, `Braze Web Mode (Actions)`); `names.py` maps them to the catalog.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from bundlesmith.segment.fetch import ImportInputError
from bundlesmith.segment.report import Item

META_KEYS = frozenset({"bundlingStatus", "versionSettings", "type", "consentSettings"})
SEGMENT_IO_KEYS = frozenset({
    "apiKey", "apiHost", "protocol", "addBundledMetadata", "unbundledIntegrations", "maybeBundledConfigIds",
    "bundledConfigIds", "unbundledConfigIds", "versionSettings", "bundlingStatus", "type", "consentSettings",
})
TOP_LEVEL_KEYS = frozenset({
    "integrations", "remotePlugins", "consentSettings", "plan", "edgeFunction", "middlewareSettings",
    "enabledMiddleware", "metrics", "legacyVideoPluginsEnabled", "analyticsNextEnabled", "bundlesmith",
})


@dataclass(frozen=True)
class SegmentDestination:
    """One destination of the source, as the settings JSON holds it (Segment's name and keys)."""

    name: str
    mode: Literal["device", "cloud"]
    kind: Literal["classic", "actions", "cloud"]
    where: str
    settings: dict[str, Any] = field(default_factory=dict)
    consent_categories: tuple[str, ...] | None = None
    subscriptions: tuple[dict[str, Any], ...] = ()
    enabled: bool = True
    instance_name: str | None = None   # the instance's own name, where the input has one (an export)
    settings_where: str = ""           # where its settings are in the input, when not at `where` itself

    def settings_path(self, key: str) -> str:
        """Return where one of its settings is in the input."""
        return f"{self.settings_where or self.where}.{key}"


@dataclass(frozen=True)
class SegmentSettings:
    """One source's settings JSON as plain data."""

    where: str
    write_key: str
    api_host: str | None
    protocol: str | None
    destinations: tuple[SegmentDestination, ...]
    all_categories: tuple[str, ...] | None
    has_unmapped_destinations: bool | None
    items: tuple[Item, ...]

    def device(self) -> list[SegmentDestination]:
        """Return the device-mode destinations."""
        return [d for d in self.destinations if d.mode == "device"]

    def cloud(self) -> list[SegmentDestination]:
        """Return the cloud-mode destinations."""
        return [d for d in self.destinations if d.mode == "cloud"]


def parse_settings(document: dict[str, Any], where: str) -> SegmentSettings:
    """Read one settings JSON document; raise ImportInputError when it is not a Segment settings JSON."""
    integrations = _mapping(document.get("integrations"), where, "integrations")
    segment_io = _mapping(integrations.get("Segment.io"), where, "integrations.Segment.io")
    write_key = segment_io.get("apiKey")
    if not isinstance(write_key, str) or not write_key:
        raise ImportInputError(f"{where}: integrations.Segment.io.apiKey must be the source's write key (a string); "
                               "is this a Segment settings JSON?")
    items: list[Item] = []
    unbundled = _names(segment_io.get("unbundledIntegrations"), where, "integrations.Segment.io.unbundledIntegrations")
    actions = _remote_plugins(document.get("remotePlugins"), integrations, where, items)
    destinations = list(actions)
    taken = {d.name for d in actions}
    for name, entry in integrations.items():
        if name == "Segment.io" or name in taken:
            continue
        destinations.append(_integration(name, entry, where, unbundled))
        taken.add(name)
    for name in unbundled:
        if name not in taken:
            destinations.append(SegmentDestination(name, "cloud", "cloud",
                                                   "integrations.Segment.io.unbundledIntegrations"))
            taken.add(name)
    consent = document.get("consentSettings") if isinstance(document.get("consentSettings"), dict) else {}
    items.extend(_segment_io_items(segment_io, destinations))
    items.extend(_top_level_items(document))
    return SegmentSettings(
        where=where, write_key=write_key, api_host=_str_or_none(segment_io.get("apiHost")),
        protocol=_str_or_none(segment_io.get("protocol")), destinations=tuple(destinations),
        all_categories=_categories(consent.get("allCategories")) if "allCategories" in consent else None,
        has_unmapped_destinations=consent.get("hasUnmappedDestinations")
        if isinstance(consent.get("hasUnmappedDestinations"), bool) else None,
        items=tuple(items))


def json_type(value: Any) -> str:
    """Name a parsed JSON value's type as JSON does (`null` when a key is missing)."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
             float: "a number"}
    return names.get(type(value), "null")


def _mapping(value: Any, where: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ImportInputError(f"{where}: {path} must be an object, got {json_type(value)}; "
                               "is this a Segment settings JSON?")
    return value


def _names(value: Any, where: str, path: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImportInputError(f"{where}: {path} must be a list of destination names")
    return list(dict.fromkeys(value))


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _categories(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(sorted({v for v in value if isinstance(v, str)}))


def _entry_consent(entry: dict[str, Any]) -> tuple[str, ...] | None:
    consent = entry.get("consentSettings")
    return _categories(consent.get("categories")) if isinstance(consent, dict) else None


def _remote_plugins(value: Any, integrations: dict[str, Any], where: str,
                    items: list[Item]) -> list[SegmentDestination]:
    """Return the Actions device-mode destinations of `remotePlugins`, one per creation name."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportInputError(f"{where}: remotePlugins must be a list")
    found: dict[str, SegmentDestination] = {}
    for index, plugin in enumerate(value):
        path = f"remotePlugins[{index}]"
        if not isinstance(plugin, dict) or not isinstance(plugin.get("creationName") or plugin.get("name"), str):
            raise ImportInputError(f"{where}: {path} must be an object with a creationName")
        name = plugin.get("creationName") or plugin["name"]
        if name in found:
            items.append(Item("duplicate-device", path, f"a second remote plugin of '{name}' (ignored)"))
            continue
        entry = integrations.get(name) if isinstance(integrations.get(name), dict) else {}
        settings = dict(plugin.get("settings") or {}) if isinstance(plugin.get("settings"), dict) else {}
        subscriptions = _subscriptions(settings.pop("subscriptions", None), where, f"{path}.settings.subscriptions")
        merged = {k: v for k, v in entry.items() if k not in META_KEYS}
        merged.update(settings)
        found[name] = SegmentDestination(name, "device", "actions", path, merged, _entry_consent(entry), subscriptions,
                                         settings_where=f"{path}.settings")
    return list(found.values())


def _subscriptions(value: Any, where: str, path: str) -> tuple[dict[str, Any], ...]:
    if value is None:
        return ()
    if isinstance(value, str):  # some settings JSONs carry them as a JSON string
        try:
            value = json.loads(value)
        except (ValueError, RecursionError) as exc:
            raise ImportInputError(f"{where}: {path} is a string that is not JSON (or nests too deeply)") from exc
    if not isinstance(value, list) or not all(isinstance(s, dict) for s in value):
        raise ImportInputError(f"{where}: {path} must be a list of subscription objects")
    return tuple(value)


def _integration(name: str, entry: Any, where: str, unbundled: list[str]) -> SegmentDestination:
    path = f"integrations.{name}"
    if not isinstance(entry, dict):
        raise ImportInputError(f"{where}: {path} must be an object, got {json_type(entry)}")
    settings = {k: v for k, v in entry.items() if k not in META_KEYS}
    consent = _entry_consent(entry)
    if _installable(entry) and name not in unbundled:
        return SegmentDestination(name, "device", "classic", path, settings, consent)
    return SegmentDestination(name, "cloud", "cloud", path, settings, consent)


def _installable(entry: dict[str, Any]) -> bool:
    """Tell whether analytics-next installs this integrations entry as a classic device-mode destination."""
    version = entry.get("versionSettings") if isinstance(entry.get("versionSettings"), dict) else {}
    components = version.get("componentTypes") if isinstance(version.get("componentTypes"), list) else []
    return entry.get("bundlingStatus") != "unbundled" and (entry.get("type") == "browser" or "browser" in components)


def _segment_io_items(segment_io: dict[str, Any], destinations: list[SegmentDestination]) -> list[Item]:
    items = [Item("unknown-field", f"integrations.Segment.io.{key}",
                  "a Segment.io option bundlesmith does not represent (its runtime has its own delivery and retries)")
             for key in sorted(segment_io) if key not in SEGMENT_IO_KEYS and not (key == "retryQueue"
                                                                                and segment_io[key] is True)]
    device = {d.name for d in destinations if d.mode == "device"}
    config_ids = segment_io.get("maybeBundledConfigIds")
    for name in sorted(config_ids) if isinstance(config_ids, dict) else ():
        if name not in device:
            items.append(Item("note", f"integrations.Segment.io.maybeBundledConfigIds.{name}",
                              "listed as maybe bundled but no device-mode destination of that name is loaded"))
    return items


def _top_level_items(document: dict[str, Any]) -> list[Item]:
    items = _plan_items(document.get("plan"))
    edge = document.get("edgeFunction")
    if edge:
        items.append(Item("edge-function", "edgeFunction", "Segment's edge function (signals) is not represented"))
    middleware = document.get("middlewareSettings")
    if isinstance(middleware, dict):
        for key in sorted(k for k, v in middleware.items() if v):
            items.append(Item("middleware", f"middlewareSettings.{key}",
                              "routing rules / destination middleware are not represented: bundlesmith's runtime "
                              "has analytics.addSourceMiddleware() on the page instead"))
    enabled = document.get("enabledMiddleware")
    for key in sorted(k for k, v in enabled.items() if v) if isinstance(enabled, dict) else ():
        items.append(Item("middleware", f"enabledMiddleware.{key}", "a Segment-hosted middleware is not represented"))
    if document.get("legacyVideoPluginsEnabled") is True:
        items.append(Item("unknown-field", "legacyVideoPluginsEnabled", "Segment's legacy video plugins are not "
                          "represented (bundlesmith publishes false)"))
    metrics = document.get("metrics")
    if isinstance(metrics, dict) and metrics.get("sampleRate"):
        items.append(Item("note", "metrics.sampleRate", "bundlesmith publishes 0: browsers send no client metrics "
                          "to a third party"))
    for key in sorted(document):
        if key not in TOP_LEVEL_KEYS:
            items.append(Item("unknown-field", key, "a top-level field bundlesmith does not represent"))
    return items


def _plan_items(plan: Any) -> list[Item]:
    """Report every tracking-plan entry beyond Segment's defaults (all events enabled, no per-event routing)."""
    if not isinstance(plan, dict):
        return []
    items = []
    for call in sorted(plan):
        entries = plan[call]
        if not isinstance(entries, dict):
            items.append(Item("tracking-plan", f"plan.{call}", "not represented"))
            continue
        for event in sorted(entries):
            rule = entries[event]
            if event == "__default" and isinstance(rule, dict) and rule.get("enabled", True) is True \
                    and not rule.get("integrations") and set(rule) <= {"enabled", "integrations"}:
                continue
            items.append(Item("tracking-plan", f"plan.{call}.{event}",
                              "tracking-plan entries (blocked events, per-event destinations) are not represented: "
                              "bundlesmith sends every event"))
    return items
