"""Device-mode destinations in the runtime, in a real headless Chromium with recording vendor stubs: the
`integrations` option and consent decide exactly which destinations load and receive each call, and a broken
vendor SDK never holds back `ready`, the other destinations or the collector."""
from __future__ import annotations

from tests.support.live import live_workspace, test_page
from tests.support.stubs import StubbedVendors, vendor_calls
from tests.support.workspaces import web_source

DESTINATIONS = [
    {"destination": "Mixpanel", "name": "Mixpanel", "mode": "device", "settings": {"token": "mp-token"},
     "consent_categories": ["analytics"]},
    {"destination": "Hotjar", "name": "Hotjar", "mode": "device", "settings": {"hjid": 4242},
     "consent_categories": ["analytics"]},
    {"destination": "Facebook Pixel", "name": "Pixel", "mode": "device", "settings": {"pixelId": "777"},
     "consent_categories": ["advertising"]},
    {"destination": "Amplitude", "name": "Amplitude", "mode": "device", "settings": {"apiKey": "amp-key"}},
]
READY = "analytics.ready(function () { window.__ready = (window.__ready || 0) + 1; });"


def _open(page, cdn, script="", load_options=None):
    cdn.pages["/site.html"] = test_page(cdn.url, "wk_site", READY + script, page=False, load_options=load_options)
    page.goto(cdn.url + "/site.html", wait_until="domcontentloaded")  # a hanging vendor script delays `load`
    page.wait_for_function("window.__ready === 1", timeout=20_000)


def _tracked(page, destination, event):
    methods = {"Mixpanel": "track", "Hotjar": "event", "Facebook Pixel": "trackSingleCustom", "Amplitude": "track"}
    at = 1 if destination == "Facebook Pixel" else 0  # trackSingleCustom(pixelId, event, ...)
    return [c for c in vendor_calls(page, destination) if c["method"] == methods[destination] and c["args"][at] == event]


def test_integrations_at_load_and_per_call_select_destinations(tmp_path, page):
    with live_workspace(tmp_path, {"site": web_source("site", destinations=DESTINATIONS)}) as (cdn, _):
        stubs = StubbedVendors(cdn.url).install(page)
        _open(page, cdn, load_options={"integrations": {"All": False, "Mixpanel": True, "Amplitude": True}})
        assert set(stubs.requested) == {"mixpanel", "amplitude"}     # Hotjar and the Pixel never load

        page.evaluate("analytics.track('Everyone')")
        page.evaluate("analytics.track('Not Mixpanel', {}, {integrations: {Mixpanel: false}})")
        page.wait_for_function("(window.__bundlesmithVendorCalls || []).filter(function (c) {"
                               " return c.args[0] === 'Not Mixpanel' }).length === 1", timeout=5_000)
        assert len(_tracked(page, "Mixpanel", "Everyone")) == 1 and _tracked(page, "Mixpanel", "Not Mixpanel") == []
        assert len(_tracked(page, "Amplitude", "Everyone")) == len(_tracked(page, "Amplitude", "Not Mixpanel")) == 1

        events = {e["event"]: e for e in cdn.wait_for_events(2)}
        # the collector gets the same integrations object, and _metadata says who delivered what
        assert events["Not Mixpanel"]["integrations"] == {"All": False, "Mixpanel": False, "Amplitude": True}
        assert events["Everyone"]["_metadata"]["bundled"] == ["Amplitude", "Mixpanel", "Segment.io"]
        assert events["Not Mixpanel"]["_metadata"]["bundled"] == ["Amplitude", "Segment.io"]
        assert stubs.refused == []


