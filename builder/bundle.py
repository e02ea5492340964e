"""The single-file browser bundle of a web source: runtime + its device-mode adapters + its public settings.

    render_bundle(settings, [adapter code, ...], assets) -> bytes   # analytics.min.js

The settings are embedded as a `<script>`-safe JSON literal, so the bundle runs without a second request and
no configured value can break out of its string. The runtime and adapters are minified once per Assets.
"""
from __future__ import annotations

from builder import __version__
from builder.assets import Assets


def render_bundle(settings_json: str, adapter_code: list[str], assets: Assets) -> bytes:
    """Return the bytes of analytics.min.js for one web source; `settings_json` comes from `script_json`."""
    code = assets.render(
        "bundle.js.j2",
        version=__version__,
        settings_json=settings_json,
        adapters=adapter_code,
        runtime=assets.runtime(),
    )
    return code.encode("utf-8")
