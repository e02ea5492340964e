"""Adobe Analytics in a real Chromium, checked against Segment's classic integration (docs/DESTINATIONS.md).

AppMeasurement is not on npm (Adobe distributes it through Code Manager and Tags), so the stub
(destination_snippets/stubs/adobe-analytics.js) checks every hit against AppMeasurement's documented variables and
formats, and records what AppMeasurement would send: for s.t() every variable, for s.tl() only the configuration
and the variables named in linkTrackVars (events only those in linkTrackEvents).
"""
from __future__ import annotations

from builder.workspace import load_workspace
from tests.support.segment_calls import CALLS, ORDER, USER_ID, Call, calls_named
from tests.support.vendor_visit import destination_visit
from tests.support.workspaces import web_source, write_workspace

HANDLERS = ("track", "page")
SPEC_EVENTS = {"Product List Viewed": "prodView", "Product Viewed": "prodView", "Product Added": "scAdd",
               "Product Removed": "scRemove", "Cart Viewed": "scView", "Checkout Started": "scCheckout",
               "Order Completed": "purchase"}
TWO_PRODUCTS = "Engines;Difference Engine;2;99.50,Engines;Analytical Engine;1;10.00"
VIDEO = calls_named("Video Played")


def _adobe(**settings) -> dict:
    return {"destination": "Adobe Analytics", "name": "Adobe Analytics", "mode": "device",
            "settings": {"reportSuiteId": "acmeprod", "trackingServerUrl": "acme.sc.omtrdc.net", **settings}}


def _hits(visit) -> list[tuple[str, dict]]:
    """Return (link name or "t", variables sent) per AppMeasurement hit."""
    return [(c["args"][1], c["args"][2]) if c["method"] == "tl" else ("t", c["args"][0]) for c in visit.calls()]


def test_the_segment_call_table_maps_like_segments_adobe_analytics(tmp_path, page):
    with destination_visit(tmp_path, page, _adobe()) as visit:
        visit.drive(CALLS, HANDLERS)
        hits = _hits(visit)
        # no billed s.tl() for unmapped events: only the ecommerce events Segment maps, then one s.t() per page
        assert [name for name, _ in hits] == [*SPEC_EVENTS, "t", "t", "t"]
        for name, sent in hits[:7]:
            assert sent["events"] == sent["linkTrackEvents"] == SPEC_EVENTS[name]
            assert sent["account"] == "acmeprod" and sent["trackingServer"] == "acme.sc.omtrdc.net"
            assert sent["pageName"] == "Pricing"                         # enableTrackPageName: the page title
            assert sent["timestamp"].endswith("Z") and "visitorID" not in sent   # timestampOption "enabled"
        sent = dict(hits)
        assert sent["Product Viewed"]["products"] == "Engines;Difference Engine;2;99.50"
        assert sent["Product Viewed"]["currencyCode"] == "EUR"
        assert sent["Product List Viewed"]["products"] == sent["Cart Viewed"]["products"] == TWO_PRODUCTS
        order = sent["Order Completed"]
        assert order["products"] == TWO_PRODUCTS
        assert order["purchaseID"] == order["transactionID"] == "order-1001"
        assert order["contextData"]["products.0.sku"] == "SKU-1" and order["contextData"]["total"] == 109.5
        assert order["linkTrackVars"].split(",")[:3] == ["purchaseID", "transactionID", "products"]
        assert [h[1].get("pageName") for h in hits[7:]] == ["Pricing", "Docs Pricing", None]
        assert all(h[1]["referrer"] == "https://google.com/" and "events" not in h[1] for h in hits[7:])


def test_only_events_mapped_in_settings_send_a_billed_tl(tmp_path, page):
    settings = {"events": [{"segmentEvent": "video played", "adobeEvents": ["event5", "event6"]}],
                "merchEvents": [{"segmentEvent": "Coupon Applied", "merchEvents": [
                    {"adobeEvent": "event9", "valueScope": "event", "segmentProperty": "discount"}],
                    "productEVars": []}]}
    with destination_visit(tmp_path, page, _adobe(**settings)) as visit:
        visit.drive(VIDEO + calls_named("Coupon Applied", "Coupon Denied", "Products Searched"), HANDLERS)
        hits = _hits(visit)
        assert [(name, sent["events"], sent["linkTrackEvents"]) for name, sent in hits] == [
            ("Video Played", "event5,event6", "event5,event6"), ("Coupon Applied", "event9=5", "event9")]


