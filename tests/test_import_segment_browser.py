"""The move from Segment end to end: a Segment settings JSON is imported, validated and built, and Segment's own
browser client (`@segment/analytics-next` from npm, in Chromium) loads the built settings: the same device-mode
destinations load, each factory receives the fixture's public setting values, and the vendor SDKs get them."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bundlesmith.cli import main
from bundlesmith.segment.settings_json import META_KEYS
from tests.conftest import REPO
from tests.support.servers import CdnServer
from tests.support.stubs import StubbedVendors, vendor_calls
from tests.support.workspaces import write_workspace

UMD = REPO / "tests" / "js" / "node_modules" / "@segment" / "analytics-next" / "dist" / "umd"
FIXTURE = Path(__file__).parent / "fixtures" / "segment" / "storefront.settings.json"
WRITE_KEY = "Wk7fQ2pL9xZr4TbN8mVc3HsY6dJa1GeK"
CATALOG_NAMES = {"Braze Web Mode (Actions)": "Braze", "Google Analytics 4 Web": "Google Analytics",
                 "Keen IO": "Keen"}
# Each remote plugin file assigns window[libraryName] = factory; the setter records what the client calls it with.
RECORD_FACTORIES = """(function (names) {
  window.__factoryCalls = [];
  names.forEach(function (name) {
    var factory;
    Object.defineProperty(window, name, {configurable: true, get: function () { return factory; },
      set: function (real) {
        factory = function (settings) {
          window.__factoryCalls.push({library: name, settings: JSON.parse(JSON.stringify(settings))});
          return real.apply(this, arguments);
        };
      }});
  });
})(%s);"""
PAGE = """<!doctype html><html><head><title>moved from Segment</title>
<script>window.analytics = {_cdn: %(cdn)s};</script>
<script src="/anext/index.js"></script>
<script>
  var result = AnalyticsNext.AnalyticsBrowser.load({writeKey: %(key)s, cdnURL: %(cdn)s});
  result.then(function (loaded) { window.__analytics = loaded[0]; });
  result.identify("user-7", {plan: "pro"});
  result.track("Order Completed", {order_id: "o-7", total: 12, products: [{product_id: "p-7", price: 12}]});
</script></head><body>moved</body></html>"""
LOADED = """() => window.__analytics ? window.__analytics.queue.plugins
  .filter(function (p) { return p.type === 'destination' && p.name !== 'Segment.io' && p.isLoaded(); })
  .map(function (p) { return p.name; }).sort() : []"""


def _run(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def _fixture_device_settings() -> dict[str, dict]:
    """Return the fixture's device-mode destinations (catalog names) with their public settings, as Segment has them."""
    segment = json.loads(FIXTURE.read_text())
    found = {plugin["creationName"]: {k: v for k, v in plugin["settings"].items() if k != "subscriptions"}
             for plugin in segment["remotePlugins"]}
    for name, entry in segment["integrations"].items():
        if name != "Segment.io" and entry.get("bundlingStatus") != "unbundled" and name not in found:
            found[name] = {k: v for k, v in entry.items() if k not in META_KEYS}
    return {CATALOG_NAMES.get(name, name): settings for name, settings in found.items()}


def test_segment_analytics_next_loads_the_imported_device_destinations_with_the_fixtures_settings(tmp_path, page):
    assert UMD.is_dir(), "run `make test` (it installs tests/js with npm)"
    out = tmp_path / "out"
    out.mkdir()
    with CdnServer(out) as cdn:
        root = write_workspace(tmp_path / "ws", cdn={"base_url": cdn.url},
                               collector={"api_host": cdn.url.split("://", 1)[1] + "/collect", "protocol": "http"})
        _run("import", "segment", root, "--settings", FIXTURE, "--source-id", "storefront", "--skip-incomplete-cloud")
        _run("validate", root)
        _run("build", root, "--out", out)
        built = json.loads((out / "v1/projects" / WRITE_KEY / "settings").read_text())
        libraries = [plugin["libraryName"] for plugin in built["remotePlugins"]]

        cdn.static = {"/anext/": UMD, "/analytics-next/bundles/": UMD}
        cdn.pages["/moved.html"] = PAGE % {"key": json.dumps(WRITE_KEY), "cdn": json.dumps(cdn.url)}
        stubs = StubbedVendors(cdn.url).install(page)
        page.add_init_script(RECORD_FACTORIES % json.dumps(libraries))
        page.goto(cdn.url + "/moved.html")
        expected = _fixture_device_settings()
        page.wait_for_function(f"({LOADED})().length >= {len(expected)}", timeout=20_000)

        assert page.evaluate(LOADED) == sorted(expected)
        calls = {call["library"]: call["settings"] for call in page.evaluate("window.__factoryCalls")}
        received = {plugin["name"]: calls[plugin["libraryName"]] for plugin in built["remotePlugins"]}
        assert sorted(received) == sorted(expected)
        differs = {(name, key): (value, received[name].get(key, "<missing>"))
                   for name, settings in expected.items() for key, value in settings.items()
                   if received[name].get(key, "<missing>") != value}
        assert differs == {}
        assert stubs.refused == []
        mixpanel_init = [c for c in vendor_calls(page, "Mixpanel") if c["method"] == "init"]
        assert mixpanel_init and mixpanel_init[0]["args"][0] == expected["Mixpanel"]["token"]

        events = {e["type"]: e for e in cdn.wait_for_events(2)}
        assert events["track"]["writeKey"] == WRITE_KEY
        assert events["track"]["_metadata"]["bundled"] == sorted([*expected, "Segment.io"])
        assert events["track"]["_metadata"]["unbundled"] == ["Customer.io"]
