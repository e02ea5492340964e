"""Mixpanel device-mode, checked against Mixpanel's real browser SDK (npm mixpanel-browser, its CDN build) and
Segment's classic Mixpanel integration (analytics.js-integrations, integrations/mixpanel): what reaches Mixpanel's
API (/track, /engage, /groups on api-js.mixpanel.com, answered locally) is what Segment's device-mode sends.

Each test builds a source with a Mixpanel device-mode instance, serves mixpanel-browser's dist/mixpanel.min.js at
https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js, drives Segment calls (tests/support/segment_calls.py) through the
real window.analytics and decodes the `data=` payloads the SDK posts.
"""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.support.live import live_workspace, test_page
from tests.support.npm_sdks import ApiRequest, RealVendor, npm_file
from tests.support.segment_calls import CALLS, GROUP_ID, GROUP_TRAITS, ORDER, PII_TRAITS, USER_ID, Call, calls_named, \
    drive_script
from tests.support.workspaces import web_source

SDK_URL = "https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js"
HOSTS = ("api-js.mixpanel.com", "api-eu.mixpanel.com")
TOKEN = "mp-token-1"
READY = ("window.analytics && typeof analytics.destinations === 'function' && "
         "(analytics.destinations().Mixpanel || {}).state === 'ready'")
IDENTIFY = Call("identify", (USER_ID, PII_TRAITS))
NAMED_PAGE = Call("page", ("Pricing",))


def _answer(request: ApiRequest) -> tuple[int, str, str]:
    """Answer like Mixpanel's ingestion API with verbose=1."""
    return 200, "application/json", json.dumps({"status": 1, "error": None})


def _decode(request: ApiRequest) -> list[dict[str, Any]]:
    """Return the records of one SDK request: `data=` holds JSON (or base64 JSON), one record or a batch."""
    text = request.text()
    raw = parse_qs(text).get("data", [text])[0] if request.method == "POST" else \
        parse_qs(request.url.split("?", 1)[-1]).get("data", [""])[0]
    try:
        data = json.loads(raw)
    except ValueError:
        data = json.loads(base64.b64decode(raw + "=" * (-len(raw) % 4)))
    return data if isinstance(data, list) else [data]


@dataclass
class Received:
    """What Mixpanel's API got, by endpoint."""

    vendor: RealVendor
    console: list[str] = field(default_factory=list)

    def records(self, endpoint: str) -> list[dict[str, Any]]:
        return [r for req in self.vendor.api if req.path.rstrip("/") == "/" + endpoint for r in _decode(req)]

    @property
    def events(self) -> list[dict[str, Any]]:
        return self.records("track")

    @property
    def people(self) -> list[dict[str, Any]]:
        return self.records("engage")

    @property
    def groups(self) -> list[dict[str, Any]]:
        return self.records("groups")

    def named(self, name: str) -> list[dict[str, Any]]:
        """Return the properties of every event called `name`."""
        return [e["properties"] for e in self.events if e["event"] == name]

    def event_names(self) -> list[str]:
        return [e["event"] for e in sorted(self.events, key=lambda e: e["properties"]["time"])]

    def people_ops(self, op: str) -> dict[str, Any]:
        """Merge every profile update of one operation ($set, $add, $union, ...)."""
        merged: dict[str, Any] = {}
        for record in self.people:
            merged.update(record.get(op, {}))
        return merged


def _visit(tmp_path, page, settings: dict[str, Any], calls: tuple[Call, ...], done, extra: str = "",
           before: str = "") -> Received:
    """Build a source with Mixpanel (token + `settings`), make `calls`, wait (bounded) until `done(received)`."""
    instance = {"destination": "Mixpanel", "name": "Mixpanel", "mode": "device",
                "settings": {"token": TOKEN, "apiSecret": "mp-api-secret-5b1e", **settings}}
    with live_workspace(tmp_path, {"site": web_source("site", destinations=[instance])}) as (cdn, _):
        vendor = RealVendor(cdn.url, {SDK_URL: npm_file("mixpanel-browser/dist/mixpanel.min.js")}, HOSTS,
                            _answer).install(page)
        received = Received(vendor)
        page.on("console", lambda message: received.console.append(message.text))
        cdn.pages["/pricing.html"] = test_page(cdn.url, "wk_site", "", title="Pricing", page=False)
        page.goto(cdn.url + "/pricing.html")
        page.wait_for_function(READY, timeout=10_000)
        page.evaluate(before + drive_script(calls) + extra)
        deadline = time.monotonic() + 15  # the SDK flushes its batches every 5 s
        while not done(received) and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert vendor.requested == {SDK_URL: 1}
        assert vendor.refused == []
        assert "mp-api-secret-5b1e" not in json.dumps([r.text() for r in vendor.api])
        return received


