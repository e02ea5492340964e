"""Intercom in a real Chromium, checked against Segment's Intercom Web (Actions) destination (docs/DESTINATIONS.md).

The Messenger widget is not on npm (@intercom/messenger-js-sdk only loads it from widget.intercom.io), so the stub
(destination_snippets/stubs/intercom.js) checks every Intercom() call against Intercom's documented JavaScript API:
boot(settings with app_id), update(attributes), trackEvent(name, metadata), shutdown(); attributes and metadata
flat but for the documented objects, dates in Unix seconds.
"""
from __future__ import annotations

from typing import Any

from builder.workspace import load_workspace
from tests.support.segment_calls import CALLS, ECOMMERCE, GROUP_ID, PII_TRAITS, USER_ID, Call
from tests.support.vendor_visit import destination_visit
from tests.support.workspaces import web_source, write_workspace

HANDLERS = ("identify", "track", "page", "group")
CREATED_AT = 1704164645  # PII_TRAITS' createdAt as Unix seconds
US = "https://api-iam.intercom.io"
BOOT = {"app_id": "ic123", "installation_type": "s", "api_base": US}


def _intercom(**settings) -> dict:
    return {"destination": "Intercom", "name": "Intercom", "mode": "device", "settings": {"appId": "ic123", **settings}}


def _metadata(props: dict[str, Any]) -> dict[str, Any]:
    """Return Segment's event metadata: flat properties, revenue as a price in cents."""
    meta = {k: v for k, v in props.items() if not isinstance(v, (dict, list))}
    if props.get("revenue"):
        meta.pop("revenue"), meta.pop("currency", None)
        meta["price"] = {"amount": props["revenue"] * 100, "currency": props.get("currency", "USD")}
    return meta


def _updates(visit) -> list[dict]:
    return [c["args"][0] if c["args"] else None for c in visit.calls("update")]


def test_the_segment_call_table_maps_like_segments_intercom_web_actions(tmp_path, page):
    with destination_visit(tmp_path, page, _intercom()) as visit:
        visit.drive(CALLS, HANDLERS)
        user = {"user_id": USER_ID}
        assert [(c["method"], c["args"]) for c in visit.calls()] == [
            ("settings", [{"app_id": "ic123", "installation_type": "s",
                           "custom_launcher_selector": "#IntercomDefaultWidget"}]),
            ("boot", [BOOT]),
            ("update", [{**user, "name": "Ada Lovelace", "phone": PII_TRAITS["phone"], "email": PII_TRAITS["email"],
                         "created_at": CREATED_AT}]),  # no custom attributes: Segment's default mapping has none
            ("trackEvent", ["Video Played", {"video_id": "v-9", "position": 12}]),
            *[("trackEvent", [call.args[0], _metadata(call.args[1])]) for call in ECOMMERCE],
            ("update", [user]), ("update", [user]), ("update", [user]),  # page -> Identify User
            ("update", [{"company": {"company_id": GROUP_ID, "name": "Acme", "plan": "enterprise"}}]),
            ("shutdown", []), ("boot", [BOOT]),  # reset: Intercom's documented logout (a deliberate difference)
        ]
        assert visit.stubs.requested == {"intercom": 1}


def test_order_revenue_goes_as_a_price_in_cents_with_usd_by_default(tmp_path, page):
    calls = (Call("track", ("Order Completed", {"order_id": "o-1", "revenue": 99.5, "currency": "EUR"})),
             Call("track", ("Upgraded", {"revenue": 20})), Call("track", ("Refund", {"revenue": 0, "currency": "EUR"})))
    with destination_visit(tmp_path, page, _intercom()) as visit:
        visit.drive(calls, HANDLERS)
        assert [c["args"][1] for c in visit.calls("trackEvent")] == [
            {"order_id": "o-1", "price": {"amount": 9950, "currency": "EUR"}},
            {"price": {"amount": 2000, "currency": "USD"}},
            {"revenue": 0, "currency": "EUR"}]


def test_user_hash_and_jwt_come_from_the_integrations_option_in_either_spelling(tmp_path, page):
    calls = (Call("identify", (USER_ID, {}, {"integrations": {"Intercom": {"userHash": "h-camel"}}})),
             Call("identify", (USER_ID, {}, {"integrations": {"Intercom": {"user_hash": "h-snake",
                                                                             "intercomUserJwt": "jwt-1"}}})),
             Call("page", (None, None, {}, {"integrations": {"Intercom": {"user_hash": "h-page"}}})))
    with destination_visit(tmp_path, page, _intercom()) as visit:
        visit.drive(calls, HANDLERS)
        assert _updates(visit) == [{"user_id": USER_ID, "user_hash": "h-camel"},
                                   {"user_id": USER_ID, "user_hash": "h-snake", "intercom_user_jwt": "jwt-1"},
                                   {"user_id": USER_ID, "user_hash": "h-page"}]


