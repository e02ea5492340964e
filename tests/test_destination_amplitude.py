"""Amplitude device-mode, checked against Amplitude's real Browser SDK 2 (npm @amplitude/analytics-browser, its CDN
build lib/scripts/amplitude-min.js) and Segment's classic Amplitude integration (analytics.js-integrations,
integrations/amplitude): what the SDK posts to Amplitude's HTTP API (api2.amplitude.com/2/httpapi or the EU host,
answered locally) is what Segment's device-mode sends.

Each test builds a source with an Amplitude device-mode instance, serves the SDK at the CDN URL the adapter loads,
drives Segment calls (tests/support/segment_calls.py) through the real window.analytics and decodes the JSON the SDK
posts.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

from builder.workspace import load_workspace
from tests.support.live import live_workspace, test_page
from tests.support.npm_sdks import ApiRequest, RealVendor, npm_file
from tests.support.segment_calls import CALLS, GROUP_ID, ORDER, PII_TRAITS, PRODUCT_1, PRODUCT_2, USER_ID, Call, \
    calls_named, drive_script
from tests.support.workspaces import web_source, write_workspace

SDK_URL = "https://cdn.amplitude.com/libs/analytics-browser-2.48.1-min.js.gz"
SDK_FILE = "@amplitude/analytics-browser/lib/scripts/amplitude-min.js"
HOSTS = ("api2.amplitude.com", "api.eu.amplitude.com")
API_KEY = "amp-key-123"
READY = ("window.analytics && typeof analytics.destinations === 'function' && "
         "(analytics.destinations().Amplitude || {}).state === 'ready'")
IDENTIFY = Call("identify", (USER_ID, PII_TRAITS))
NAMED_PAGE = Call("page", ("Pricing",))
ORDER_SCALARS = {k: v for k, v in ORDER.items() if k != "products"}


def _answer(request: ApiRequest) -> tuple[int, str, str]:
    """Answer like Amplitude's HTTP V2 API."""
    events = json.loads(request.text()).get("events", []) if request.body else []
    return 200, "application/json", json.dumps({"code": 200, "events_ingested": len(events),
                                                "payload_size_bytes": len(request.body), "server_upload_time": 1})