def test_identify_order_and_named_page_reach_mixpanel_as_segment_maps_them(tmp_path, page):
    calls = (IDENTIFY, *calls_named("Order Completed"), NAMED_PAGE)
    got = _visit(tmp_path, page, {"people": True}, calls,
                 lambda r: r.named("Order Completed") and r.named("Loaded a Page") and r.people_ops("$set"))

    assert {e["properties"]["distinct_id"] for e in got.events} == {USER_ID}
    assert {e["properties"]["token"] for e in got.events} == {TOKEN}
    [order] = got.named("Order Completed")
    assert {k: order[k] for k in ("order_id", "revenue", "total", "currency")} == \
        {k: ORDER[k] for k in ("order_id", "revenue", "total", "currency")}
    # Segment's invertObjectArrays: a list of objects becomes one list per key
    assert "products" not in order
    assert order["products_product_ids"] == ["p-1", "p-2"]
    assert order["products_prices"] == [49.75, 10]
    assert order["products_quantitys"] == [2, 1]
    # identify traits are super properties, under Mixpanel's reserved names
    assert order["$email"] == "ada@example.com" and order["$name"] == "Ada Lovelace" and order["plan"] == "pro"
    assert order["mp_name_tag"] == "ada@example.com"
    assert "email" not in order and "firstName" not in order
    # consolidatedPageCalls (Segment's default): every page call is "Loaded a Page"
    [loaded] = got.named("Loaded a Page")
    assert loaded["name"] == "Pricing" and loaded["path"] == "/pricing.html" and loaded["title"] == "Pricing"
    profile = got.people_ops("$set")
    assert {k: profile.get(k) for k in ("$email", "$first_name", "$last_name", "$name", "$phone", "$created",
                                        "plan", "logins", "id")} == {
        "$email": "ada@example.com", "$first_name": "Ada", "$last_name": "Lovelace", "$name": "Ada Lovelace",
        "$phone": "+44 20 7946 0000", "$created": "2024-01-02T03:04:05.000Z", "plan": "pro", "logins": 5,
        "id": USER_ID}
    assert not {"email", "firstName", "lastName", "createdAt", "phone"} & set(profile)


def test_every_call_of_the_segment_table_reaches_mixpanel(tmp_path, page):
    tracks = [c.event for c in CALLS if c.method == "track"]
    after = "\nanalytics.track('After Reset', {});"
    got = _visit(tmp_path, page, {}, CALLS, lambda r: r.named("After Reset") and r.named("$create_alias"), after)

    names = got.event_names()
    assert [n for n in names if n in tracks] == tracks
    assert names.count("Loaded a Page") == 3  # the named, the categorized and the unnamed page
    # no property of any event is a list of objects: Mixpanel cannot query those (Segment flattens them)
    for event in got.events:
        for key, value in event["properties"].items():
            assert not (isinstance(value, list) and any(isinstance(v, dict) for v in value)), (event["event"], key)
    [filtered] = got.named("Product List Filtered")
    assert filtered["filters_types"] == ["brand"] and filtered["sorts_values"] == ["desc"]
    assert filtered["products_skus"] == ["SKU-1"]
    [alias] = got.named("$create_alias")
    assert alias["alias"] == "u2"
    # people is off and no groupIdentifierTraits: no profile or group update, as with Segment (the SDK itself
    # still sets the initial referrer once on identify)
    assert got.groups == [] and got.people_ops("$set") == {} and got.people_ops("$union") == {}
    [after_reset] = got.named("After Reset")
    assert after_reset["distinct_id"] not in (USER_ID, "u2")


def test_reserved_properties_are_stripped_and_the_source_name_added(tmp_path, page):
    reserved = {"distinct_id": "someone-else", "token": "other-project", "ip": "10.1.2.3", "mp_note": "n",
                "mp_name_tag": "tag", "video_id": "v-9"}
    got = _visit(tmp_path, page, {"sourceName": "Storefront"},
                 (IDENTIFY, Call("track", ("Video Played", reserved))), lambda r: r.named("Video Played"))

    [played] = got.named("Video Played")
    assert played["distinct_id"] == USER_ID and played["token"] == TOKEN
    assert "ip" not in played and "mp_note" not in played
    assert played["mp_name_tag"] == "ada@example.com"  # the SDK's own tag, not the property
    assert played["segment_source_name"] == "Storefront" and played["video_id"] == "v-9"


def test_group_sets_the_group_identifier_traits_not_a_company_key(tmp_path, page):
    group = Call("group", (GROUP_ID, GROUP_TRAITS))
    got = _visit(tmp_path, page, {"groupIdentifierTraits": ["company_id"]}, (IDENTIFY, group),
                 lambda r: r.groups and r.people_ops("$set").get("company_id"))

    assert got.groups == [{"$set_once": GROUP_TRAITS, "$group_key": "company_id", "$group_id": GROUP_ID,
                           "$token": TOKEN}]
    assert got.people_ops("$set")["company_id"] == [GROUP_ID]
    assert [g for g in got.groups if g["$group_key"] == "company"] == []
    assert "company" not in got.people_ops("$set")


