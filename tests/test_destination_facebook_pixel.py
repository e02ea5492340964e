"""Facebook Pixel in a real Chromium, checked against Segment's classic integration (docs/DESTINATIONS.md).

The Pixel's fbevents.js is not on npm, so the stub (destination_snippets/stubs/facebook-pixel.js) checks every fbq
command against Meta's documented API (commands, argument shapes, standard events, initialised pixel ids) and, like
fbevents.js, sends automatic PageViews on history.pushState unless fbq.disablePushState is set.
"""
from __future__ import annotations

import hashlib
import json

from tests.support.adapter_cases import ANY, Exactly, Like, mismatch
from tests.support.segment_calls import CALLS, ORDER, PII_TRAITS, PRODUCT_1, PRODUCT_2, USER_ID, Call, calls_named
from tests.support.vendor_visit import destination_visit

PIXEL = "998877"
EVENT_ID = Exactly({"eventID": Like(r"ajs-[0-9a-f-]{36}")})
HANDLERS = ("track", "page")


def _pixel(**settings) -> dict:
    return {"destination": "Facebook Pixel", "name": "Pixel", "mode": "device",
            "settings": {"pixelId": PIXEL, "accessToken": "fb-capi-secret-7e7e", **settings}}


def _custom(event: str, props: dict) -> tuple[str, list]:
    return ("trackSingleCustom", [PIXEL, event, Exactly(props), EVENT_ID])


def _order_payload(props: dict) -> dict:
    """Segment's custom-event payload of an order: revenue sent as value with two decimals."""
    return {**{k: v for k, v in props.items() if k != "revenue"}, "value": "99.50"}


ORDER_CONTENTS = [Exactly({"id": "p-1", "quantity": 2, "item_price": 49.75}),
                  Exactly({"id": "p-2", "quantity": 1, "item_price": 10})]
EXPECTED = [
    ("init", [PIXEL]),
    ("trackSingleCustom", [PIXEL, "Video Played", Exactly({"video_id": "v-9", "position": 12, "nested": {"a": 1},
                                                            "tags": ["x", "y"]}), EVENT_ID]),
    ("trackSingle", [PIXEL, "Search", Exactly({"search_string": "engines"}), EVENT_ID]),
    ("trackSingle", [PIXEL, "ViewContent", Exactly({
        "content_ids": ["p-1", "p-2"], "content_type": ["product"],
        "contents": [Exactly({"id": "p-1", "quantity": 2}), Exactly({"id": "p-2", "quantity": 1})]}), EVENT_ID]),
    ("trackSingleCustom", [PIXEL, "Product List Filtered", ANY, EVENT_ID]),
    ("trackSingleCustom", [PIXEL, "Promotion Viewed", ANY, EVENT_ID]),
    ("trackSingleCustom", [PIXEL, "Promotion Clicked", ANY, EVENT_ID]),
    ("trackSingleCustom", [PIXEL, "Product Clicked", Exactly(PRODUCT_1), EVENT_ID]),
    ("trackSingle", [PIXEL, "ViewContent", Exactly({
        "content_ids": ["p-1"], "content_type": ["product"], "content_name": "Difference Engine",
        "content_category": "Engines", "currency": "EUR", "value": "49.75",
        "contents": [Exactly({"id": "p-1", "quantity": 2, "item_price": 49.75})]}), EVENT_ID]),
    ("trackSingle", [PIXEL, "AddToCart", Exactly({
        "content_ids": ["p-1"], "content_type": ["product"], "content_name": "Difference Engine",
        "content_category": "Engines", "currency": "USD", "value": "0.00",  # valueIdentifier "value": no value
        "contents": [Exactly({"id": "p-1", "quantity": 2, "item_price": 49.75})]}), EVENT_ID]),
    ("trackSingleCustom", [PIXEL, "Product Removed", Exactly({**PRODUCT_1, "cart_id": "cart-1"}), EVENT_ID]),
    ("trackSingleCustom", [PIXEL, "Cart Viewed", ANY, EVENT_ID]),
    ("trackSingle", [PIXEL, "InitiateCheckout", Exactly({
        "content_category": "Engines", "content_ids": ["p-1", "p-2"], "content_type": ["product"],
        "contents": ORDER_CONTENTS, "currency": "EUR", "num_items": 2, "value": "99.50"}), EVENT_ID]),
    ("trackSingleCustom", [PIXEL, "Checkout Step Viewed", ANY, EVENT_ID]),
    ("trackSingleCustom", [PIXEL, "Checkout Step Completed", ANY, EVENT_ID]),
    ("trackSingleCustom", [PIXEL, "Payment Info Entered", ANY, EVENT_ID]),   # not mapped by Segment
    ("trackSingle", [PIXEL, "Purchase", Exactly({
        "content_ids": ["p-1", "p-2"], "content_type": ["product"], "currency": "EUR", "value": "99.50",
        "contents": ORDER_CONTENTS, "num_items": 2}), EVENT_ID]),
    _custom("Order Updated", _order_payload(ORDER)),
    ("trackSingleCustom", [PIXEL, "Order Refunded", ANY, EVENT_ID]),
    _custom("Order Cancelled", _order_payload(ORDER)),
    *[("trackSingleCustom", [PIXEL, event, ANY, EVENT_ID]) for event in (
        "Coupon Entered", "Coupon Applied", "Coupon Denied", "Coupon Removed", "Product Added to Wishlist",
        "Product Shared", "Cart Shared", "Product Reviewed")],
    ("track", ["PageView", Exactly({}), EVENT_ID]),
    ("track", ["PageView", Exactly({}), EVENT_ID]),
    ("track", ["PageView", Exactly({}), EVENT_ID]),
]


