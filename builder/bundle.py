"""The single-file browser bundle of a web source: runtime + its device-mode adapters + its public settings.

    render_bundle(settings, [adapter code, ...], assets) -> bytes   # analytics.min.js

The settings are embedded as a `<script>`-safe JSON literal, so the bundle runs without a second request and
no configured value can break out of its string. The runtime and adapters are minified once per Assets.
"""
from __future__ import annotations

from typing import Any

from builder import __version__
from builder.assets import Assets
from builder.jsonsafe import script_json


def render_bundle(settings: dict[str, Any], adapter_code: list[str], assets: Assets) -> bytes:
    """Return the bytes of analytics.min.js for one web source."""
    code = assets.render(
        "bundle.js.j2",
        version=__version__,
        settings_json=script_json(settings),
        adapters=adapter_code,
        runtime=assets.runtime(),
    )
    return code.encode("utf-8")
