"""Segment's destination display names mapped to catalog names, and the Actions subscriptions an adapter expresses.

    catalog_name("Braze Web Mode (Actions)", catalog)   # -> "Braze"
    catalog_name("Keen IO", catalog)                    # -> "Keen"
    catalog_name("Mixpanel", catalog)                   # -> "Mixpanel" (a catalog name is its own Segment name)
    catalog_name("Snowplow", catalog)                   # -> None: not in the catalog, reported by the import

The table holds only names that differ from the catalog's; a Segment name equal to a catalog name (ignoring case)
maps to it. `EXPRESSED_SUBSCRIPTIONS` lists, per Actions destination, the subscriptions (action + trigger) that
bundlesmith's adapter performs as Segment's defaults do (docs/DESTINATIONS.md says which for each adapter); any
other subscription of a settings JSON is reported, never dropped silently.
"""
from __future__ import annotations

import re
from typing import Any

from builder.catalog import Catalog

SEGMENT_NAMES: dict[str, str] = {
    # classic analytics.js integrations whose name differs
    "Keen IO": "Keen",
    # Actions destinations (action-destinations `name`), browser and cloud
    "Braze Web Mode (Actions)": "Braze",
    "Braze Web Mode": "Braze",
    "Braze Cloud Mode (Actions)": "Braze",
    "Google Analytics 4 Web": "Google Analytics",
    "Google Analytics 4 Cloud": "Google Analytics",
    "Google Analytics 4": "Google Analytics",
    "Intercom Web (Actions)": "Intercom",
    "Intercom Cloud Mode (Actions)": "Intercom",
    "FullStory (Actions)": "FullStory",
    "Fullstory (Actions)": "FullStory",
    "Amplitude (Actions)": "Amplitude",
    "Actions Amplitude": "Amplitude",
    "Mixpanel (Actions)": "Mixpanel",
    "Customer.io (Actions)": "Customer.io",
    "Customer.io Actions": "Customer.io",
    "Hotjar (Actions)": "Hotjar",
    "Facebook Conversions API (Actions)": "Facebook Conversions API",
    "Slack (Actions)": "Slack",
    "Webhooks (Actions)": "Webhooks",
    "Salesforce (Actions)": "Salesforce",
    "Salesforce Marketing Cloud (Actions)": "Salesforce Marketing Cloud",
    "Zendesk (Actions)": "Zendesk",
    "Amazon EventBridge (Actions)": "Amazon EventBridge",
    "Segment Data Lakes (AWS)": "Segment Data Lakes",
}

# Segment names that look like a catalog name but are a different product: not mapped, reported as unknown.
NOT_THE_SAME: dict[str, str] = {
    "Google Analytics": "Universal Analytics (Segment's classic \"Google Analytics\", trackingId) is not in the "
                        "catalog; bundlesmith's Google Analytics is GA4 (measurementID): connect "
                        "\"Google Analytics 4 Web\" in Segment or add a Google Analytics instance by hand",
}

_PRESET_TRACK = 'type = "track"'
EXPRESSED_SUBSCRIPTIONS: dict[str, frozenset[tuple[str, str]]] = {
    "Braze": frozenset({
        ("updateUserProfile", 'type = "identify" or type = "group"'),
        ("trackPurchase", 'type = "track" and event = "Order Completed"'),
        ("trackEvent", 'type = "track" and event != "Order Completed"'),
    }),
    "FullStory": frozenset({
        ("trackEventV2", _PRESET_TRACK), ("identifyUserV2", 'type = "identify"'), ("viewedPageV2", 'type = "page"'),
        ("trackEvent", _PRESET_TRACK), ("identifyUser", 'type = "identify"'), ("viewedPage", 'type = "page"'),
    }),
    "Intercom": frozenset({
        ("trackEvent", _PRESET_TRACK), ("identifyUser", 'type = "identify" or type = "page"'),
        ("identifyCompany", 'type = "group"'),
    }),
    "Google Analytics": frozenset({
        ("setConfigurationFields", 'type = "page"'),
        ("addPaymentInfo", 'type = "track" and event = "Payment Info Entered"'),
        ("addToCart", 'type = "track" and event = "Product Added"'),
        ("addToWishlist", 'type = "track" and event = "Product Added to Wishlist"'),
        ("beginCheckout", 'type = "track" and event = "Checkout Started"'),
        ("customEvent", _PRESET_TRACK),
        ("login", 'type = "track" and event = "Signed In"'),
        ("purchase", 'type = "track" and event = "Order Completed"'),
        ("refund", 'type = "track" and event = "Order Refunded"'),
        ("removeFromCart", 'type = "track" and event = "Product Removed"'),
        ("search", 'type = "track" and event = "Products Searched"'),
        ("selectItem", 'type = "track" and event = "Product Clicked"'),
        ("selectPromotion", 'type = "track" and event = "Promotion Clicked"'),
        ("signUp", 'type = "track" and event = "Signed Up"'),
        ("viewCart", 'type = "track" and event = "Cart Viewed"'),
        ("viewItem", 'type = "track" and event = "Product Viewed"'),
        ("viewItemList", 'type = "track" and event = "Product List Viewed"'),
        ("viewPromotion", 'type = "track" and event = "Promotion Viewed"'),
    }),
}


def catalog_name(segment_name: str, catalog: Catalog, settings: dict[str, Any] | None = None) -> str | None:
    """Return the catalog name of a Segment destination name, or None when the catalog has no such destination."""
    mapped = SEGMENT_NAMES.get(segment_name)
    if mapped is not None:
        return mapped if catalog.get(mapped) is not None else None
    if segment_name in NOT_THE_SAME and _is_universal_analytics(segment_name, settings or {}):
        return None
    if catalog.get(segment_name) is not None:
        return segment_name
    folded = segment_name.casefold()
    return next((name for name in catalog.names() if name.casefold() == folded), None)


def unknown_reason(segment_name: str, settings: dict[str, Any] | None = None) -> str:
    """Return why a Segment destination has no catalog entry, as the report says it."""
    if segment_name in NOT_THE_SAME and _is_universal_analytics(segment_name, settings or {}):
        return NOT_THE_SAME[segment_name]
    return "not in bundlesmith's catalog (see `bundlesmith catalog`)"


def _is_universal_analytics(segment_name: str, settings: dict[str, Any]) -> bool:
    return segment_name == "Google Analytics" and "measurementID" not in settings and "trackingId" in settings


def normal_trigger(subscribe: str) -> str:
    """Return an FQL trigger with its whitespace normalised, for comparison."""
    return re.sub(r"\s+", " ", subscribe.strip())


def is_expressed(destination: str, partner_action: str, subscribe: str) -> bool:
    """Tell whether bundlesmith's adapter of `destination` performs this subscription as Segment's default does."""
    return (partner_action, normal_trigger(subscribe)) in EXPRESSED_SUBSCRIPTIONS.get(destination, frozenset())