def _problems(expected: list, recorded: list[dict]) -> list[str]:
    methods = [c["method"] for c in recorded]
    if [m for m, _ in expected] != methods:
        return [f"methods: expected {[m for m, _ in expected]}, got {methods}"]
    return [f"call {i} {m}: {why}" for i, ((m, args), call) in enumerate(zip(expected, recorded))
            if (why := mismatch(args, call["args"])) is not None]


def test_the_segment_call_table_maps_like_segments_facebook_pixel(tmp_path, page):
    with destination_visit(tmp_path, page, _pixel()) as visit:
        visit.drive(CALLS, HANDLERS)
        recorded = [c for c in visit.calls() if c["method"] not in ("set", "dataProcessingOptions")]
        problems = _problems(EXPECTED, recorded)
        assert not problems, "\n".join(problems) + "\n" + "\n".join(json.dumps(c) for c in recorded)
        assert "fb-capi-secret-7e7e" not in json.dumps(visit.calls())


def test_page_views_carry_the_segment_message_id_as_event_id(tmp_path, page):
    with destination_visit(tmp_path, page, _pixel()) as visit:
        visit.drive((Call("page", ("Pricing",)),), HANDLERS)
        (view,) = visit.calls("track")
        assert view["args"][:2] == ["PageView", {}]
        (sent,) = [e for e in visit.cdn.wait_for_events(1) if e["type"] == "page"]
        assert view["args"][2] == {"eventID": sent["messageId"]}  # the Conversions API copy deduplicates on it


def test_single_page_navigation_sends_no_page_view_of_the_pixels_own(tmp_path, page):
    with destination_visit(tmp_path, page, _pixel()) as visit:
        visit.drive((Call("page", ()),), HANDLERS)
        page.evaluate("history.pushState({}, '', '/pricing/next'); history.pushState({}, '', '/pricing/last');")
        assert len([c for c in visit.calls("track") if c["args"][0] == "PageView"]) == 1


def test_events_go_to_the_configured_pixel_only(tmp_path, page):
    other = "<script>!function(){var f=window.fbq=function(){f.callMethod?f.callMethod.apply(f,arguments):" \
            "f.queue.push(arguments)};window._fbq=f;f.push=f;f.loaded=true;f.version='2.0';f.queue=[];" \
            "f('init','111222')}();</script>"
    with destination_visit(tmp_path, page, _pixel(), head=other) as visit:
        visit.drive(calls_named("Video Played", "Order Completed"), HANDLERS)
        assert [c["method"] for c in visit.calls() if c["method"].startswith("track")] == [
            "trackSingleCustom", "trackSingle"]
        assert all(c["args"][0] == PIXEL for c in visit.calls() if c["method"].startswith("track"))
        assert [c["args"][0] for c in visit.calls("init")] == ["111222", PIXEL]


def test_pii_properties_never_reach_the_pixel_unless_whitelisted(tmp_path, page):
    pii = {"email": "ada@example.com", "phone": "+44", "firstName": "Ada", "lastName": "L", "gender": "f",
           "city": "London", "country": "UK", "state": "LDN", "zip": "N1", "birthday": "1990-12-10"}
    call = Call("track", ("Lead Captured", {**pii, "plan": "pro", "secret_code": "s3cr3t", "ssn": "123"}))
    settings = {"whitelistPiiProperties": ["city"],
                "blacklistPiiProperties": [{"propertyName": "secret_code", "hashProperty": True},
                                           {"propertyName": "ssn", "hashProperty": False}]}
    with destination_visit(tmp_path, page, _pixel(**settings)) as visit:
        visit.drive((call,), HANDLERS)
        (sent,) = visit.calls("trackSingleCustom")
        assert sent["args"][2] == {"city": "London", "plan": "pro",
                                   "secret_code": hashlib.sha256(b"s3cr3t").hexdigest()}