def test_people_counts_events_and_properties_and_tracks_the_charge(tmp_path, page):
    settings = {"people": True, "eventIncrements": ["order completed"], "propIncrements": ["Revenue"]}
    got = _visit(tmp_path, page, settings, (IDENTIFY, *calls_named("Order Completed")),
                 lambda r: len(r.people_ops("$add")) >= 2 and "Last Order Completed" in r.people_ops("$set"),
                 before="mixpanel.set_config({debug: true});\n")  # the SDK then logs what it does

    assert got.people_ops("$add") == {"Order Completed": 1, "revenue": 99.5}
    assert "Last Order Completed" in got.people_ops("$set")
    # Segment calls people.track_charge(revenue); mixpanel-browser 2.83 takes it and says it has no effect
    assert [m for m in got.console if "track_charge() is deprecated" in m], got.console


def test_only_listed_traits_when_not_setting_all_traits_by_default(tmp_path, page):
    settings = {"people": True, "setAllTraitsByDefault": False, "superProperties": ["plan", "email"],
                "peopleProperties": ["logins"]}
    got = _visit(tmp_path, page, settings, (IDENTIFY, Call("track", ("Video Played", {"video_id": "v-9"}))),
                 lambda r: r.named("Video Played") and r.people_ops("$set"))

    [played] = got.named("Video Played")
    assert played["plan"] == "pro" and played["$email"] == "ada@example.com"
    assert "logins" not in played and "gender" not in played
    profile = got.people_ops("$set")
    assert profile["logins"] == 5 and profile["$email"] == "ada@example.com" and profile["$name"] == "Ada Lovelace"
    assert "plan" not in profile and "gender" not in profile


@pytest.mark.parametrize("settings, expected", [
    ({"consolidatedPageCalls": False, "trackNamedPages": True},
     ["Viewed Pricing Page", "Viewed Pricing Page"]),
    ({"consolidatedPageCalls": False, "trackCategorizedPages": True, "trackNamedPages": True},
     ["Viewed Pricing Page", "Viewed Docs Pricing Page"]),
    ({"consolidatedPageCalls": False}, []),
], ids=["named", "categorized", "none"])
def test_page_settings_name_page_events_as_segment_does(tmp_path, page, settings, expected):
    pages = (NAMED_PAGE, Call("page", ("Docs", "Pricing")), Call("page", ()), Call("track", ("Done", {})))
    got = _visit(tmp_path, page, settings, pages, lambda r: r.named("Done"))

    assert [n for n in got.event_names() if n not in ("Done",)] == expected


def test_eu_endpoint_and_cookie_settings_reach_the_sdk(tmp_path, page):
    settings = {"enableEuropeanUnionEndpoint": True, "persistence": "localStorage", "crossSubdomainCookie": True,
                "secureCookie": True, "cookieName": "acme"}
    got = _visit(tmp_path, page, settings, (Call("track", ("Video Played", {})),), lambda r: r.named("Video Played"))

    assert {request.host for request in got.vendor.api} == {"api-eu.mixpanel.com"}
    config = page.evaluate("""["api_host", "persistence", "cross_subdomain_cookie", "secure_cookie", "cookie_name"]
        .map(function (k) { return mixpanel.get_config(k); })""")
    assert config == ["https://api-eu.mixpanel.com", "localStorage", True, True, "acme"]


def test_catalog_carries_segments_mixpanel_settings_and_defaults(catalog):
    mixpanel = catalog.get("Mixpanel")
    defaults = mixpanel.public_settings({"token": TOKEN})
    assert {k: defaults[k] for k in ("consolidatedPageCalls", "trackAllPages", "trackNamedPages",
                                     "trackCategorizedPages", "crossSubdomainCookie", "secureCookie", "persistence",
                                     "people", "setAllTraitsByDefault", "enableEuropeanUnionEndpoint",
                                     "groupIdentifierTraits", "superProperties", "peopleProperties",
                                     "eventIncrements", "propIncrements", "sourceName", "nameTag")} == {
        "consolidatedPageCalls": True, "trackAllPages": False, "trackNamedPages": False,
        "trackCategorizedPages": False, "crossSubdomainCookie": False, "secureCookie": False,
        "persistence": "cookie", "people": False, "setAllTraitsByDefault": True,
        "enableEuropeanUnionEndpoint": False, "groupIdentifierTraits": [], "superProperties": [],
        "peopleProperties": [], "eventIncrements": [], "propIncrements": [], "sourceName": "", "nameTag": True}
    assert mixpanel.private_keys() == {"apiSecret", "serviceAccountUsername", "serviceAccountSecret"}