def test_evars_props_hierarchies_lists_and_context_values_map_like_segment(tmp_path, page):
    settings = {"events": [{"segmentEvent": "Video Played", "adobeEvents": ["event5"]}],
                "eVars": {"video_id": "eVar7", "Video Played": "eVar1", "nested.a": "eVar2", "anonymousId": "eVar3"},
                "props": {"Position": "prop3"}, "hVars": {"video_id": "hier1"}, "lVars": {"tags": "list1"},
                "contextValues": {"page.title": "pageTitle", "library.name": "lib"}}
    with destination_visit(tmp_path, page, _adobe(**settings)) as visit:
        visit.drive(VIDEO, HANDLERS)
        [(_, sent)] = _hits(visit)
        assert {k: sent.get(k) for k in ("eVar1", "eVar2", "eVar3", "eVar7", "prop3", "hier1", "list1")} == {
            "eVar1": "Video Played", "eVar2": "1", "eVar3": "anon-1", "eVar7": "v-9", "prop3": "12",
            "hier1": "v-9", "list1": "x,y"}
        assert sent["contextData"]["pageTitle"] == "Pricing" and sent["contextData"]["lib"] == "analytics.js"
        listed = sent["linkTrackVars"].split(",")
        assert {"eVar1", "eVar7", "prop3", "list1", "contextData.pageTitle", "events"} <= set(listed)


def test_context_data_is_prefixed_with_a_dot_and_nested_properties_are_flattened(tmp_path, page):
    settings = {"customDataPrefix": "seg", "events": [{"segmentEvent": "Video Played", "adobeEvents": ["event5"]}]}
    with destination_visit(tmp_path, page, _adobe(**settings)) as visit:
        visit.drive(VIDEO, HANDLERS)
        [(_, sent)] = _hits(visit)
        assert sent["contextData"] == {"seg.video_id": "v-9", "seg.position": 12, "seg.nested.a": 1,
                                       "seg.tags": ["x", "y"]}
        assert "contextData.seg.nested.a" in sent["linkTrackVars"].split(",")


def test_products_follow_the_product_identifier_setting_and_merchandising(tmp_path, page):
    merch = [{"segmentEvent": "Order Completed",
              "merchEvents": [{"adobeEvent": "event3", "valueScope": "event", "segmentProperty": "total"},
                              {"adobeEvent": "event4", "valueScope": "product", "segmentProperty": "products.price"}],
              "productEVars": [{"key": "products.brand", "value": "eVar20"}, {"key": "coupon", "value": "eVar21"}]}]
    with destination_visit(tmp_path, page, _adobe(productIdentifier="sku", merchEvents=merch)) as visit:
        visit.drive(calls_named("Product Added", "Order Completed"), HANDLERS)
        (_, added), (_, order) = _hits(visit)
        assert added["products"] == "Engines;SKU-1;2;99.50"
        assert order["products"] == ("Engines;SKU-1;2;99.50;event4=49.75;eVar20=Babbage|eVar21=SPRING,"
                                     "Engines;SKU-2;1;10.00;event4=10;eVar21=SPRING")
        assert order["events"] == f"purchase,event3={ORDER['total']},event4"
        assert order["linkTrackEvents"] == "purchase,event3,event4"   # names: AppMeasurement matches by name


def test_product_identifier_id_uses_the_product_id(tmp_path, page):
    with destination_visit(tmp_path, page, _adobe(productIdentifier="id")) as visit:
        visit.drive(calls_named("Product Removed"), HANDLERS)
        assert _hits(visit)[0][1]["products"] == "Engines;p-1;2;99.50"


