"""Hotjar in a real Chromium, checked against Segment's classic integration (docs/DESTINATIONS.md).

Hotjar's script is not on npm, so the stub (destination_snippets/stubs/hotjar.js) checks every hj() command against
Hotjar's documented API: identify(userId | null, flat attributes), event(name), stateChange(path).
"""
from __future__ import annotations

from builder.workspace import load_workspace
from tests.support.segment_calls import CALLS, ECOMMERCE, PII_TRAITS, USER_ID, Call
from tests.support.vendor_visit import destination_visit
from tests.support.workspaces import web_source, write_workspace

HANDLERS = ("identify", "track")
FLAT_TRAITS = {k: v for k, v in PII_TRAITS.items() if k != "address"}


def _hotjar(**settings) -> dict:
    return {"destination": "Hotjar", "name": "Hotjar", "mode": "device", "settings": {"hjid": 1234567, **settings}}


def test_the_segment_call_table_maps_like_segments_hotjar(tmp_path, page):
    with destination_visit(tmp_path, page, _hotjar()) as visit:
        visit.drive(CALLS, HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()] == [
            ("settings", [{"hjid": 1234567, "hjsv": 6}]),
            ("identify", [USER_ID, FLAT_TRAITS]),
            ("event", ["Video Played"]),
            *[("event", [call.args[0]]) for call in ECOMMERCE],
        ]
        assert visit.stubs.requested == {"hotjar": 1}
        assert page.evaluate("document.querySelector('script[src*=\"hotjar-\"]').src") == \
            "https://static.hotjar.com/c/hotjar-1234567.js?sv=6"


def test_identify_needs_a_user_id_and_sends_flat_traits_without_id(tmp_path, page):
    traits = {"id": "crm-1", "plan": "pro", "tags": ["a"], "company": {"name": "Acme"}, "vip": True}
    with destination_visit(tmp_path, page, _hotjar()) as visit:
        visit.drive((Call("identify", ({"plan": "free"},)), Call("identify", (USER_ID, traits))), HANDLERS)
        assert [c["args"] for c in visit.calls("identify")] == [[USER_ID, {"plan": "pro", "vip": True}]]


def test_segments_settings_key_hjid_is_required_and_site_id_names_it(tmp_path, catalog):
    old = web_source("site", destinations=[{"destination": "Hotjar", "name": "Hotjar", "mode": "device",
                                            "settings": {"siteId": "1234567"}}])
    root = write_workspace(tmp_path / "old", sources={"site": old})
    problems = load_workspace(root, catalog).all_problems()
    renamed = [p for p in problems if p.code == "C-setting-unknown"]
    assert len(renamed) == 1 and "'siteId' is now 'hjid' (Segment's key)" in renamed[0].message
    assert any(p.code == "R10-setting-required" and "'hjid'" in p.message for p in problems)

    imported = web_source("site", destinations=[_hotjar(hjPlaceholderPolyfill=True)])  # Segment's settings JSON
    assert load_workspace(write_workspace(tmp_path / "new", sources={"site": imported}), catalog).all_problems() == []


def test_the_stub_refuses_calls_outside_hotjars_api(tmp_path, page):
    with destination_visit(tmp_path, page, _hotjar()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("hj('event', 'Signed Up', {plan: 'pro'}); hj('identify', 'u', {address: {city: 'x'}});"
                      "hj('tagRecording', ['x'])")
        assert visit.vendor_errors() == ["event takes one event name",
                                         "attribute address is not a string, number, boolean or date",
                                         "unknown hj command tagRecording"]
