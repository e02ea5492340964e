"""The preview's HTML pages (index, inspector, test page), rendered from the last build's `PreviewStatus`.

Templates live in `templates/preview/` (Jinja2, StrictUndefined, autoescaped HTML). Values reach the pages'
scripts only as `builder.jsonsafe.script_json` documents inside `<script type="application/json">`.
"""
from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from builder.assets import Assets
from builder.build import bundle_key, settings_key
from builder.jsonsafe import script_json
from builder.snippet import render_snippet
from bundlesmith.preview.status import PreviewSource, PreviewStatus
from bundlesmith.preview.vendor_stubs import VendorStubs


def render_index(assets: Assets, status: PreviewStatus, extras: dict[str, Any]) -> str:
    """Return the index: every source, its device-mode destinations, the build id and every problem."""
    data = {"build_number": status.build_number, "build_id": status.build_id}
    return assets.render("preview/index.html.j2", status=status, extras=extras, data_json=_json(data))


def render_inspector(assets: Assets, status: PreviewStatus, source: PreviewSource, extras: dict[str, Any]) -> str:
    """Return the inspector page of one web source, with its test page beside it."""
    categories = sorted({c for d in source.destinations for c in d.consent_categories})
    data = {
        "source_id": source.id, "write_key": source.write_key, "build_id": status.build_id,
        "build_number": status.build_number, "categories": categories,
        "destinations": [{"name": d.name, "destination": d.destination, "categories": list(d.consent_categories)}
                         for d in source.destinations],
        "page_url": f"/_preview/sources/{source.id}/page", "status_url": "/_preview/status.json",
        "events_url": f"/_preview/events.json?write_key={source.write_key}",
        "settings_url": f"/{settings_key(source.write_key)}", "bundle_url": f"/{bundle_key(source.write_key)}",
    }
    return assets.render("preview/inspector.html.j2", status=status, source=source, extras=extras,
                         categories=categories, data_json=_json(data))


def render_test_page(assets: Assets, base_url: str, source: PreviewSource, load: dict[str, Any] | None,
                     stubs: VendorStubs | None) -> str:
    """Return a page that installs the standard snippet for the source, pointed at the local CDN."""
    snippet = render_snippet(base_url, source.write_key, assets, load_options=load)
    routes = None
    if stubs is not None:
        routes = _json({"base": base_url, "routes": [[slug, pattern.pattern] for slug, pattern in stubs.routes]})
    return assets.render("preview/test_page.html.j2", source=source, snippet=Markup(snippet), routes_json=routes)


def load_options(text: str) -> dict[str, Any] | None:
    """Read the test page's `load` query parameter: only `integrations` and consent preferences, as booleans."""
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    options: dict[str, Any] = {}
    integrations = _flags(value.get("integrations"))
    if integrations:
        options["integrations"] = integrations
    consent = value.get("consent")
    if isinstance(consent, dict) and isinstance(consent.get("categoryPreferences"), dict):
        options["consent"] = {"categoryPreferences": _flags(consent["categoryPreferences"])}
    return options or None


def _flags(value: Any) -> dict[str, bool]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, bool)}


def _json(value: Any) -> Markup:
    """Return `value` as JSON that is safe inside `<script>` (HTML-escaping it would corrupt it)."""
    return Markup(script_json(value))