def test_consent_gates_loading_and_delivery_and_can_be_granted_later(tmp_path, page):
    with live_workspace(tmp_path, {"site": web_source("site", destinations=DESTINATIONS)}) as (cdn, _):
        stubs = StubbedVendors(cdn.url).install(page)
        consent = {"consent": {"categoryPreferences": {"analytics": True, "advertising": False}}}
        _open(page, cdn, "analytics.track('Before consent');", load_options=consent)
        assert set(stubs.requested) == {"mixpanel", "hotjar", "amplitude"}   # no advertising consent: no Pixel
        (before,) = cdn.wait_for_events(1)
        assert before["context"]["consent"]["categoryPreferences"] == {"analytics": True, "advertising": False}

        page.evaluate("analytics.setConsent({analytics: true, advertising: true})")
        page.wait_for_function("analytics.destinations()['Facebook Pixel'].state === 'ready'", timeout=10_000)
        page.evaluate("analytics.track('After consent')")
        page.wait_for_function("(window.__bundlesmithVendorCalls || []).some(function (c) {"
                               " return c.destination === 'Facebook Pixel' && c.args[1] === 'After consent' })",
                               timeout=5_000)
        assert stubs.requested["facebook-pixel"] == 1
        assert _tracked(page, "Facebook Pixel", "Before consent") == []

        page.evaluate("analytics.setConsent({analytics: false, advertising: true})")
        page.evaluate("analytics.track('Analytics withdrawn')")
        page.wait_for_function("(window.__bundlesmithVendorCalls || []).some(function (c) {"
                               " return c.args[0] === 'Analytics withdrawn' })", timeout=5_000)
        assert _tracked(page, "Mixpanel", "Analytics withdrawn") == []
        assert len(_tracked(page, "Facebook Pixel", "Analytics withdrawn")) == 1


def test_broken_vendor_sdks_do_not_hold_back_ready_the_others_or_the_collector(tmp_path, page):
    sources = {"site": web_source("site", destinations=DESTINATIONS)}
    with live_workspace(tmp_path, sources) as (cdn, _):
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        stubs = StubbedVendors(cdn.url, fail={"mixpanel": 404, "hotjar": "throw", "facebook-pixel": "hang"})
        stubs.install(page)
        _open(page, cdn, "analytics.track('Queued early'); analytics.identify('u-1');",
              load_options={"destinationTimeout": 2000})
        states = page.evaluate("analytics.destinations()")
        assert states["Mixpanel"]["state"] == "failed" and "failed to load" in states["Mixpanel"]["error"]
        assert states["Hotjar"]["state"] == "failed"
        assert states["Facebook Pixel"]["state"] == "failed" and "not ready after 2000 ms" in states[
            "Facebook Pixel"]["error"]
        assert states["Amplitude"]["state"] == "ready"
        assert len(_tracked(page, "Amplitude", "Queued early")) == 1

        page.evaluate("analytics.track('Later')")
        page.wait_for_function("(window.__bundlesmithVendorCalls || []).some(function (c) {"
                               " return c.destination === 'Amplitude' && c.args[0] === 'Later' })", timeout=5_000)
        events = {e.get("event", e["type"]): e for e in cdn.wait_for_events(3)}
        assert set(events) == {"Queued early", "identify", "Later"}
        metadata = events["Later"]["_metadata"]
        assert metadata["bundled"] == ["Amplitude", "Segment.io"]
        assert metadata["unbundled"] == ["Facebook Pixel", "Hotjar", "Mixpanel"]
        assert page.evaluate("window.__ready") == 1
        assert all("vendor SDK exploded" in e for e in errors)  # only the vendor's own uncaught error


def test_every_destination_call_is_observable_for_inspection(tmp_path, page):
    with live_workspace(tmp_path, {"site": web_source("site", destinations=DESTINATIONS[:2])}) as (cdn, _):
        StubbedVendors(cdn.url).install(page)
        _open(page, cdn, "window.__seen = []; analytics.on('destination:call', function (name, type, event) {"
                         " window.__seen.push([name, type, event.event || null]); });"
                         "analytics.track('Observed');")
        page.wait_for_function("window.__seen.length >= 2", timeout=5_000)
        assert sorted(map(tuple, page.evaluate("window.__seen"))) == [("Hotjar", "track", "Observed"),
                                                                       ("Mixpanel", "track", "Observed")]
