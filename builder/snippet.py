"""The HTML install snippet of a web source: the standard Segment snippet pointed at our CDN.

It behaves like `@segment/snippet`'s output with `host` set to the CDN: a stub `window.analytics` that buffers
calls (with the page context at call time), then loads `<cdn>/analytics.js/v1/<writeKey>/analytics.min.js`.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

from builder.assets import Assets
from builder.jsonsafe import script_json


def render_snippet(cdn_base_url: str, write_key: str, assets: Assets, *, page: bool = True,
                   load_options: dict[str, Any] | None = None) -> str:
    """Return the `<script>` element that installs analytics for one source."""
    return assets.render(
        "snippet.html.j2",
        # script_json output is safe inside <script>; HTML-escaping it would break the JavaScript.
        cdn_json=Markup(script_json(cdn_base_url.rstrip("/"))),
        write_key_json=Markup(script_json(write_key)),
        load_options_json=Markup(script_json(load_options)) if load_options else "",
        page=page,
    )
