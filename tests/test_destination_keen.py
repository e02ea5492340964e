"""Keen in a real Chromium with the real keen-tracking.js, checked against Segment's classic Keen IO integration.

keen-tracking's browser build (npm `keen-tracking`, dist/keen-tracking.min.js) is served at the URL the adapter
loads; what it POSTs to api.keen.io/3.0/projects/<id>/events/<collection> is decoded and compared with what
Segment's integration (analytics.js-integrations, integrations/keen-io) records: identify sets global properties
{user: {userId, traits}} that every later event carries, page calls become "Loaded a Page", "Viewed <category>
<name> Page" and "Viewed <category> Page", each event carries the enabled add-ons and keen.timestamp.
See docs/DESTINATIONS.md, "Keen".
"""
from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

import pytest

from tests.support.adapter_cases import Exactly, Like, mismatch
from tests.support.live import live_workspace, test_page
from tests.support.npm_sdks import ApiRequest, RealVendor, npm_file
from tests.support.segment_calls import CALLS, ECOMMERCE, ORDER, PII_TRAITS, USER_ID, Call, drive_script
from tests.support.workspaces import web_source

SDK_URL = "https://cdn.jsdelivr.net/npm/keen-tracking@5/dist/keen-tracking.min.js"
PROJECT, WRITE_KEY, READ_KEY, MASTER_KEY = "kp-5f1e", "keen-write-key-1", "keen-read-key-2b2b", "keen-master-3c3c"
REFERRER = "https://google.com/"
TIMESTAMP = Like(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
PAGE_CALLS = tuple(c for c in CALLS if c.method == "page")   # a named, a categorized and an unnamed page
SENTINEL = Call("track", ("Visit Done", {}))
ADDONS = [
    {"name": "keen:ip_to_geo", "input": {"ip": "ip_address"}, "output": "ip_geo_info"},
    {"name": "keen:ua_parser", "input": {"ua_string": "user_agent"}, "output": "parsed_user_agent"},
    {"name": "keen:url_parser", "input": {"url": "page_url"}, "output": "parsed_page_url"},
    {"name": "keen:referrer_parser", "input": {"referrer_url": "referrer_url", "page_url": "page_url"},
     "output": "referrer_info"},
]


def _answer(request: ApiRequest) -> tuple[int, str, str]:
    """Answer an event POST as Keen's API does."""
    return 201, "application/json", json.dumps({"created": True})


def _keen(**settings: Any) -> dict[str, Any]:
    return {"destination": "Keen", "name": "Keen", "mode": "device",
            "settings": {"projectId": PROJECT, "writeKey": WRITE_KEY, "readKey": READ_KEY, "masterKey": MASTER_KEY,
                         **settings}}


@contextmanager
def _visit(tmp_path, page, **settings: Any) -> Iterator[tuple[RealVendor, Any]]:  # type: ignore[no-untyped-def]
    """Serve a site with Keen, the real keen-tracking.js and a local api.keen.io; open it and wait for ready."""
    sources = {"site": web_source("site", destinations=[_keen(**settings)])}
    with live_workspace(tmp_path, sources) as (cdn, _):
        vendor = RealVendor(cdn.url, scripts={SDK_URL: npm_file("keen-tracking/dist/keen-tracking.min.js")},
                            api_hosts=("api.keen.io",), answer=_answer).install(page)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        cdn.pages["/pricing.html"] = test_page(cdn.url, "wk_site", "analytics.ready(function () { window.__ready = 1; });",
                                               page=False)
        page.goto(cdn.url + "/pricing.html", referer=REFERRER)
        page.wait_for_function("window.__ready === 1 && analytics.destinations().Keen.state === 'ready'",
                               timeout=10_000)
        yield vendor, cdn
        assert errors == []
        assert vendor.requested == {SDK_URL: 1}
        assert vendor.refused == []


def _events(page, vendor: RealVendor, count: int, timeout: float = 10.0) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """Wait (bounded) until the SDK has sent `count` events; return (collection, body) in the order it sent them."""
    deadline = time.monotonic() + timeout
    while len(vendor.api) < count and time.monotonic() < deadline:
        page.wait_for_timeout(50)   # lets Playwright answer the SDK's requests meanwhile
    events = []
    for request in vendor.api:
        prefix = f"/3.0/projects/{PROJECT}/events/"
        assert request.method == "POST" and request.path.startswith(prefix), request.url
        events.append((unquote(request.path[len(prefix):]), json.loads(request.body)))
    return events


def _assert_matches(expected: Any, actual: Any, where: str) -> None:
    problem = mismatch(expected, actual, where)
    assert problem is None, f"{problem}\nsent: {json.dumps(actual, indent=1)[:3000]}"


def test_identify_then_an_order_and_a_named_page_reach_keen_with_the_user_and_its_traits(tmp_path, page):
    """Acceptance; the old adapter sent user {userId, anonymousId} without traits."""
    order = {"order_id": ORDER["order_id"], "revenue": ORDER["revenue"], "products": ORDER["products"]}
    with _visit(tmp_path, page) as (vendor, cdn):
        page.evaluate(drive_script((Call("identify", (USER_ID, {"email": "ada@example.com"})),
                                    Call("track", ("Order Completed", order)), Call("page", ("Pricing",)))))
        events = _events(page, vendor, 2)

        user = Exactly({"userId": USER_ID, "traits": Exactly({"email": "ada@example.com", "id": USER_ID})})
        keen = Exactly({"timestamp": TIMESTAMP, "addons": []})
        assert [collection for collection, _ in events] == ["Order Completed", "Viewed Pricing Page"]
        _assert_matches(Exactly({**order, "user": user, "keen": keen}), events[0][1], "Order Completed")
        _assert_matches(Exactly({"name": "Pricing", "path": "/pricing.html", "url": cdn.url + "/pricing.html",
                                 "title": "Test page", "referrer": REFERRER, "search": "", "user": user,
                                 "keen": keen}), events[1][1], "Viewed Pricing Page")
        sent = json.dumps([e for e in events]) + "".join(r.url for r in vendor.api)
        published = "".join(urllib.request.urlopen(cdn.url + path, timeout=5).read().decode()
                            for path in ("/v1/projects/wk_site/settings", "/analytics.js/v1/wk_site/analytics.min.js"))
        for secret in (READ_KEY, MASTER_KEY):
            assert secret not in sent and secret not in published


@pytest.mark.parametrize(("settings", "expected"), [
    ({}, ["Viewed Pricing Page", "Viewed Docs Pricing Page", "Viewed Docs Page"]),
    ({"trackAllPages": True}, ["Loaded a Page", "Viewed Pricing Page", "Loaded a Page", "Viewed Docs Pricing Page",
                               "Viewed Docs Page", "Loaded a Page"]),
    ({"trackCategorizedPages": False}, ["Viewed Pricing Page", "Viewed Docs Pricing Page"]),
    ({"trackNamedPages": False, "trackCategorizedPages": False}, []),
], ids=["defaults", "all-pages", "no-categorized", "no-page-events"])
def test_named_and_categorized_pages_are_recorded_as_segment_names_them(tmp_path, page, settings, expected):
    """The old adapter lost the categorized page event ("Viewed Docs Page") and had no trackCategorizedPages."""
    with _visit(tmp_path, page, **settings) as (vendor, _):
        page.evaluate(drive_script(PAGE_CALLS + (SENTINEL,)))
        events = _events(page, vendor, len(expected) + 1)

        assert [collection for collection, _ in events] == [*expected, "Visit Done"]
        for collection, body in events[:-1]:
            assert body["keen"]["timestamp"] and "user" not in body   # nobody identified yet


def test_the_segment_call_table_reaches_keen_as_segment_maps_it(tmp_path, page):
    """Every call of the shared table, with every add-on on: what keen-tracking sends, body by body."""
    settings = {"trackAllPages": True, "ipAddon": True, "uaAddon": True, "urlAddon": True, "referrerAddon": True}
    tracks = [c for c in CALLS if c.method == "track"]
    pages = ["Loaded a Page", "Viewed Pricing Page", "Loaded a Page", "Viewed Docs Pricing Page", "Viewed Docs Page",
             "Loaded a Page"]
    with _visit(tmp_path, page, **settings) as (vendor, cdn):
        page.evaluate(drive_script(CALLS + (SENTINEL,)))
        events = _events(page, vendor, len(tracks) + len(pages) + 1)

        assert [c for c, _ in events] == [c.event for c in tracks] + pages + ["Visit Done"]
        url = cdn.url + "/pricing.html"
        user = Exactly({"userId": USER_ID, "traits": Exactly({**PII_TRAITS, "id": USER_ID})})
        enriched = {"user": user, "ip_address": "${keen.ip}", "user_agent": "${keen.user_agent}", "page_url": url,
                    "referrer_url": REFERRER, "keen": Exactly({"timestamp": TIMESTAMP, "addons": ADDONS})}
        for call, (collection, body) in zip(tracks, events):
            _assert_matches(Exactly({**call.args[1], **enriched}), body, collection)
        page_props = {"path": "/pricing.html", "url": url, "title": "Test page", "referrer": REFERRER, "search": ""}
        named = {**page_props, "name": "Pricing"}
        categorized = {**named, "category": "Docs"}
        for props, (collection, body) in zip([named, named, categorized, categorized, categorized, page_props],
                                             events[len(tracks):-1]):
            _assert_matches(Exactly({**props, **enriched}), body, collection)
        assert len(ECOMMERCE) == len(tracks) - 1   # every ecommerce event is recorded under its own name


def test_a_second_identify_replaces_the_user_every_later_event_carries(tmp_path, page):
    """identify sets Keen's global properties (not an accumulation): the latest user and traits travel."""
    with _visit(tmp_path, page) as (vendor, _):
        page.evaluate(drive_script((Call("identify", ("u1", {"plan": "free"})), Call("track", ("First", {})),
                                    Call("identify", ("u1", {"plan": "pro", "seats": 3})),
                                    Call("track", ("Second", {})))))
        events = _events(page, vendor, 2)

        assert [c for c, _ in events] == ["First", "Second"]
        assert events[0][1]["user"] == {"userId": "u1", "traits": {"plan": "free", "id": "u1"}}
        assert events[1][1]["user"] == {"userId": "u1", "traits": {"plan": "pro", "seats": 3, "id": "u1"}}
