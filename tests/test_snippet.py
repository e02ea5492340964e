"""`bundlesmith snippet` is the standard snippet: the same code `@segment/snippet` renders with `host` set to our
CDN, so sites install it exactly as they install Segment's, and it buffers calls the same way."""
from __future__ import annotations

import json
import re
import subprocess

from builder.assets import Assets
from builder.snippet import render_snippet
from tests.conftest import REPO

JS_DEPS = REPO / "tests" / "js"


def _official(host: str, write_key: str) -> str:
    script = ("const s = require('@segment/snippet');"
              f"process.stdout.write(s.min({{host: {json.dumps(host)}, apiKey: {json.dumps(write_key)}, page: true}}))")
    return subprocess.run(["node", "-e", script], cwd=JS_DEPS, check=True, capture_output=True, text=True).stdout


def _code(html: str) -> str:
    return re.sub(r"\s+", "", html.replace("<script>", "").replace("</script>", ""))


def test_our_snippet_is_the_official_one_pointed_at_our_cdn():
    ours = _code(render_snippet("https://cdn.acme.example", "wk_shop", Assets.load()))
    official = _code(_official("cdn.acme.example", "wk_shop"))
    # the one difference: where the CDN URL comes from (ours keeps a scheme and optional path prefix)
    official = official.replace('"https://cdn.acme.example/analytics.js/v1/"+key', '"https://cdn.acme.example"+'
                                '"/analytics.js/v1/"+key')
    assert ours == official.replace(";;", ";")


def test_both_snippets_buffer_calls_identically(page):
    calls = ("analytics.identify('u1', {a: 1}); analytics.track('T', {x: 2}); analytics.page('Home');"
             "analytics.group('g'); analytics.alias('u2'); analytics.ready(function () {});")
    queues = []
    for snippet in (render_snippet("https://cdn.acme.example", "wk_shop", Assets.load(), page=False),
                    "<script>" + _official("cdn.acme.example", "wk_shop").replace("analytics.page();", "")
                    + "</script>"):
        page.route("**/*", lambda route: route.fulfill(status=200, body="<!doctype html><title>t</title>"
                                                       if route.request.resource_type == "document" else "",
                                                       content_type="text/html"))
        page.goto("https://site.example/a?b=1")
        page.set_content(f"<!doctype html><title>T</title>{snippet}<script>{calls}</script>")
        queues.append(page.evaluate("JSON.stringify([].slice.call(window.analytics).map(function (c) {"
                                    " return c.map(function (a) { return typeof a === 'function' ? 'fn' : a }) }))"))
        page.unroute("**/*")
    assert queues[0] == queues[1]
    assert '"__t":"bpc"' in queues[0]
