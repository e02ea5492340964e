"""The settings JSON of one source, as Segment's browser client (`@segment/analytics-next`) consumes it.

    render_settings(workspace, source, catalog, plugins) -> dict   # pure; encode with canonical_json_bytes

Only enabled instances appear. Device-mode instances get an `integrations` entry with their public settings,
`bundlingStatus: "bundled"` and `versionSettings.componentTypes: []` (so the client never looks for classic
integration files) and, on web sources, a `remotePlugins` entry. Cloud-mode instances appear only as names in
`Segment.io.unbundledIntegrations`. Private settings never appear: `Destination.public_settings` filters them.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from builder.catalog import Catalog, Destination
from builder.models import InstanceFile, SourceFile, WorkspaceFile
from builder.plugins import PluginFile

SOURCES_WITH_DEVICE_MODE = ("web", "mobile", "project")


def instance_config_id(workspace_id: str, source_id: str, instance_name: str) -> str:
    """Return the stable id of one instance's configuration (reported back in `_metadata.bundledIds`)."""
    return hashlib.sha256(f"{workspace_id}/{source_id}/{instance_name}".encode("utf-8")).hexdigest()[:24]


def device_instances(source: SourceFile, catalog: Catalog) -> list[tuple[InstanceFile, Destination]]:
    """Return the enabled device-mode instances that run on the source's client, one per destination, by name."""
    if not source.enabled or source.type not in SOURCES_WITH_DEVICE_MODE:
        return []
    found: dict[str, tuple[InstanceFile, Destination]] = {}
    for instance in source.destinations:
        destination = catalog.get(instance.destination)
        if instance.enabled and instance.mode == "device" and destination is not None:
            if destination.name in found:
                raise ValueError(f"source '{source.id}' has two device-mode instances of {destination.name}; "
                                 "the connection rules must have refused this")
            found[destination.name] = (instance, destination)
    return [found[name] for name in sorted(found)]


def render_settings(workspace: WorkspaceFile, source: SourceFile, catalog: Catalog,
                    plugins: Mapping[str, PluginFile]) -> dict[str, Any]:
    """Return the settings document of `source`; `plugins` maps destination name to its remote plugin file."""
    device = device_instances(source, catalog)
    enabled = [i for i in source.destinations if i.enabled and catalog.get(i.destination) is not None]
    integrations = {"Segment.io": _segment_io(workspace, source, enabled, device)}
    remote_plugins = []
    for instance, destination in device:
        public = destination.public_settings(instance.settings)
        plugin = plugins.get(destination.name)
        integrations[destination.name] = _device_integration(instance, public, plugin)
        if source.type == "web" and plugin is not None:
            remote_plugins.append(_remote_plugin(workspace, destination, public, plugin))
    return _document(source, enabled, integrations, remote_plugins)


def _segment_io(workspace: WorkspaceFile, source: SourceFile, enabled: list[InstanceFile],
                device: list[tuple[InstanceFile, Destination]]) -> dict[str, Any]:
    """Return the `Segment.io` integration: where events go, and which destinations run in the cloud."""
    return {
        "apiKey": source.write_key,
        "apiHost": workspace.collector.api_host,
        "protocol": workspace.collector.protocol,
        "addBundledMetadata": True,
        "unbundledIntegrations": sorted({i.destination for i in enabled if i.mode == "cloud"}),
        "maybeBundledConfigIds": {
            d.name: [instance_config_id(workspace.id, source.id, i.name)] for i, d in device
        },
        "versionSettings": {"version": "4.4.7", "componentTypes": ["browser"]},
    }


def _device_integration(instance: InstanceFile, public: dict[str, Any], plugin: PluginFile | None) -> dict[str, Any]:
    """Return the `integrations` entry of one device-mode instance."""
    return {
        **public,
        "bundlingStatus": "bundled",
        "versionSettings": {"version": plugin.version if plugin else "1.0.0", "componentTypes": []},
        "consentSettings": {"categories": sorted(set(instance.consent_categories))},
    }


def _remote_plugin(workspace: WorkspaceFile, destination: Destination, public: dict[str, Any],
                   plugin: PluginFile) -> dict[str, Any]:
    """Return the `remotePlugins` entry that tells analytics-next where a destination's plugin file is."""
    return {
        "name": destination.name,
        "creationName": destination.name,
        "libraryName": plugin.library_name,
        "url": f"{workspace.cdn.base_url}/{plugin.key}",
        "settings": public,
    }


def _document(source: SourceFile, enabled: list[InstanceFile], integrations: dict[str, Any],
              remote_plugins: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the whole settings document around its integrations and remote plugins."""
    return {
        "integrations": integrations,
        "plan": {
            "track": {"__default": {"enabled": True, "integrations": {}}},
            "identify": {"__default": {"enabled": True}},
            "group": {"__default": {"enabled": True}},
        },
        "edgeFunction": {},
        "analyticsNextEnabled": True,
        "middlewareSettings": {},
        "enabledMiddleware": {},
        "metrics": {"sampleRate": 0},
        "legacyVideoPluginsEnabled": False,
        "remotePlugins": remote_plugins,
        "consentSettings": {
            "allCategories": sorted({c for i in enabled for c in i.consent_categories}),
            "hasUnmappedDestinations": any(not i.consent_categories for i in enabled),
        },
        "bundlesmith": {"sourceId": source.id, "defaultIntegrations": dict(sorted(source.integrations.items()))},
    }
