"""Google Analytics 4 in a real Chromium, checked against Segment's "Google Analytics 4 Web" Actions destination
(default subscriptions and field defaults; docs/DESTINATIONS.md).

gtag.js is not on npm, so the stub (destination_snippets/stubs/google-analytics.js) checks every gtag() command
against Google's documented API: commands, GA4 event and parameter names, items, consent types and states, and
that the consent default comes before any config or event.
"""
from __future__ import annotations

import json

from builder.workspace import load_workspace
from tests.support.adapter_cases import ANY, Exactly, mismatch
from tests.support.segment_calls import CALLS, PRODUCT_1, PRODUCT_2, Call, calls_named
from tests.support.vendor_visit import destination_visit
from tests.support.workspaces import web_source, write_workspace

ID = "G-TEST123"
HANDLERS = ("track", "page")
SEND_TO = {"send_to": ID}
SIGNALS = {"allow_ad_personalization_signals": True, "allow_google_signals": True}


def _ga(consent_categories: list[str] | None = None, **settings) -> dict:
    instance = {"destination": "Google Analytics", "name": "GA4", "mode": "device",
                "settings": {"measurementID": ID, "apiSecret": "ga-mp-secret-2b2b", **settings}}
    if consent_categories:
        instance["consent_categories"] = consent_categories
    return instance


def _item(product: dict, multi: bool) -> Exactly:
    names = {"item_id": "product_id", "item_name": "name", "coupon": "coupon", "item_brand": "brand",
             "item_category": "category", "item_variant": "variant", "price": "price", "quantity": "quantity"}
    if multi:
        names["index"] = "position"
    return Exactly({ga: product[seg] for ga, seg in names.items() if seg in product})


def _event(name: str, params: dict | None = None) -> tuple[str, list]:
    return ("gtag:event", [name, Exactly({**(params or {}), **SEND_TO})])


BOTH = [_item(PRODUCT_1, True), _item(PRODUCT_2, True)]
ONE = [_item(PRODUCT_1, False)]
PROMOTION = {"creative_slot": "banner", "location_id": "top", "promotion_id": "promo-1", "promotion_name": "Spring sale"}
CONFIG = ("gtag:config", [ID, Exactly(SIGNALS)])
EXPECTED = [
    ("gtag:js", [ANY]),
    _event("Video_Played"),
    _event("search", {"search_term": "engines"}),
    _event("view_item_list", {"items": BOTH}),
    _event("Product_List_Filtered"),
    _event("view_promotion", PROMOTION),
    _event("select_promotion", PROMOTION),
    _event("select_item", {"items": ONE}),
    _event("view_item", {"currency": "EUR", "value": 49.75, "items": ONE}),
    _event("add_to_cart", {"items": ONE}),
    _event("remove_from_cart", {"items": ONE}),
    _event("view_cart", {"items": BOTH}),
    _event("begin_checkout", {"currency": "EUR", "coupon": "SPRING", "items": BOTH}),
    _event("Checkout_Step_Viewed"),
    _event("Checkout_Step_Completed"),
    _event("add_payment_info", {"payment_type": "Visa"}),
    _event("purchase", {"currency": "EUR", "transaction_id": "order-1001", "value": 109.5, "coupon": "SPRING",
                        "tax": 10, "shipping": 5, "items": BOTH}),
    _event("Order_Updated"),
    _event("refund", {"currency": "EUR", "transaction_id": "order-1001", "value": 109.5,
                      "items": [_item(PRODUCT_1, True)]}),
    _event("Order_Cancelled"),
    _event("Coupon_Entered"), _event("Coupon_Applied"), _event("Coupon_Denied"), _event("Coupon_Removed"),
    _event("add_to_wishlist", {"items": ONE}),
    _event("Product_Shared"), _event("Cart_Shared"), _event("Product_Reviewed"),
    CONFIG, CONFIG, CONFIG,
]


def test_the_segment_call_table_maps_like_segments_ga4_web(tmp_path, page):
    with destination_visit(tmp_path, page, _ga()) as visit:
        visit.drive(CALLS, HANDLERS)
        recorded = visit.calls()
        assert [c["method"] for c in recorded] == [m for m, _ in EXPECTED], json.dumps(recorded, indent=1)
        problems = [f"call {i} {m}: {why}" for i, ((m, args), c) in enumerate(zip(EXPECTED, recorded))
                    if (why := mismatch(args, c["args"])) is not None]
        assert not problems, "\n".join(problems)
        assert "ga-mp-secret-2b2b" not in json.dumps(recorded)