@dataclass
class Received:
    """What Amplitude's API got: the events of every upload."""

    vendor: RealVendor

    @property
    def uploads(self) -> list[dict[str, Any]]:
        return [json.loads(r.text()) for r in self.vendor.api if r.path in ("/2/httpapi", "/batch")]

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event received, in the SDK's own order (its `event_id`): two uploads in flight at once may arrive
        in either order, and Amplitude orders a user's events by their ids and times, not by arrival."""
        events = [e for upload in self.uploads for e in upload["events"]]
        if all(isinstance(e.get("event_id"), int) for e in events):
            events.sort(key=lambda e: e["event_id"])
        return events

    def named(self, name: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event_type"] == name]

    def names(self) -> list[str]:
        return [e["event_type"] for e in self.events]

    def user_properties(self, op: str) -> dict[str, Any]:
        """Merge one operation ($set, $setOnce, $add) of every identify the SDK sent."""
        merged: dict[str, Any] = {}
        for event in self.named("$identify"):
            merged.update((event.get("user_properties") or {}).get(op, {}))
        return merged


def _visit(tmp_path, page, settings: dict[str, Any], calls: tuple[Call, ...], done, url: str = "/pricing.html",
           referer: str | None = None, then: tuple[Call, ...] = ()) -> Received:
    """Build a source with Amplitude (apiKey + `settings`), make `calls` (then `then`), wait until `done(received)`."""
    instance = {"destination": "Amplitude", "name": "Amplitude", "mode": "device",
                "settings": {"apiKey": API_KEY, "secretKey": "amp-secret-key-9c2e", **settings}}
    with live_workspace(tmp_path, {"site": web_source("site", destinations=[instance])}) as (cdn, _):
        vendor = RealVendor(cdn.url, {SDK_URL: npm_file(SDK_FILE)}, HOSTS, _answer).install(page)
        received = Received(vendor)
        cdn.pages["/pricing.html"] = test_page(cdn.url, "wk_site", "", title="Pricing", page=False)
        page.goto(cdn.url + url, referer=referer)
        page.wait_for_function(READY, timeout=10_000)
        page.evaluate(drive_script(calls))
        for step, script in ((done, ""), (lambda r: True, drive_script(then))):
            deadline = time.monotonic() + 10
            while not step(received) and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            if script:
                page.evaluate(script)
        assert vendor.requested == {SDK_URL: 1}
        refused = [u for u in vendor.refused if "diagnostics" not in u]  # the SDK's own telemetry is refused
        assert refused == []
        assert "amp-secret-key-9c2e" not in json.dumps([r.text() for r in vendor.api])
        assert {upload["api_key"] for upload in received.uploads} == {API_KEY}
        return received


def test_identify_order_and_named_page_reach_amplitude_as_segment_maps_them(tmp_path, page):
    calls = (IDENTIFY, *calls_named("Order Completed"), NAMED_PAGE)
    got = _visit(tmp_path, page, {}, calls, lambda r: r.named("Viewed Pricing Page"))

    assert got.names()[-6:] == ["$identify", "Order Completed", "revenue_amount", "Product Purchased",
                                "Product Purchased", "Viewed Pricing Page"]
    assert {e["user_id"] for e in got.events[-6:]} == {USER_ID}
    assert got.user_properties("$set") == {**PII_TRAITS, "id": USER_ID}
    [order] = got.named("Order Completed")
    assert order["event_properties"] == ORDER_SCALARS  # the products go out as Product Purchased events
    [revenue] = got.named("revenue_amount")
    assert {k: revenue["event_properties"].get(k) for k in ("$price", "$quantity")} == {"$price": 99.5, "$quantity": 1}
    assert [e["event_properties"] for e in got.named("Product Purchased")] == [PRODUCT_1, PRODUCT_2]
    [viewed] = got.named("Viewed Pricing Page")
    assert viewed["event_properties"]["name"] == "Pricing" and viewed["event_properties"]["path"] == "/pricing.html"
    # Segment's SDK sent neither session events nor page-URL enrichment, and UTM parameters only as user properties
    assert not [n for n in got.names() if n.startswith("[Amplitude]")]
    assert not [k for k in order["event_properties"] if k.startswith("[Amplitude]")]


def test_every_call_of_the_segment_table_reaches_amplitude(tmp_path, page):
    tracks = [c.event for c in CALLS if c.method == "track" and c.event != "Order Completed"]
    # reset in a task of its own, once the group call (the last one before it) has reached Amplitude
    got = _visit(tmp_path, page, {}, CALLS[:-1], lambda r: [e for e in r.named("$identify") if e.get("groups")],
                 then=(CALLS[-1], Call("track", ("After Reset", {}))))
    deadline = time.monotonic() + 10
    while not got.named("After Reset") and time.monotonic() < deadline:
        page.wait_for_timeout(100)

    names = got.names()
    assert [n for n in names if n in tracks] == tracks
    assert [n for n in names if n.startswith("Viewed ")] == [
        "Viewed Pricing Page", "Viewed Docs Page", "Viewed Docs Pricing Page"]  # the unnamed page sends nothing
    assert "Loaded a Page" not in names
    # any event with revenue also logs revenue (Segment keeps this for compatibility): Checkout Started, Order
    # Completed, Order Updated, Order Cancelled
    assert names.count("revenue_amount") == 4
    [group] = [e for e in got.named("$identify") if e.get("groups")]
    assert group["groups"] == {"[Segment] Group": GROUP_ID}
    [after] = got.named("After Reset")
    assert after.get("user_id") is None
    assert after["device_id"] != got.named("Video Played")[0]["device_id"]


def test_group_type_and_value_come_from_the_group_traits_settings(tmp_path, page):
    traits = {"name": "Acme", "type": "account", "account_name": "Acme Corp"}
    got = _visit(tmp_path, page, {"groupTypeTrait": "type", "groupValueTrait": "account_name"},
                 (Call("group", (GROUP_ID, traits)),), lambda r: r.named("$identify"))

    [group] = [e for e in got.named("$identify") if e.get("groups")]
    assert group["groups"] == {"account": "Acme Corp"}


def test_traits_to_increment_and_set_once(tmp_path, page):
    got = _visit(tmp_path, page, {"traitsToIncrement": ["logins"], "traitsToSetOnce": ["createdAt"]}, (IDENTIFY,),
                 lambda r: r.user_properties("$add"))

    assert got.user_properties("$add") == {"logins": 5}
    assert got.user_properties("$setOnce")["createdAt"] == PII_TRAITS["createdAt"]
    assert "logins" not in got.user_properties("$set") and "createdAt" not in got.user_properties("$set")


def test_all_pages_only_when_named_and_categorized_pages_are_off(tmp_path, page):
    pages = (NAMED_PAGE, Call("page", ("Docs", "Pricing")), Call("page", ()), Call("track", ("Done", {})))
    got = _visit(tmp_path, page, {"trackAllPages": True, "trackNamedPages": False, "trackCategorizedPages": False},
                 pages, lambda r: r.named("Done"))

    assert [n for n in got.names() if "Page" in n] == ["Loaded a Page"] * 3


def test_revenue_per_product_with_revenue_v2(tmp_path, page):
    got = _visit(tmp_path, page, {"trackRevenuePerProduct": True, "useLogRevenueV2": True},
                 calls_named("Order Completed"), lambda r: len(r.named("Product Purchased")) == 2)

    revenues = [e["event_properties"] for e in got.named("revenue_amount")]
    assert [{k: r.get(k) for k in ("$price", "$quantity", "$productId", "$revenueType")} for r in revenues] == [
        {"$price": 49.75, "$quantity": 2, "$productId": "p-1", "$revenueType": "Purchase"},
        {"$price": 10, "$quantity": 1, "$productId": "p-2", "$revenueType": "Purchase"}]
    assert got.names()[-5:] == ["Order Completed", "revenue_amount", "Product Purchased", "revenue_amount",
                                "Product Purchased"]


def test_endpoint_referrer_query_params_and_device_id_settings(tmp_path, page):
    settings = {"endpoint": "europe", "trackReferrer": True, "preferAnonymousIdForDeviceId": True,
                "mapQueryParams": {"query": "event_properties"}, "versionName": "3.1.0"}
    got = _visit(tmp_path, page, settings, (NAMED_PAGE,), lambda r: r.named("Viewed Pricing Page"),
                 url="/pricing.html?plan=pro", referer="https://news.example/story")

    assert {request.host for request in got.vendor.api} == {"api.eu.amplitude.com"}
    [viewed] = got.named("Viewed Pricing Page")
    assert viewed["event_properties"]["query"] == "?plan=pro"
    assert viewed["device_id"] == page.evaluate("analytics.user().anonymousId()")
    assert viewed["app_version"] == "3.1.0"
    assert got.user_properties("$set")["referrer"] == "https://news.example/story"
    assert got.user_properties("$setOnce")["initial_referring_domain"] == "news.example"


def test_server_zone_is_now_segments_endpoint_key(tmp_path, catalog):
    source = web_source("site", destinations=[{"destination": "Amplitude", "name": "Amplitude", "mode": "device",
                                               "settings": {"apiKey": API_KEY, "serverZone": "EU"}}])
    root = write_workspace(tmp_path, sources={"site": source})
    (problem,) = load_workspace(root, catalog).all_problems()
    assert problem.code == "C-setting-unknown"
    assert "'serverZone' is now 'endpoint' (Segment's key)" in problem.message


@pytest.mark.parametrize("key, default", [
    ("trackAllPages", False), ("trackNamedPages", True), ("trackCategorizedPages", True),
    ("trackUtmProperties", True), ("trackReferrer", False), ("trackRevenuePerProduct", False),
    ("useLogRevenueV2", False), ("preferAnonymousIdForDeviceId", False), ("traitsToIncrement", []),
    ("traitsToSetOnce", []), ("mapQueryParams", {}), ("batchEvents", False), ("endpoint", "north_america"),
])
def test_catalog_carries_segments_amplitude_defaults(catalog, key, default):
    assert catalog.get("Amplitude").public_settings({"apiKey": API_KEY})[key] == default


def test_segment_settings_browser_sdk_2_has_no_use_for_are_accepted_and_not_published(tmp_path, catalog):
    compat = {"forceHttps": True, "saveParamsReferrerOncePerSession": False, "unsetParamsReferrerOnNewSession": True,
              "deviceIdFromUrlParam": True}
    source = web_source("site", destinations=[{"destination": "Amplitude", "name": "Amplitude", "mode": "device",
                                               "settings": {"apiKey": API_KEY, **compat}}])
    assert load_workspace(write_workspace(tmp_path, sources={"site": source}), catalog).all_problems() == []
    assert not set(compat) & set(catalog.get("Amplitude").public_settings({"apiKey": API_KEY}))
