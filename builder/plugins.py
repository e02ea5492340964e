"""Remote plugin files: each device-mode adapter packaged for Segment's own browser client.

`@segment/analytics-next` reads `remotePlugins` from the settings, loads each plugin's `url` and calls
`window[libraryName](settings)`, which returns the destination plugin(s). The file holds no settings, so one file
per adapter serves every source; its key is content-addressed and immutable:

    next-integrations/actions/<slug>/<first 20 hex of sha256>.js
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from builder.assets import Assets
from builder.catalog import Destination
from builder.jsonsafe import script_json
from builder.minify import minify_js

PLUGIN_PREFIX = "next-integrations/actions"


@dataclass(frozen=True)
class PluginFile:
    """One adapter packaged as a remote plugin."""

    destination: str
    library_name: str
    key: str
    body: bytes
    version: str


def library_name(destination: Destination) -> str:
    """Return the global name under which the plugin file defines its factory."""
    return "bundlesmith_" + destination.slug.replace("-", "_")


def render_plugin(destination: Destination, assets: Assets) -> PluginFile:
    """Package the destination's adapter as a remote plugin file."""
    adapter = assets.adapter(destination)
    version = hashlib.sha256(adapter.encode("utf-8")).hexdigest()[:12]
    lib = library_name(destination)
    code = assets.render(
        "remote_plugin.js.j2",
        library_name_json=script_json(lib),
        destination_json=script_json(destination.name),
        version_json=script_json(version),
        adapter=adapter,
    )
    body = minify_js(code).encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()[:20]
    return PluginFile(destination=destination.name, library_name=lib,
                      key=f"{PLUGIN_PREFIX}/{destination.slug}/{digest}.js", body=body, version=version)