def test_marketing_cloud_org_id_sets_up_the_visitor_api_before_the_first_hit(tmp_path, page):
    settings = {"marketingCloudOrgId": "1234567ABC@AdobeOrg", "trackingServerSecureUrl": "acme.sc.omtrdcs.net",
                "visitorApiUrl": "https://assets.acme.example/adobe/VisitorAPI.js"}
    with destination_visit(tmp_path, page, _adobe(**settings)) as visit:
        visit.drive((Call("page", ("Pricing",)),), HANDLERS)
        calls = visit.calls()
        assert [c["method"] for c in calls] == ["Visitor.getInstance", "t"]
        assert calls[0]["args"] == ["1234567ABC@AdobeOrg", {"trackingServer": "acme.sc.omtrdc.net",
                                                            "trackingServerSecure": "acme.sc.omtrdcs.net"}]
        assert calls[1]["args"][0]["visitor"] == {"marketingCloudOrgID": "1234567ABC@AdobeOrg"}
        assert visit.stubs.requested == {"adobe-analytics": 2}


def test_visitor_id_replaces_the_timestamp_when_the_report_suite_has_timestamps_disabled(tmp_path, page):
    identify_then_page = (Call("identify", (USER_ID, {})), Call("page", ("Pricing",)))
    with destination_visit(tmp_path, page, _adobe(timestampOption="disabled")) as visit:
        visit.drive(identify_then_page, HANDLERS)
        [(_, sent)] = _hits(visit)
        assert sent["visitorID"] == USER_ID and "timestamp" not in sent


def test_disable_visitor_id_keeps_the_user_id_out_of_adobe(tmp_path, page):
    identify_then_page = (Call("identify", (USER_ID, {})), Call("page", ("Pricing",)))
    with destination_visit(tmp_path, page, _adobe(timestampOption="disabled", disableVisitorId=True)) as visit:
        visit.drive(identify_then_page, HANDLERS)
        assert "visitorID" not in _hits(visit)[0][1]


def test_segments_adobe_settings_json_imports_unchanged(tmp_path, catalog):
    segment = _adobe(trackingServerSecureUrl="", marketingCloudOrgId="1234567ABC@AdobeOrg", customDataPrefix="",
                     events=[{"segmentEvent": "Played a Song", "adobeEvents": ["event1"]}], merchEvents=[],
                     eVars={"Car": "eVar1"}, props={"Airplane": "prop20"}, hVars={"hier_group1": "hier1"},
                     lVars={"names": "list1"}, contextValues={"page.title": "page_title"},
                     timestampOption="enabled", enableTrackPageName=True, disableVisitorId=False,
                     preferVisitorId=False, productIdentifier="name", heartbeatTrackingServerUrl="", ssl=False,
                     collectHighEntropyUserAgentHints=False, sendFalseValues=True, pageNameFallbackToScreen=False)
    root = write_workspace(tmp_path, sources={"site": web_source("site", destinations=[segment])})
    assert load_workspace(root, catalog).all_problems() == []


def test_the_stub_refuses_hits_outside_appmeasurements_api(tmp_path, page):
    with destination_visit(tmp_path, page, _adobe()) as visit:
        visit.drive((), HANDLERS)
        page.evaluate("var s = s_gi('acmeprod'); s.clearVars(); s.pageTitle = 'x'; s.t(); delete s.pageTitle;"
                      "s.products = 'Engines;SKU-1;two;10'; s.t(); s.clearVars();"
                      "s.events = 'scAdd,bogus'; s.t(); s.clearVars();"
                      "s.linkTrackVars = 'eVar9'; s.tl(true, 'o', 'x'); s.linkTrackVars = 'None';"
                      "s.tl(true, 'x', 'x')")
        assert visit.vendor_errors() == ["t: unknown AppMeasurement variable s.pageTitle",
                                         "t: s.products quantity 'two' is not a whole number",
                                         "t: s.events entry 'bogus' is not an Adobe event",
                                         "tl: linkTrackVars names unset eVar9",
                                         "tl: tl link type must be o, d or e"]


def test_a_mapped_cart_opened_sends_scopen_first(tmp_path, page):
    settings = {"events": [{"segmentEvent": "Cart Opened", "adobeEvents": ["event12"]}]}
    with destination_visit(tmp_path, page, _adobe(**settings)) as visit:
        visit.drive((Call("track", ("Cart Opened", {"cart_id": "cart-1"})),), HANDLERS)
        [(name, sent)] = _hits(visit)
        assert (name, sent["events"], sent["contextData"]) == ("Cart Opened", "scOpen,event12", {"cart_id": "cart-1"})
