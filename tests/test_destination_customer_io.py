"""Customer.io in a real Chromium, checked against Segment's classic integration (docs/DESTINATIONS.md).

track.js is not on npm, so the stub (destination_snippets/stubs/customer-io.js) checks every _cio command against
Customer.io's documented JavaScript API: identify(attributes with an id), track(name, data), page(name, data).
"""
from __future__ import annotations

from builder.workspace import load_workspace
from tests.support.segment_calls import CALLS, ECOMMERCE, GROUP_ID, PII_TRAITS, USER_ID, Call
from tests.support.vendor_visit import PAGE_TITLE, PAGE_URL, REFERRER, destination_visit
from tests.support.workspaces import web_source, write_workspace

HANDLERS = ("identify", "track", "page", "group")
CREATED_AT, BIRTHDAY = 1704164645, 660787200  # PII_TRAITS' createdAt and birthday as Unix seconds
PERSON = {**{k: v for k, v in PII_TRAITS.items() if k != "createdAt"}, "birthday": BIRTHDAY,
          "created_at": CREATED_AT, "id": USER_ID}
PAGE = {"path": "/pricing", "referrer": REFERRER, "search": "", "title": PAGE_TITLE, "url": PAGE_URL}


def _cio(**settings) -> dict:
    return {"destination": "Customer.io", "name": "Customer.io", "mode": "device",
            "settings": {"siteId": "cio-site-9", **settings}}


def _script_src(page) -> str:
    return page.evaluate("document.querySelector('script[src*=\"assets.customer.io\"]').src")


def test_the_segment_call_table_maps_like_segments_customer_io(tmp_path, page):
    with destination_visit(tmp_path, page, _cio()) as visit:
        visit.drive(CALLS, HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()] == [
            ("config", [{"siteId": "cio-site-9", "autoTrackPage": "false", "useArrayParams": None}]),
            ("identify", [PERSON]),
            ("track", ["Video Played", CALLS[1].args[1]]),
            *[("track", [call.args[0], call.args[1]]) for call in ECOMMERCE],
            ("page", ["Pricing", {**PAGE, "name": "Pricing"}]),
            ("page", ["Pricing", {**PAGE, "name": "Pricing", "category": "Docs"}]),
            ("page", [PAGE_URL, PAGE]),
            ("identify", [{"Group name": "Acme", "Group plan": "enterprise", "Group employees": 50,
                           "Group id": GROUP_ID, "id": USER_ID}]),
        ]  # alias and reset: nothing, as Segment
        assert visit.stubs.requested == {"customer-io": 1}
        assert _script_src(page) == "https://assets.customer.io/assets/track.js"


def test_pages_are_named_by_their_name_and_by_url_only_without_one(tmp_path, page):
    with destination_visit(tmp_path, page, _cio()) as visit:
        visit.drive((Call("page", ("Docs", "Pricing")), Call("page", ())), HANDLERS)
        assert [c["args"][0] for c in visit.calls("page")] == ["Pricing", PAGE_URL]


def test_identify_needs_a_user_id_and_sends_created_at_and_dates_in_unix_seconds(tmp_path, page):
    traits = {"email": "ada@example.com", "created": "2024-01-02T03:04:05Z", "trial_ends": "2024-01-02T04:04:05+01:00",
              "first_seen": "1969-07-20", "note": "2024 plans"}
    with destination_visit(tmp_path, page, _cio()) as visit:
        visit.drive((Call("identify", ({"email": "ada@example.com"},)), Call("identify", (USER_ID, traits))), HANDLERS)
        assert [c["args"] for c in visit.calls("identify")] == [[{
            "id": USER_ID, "email": "ada@example.com", "created_at": CREATED_AT, "trial_ends": CREATED_AT,
            "first_seen": "1969-07-20T00:00:00.000Z", "note": "2024 plans"}]]  # the anonymous identify sent nothing


def test_track_sends_every_property_with_iso_dates_in_unix_seconds(tmp_path, page):
    props = {"plan": "pro", "renews": "2024-01-02T03:04:05.000Z", "items": [{"at": "2024-01-02T03:04:05Z"}]}
    with destination_visit(tmp_path, page, _cio()) as visit:
        visit.drive((Call("track", ("Plan Renewed", props)),), HANDLERS)
        assert visit.calls("track")[0]["args"] == ["Plan Renewed", {"plan": "pro", "renews": CREATED_AT,
                                                                     "items": [{"at": CREATED_AT}]}]


def test_group_needs_an_identified_user(tmp_path, page):
    with destination_visit(tmp_path, page, _cio()) as visit:
        visit.drive((Call("group", (GROUP_ID, {"name": "Acme"})),), HANDLERS)
        assert visit.calls("identify") == []


def test_segments_datacenter_key_loads_the_eu_script_and_region_names_it(tmp_path, page, catalog):
    with destination_visit(tmp_path / "eu", page, _cio(datacenter="eu")) as visit:
        visit.drive((), HANDLERS)
        assert _script_src(page) == "https://assets.customer.io/assets/track-eu.js"

    old = web_source("site", destinations=[_cio(region="eu")])
    problems = load_workspace(write_workspace(tmp_path / "old", sources={"site": old}), catalog).all_problems()
    assert [p.code for p in problems] == ["C-setting-unknown"]
    assert "'region' is now 'datacenter' (Segment's key)" in problems[0].message
    imported = web_source("site", destinations=[_cio(datacenter="", apiKey="cio-tracking-key")])  # Segment's JSON
    assert load_workspace(write_workspace(tmp_path / "new", sources={"site": imported}), catalog).all_problems() == []


def test_the_stub_refuses_calls_outside_customer_ios_api(tmp_path, page):
    with destination_visit(tmp_path, page, _cio()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("_cio.identify({email: 'a@b.c'}); _cio.track('', {}); _cio.page('/x', 'y');"
                      "_cio.push(['sidentify', {id: 1}]); _cio.track('Signed Up', {plan: 'pro'})")
        assert visit.vendor_errors() == ["identify needs an id", "track needs a non-empty event name",
                                         "page data must be an object", "unknown _cio command sidentify"]
        assert [c["method"] for c in visit.calls()][-5:] == ["invalid:identify", "invalid:track", "invalid:page",
                                                            "invalid:sidentify", "track"]
