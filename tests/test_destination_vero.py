"""Vero in a real Chromium, checked against Segment's classic Vero integration (docs/DESTINATIONS.md#vero).

Vero's browser library m.js is not on npm (npm's @getvero/tracking is a different, HTTP-API client), so the stub
(destination_snippets/stubs/vero.js) checks every _veroq command against Vero's documented JavaScript API: init,
user (an id or an email), track (name, data, extras), trackPageview, reidentify, unsubscribe/resubscribe and tags.
"""
from __future__ import annotations

from builder.workspace import load_workspace
from tests.support.segment_calls import CALLS, CUSTOM, ECOMMERCE, ORDER, PII_TRAITS, USER_ID, Call
from tests.support.vendor_visit import destination_visit
from tests.support.workspaces import web_source, write_workspace

HANDLERS = ("identify", "track", "page", "alias")
SOURCE = {"source": "segment"}


def _vero(**settings) -> dict:
    return {"destination": "Vero", "name": "Vero", "mode": "device", "settings": {"apiKey": "vero-key-1", **settings}}


def _tracks(call: Call) -> list[tuple[str, list]]:
    event, properties = call.args
    fanned = [("track", ["Ordered Product", p, SOURCE]) for p in properties["products"]] \
        if event == "Order Completed" else []
    return [*fanned, ("track", [event, properties, SOURCE])]


def test_the_segment_call_table_maps_like_segments_vero(tmp_path, page):
    with destination_visit(tmp_path, page, _vero()) as visit:
        visit.drive(CALLS, HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()] == [
            ("init", [{"api_key": "vero-key-1"}]),
            ("user", [{**PII_TRAITS, "id": USER_ID}]),
            ("track", ["Video Played", CUSTOM, SOURCE]),
            *[entry for call in ECOMMERCE for entry in _tracks(call)],
            ("trackPageview", []), ("trackPageview", []), ("trackPageview", []),
            ("reidentify", ["u2", USER_ID]),
        ]
        assert visit.stubs.requested == {"vero": 1}


def test_order_completed_fans_out_one_ordered_product_per_product_first(tmp_path, page):
    with destination_visit(tmp_path, page, _vero()) as visit:
        visit.drive((Call("track", ("Order Completed", ORDER)),), HANDLERS)
        assert [c["args"][0] for c in visit.calls("track")] == ["Ordered Product", "Ordered Product", "Order Completed"]
        assert [c["args"][1]["product_id"] for c in visit.calls("track")[:2]] == ["p-1", "p-2"]


def test_unsubscribe_events_unsubscribe_the_user_in_properties_id(tmp_path, page):
    calls = (Call("track", ("Email Unsubscribed", {"id": "u-9", "list": "news"})),
             Call("track", ("unsubscribe", {"id": "u-10"})),
             Call("track", ("Resubscribed", {"id": "u-9"})))
    with destination_visit(tmp_path, page, _vero()) as visit:
        visit.drive(calls, HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()[1:]] == [
            ("unsubscribe", [{"id": "u-9"}]), ("unsubscribe", [{"id": "u-10"}]),
            ("track", ["Resubscribed", {"id": "u-9"}, SOURCE]),   # as Segment: only /[uU]nsubscribe/ is special
        ]


def test_identify_needs_a_user_id_or_an_email(tmp_path, page):
    calls = (Call("identify", ({"plan": "free"},)), Call("identify", ({"email": "ada@example.com"},)))
    with destination_visit(tmp_path, page, _vero()) as visit:
        visit.drive(calls, HANDLERS)
        assert [c["args"] for c in visit.calls("user")] == [[{"plan": "free", "email": "ada@example.com"}]]


def test_tags_from_the_integrations_option_follow_the_call(tmp_path, page):
    tags = {"integrations": {"Vero": {"tags": {"id": USER_ID, "action": "add", "values": ["vip", "beta"]}}}}
    calls = (Call("identify", (USER_ID, {"email": "ada@example.com"}, tags)),
             Call("track", ("Signed Up", {"plan": "pro"}, tags)),
             Call("page", ("Pricing", {}, {"integrations": {"Vero": {"tags": {"action": "remove", "values": ["trial"]}}}})))
    with destination_visit(tmp_path, page, _vero()) as visit:
        visit.drive(calls, HANDLERS)
        assert [c["method"] for c in visit.calls()[1:]] == ["user", "tags", "track", "tags", "trackPageview", "tags"]
        assert [c["args"] for c in visit.calls("tags")] == [[{"add": ["vip", "beta"], "id": USER_ID}],
                                                             [{"add": ["vip", "beta"], "id": USER_ID}],
                                                             [{"remove": ["trial"]}]]


def test_segments_settings_import_unchanged_and_api_key_is_required(tmp_path, catalog):
    imported = web_source("site", destinations=[_vero()])  # Segment's settings JSON for Vero: {"apiKey": ...}
    assert load_workspace(write_workspace(tmp_path / "new", sources={"site": imported}), catalog).all_problems() == []
    missing = web_source("site", destinations=[{**_vero(), "settings": {}}])
    problems = load_workspace(write_workspace(tmp_path / "old", sources={"site": missing}), catalog).all_problems()
    assert [p.code for p in problems] == ["R10-setting-required"] and "'apiKey'" in problems[0].message


def test_the_stub_refuses_commands_outside_veros_api(tmp_path, page):
    with destination_visit(tmp_path, page, _vero()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("_veroq.push(['user', {name: 'x'}]); _veroq.push(['track', '', {}]);"
                      "_veroq.push(['identify', {id: 'u'}]); _veroq.push(['tags', {id: 'u'}])")
        assert visit.vendor_errors() == ["user needs an id or an email", "track takes (name, data, extras)",
                                         "unknown _veroq command identify", "tags needs an add or remove list"]
