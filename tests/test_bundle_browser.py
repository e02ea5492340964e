"""The bundle in a real headless Chromium: loaded by the standard snippet, it replays the buffered calls in order
with their page context, fires `ready`, and sends track/identify/page to the collector."""
from __future__ import annotations

from tests.support.live import live_workspace, test_page
from tests.support.workspaces import web_source

QUEUED = """
window.__order = [];
analytics.addSourceMiddleware(function (c) { window.__order.push(c.payload.obj.type); c.next(c.payload); });
analytics.ready(function () { window.__ready = true; });
analytics.page();
analytics.identify("user-1", {plan: "pro"});
analytics.track("Order Completed", {total: 42});
"""


def test_snippet_calls_are_replayed_in_order_and_delivered(tmp_path, page):
    with live_workspace(tmp_path, {"site": web_source("site")}) as (cdn, _):
        head = '<link rel="canonical" href="https://shop.example/landing">'
        cdn.pages["/shop.html"] = test_page(cdn.url, "wk_site", QUEUED, head=head, title="Shop", page=False)
        page.goto(cdn.url + "/shop.html?utm_source=news&utm_campaign=spring")
        page.wait_for_function("window.__ready === true", timeout=10_000)
        events = cdn.wait_for_events(3)
        assert page.evaluate("window.__order") == ["page", "identify", "track"]
        by_type = {e["type"]: e for e in events}
        assert sorted(by_type) == ["identify", "page", "track"]
        assert {e["_path"] for e in events} == {"p", "i", "t"}
        for event in events:
            assert event["writeKey"] == "wk_site"
            assert event["anonymousId"] and event["messageId"] and event["sentAt"]
            assert event["context"]["library"]["name"] == "analytics.js"
            assert event["context"]["userAgent"].startswith("Mozilla/5.0")
            assert event["context"]["locale"] and event["context"]["timezone"]
            assert event["timestamp"].endswith("Z") and event["integrations"] == {}
            assert event["_metadata"] == {"bundled": ["Segment.io"], "bundledIds": [], "unbundled": []}
        # the buffered page context: the canonical URL, the real path and search, the title
        context = by_type["page"]["context"]["page"]
        assert context["url"] == "https://shop.example/landing?utm_source=news&utm_campaign=spring"
        assert context["path"] == "/landing"
        assert context["title"] == "Shop"
        assert by_type["page"]["context"]["campaign"] == {"source": "news", "name": "spring"}
        assert by_type["track"]["event"] == "Order Completed"
        assert by_type["track"]["properties"] == {"total": 42}
        assert by_type["identify"]["userId"] == "user-1" and by_type["track"]["userId"] == "user-1"
        assert by_type["identify"]["traits"] == {"plan": "pro"}

        # after load, calls go straight through the real API
        assert page.evaluate("window.analytics.initialized") is True
        page.evaluate("analytics.track('Later')")
        later = cdn.wait_for_events(4)
        assert any(e.get("event") == "Later" for e in later)