def test_product_lists_with_ids_are_products_and_lists_without_are_a_product_group(tmp_path, page):
    calls = (Call("track", ("Product List Viewed", {"category": "Engines", "products": [PRODUCT_1, PRODUCT_2]})),
             Call("track", ("Product List Viewed", {"category": "Engines"})))
    with destination_visit(tmp_path, page, _pixel()) as visit:
        visit.drive(calls, HANDLERS)
        with_ids, without = visit.calls("trackSingle")
        assert with_ids["args"][2]["content_type"] == ["product"]
        assert without["args"][2] == {"content_ids": ["Engines"], "content_type": ["product_group"],
                                      "contents": [{"id": "Engines", "quantity": 1}]}


def test_limited_data_use_is_on_by_default_and_set_before_init(tmp_path, page):
    with destination_visit(tmp_path, page, _pixel(automaticConfiguration=False)) as visit:
        visit.drive((), HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()] == [
            ("set", ["autoConfig", False, PIXEL]), ("dataProcessingOptions", [["LDU"], 0, 0]), ("init", [PIXEL])]


def test_limited_data_use_off_sends_an_empty_option_list(tmp_path, page):
    with destination_visit(tmp_path, page, _pixel(limitedDataUse=False)) as visit:
        visit.drive((), HANDLERS)
        assert [(c["method"], c["args"]) for c in visit.calls()] == [
            ("dataProcessingOptions", [[]]), ("init", [PIXEL])]


def test_init_with_existing_traits_sends_advanced_matching(tmp_path, page):
    stored = ("<script>localStorage.setItem('ajs_user_traits', " + json.dumps(json.dumps(PII_TRAITS)) + ");"
              "localStorage.setItem('ajs_user_id', " + json.dumps(json.dumps(USER_ID)) + ");</script>")
    settings = {"initWithExistingTraits": True, "userIdAsExternalId": True}
    with destination_visit(tmp_path, page, _pixel(**settings), head=stored) as visit:
        visit.drive((), HANDLERS)
        (init,) = visit.calls("init")
        assert init["args"] == [PIXEL, {"em": "ada@example.com", "fn": "Ada", "ln": "Lovelace",
                                        "ph": "+44 20 7946 0000", "ge": "f", "db": "19901210", "ct": "london",
                                        "st": "ldn", "zp": "N1 9GU", "external_id": USER_ID}]


def test_key_for_external_id_takes_a_trait(tmp_path, page):
    stored = "<script>localStorage.setItem('ajs_user_traits', '{\"crm_id\": \"crm-9\", \"name\": \"Ada Byron King\"}');</script>"
    settings = {"initWithExistingTraits": True, "keyForExternalId": "crm_id"}
    with destination_visit(tmp_path, page, _pixel(**settings), head=stored) as visit:
        visit.drive((), HANDLERS)
        assert visit.calls("init")[0]["args"] == [PIXEL, {"fn": "ada", "ln": "king", "external_id": "crm-9"}]


def test_standard_legacy_and_content_type_mappings(tmp_path, page):
    settings = {"standardEvents": {"Lead Captured": "Lead", "Order Updated": "Purchase"},
                "legacyEvents": {"Order Completed": "6012345"},
                "contentTypes": {"Engines": "vehicle"}, "standardEventsCustomProperties": ["order_id"]}
    calls = (Call("track", ("Lead Captured", {"plan": "pro", "revenue": 5})),
             *calls_named("Order Completed", "Order Updated"))
    with destination_visit(tmp_path, page, _pixel(**settings)) as visit:
        visit.drive(calls, HANDLERS)
        sent = [c["args"][1:3] for c in visit.calls("trackSingle")]
        assert sent[0] == ["Lead", {"plan": "pro", "value": "5.00"}]
        assert sent[1][0] == "Purchase" and sent[1][1]["content_type"] == ["vehicle"]
        assert sent[1][1]["order_id"] == "order-1001" and "affiliation" not in sent[1][1]
        assert sent[2] == ["6012345", {"currency": "EUR", "value": "99.50"}]
        assert sent[3][0] == "Purchase" and sent[3][1]["currency"] == "EUR" and sent[3][1]["value"] == "99.50"


def test_value_identifier_price_sends_the_price(tmp_path, page):
    with destination_visit(tmp_path, page, _pixel(valueIdentifier="price")) as visit:
        visit.drive(calls_named("Product Added"), HANDLERS)
        assert visit.calls("trackSingle")[0]["args"][2]["value"] == "49.75"


def test_the_stub_refuses_calls_outside_metas_api(tmp_path, page):
    with destination_visit(tmp_path, page, _pixel()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("fbq('trackSingle', '404', 'Purchase', {}); fbq('track', 'Bought'); fbq('identify', 'u');"
                      "fbq('track', 'Purchase', {value: 1})")
        assert visit.vendor_errors() == [
            "trackSingle for a pixel that was not initialised: 404", "track takes a standard event, not Bought",
            "unknown fbq command identify", "Purchase needs a currency"]
        assert [c["method"] for c in visit.calls()][-4:] == ["invalid:trackSingle", "invalid:track",
                                                             "invalid:identify", "invalid:track"]
