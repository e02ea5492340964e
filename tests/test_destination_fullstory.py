"""FullStory in a real Chromium, checked against Segment's "Fullstory (Actions)" browser destination
(docs/DESTINATIONS.md#fullstory).

npm's @fullstory/browser (what Segment's destination uses) is only the snippet: it loads the recording script fs.js
from FullStory's edge, which is not on npm. So the stub (destination_snippets/stubs/fullstory.js) stands in for fs.js
and checks every FS() operation against FullStory's Browser API v2: setIdentity {uid, properties}, setProperties
{type: user | page, properties}, trackEvent {name, properties}, and a string source.
"""
from __future__ import annotations

from builder.workspace import load_workspace
from tests.support.segment_calls import ANONYMOUS_ID, CALLS, CUSTOM, ECOMMERCE, PII_TRAITS, USER_ID, Call
from tests.support.vendor_visit import PAGE_TITLE, PAGE_URL, REFERRER, destination_visit
from tests.support.workspaces import web_source, write_workspace

HANDLERS = ("identify", "track", "page")
SOURCE = "segment-browser-actions"
PAGE = {"path": "/pricing", "referrer": REFERRER, "search": "", "title": PAGE_TITLE, "url": PAGE_URL}
SNIPPET = {"org": "o-1AB-na1", "host": "fullstory.com", "script": "edge.fullstory.com/s/fs.js", "namespace": "FS"}


def _fullstory(**settings) -> dict:
    return {"destination": "FullStory", "name": "FullStory", "mode": "device",
            "settings": {"orgId": "o-1AB-na1", **settings}}


