"""The single-file browser bundle of a web source: runtime + its device-mode adapters + its public settings.

    render_bundle(settings, [adapter code, ...], assets) -> bytes   # analytics.min.js

The settings are embedded as a `<script>`-safe JSON literal, so the bundle runs without a second request and
no configured value can break out of its string. The runtime and adapters are minified once per Assets.

Only the settings differ from one source to the next: the template is rendered once per distinct list of adapters
(with a marker where the settings go), and each bundle is that text's bytes around the source's settings.
"""
from __future__ import annotations

from builder import __version__
from builder.assets import Assets

BUNDLES_KEPT = 256  # distinct lists of adapters whose rendered text is kept (about 50 KB each)
_MARKER = "\0bundlesmith-settings\0"  # cannot occur in minified code or a JSON literal (NUL is escaped there)


def render_bundle(settings_json: str, adapter_code: list[str], assets: Assets) -> bytes:
    """Return the bytes of analytics.min.js for one web source; `settings_json` comes from `script_json`."""
    parts = assets.memo("bundle", tuple(adapter_code), lambda: _split_bundle(adapter_code, assets), BUNDLES_KEPT)
    if parts is None:  # the template does not hold the settings exactly once: render it whole
        return _render(settings_json, adapter_code, assets).encode("utf-8")
    before, after = parts
    return b"".join((before, settings_json.encode("utf-8"), after))


def _split_bundle(adapter_code: list[str], assets: Assets) -> tuple[bytes, bytes] | None:
    """Return the bundle's bytes before and after the settings, or None when they appear other than once."""
    pieces = _render(_MARKER, adapter_code, assets).split(_MARKER)
    if len(pieces) != 2:
        return None
    return pieces[0].encode("utf-8"), pieces[1].encode("utf-8")


def _render(settings_json: str, adapter_code: list[str], assets: Assets) -> str:
    return assets.render("bundle.js.j2", version=__version__, settings_json=settings_json, adapters=adapter_code,
                         runtime=assets.runtime())
