"""The runtime's identity and delivery in a real headless Chromium: identities persist like Analytics.js, and no
event is lost (or sent twice) while the collector fails, hangs, or the page reloads in between, and the outbox
stays within its documented bound."""
from __future__ import annotations

import threading
from collections import Counter

from tests.support.live import live_workspace, test_page
from tests.support.workspaces import web_source

READY = "analytics.ready(function () { window.__ready = true; });"


def _open(page, cdn, script=READY, path="/site.html"):
    cdn.pages[path] = test_page(cdn.url, "wk_site", script, page=False)
    page.goto(cdn.url + path)
    page.wait_for_function("window.__ready === true", timeout=10_000)


def test_identities_survive_a_reload_and_reset_clears_them(tmp_path, page):
    with live_workspace(tmp_path, {"site": web_source("site")}) as (cdn, _):
        _open(page, cdn, READY + "analytics.identify('u-42', {plan: 'pro'}); analytics.group('org-7', {seats: 3});")
        (identify, group) = sorted(cdn.wait_for_events(2), key=lambda e: e["type"])[::-1]
        anonymous_id = identify["anonymousId"]
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        assert cookies["ajs_user_id"] == "u-42"
        assert cookies["ajs_anonymous_id"] == anonymous_id
        assert page.evaluate("localStorage.getItem('ajs_user_traits')") == '{"plan":"pro"}'
        assert page.evaluate("localStorage.getItem('ajs_group_id')") == '"org-7"'

        _open(page, cdn)
        user = page.evaluate("[analytics.user().id(), analytics.user().anonymousId(), analytics.user().traits()]")
        assert user == ["u-42", anonymous_id, {"plan": "pro"}]
        assert page.evaluate("analytics.group().id()") == "org-7"
        page.evaluate("analytics.track('After reload')")
        after = [e for e in cdn.wait_for_events(3) if e.get("event") == "After reload"][0]
        assert (after["userId"], after["anonymousId"]) == ("u-42", anonymous_id)

        page.evaluate("analytics.reset()")
        assert page.evaluate("analytics.user().id()") is None
        assert page.evaluate("analytics.user().traits()") == {}
        assert page.evaluate("analytics.user().anonymousId()") != anonymous_id
        assert "ajs_user_id" not in {c["name"] for c in page.context.cookies()}


def test_a_site_switching_from_segment_keeps_its_visitors(tmp_path, page):
    with live_workspace(tmp_path, {"site": web_source("site")}) as (cdn, _):
        # what Analytics.js left behind: a JSON-quoted anonymous id cookie and traits in localStorage
        page.goto(cdn.url + "/nothing")
        page.context.add_cookies([{"name": "ajs_anonymous_id", "value": "%22legacy-anon-1%22", "url": cdn.url},
                                  {"name": "ajs_user_id", "value": "%22legacy-user%22", "url": cdn.url}])
        _open(page, cdn, READY + "analytics.track('Hello again')")
        (event,) = cdn.wait_for_events(1)
        assert (event["anonymousId"], event["userId"]) == ("legacy-anon-1", "legacy-user")


def test_events_survive_a_failing_then_hanging_collector_and_a_reload(tmp_path, page):
    with live_workspace(tmp_path, {"site": web_source("site")}) as (cdn, _):
        cdn.collector_status = 503
        _open(page, cdn, READY + "for (var i = 0; i < 5; i++) analytics.track('Down ' + i);")
        page.wait_for_function("Object.keys(localStorage).some(function (k) { return k.indexOf('bsq:') === 0 && "
                               "JSON.parse(localStorage.getItem(k)).items.every(function (i) { return i.attempts > 0 })"
                               " })", timeout=10_000)
        assert cdn.events == []

        hang = threading.Event()
        cdn.collector_hang = hang           # requests now get no answer until released
        page.evaluate("for (var i = 0; i < 3; i++) analytics.track('Hanging ' + i)")
        page.wait_for_function("Object.keys(localStorage).some(function (k) { return k.indexOf('bsq:') === 0 && "
                               "JSON.parse(localStorage.getItem(k)).items.length === 8 })", timeout=10_000)
        page.wait_for_timeout(1200)         # the hanging requests are now older than the page's patience

        _open(page, cdn, READY, path="/other.html")  # a reload of the site while the collector hangs
        cdn.collector_status = 200
        cdn.collector_hang = None
        hang.set()
        events = cdn.wait_for_events(8, timeout=30)
        page.wait_for_timeout(500)
        names = Counter(e["event"] for e in cdn.events)
        assert sorted(names) == sorted([f"Down {i}" for i in range(5)] + [f"Hanging {i}" for i in range(3)])
        ids = Counter(e["messageId"] for e in cdn.events)
        assert all(count == 1 for count in ids.values()), ids
        assert len(events) >= 8


def test_outbox_is_bounded_and_counts_what_it_drops(tmp_path, page):
    with live_workspace(tmp_path, {"site": web_source("site")}) as (cdn, _):
        cdn.collector_status = 503
        overflow = "window.__overflow = 0; analytics.on('outbox:overflow', function () { window.__overflow++; });"
        _open(page, cdn, READY + overflow + "for (var i = 0; i < 205; i++) analytics.track('Queued ' + i);")
        page.wait_for_function("window.__overflow === 5", timeout=10_000)
        stored = page.evaluate("Object.keys(localStorage).filter(function (k) { return k.indexOf('bsq:') === 0; })"
                               ".map(function (k) { return JSON.parse(localStorage.getItem(k)).items.length; })")
        assert stored == [200]
        assert page.evaluate("localStorage.getItem('bundlesmith_dropped')") == "5"

        cdn.collector_status = 200          # one more event pushes out a sixth; the 200 newest arrive, once each
        page.evaluate("analytics.track('Back')")
        cdn.wait_for_events(200, timeout=90)
        assert page.evaluate("localStorage.getItem('bundlesmith_dropped')") == "6"
        names = Counter(e["event"] for e in cdn.events)
        assert set(names) == {f"Queued {i}" for i in range(6, 205)} | {"Back"}
        assert all(count == 1 for count in names.values())