def _script(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("document.querySelector('script[src*=\"/fs\"]').src")


def test_the_segment_call_table_maps_like_segments_fullstory_actions(tmp_path, page):
    with destination_visit(tmp_path, page, _fullstory()) as visit:
        visit.drive(CALLS, HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()] == [
            ("snippet", [SNIPPET]),
            ("setIdentity", [{"uid": USER_ID, "properties": {**PII_TRAITS, "segmentAnonymousId": ANONYMOUS_ID,
                                                              "displayName": "Ada Lovelace"}}, SOURCE]),
            ("trackEvent", [{"name": "Video Played", "properties": CUSTOM}, SOURCE]),
            *[("trackEvent", [{"name": call.args[0], "properties": call.args[1]}, SOURCE]) for call in ECOMMERCE],
            ("setProperties", [{"type": "page", "properties": {"pageName": "Pricing", **PAGE, "name": "Pricing"}},
                               SOURCE]),
            ("setProperties", [{"type": "page", "properties": {"pageName": "Docs", **PAGE, "name": "Pricing",
                                                                "category": "Docs"}}, SOURCE]),
            ("setProperties", [{"type": "page", "properties": PAGE}, SOURCE]),
        ]  # group, alias and reset: nothing, as Segment's destination has no action for them
        assert visit.stubs.requested == {"fullstory": 1}
        assert _script(page) == "https://edge.fullstory.com/s/fs.js"


def test_a_categorized_page_is_named_by_its_category_and_keeps_its_properties(tmp_path, page):
    with destination_visit(tmp_path, page, _fullstory()) as visit:
        visit.drive((Call("page", ("Docs", "Pricing", {"section": "api"})),), HANDLERS)
        [call] = visit.calls("setProperties")
        assert call["args"][0]["properties"]["pageName"] == "Docs"
        assert call["args"][0]["properties"]["section"] == "api"


def test_identify_without_a_user_id_sets_user_properties_with_the_anonymous_id(tmp_path, page):
    with destination_visit(tmp_path, page, _fullstory()) as visit:
        visit.drive((Call("identify", ({"email": "ada@example.com", "name": "Ada"},)),), HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()[1:]] == [
            ("setProperties", [{"type": "user", "properties": {"email": "ada@example.com", "name": "Ada",
                                                                "segmentAnonymousId": ANONYMOUS_ID,
                                                                "displayName": "Ada"}}, SOURCE])]


def test_reset_leaves_the_fullstory_identity_alone_as_segment_does(tmp_path, page):
    with destination_visit(tmp_path, page, _fullstory()) as visit:
        visit.drive((Call("identify", (USER_ID, {"plan": "pro"})), Call("reset"), Call("track", ("After", {}))),
                    HANDLERS)
        assert [c["method"] for c in visit.calls()] == ["snippet", "setIdentity", "trackEvent"]


def test_debug_loads_the_debug_script_and_an_iframe_records_alone(tmp_path, page):
    with destination_visit(tmp_path, page, _fullstory(debug=True, recordOnlyThisIFrame=True)) as visit:
        visit.drive((), HANDLERS)
        assert _script(page) == "https://edge.fullstory.com/s/fs-debug.js"
        assert visit.calls("snippet")[0]["args"] == [{**SNIPPET, "script": "edge.fullstory.com/s/fs-debug.js",
                                                      "isOuterScript": True}]


def test_a_regional_org_id_uses_that_regions_hosts(tmp_path, page):
    settings = {"orgId": "o-9XY-eu1", "appHost": "app.fullstory.com"}
    with destination_visit(tmp_path, page, _fullstory(**settings)) as visit:
        visit.drive((), HANDLERS)
        assert _script(page) == "https://edge.eu1.fullstory.com/s/fs.js"
        assert visit.calls("snippet")[0]["args"] == [{"org": "o-9XY-eu1", "host": "eu1.fullstory.com",
                                                      "script": "edge.eu1.fullstory.com/s/fs.js", "namespace": "FS",
                                                      "appHost": "app.eu1.fullstory.com"}]


def test_a_custom_script_and_host_are_used_as_given(tmp_path, page):
    settings = {"orgId": "o-9XY-eu1", "host": "fs.acme.example", "script": "fs.acme.example/s/fs.js"}
    with destination_visit(tmp_path, page, _fullstory(**settings)) as visit:
        visit.drive((), HANDLERS)
        assert _script(page) == "https://fs.acme.example/s/fs.js"
        assert visit.calls("snippet")[0]["args"][0]["host"] == "fs.acme.example"


def test_segments_settings_keys_import_and_the_classic_org_key_names_org_id(tmp_path, catalog):
    segment = {"orgId": "o-1AB-na1", "debug": False, "recordOnlyThisIFrame": False, "host": "fullstory.com",
               "appHost": "app.fullstory.com", "script": "edge.fullstory.com/s/fs.js"}
    imported = web_source("site", destinations=[{**_fullstory(), "settings": segment}])
    assert load_workspace(write_workspace(tmp_path / "new", sources={"site": imported}), catalog).all_problems() == []

    classic = web_source("site", destinations=[{**_fullstory(), "settings": {"org": "o-1AB-na1",
                                                                           "isOuterScript": True}}])
    problems = load_workspace(write_workspace(tmp_path / "old", sources={"site": classic}), catalog).all_problems()
    renamed = sorted(p.message for p in problems if p.code == "C-setting-unknown")
    assert renamed == ["FullStory: 'isOuterScript' is now 'recordOnlyThisIFrame' (Segment's key); rename the setting",
                       "FullStory: 'org' is now 'orgId' (Segment's key); rename the setting"]
    assert any(p.code == "R10-setting-required" and "'orgId'" in p.message for p in problems)


def test_the_stub_refuses_operations_outside_fullstorys_api(tmp_path, page):
    with destination_visit(tmp_path, page, _fullstory()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("FS('setIdentity', {uid: 42}); FS('setProperties', {type: 'org', properties: {}});"
                      "FS('trackEvent', {properties: {}}); FS('event', {n: 'x'}); FS('trackEvent', {name: 'x'}, 7)")
        assert visit.vendor_errors() == ["setIdentity needs uid as a non-empty string",
                                         "setProperties needs type user or page", "trackEvent needs a non-empty name",
                                         "unknown FS operation event", "the source must be a string"]