def test_hide_default_launcher_and_a_custom_activator_reach_every_update(tmp_path, page):
    hide = {"context": {"Intercom": {"hideDefaultLauncher": True}}}
    calls = (Call("identify", (USER_ID, {}, hide)), Call("group", (GROUP_ID, {"name": "Acme"}, hide)),
             Call("page", ()))
    with destination_visit(tmp_path, page, _intercom(activator="#help")) as visit:
        visit.drive(calls, HANDLERS)
        widget = {"widget": {"activator": "#help"}}
        assert _updates(visit) == [
            {"user_id": USER_ID, "hide_default_launcher": True, **widget},
            {"company": {"company_id": GROUP_ID, "name": "Acme"}, "hide_default_launcher": True, **widget},
            {"user_id": USER_ID, **widget}]
        assert visit.calls("settings")[0]["args"][0]["custom_launcher_selector"] == "#help"


def test_companies_get_company_id_created_at_in_seconds_and_no_custom_traits(tmp_path, page):
    company = {"id": "c-1", "name": "Engines", "createdAt": "2024-01-02T03:04:05.000Z", "plan": "pro",
               "monthly_spend": 100, "size": 12, "employees": 12, "tags": ["x"]}
    traits = {"avatar": "https://img.example/a.png", "plan": "pro", "created_at": CREATED_AT * 1000,
              "company": company, "companies": [company, {"id": "c-2", "name": "Looms"}]}
    mapped = {"company_id": "c-1", "name": "Engines", "created_at": CREATED_AT, "plan": "pro", "monthly_spend": 100,
              "size": 12}
    with destination_visit(tmp_path, page, _intercom()) as visit:
        visit.drive((Call("identify", (USER_ID, traits)), Call("group", (GROUP_ID, {**company, "website": "w.io"}))),
                    HANDLERS)
        assert _updates(visit) == [
            {"user_id": USER_ID, "created_at": CREATED_AT, "company": mapped,
             "companies": [mapped, {"company_id": "c-2", "name": "Looms"}],
             "avatar": {"image_url": "https://img.example/a.png", "type": "avatar"}},
            {"company": {**mapped, "company_id": GROUP_ID, "website": "w.io"}}]


def test_rich_link_properties_keep_their_objects_and_other_objects_are_dropped(tmp_path, page):
    props = {"article": {"url": "https://help.example/a", "value": "Setup"}, "nested": {"a": 1}, "tags": ["x"],
             "plan": "pro"}
    with destination_visit(tmp_path, page, _intercom(richLinkProperties=["article"])) as visit:
        visit.drive((Call("track", ("Article Read", props)),), HANDLERS)
        assert visit.calls("trackEvent")[0]["args"] == [
            "Article Read", {"plan": "pro", "article": {"url": "https://help.example/a", "value": "Setup"}}]


def test_segments_regional_api_base_is_booted_and_validated_settings_carry_over(tmp_path, page, catalog):
    eu = "https://api-iam.eu.intercom.io"
    with destination_visit(tmp_path / "eu", page, _intercom(apiBase=eu)) as visit:
        visit.drive((), HANDLERS)
        assert visit.calls("boot")[0]["args"] == [{**BOOT, "api_base": eu}]
        assert page.evaluate("document.querySelector('script[src*=\"widget.intercom.io\"]').src") == \
            "https://widget.intercom.io/widget/ic123"

    imported = web_source("site", destinations=[_intercom(activator="#IntercomDefaultWidget", apiBase=eu,
                                                          richLinkProperties=["article"])])  # Segment's JSON
    assert load_workspace(write_workspace(tmp_path / "new", sources={"site": imported}), catalog).all_problems() == []


def test_the_stub_refuses_calls_outside_intercoms_api(tmp_path, page):
    with destination_visit(tmp_path, page, _intercom()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("Intercom('update', {plan: {tier: 1}}); Intercom('trackEvent', 'x', {list: [1]});"
                      "Intercom('update', {created_at: '2024-01-02'}); Intercom('track', 'x');"
                      "Intercom('update', {company: {name: 'Acme'}}); Intercom('trackEvent', 'ok', {a: 1})")
        assert visit.vendor_errors() == [
            "attribute plan is not flat",
            "metadata list is neither flat, a rich link {url, value} nor a price {amount, currency}",
            "created_at must be Unix seconds", "unknown Intercom method track", "company needs a company_id"]
        assert [c["method"] for c in visit.calls()][-6:] == ["invalid:update", "invalid:trackEvent", "invalid:update",
                                                            "invalid:track", "invalid:update", "trackEvent"]