def test_consent_mode_sets_defaults_before_anything_and_updates_from_the_sources_consent(tmp_path, page):
    settings = {"enableConsentMode": True, "defaultAdsStorageConsentState": "denied",
                "defaultAnalyticsStorageConsentState": "denied", "adUserDataConsentState": "denied",
                "adPersonalizationConsentState": "denied", "waitTimeToUpdateConsentStage": 500}
    consent = {"consent": {"categoryPreferences": {"analytics": True}}}
    with destination_visit(tmp_path, page, _ga(["analytics"], **settings), load_options=consent) as visit:
        visit.drive((Call("page", ()), *calls_named("Order Completed")), HANDLERS)
        recorded = visit.calls()
        assert [c["method"] for c in recorded] == ["gtag:js", "gtag:consent", "gtag:consent", "gtag:config",
                                                   "gtag:event"]
        assert recorded[1]["args"] == ["default", {"ad_storage": "denied", "analytics_storage": "denied",
                                                   "wait_for_update": 500, "ad_user_data": "denied",
                                                   "ad_personalization": "denied"}]
        assert recorded[2]["args"] == ["update", {"ad_storage": "granted", "analytics_storage": "granted",
                                                  "ad_user_data": "granted", "ad_personalization": "granted"}]
        assert recorded[3]["args"] == [ID, SIGNALS] and recorded[4]["args"][0] == "purchase"


def test_nothing_reaches_google_before_the_visitor_consents(tmp_path, page):
    consent = {"consent": {"categoryPreferences": {"analytics": False}}}
    with destination_visit(tmp_path, page, _ga(["analytics"], enableConsentMode=True), load_options=consent) as visit:
        page.evaluate("analytics.track('Before consent'); analytics.page()")
        assert visit.calls() == [] and visit.stubs.requested == {}
        page.evaluate("analytics.setConsent({analytics: true})")
        page.wait_for_function("analytics.destinations()['Google Analytics'].state === 'ready'", timeout=10_000)
        visit.drive((Call("page", ()),), HANDLERS)
        # setConsent also tracks "Segment Consent Preference Updated", as Segment's client does
        assert [c["method"] for c in visit.calls()] == ["gtag:js", "gtag:consent", "gtag:event", "gtag:consent",
                                                        "gtag:config"]
        assert visit.calls()[3]["args"] == ["update", {"ad_storage": "granted", "analytics_storage": "granted",
                                                       "ad_user_data": "granted", "ad_personalization": "granted"}]


def test_settings_become_config_parameters(tmp_path, page):
    settings = {"allowGoogleSignals": False, "allowAdPersonalizationSignals": False, "cookieDomain": "shop.example",
                "cookieExpirationInSeconds": 3600, "cookiePath": "/shop", "cookiePrefix": ["bs"],
                "cookieUpdate": False, "cookieFlags": ["SameSite=None;Secure"], "pageView": False}
    with destination_visit(tmp_path, page, _ga(**settings)) as visit:
        visit.drive((Call("page", ()),), HANDLERS)
        assert visit.calls("gtag:config")[0]["args"] == [ID, {
            "allow_ad_personalization_signals": False, "allow_google_signals": False, "cookie_update": False,
            "cookie_domain": "shop.example", "cookie_prefix": ["bs"], "cookie_expires": 3600, "cookie_path": "/shop",
            "send_page_view": False, "cookie_flags": ["SameSite=None;Secure"]}]


def test_first_party_domain_loads_gtag_from_it(tmp_path, page):
    with destination_visit(tmp_path, page, _ga(domain="metrics.shop.example")) as visit:
        visit.drive((), HANDLERS)
        assert page.evaluate("document.querySelector('script[src*=\"gtag/js\"]').src") == \
            "https://metrics.shop.example/gtag/js?id=G-TEST123"


def test_segments_setting_keys_and_the_old_ones_named(tmp_path, catalog):
    old = web_source("site", destinations=[{"destination": "Google Analytics", "name": "GA4", "mode": "device",
                                            "settings": {"measurementId": ID, "sendPageView": False}}])
    problems = load_workspace(write_workspace(tmp_path, sources={"site": old}), catalog).all_problems()
    messages = sorted(p.message for p in problems if p.code == "C-setting-unknown")
    assert any("'measurementId' is now 'measurementID' (Segment's key)" in m for m in messages)
    assert any("'sendPageView' is now 'pageView' (Segment's key)" in m for m in messages)


def test_the_stub_refuses_calls_outside_gtags_api(tmp_path, page):
    with destination_visit(tmp_path, page, _ga()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("gtag('event', 'Order Completed', {}); gtag('consent', 'default', {ad_storage: 'yes'});"
                      "gtag('track', 'x'); gtag('event', 'purchase', {items: [{price: 1}]})")
        assert visit.vendor_errors() == ["bad event name Order Completed", "ad_storage must be granted or denied",
                                         "unknown gtag command track", "each item needs item_id or item_name"]
