"""Segment's own browser client, `@segment/analytics-next` from npm, pointed at a local CDN serving our build:
it loads our settings, fires `ready`, loads each device-mode destination from its remote plugin file, every
vendor API receives the calls, and the collector's `_metadata.bundled` lists exactly what the browser delivered."""
from __future__ import annotations

import json

from tests.conftest import REPO
from tests.support.live import live_workspace
from tests.support.stubs import StubbedVendors, vendor_calls
from tests.support.workspaces import web_source

UMD = REPO / "tests" / "js" / "node_modules" / "@segment" / "analytics-next" / "dist" / "umd"
DESTINATIONS = [
    {"destination": "Mixpanel", "name": "Mixpanel", "mode": "device", "settings": {"token": "mp-token-42"}},
    {"destination": "Google Analytics", "name": "GA4", "mode": "device", "settings": {"measurementID": "G-NEXT42"}},
    {"destination": "Amplitude", "name": "Amplitude", "mode": "device", "settings": {"apiKey": "amp-key-42"}},
    {"destination": "Hotjar", "name": "Hotjar", "mode": "device", "settings": {"hjid": 4242}},
    {"destination": "Mixpanel", "name": "Mixpanel EU", "mode": "cloud", "settings": {"token": "mp-eu"}},
]
PAGE = """<!doctype html><html><head><title>next</title>
<script>window.analytics = {_cdn: %(cdn)s};</script>
<script src="/anext/index.js"></script>
<script>
  var result = AnalyticsNext.AnalyticsBrowser.load({writeKey: "wk_site", cdnURL: %(cdn)s});
  result.ready(function () { window.__ready = true; });
  result.identify("user-9", {plan: "team"});
  result.track("Order Completed", {order_id: "o-9", total: 30, products: [{product_id: "p-1", price: 30, quantity: 1}]});
</script></head><body>next</body></html>"""
TRACK_METHODS = {"Mixpanel": "track", "Google Analytics": "gtag:event", "Amplitude": "track", "Hotjar": "event"}


def test_segment_analytics_next_loads_our_destinations_from_remote_plugins(tmp_path, page):
    assert UMD.is_dir(), "run `make test` (it installs tests/js with npm)"
    with live_workspace(tmp_path, {"site": web_source("site", destinations=DESTINATIONS)}) as (cdn, _):
        cdn.static = {"/anext/": UMD, "/analytics-next/bundles/": UMD}
        cdn.pages["/next.html"] = PAGE % {"cdn": json.dumps(cdn.url)}
        stubs = StubbedVendors(cdn.url).install(page)
        page.goto(cdn.url + "/next.html")
        page.wait_for_function("window.__ready === true", timeout=20_000)
        page.wait_for_function("(window.__bundlesmithVendorCalls || []).filter(function (c) {"
                               " return JSON.stringify(c.args).indexOf('Order Completed') > -1 ||"
                               " (c.method === 'gtag:event' && c.args[0] === 'purchase') }).length >= 4",
                               timeout=10_000)

        assert "/v1/projects/wk_site/settings" in cdn.requests
        plugin_files = [p for p in cdn.requests if p.startswith("/next-integrations/actions/")]
        assert sorted(p.split("/")[3] for p in plugin_files) == ["amplitude", "google-analytics", "hotjar",
                                                                 "mixpanel"]
        assert dict(stubs.requested) == {"amplitude": 1, "google-analytics": 1, "hotjar": 1, "mixpanel": 1}
        assert stubs.refused == []
        for destination, method in TRACK_METHODS.items():
            calls = [c for c in vendor_calls(page, destination) if c["method"] == method]
            assert calls, f"{destination} received no {method}"
        mixpanel_init = [c for c in vendor_calls(page, "Mixpanel") if c["method"] == "init"]
        assert mixpanel_init and mixpanel_init[0]["args"][0] == "mp-token-42"

        events = {e["type"]: e for e in cdn.wait_for_events(2)}
        track = events["track"]
        assert track["writeKey"] == "wk_site" and track["event"] == "Order Completed"
        assert track["_metadata"]["bundled"] == ["Amplitude", "Google Analytics", "Hotjar", "Mixpanel", "Segment.io"]
        assert track["_metadata"]["unbundled"] == ["Mixpanel"]   # the cloud-mode Mixpanel EU instance
        assert len(track["_metadata"]["bundledIds"]) == 4
