"""Google Tag Manager in a real Chromium, checked against Segment's classic integration (docs/DESTINATIONS.md).

gtm.js is not on npm, so the stub (destination_snippets/stubs/google-tag-manager.js) checks what reaches the data
layer against GTM's documented shape (plain objects, `event` a non-empty string, the container snippet's gtm.start)
and the script URL (id=GTM-..., l=<data layer>).
"""
from __future__ import annotations

import json

from tests.support.adapter_cases import ANY, Exactly, mismatch
from tests.support.segment_calls import ANONYMOUS_ID, CALLS, ECOMMERCE, USER_ID, Call
from tests.support.vendor_visit import PAGE_TITLE, PAGE_URL, REFERRER, destination_visit

HANDLERS = ("track", "page")
IDS = {"userId": USER_ID, "segmentAnonymousId": ANONYMOUS_ID}
PAGE = {"path": "/pricing", "referrer": REFERRER, "search": "", "title": PAGE_TITLE, "url": PAGE_URL}
NAMED = {**PAGE, "name": "Pricing"}
CATEGORIZED = {**NAMED, "category": "Docs"}


def _gtm(**settings) -> dict:
    return {"destination": "Google Tag Manager", "name": "GTM", "mode": "device",
            "settings": {"containerId": "GTM-ABC123", **settings}}


def _pushed(visit) -> list[dict]:
    return [c["args"][0] for c in visit.calls("dataLayer.push")]


def _script_src(page) -> str:
    return page.evaluate("document.querySelector('script[src*=\"id=GTM-\"]').src")


EXPECTED = [
    Exactly({"gtm.start": ANY, "event": "gtm.js"}),
    Exactly({"video_id": "v-9", "position": 12, "nested": {"a": 1}, "tags": ["x", "y"], **IDS, "event": "Video Played"}),
    *[Exactly({**call.args[1], **IDS, "event": call.args[0]}) for call in ECOMMERCE],
    Exactly({**NAMED, **IDS, "event": "Viewed Pricing Page"}),
    Exactly({**CATEGORIZED, **IDS, "event": "Viewed Docs Page"}),
    Exactly({**CATEGORIZED, **IDS, "event": "Viewed Docs Pricing Page"}),
]


def test_the_segment_call_table_maps_like_segments_google_tag_manager(tmp_path, page):
    with destination_visit(tmp_path, page, _gtm()) as visit:
        visit.drive(CALLS, HANDLERS)
        pushed = _pushed(visit)
        assert len(pushed) == len(EXPECTED), json.dumps(pushed, indent=1)
        problems = [f"push {i}: {why}" for i, (want, got) in enumerate(zip(EXPECTED, pushed))
                    if (why := mismatch(want, got)) is not None]
        assert not problems, "\n".join(problems)
        assert _script_src(page) == "https://www.googletagmanager.com/gtm.js?id=GTM-ABC123&l=dataLayer"


def test_events_carry_segment_anonymous_id_and_the_user_id_only_once_known(tmp_path, page):
    with destination_visit(tmp_path, page, _gtm()) as visit:
        visit.drive((Call("track", ("Before", {})), Call("identify", (USER_ID,)), Call("track", ("After", {}))),
                    HANDLERS)
        before, after = _pushed(visit)[1:]
        assert before == {"segmentAnonymousId": ANONYMOUS_ID, "event": "Before"}
        assert after == {"userId": USER_ID, "segmentAnonymousId": ANONYMOUS_ID, "event": "After"}


def test_environment_is_loaded_as_segment_appends_it(tmp_path, page):
    env = "env-3&gtm_auth=abc123&gtm_cookies_win=x"
    with destination_visit(tmp_path, page, _gtm(environment=env)) as visit:
        visit.drive((), HANDLERS)
        assert _script_src(page) == ("https://www.googletagmanager.com/gtm.js?id=GTM-ABC123&l=dataLayer"
                                     "&gtm_preview=env-3&gtm_auth=abc123&gtm_cookies_win=x")
        assert visit.stubs.requested == {"google-tag-manager": 1}


def test_first_party_gtm_path_is_loaded_from_its_host(tmp_path, page):
    with destination_visit(tmp_path, page, _gtm(fullURLpath="gtm.shop.example/metrics/gtm.js")) as visit:
        visit.drive((), HANDLERS)
        assert _script_src(page) == "https://gtm.shop.example/metrics/gtm.js?id=GTM-ABC123&l=dataLayer"


def test_page_settings_choose_loaded_categorized_and_named_page_events(tmp_path, page):
    calls = (Call("page", ("Docs", "Pricing")), Call("page", ()))
    with destination_visit(tmp_path, page, _gtm(trackAllPages=True, trackNamedPages=False)) as visit:
        visit.drive(calls, HANDLERS)
        assert [p["event"] for p in _pushed(visit)[1:]] == ["Loaded a Page", "Viewed Docs Page", "Loaded a Page"]


def test_categorized_pages_can_be_turned_off(tmp_path, page):
    with destination_visit(tmp_path, page, _gtm(trackCategorizedPages=False)) as visit:
        visit.drive((Call("page", ("Docs", "Pricing")),), HANDLERS)
        assert [p["event"] for p in _pushed(visit)[1:]] == ["Viewed Docs Pricing Page"]


def test_the_stub_refuses_what_the_data_layer_does_not_take(tmp_path, page):
    with destination_visit(tmp_path, page, _gtm()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("dataLayer.push(['event', 'x']); dataLayer.push({event: ''}); dataLayer.push({event: 'ok'})")
        assert visit.vendor_errors() == ["the data layer takes objects", "event must be a non-empty string"]
        assert [c["method"] for c in visit.calls()][-3:] == ["invalid:dataLayer.push", "invalid:dataLayer.push",
                                                            "dataLayer.push"]
