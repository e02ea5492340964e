"""Lytics in a real Chromium, checked against Segment's classic Lytics integration (docs/DESTINATIONS.md#lytics).

The Lytics JavaScript tag is not on npm, so the stub (destination_snippets/stubs/lytics.js) checks every jstag call
against the tag's documented API: init(config with cid), send([stream,] data[, callback]), pageView([stream,] data);
nothing else exists on it, and nothing may be sent before init.
"""
from __future__ import annotations

from builder.workspace import load_workspace
from tests.support.segment_calls import CALLS, CUSTOM, ECOMMERCE, PII_TRAITS, USER_ID, Call
from tests.support.vendor_visit import PAGE_TITLE, PAGE_URL, REFERRER, destination_visit
from tests.support.workspaces import web_source, write_workspace

HANDLERS = ("identify", "track", "page")
PAGE = {"path": "/pricing", "referrer": REFERRER, "search": "", "title": PAGE_TITLE, "url": PAGE_URL}
SRC = "https://c.lytics.io/api/tag/ly-cid-1/latest.min.js"


def _lytics(**settings) -> dict:
    return {"destination": "Lytics", "name": "Lytics", "mode": "device", "settings": {"cid": "ly-cid-1", **settings}}


def test_the_segment_call_table_maps_like_segments_lytics(tmp_path, page):
    with destination_visit(tmp_path, page, _lytics()) as visit:
        visit.drive(CALLS, HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()] == [
            ("init", [{"cid": "ly-cid-1", "stream": "default", "cookie": "seerid", "blockload": False,
                       "loadid": False, "delay": 2000, "sessecs": 1800, "url": "//c.lytics.io", "src": SRC}]),
            ("send", ["default", {**PII_TRAITS, "user_id": USER_ID}]),
            ("send", ["default", {**CUSTOM, "_e": "Video Played"}]),
            *[("send", ["default", {**call.args[1], "_e": call.args[0]}]) for call in ECOMMERCE],
            ("send", ["default", {**PAGE, "_e": "Pricing"}]),
            ("send", ["default", {**PAGE, "category": "Docs", "_e": "Pricing"}]),
            ("send", ["default", PAGE]),
        ]
        assert visit.stubs.requested == {"lytics": 1}
        assert page.evaluate("document.querySelector('script[src*=\"c.lytics.io\"]').src") == SRC


def test_track_sends_no_user_id_and_page_is_a_send_with_the_name_as_event(tmp_path, page):
    calls = (Call("identify", (USER_ID, {"plan": "pro"})), Call("track", ("Signed Up", {"plan": "pro"})),
             Call("page", ("Docs", "Pricing", {"section": "api"})))
    with destination_visit(tmp_path, page, _lytics(stream="web")) as visit:
        visit.drive(calls, HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()[1:]] == [
            ("send", ["web", {"plan": "pro", "user_id": USER_ID}]),
            ("send", ["web", {"plan": "pro", "_e": "Signed Up"}]),
            ("send", ["web", {**PAGE, "section": "api", "category": "Docs", "_e": "Pricing"}]),
        ]


def test_identify_without_a_user_id_sends_an_id_trait_as_user_id(tmp_path, page):
    calls = (Call("identify", ({"id": "crm-7", "email": "ada@example.com"},)), Call("identify", ({"plan": "x"},)))
    with destination_visit(tmp_path, page, _lytics()) as visit:
        visit.drive(calls, HANDLERS)
        assert [c["args"][1] for c in visit.calls("send")] == [
            {"email": "ada@example.com", "user_id": "crm-7"},
            {"email": "ada@example.com", "user_id": "crm-7", "plan": "x"}]


def test_segments_options_reach_the_tag_config(tmp_path, page):
    settings = {"stream": "web", "cookie": "ly_id", "blockload": True, "loadid": True, "delay": 500,
                "sessionTimeout": 600, "url": "//c.eu.lytics.io"}
    with destination_visit(tmp_path, page, _lytics(**settings)) as visit:
        visit.drive((), HANDLERS)
        assert visit.calls("init")[0]["args"] == [{"cid": "ly-cid-1", "stream": "web", "cookie": "ly_id",
                                                   "blockload": True, "loadid": True, "delay": 500, "sessecs": 600,
                                                   "url": "//c.eu.lytics.io", "src": SRC}]


def test_segments_settings_json_imports_unchanged(tmp_path, catalog):
    segment = {"cid": "ly-cid-1", "stream": "default", "cookie": "seerid", "blockload": False, "loadid": False,
               "delay": 2000, "sessionTimeout": 1800, "url": "//c.lytics.io"}
    imported = web_source("site", destinations=[{**_lytics(), "settings": segment}])
    assert load_workspace(write_workspace(tmp_path, sources={"site": imported}), catalog).all_problems() == []


def test_the_stub_refuses_calls_outside_the_tags_api(tmp_path, page):
    with destination_visit(tmp_path, page, _lytics()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("jstag.send('web', 'x'); jstag.send('', {a: 1}); jstag.pageView('web', {}, 3);"
                      "window.__threw = typeof jstag.track")
        assert visit.vendor_errors() == ["send data must be an object", "the stream must be a non-empty string",
                                         "pageView takes a callback function last"]
        assert page.evaluate("window.__threw") == "undefined"
