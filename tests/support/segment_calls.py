"""The shared table of Segment calls every device-mode adapter is checked against (docs/DESTINATIONS.md).

One visit, the same for every destination: identify with PII traits, a custom track, every event of Segment's
ecommerce spec v2, a named and a categorized page, group, alias and reset. Each row is a call made through the real
`window.analytics` API; a destination's tests say what its vendor (its real SDK where it is on npm, otherwise a stub
that checks the vendor's documented API) must have received for the rows its Segment reference maps.

    from tests.support.segment_calls import CALLS, drive_script
    page.evaluate(drive_script(CALLS))                 # after analytics.ready
    page.evaluate(drive_script(calls_named("Order Completed")))
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

USER_ID, ANONYMOUS_ID, GROUP_ID = "u1", "anon-1", "org-7"
PII_TRAITS = {"email": "ada@example.com", "phone": "+44 20 7946 0000", "firstName": "Ada", "lastName": "Lovelace",
              "name": "Ada Lovelace", "gender": "female", "birthday": "1990-12-10", "plan": "pro", "logins": 5,
              "createdAt": "2024-01-02T03:04:05.000Z",
              "address": {"street": "1 Engine Row", "city": "London", "postalCode": "N1 9GU", "country": "UK",
                          "state": "LDN"}}
PRODUCT_1 = {"product_id": "p-1", "sku": "SKU-1", "name": "Difference Engine", "price": 49.75, "quantity": 2,
             "category": "Engines", "brand": "Babbage", "variant": "brass", "coupon": "SPRING", "position": 1,
             "url": "https://shop.example/p/1", "image_url": "https://shop.example/p/1.png"}
PRODUCT_2 = {"product_id": "p-2", "sku": "SKU-2", "name": "Analytical Engine", "price": 10, "quantity": 1,
             "category": "Engines"}
ORDER = {"checkout_id": "co-1", "order_id": "order-1001", "affiliation": "Online", "total": 109.5, "subtotal": 99.5,
         "revenue": 99.5, "shipping": 5, "tax": 10, "discount": 5, "coupon": "SPRING", "currency": "EUR",
         "products": [PRODUCT_1, PRODUCT_2]}
PROMOTION = {"promotion_id": "promo-1", "creative": "banner", "name": "Spring sale", "position": "top"}
GROUP_TRAITS = {"name": "Acme", "plan": "enterprise", "employees": 50}
CUSTOM = {"video_id": "v-9", "position": 12, "nested": {"a": 1}, "tags": ["x", "y"]}


@dataclass(frozen=True)
class Call:
    """One analytics.js call: its method and its arguments, as a page would make it."""

    method: str  # identify | track | page | group | alias | reset
    args: tuple[Any, ...] = ()

    @property
    def event(self) -> str | None:
        """Return the event name of a track call."""
        return self.args[0] if self.method == "track" else None

    def js(self) -> str:
        """Return the JavaScript statement that makes this call."""
        return f"analytics.{self.method}({', '.join(json.dumps(a) for a in self.args)});"


def _track(event: str, properties: dict[str, Any]) -> Call:
    return Call("track", (event, properties))


PRODUCT_PROPS = {k: v for k, v in PRODUCT_1.items()}
ECOMMERCE: tuple[Call, ...] = (
    _track("Products Searched", {"query": "engines"}),
    _track("Product List Viewed", {"list_id": "engines", "category": "Engines", "products": [PRODUCT_1, PRODUCT_2]}),
    _track("Product List Filtered", {"list_id": "engines", "filters": [{"type": "brand", "value": "Babbage"}],
                                     "sorts": [{"type": "price", "value": "desc"}], "products": [PRODUCT_1]}),
    _track("Promotion Viewed", PROMOTION),
    _track("Promotion Clicked", PROMOTION),
    _track("Product Clicked", PRODUCT_PROPS),
    _track("Product Viewed", {**PRODUCT_PROPS, "currency": "EUR", "value": 49.75}),
    _track("Product Added", {**PRODUCT_PROPS, "cart_id": "cart-1"}),
    _track("Product Removed", {**PRODUCT_PROPS, "cart_id": "cart-1"}),
    _track("Cart Viewed", {"cart_id": "cart-1", "products": [PRODUCT_1, PRODUCT_2]}),
    _track("Checkout Started", {k: v for k, v in ORDER.items() if k != "checkout_id"}),
    _track("Checkout Step Viewed", {"checkout_id": "co-1", "step": 2, "shipping_method": "Fedex",
                                    "payment_method": "Visa"}),
    _track("Checkout Step Completed", {"checkout_id": "co-1", "step": 2, "shipping_method": "Fedex",
                                       "payment_method": "Visa"}),
    _track("Payment Info Entered", {"checkout_id": "co-1", "order_id": "order-1001", "step": 3,
                                    "payment_method": "Visa"}),
    _track("Order Completed", ORDER),
    _track("Order Updated", ORDER),
    _track("Order Refunded", {"order_id": "order-1001", "total": 109.5, "currency": "EUR",
                              "products": [PRODUCT_1]}),
    _track("Order Cancelled", ORDER),
    _track("Coupon Entered", {"order_id": "order-1001", "cart_id": "cart-1", "coupon_id": "SPRING"}),
    _track("Coupon Applied", {"order_id": "order-1001", "cart_id": "cart-1", "coupon_id": "SPRING",
                              "coupon_name": "Spring", "discount": 5}),
    _track("Coupon Denied", {"order_id": "order-1001", "cart_id": "cart-1", "coupon": "WINTER",
                             "reason": "expired"}),
    _track("Coupon Removed", {"order_id": "order-1001", "cart_id": "cart-1", "coupon_id": "SPRING",
                              "coupon_name": "Spring", "discount": 5}),
    _track("Product Added to Wishlist", {**PRODUCT_PROPS, "wishlist_id": "w-1", "wishlist_name": "Later"}),
    _track("Product Shared", {**PRODUCT_PROPS, "share_via": "email", "share_message": "look",
                              "recipient": "friend@example.com"}),
    _track("Cart Shared", {"cart_id": "cart-1", "share_via": "email", "share_message": "look",
                           "recipient": "friend@example.com", "products": [{"product_id": "p-1"}]}),
    _track("Product Reviewed", {"product_id": "p-1", "review_id": "r-1", "review_body": "Calculates.",
                                "rating": 5}),
)

CALLS: tuple[Call, ...] = (
    Call("identify", (USER_ID, PII_TRAITS)),
    _track("Video Played", CUSTOM),
    *ECOMMERCE,
    Call("page", ("Pricing",)),                       # a named page
    Call("page", ("Docs", "Pricing")),                # a categorized page
    Call("page", ()),                                 # an unnamed page
    Call("group", (GROUP_ID, GROUP_TRAITS)),
    Call("alias", ("u2",)),
    Call("reset"),
)


def calls_named(*events: str) -> tuple[Call, ...]:
    """Return the track calls of `events`, in the table's order."""
    return tuple(c for c in CALLS if c.event in events)


def drive_script(calls: tuple[Call, ...]) -> str:
    """Return the JavaScript that makes `calls` in order through window.analytics."""
    return "\n".join(c.js() for c in calls)
