"""What each device-mode adapter must make of one visit: its settings, its SDK URL and the vendor calls expected.

A test page drives the same Analytics.js calls for every adapter (`DRIVE_SCRIPT`): a user identifies, completes
an order, plays a video, views a named page, joins a group and is aliased. `CASES` says, per adapter, what the
vendor stub must then have recorded, in order (destination_snippets/README.md, "The adapters"):

    ("track", "track", ["Order Completed", {"order_id": "order-1001"}])
     caused by  vendor method  arguments, matched with `mismatch()`

Arguments are matched loosely where the vendor gets a copy of Segment data and strictly where a value is the point:
a dict checks only the keys it lists (`ABSENT` says a key must be missing, `Exactly` allows no other key), a list
checks every element, `ANY` takes any value and `Like` a regular expression.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

# --- the visit ------------------------------------------------------------------------------------------------

USER_ID, ANONYMOUS_ID, GROUP_ID, USER_HASH = "user-42", "anon-1", "org-7", "hmac-1"
TRAITS = {"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "name": "Ada Lovelace",
          "plan": "pro", "logins": 5, "createdAt": "2024-01-02T03:04:05.000Z", "gender": "female",
          "birthday": "1990-12-10", "address": {"city": "London", "country": "UK"},
          "company": {"id": "c-1", "name": "Analytical Engines"}}
CREATED_AT_SECONDS = 1704164645  # TRAITS["createdAt"] as a Unix timestamp
PRODUCT = {"product_id": "p-1", "sku": "SKU-1", "name": "Difference Engine", "price": 49.75, "quantity": 2,
           "category": "Engines"}
ORDER = {"order_id": "order-1001", "revenue": 99.5, "total": 109.5, "currency": "EUR", "tax": 10,
         "products": [PRODUCT]}
ORDER_SCALARS = {k: v for k, v in ORDER.items() if k != "products"}
VIDEO = {"video_id": "v-9", "position": 12, "nested": {"a": 1}}
VIDEO_SCALARS = {"video_id": "v-9", "position": 12}
GROUP_TRAITS = {"name": "Acme", "plan": "enterprise", "employees": 50}

# The test page: its canonical URL, title and referrer become the page call's properties in the runtime.
PAGE_URL, PAGE_TITLE, REFERRER = "https://shop.example/pricing", "Pricing", "https://google.com/"
PAGE_HEAD = f'<link rel="canonical" href="{PAGE_URL}">'
PAGE = {"category": "Docs", "name": "Pricing", "path": "/pricing", "referrer": REFERRER, "search": "",
        "title": PAGE_TITLE, "url": PAGE_URL}

# Run after `analytics.ready`, through the real window.analytics API.
DRIVE_SCRIPT = f"""
analytics.setAnonymousId({json.dumps(ANONYMOUS_ID)});
analytics.identify({json.dumps(USER_ID)}, {json.dumps(TRAITS)},
                   {{integrations: {{Intercom: {{user_hash: {json.dumps(USER_HASH)}}}}}}});
analytics.track("Order Completed", {json.dumps(ORDER)});
analytics.track("Video Played", {json.dumps(VIDEO)});
analytics.page("Docs", "Pricing");
analytics.group({json.dumps(GROUP_ID)}, {json.dumps(GROUP_TRAITS)});
analytics.alias({json.dumps(USER_ID)}, {json.dumps(ANONYMOUS_ID)});
"""
DRIVEN = ("identify", "track", "track", "page", "group", "alias")  # the Segment calls DRIVE_SCRIPT makes, in order


# --- matching ---------------------------------------------------------------------------------------------------

class _Any:
    def __repr__(self) -> str:
        return "ANY"


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ANY, ABSENT = _Any(), _Absent()


class Exactly(dict):  # type: ignore[type-arg]
    """A dict pattern that allows no key besides its own."""

    def __repr__(self) -> str:
        return f"Exactly({dict.__repr__(self)})"


@dataclass(frozen=True)
class Like:
    """A string pattern: the value must be a string that fully matches `pattern`."""

    pattern: str


EVENT_ID = Like(r"ajs-[0-9a-f-]{36}")  # the Segment messageId the runtime gives each event


def mismatch(expected: Any, actual: Any, where: str = "args") -> str | None:
    """Return where and how `actual` differs from the pattern `expected`, or None when it matches."""
    if expected is ANY:
        return None
    if isinstance(expected, Like):
        ok = isinstance(actual, str) and re.fullmatch(expected.pattern, actual) is not None
        return None if ok else f"{where}: expected a string like /{expected.pattern}/, got {actual!r}"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {actual!r}"
        if isinstance(expected, Exactly) and set(actual) - set(expected):
            return f"{where}: unexpected keys {sorted(set(actual) - set(expected))}"
        for key, value in expected.items():
            if value is ABSENT:
                if key in actual:
                    return f"{where}.{key}: expected no such key, got {actual[key]!r}"
            elif key not in actual:
                return f"{where}.{key}: missing (expected {value!r})"
            elif (found := mismatch(value, actual[key], f"{where}.{key}")) is not None:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where}: expected {len(expected)} items {expected!r}, got {actual!r}"
        for index, (value, item) in enumerate(zip(expected, actual)):
            if (found := mismatch(value, item, f"{where}[{index}]")) is not None:
                return found
        return None
    same = actual == expected and isinstance(actual, bool) == isinstance(expected, bool)
    return None if same else f"{where}: expected {expected!r}, got {actual!r}"


# --- the adapters -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AdapterCase:
    """One adapter: its configuration and the vendor calls the visit must produce, in order."""

    slug: str
    name: str                    # the catalog display name (the stub's `destination`)
    public: dict[str, Any]       # configured public settings
    private: dict[str, str]      # a private setting, when the catalog has one: it must never reach the vendor
    sdk_url: str                 # the one vendor URL the page requests
    handlers: tuple[str, ...]    # the Segment call types the vendor has an equivalent for
    calls: tuple[tuple[str, str, list[Any]], ...] = field(repr=False)  # (caused by, vendor method, args)

    def instance(self) -> dict[str, Any]:
        """Return the source file's destination entry for this adapter."""
        return {"destination": self.name, "name": self.name, "mode": "device",
                "settings": {**self.public, **self.private}}

    def delivered(self) -> list[str]:
        """Return the Segment call types the runtime hands this adapter during the visit, in order."""
        return [kind for kind in DRIVEN if kind in self.handlers]

    def problems(self, recorded: list[dict[str, Any]]) -> list[str]:
        """Compare the stub's records for this adapter with `calls`; return what differs."""
        expected_methods = [method for _, method, _ in self.calls]
        recorded_methods = [call["method"] for call in recorded]
        if expected_methods != recorded_methods:
            context = len(recorded) + len(self.calls)  # the whole sequence, not just the neighbourhood
            diff = difflib.unified_diff(expected_methods, recorded_methods, lineterm="", n=context)
            return ["the vendor methods differ (- expected, + recorded):", *list(diff)[3:]]
        found = []
        for index, ((cause, method, args), call) in enumerate(zip(self.calls, recorded)):
            if (why := mismatch(args, call["args"])) is not None:
                found.append(f"call {index} ({cause} -> {method}): {why}")
        return found


ALL = ("identify", "track", "page", "group", "alias")
KEEN_IP = {"ip_address": "${keen.ip}",
           "keen": Exactly({"timestamp": Like(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"),
                            "addons": [{"name": "keen:ip_to_geo", "input": {"ip": "ip_address"},
                                        "output": "ip_geo_info"}]})}
KEEN_USER = {"user": Exactly({"userId": USER_ID, "traits": Exactly({**TRAITS, "id": USER_ID})})}
BRAZE_OPTIONS = {"baseUrl": "sdk.fra-02.braze.eu", "allowCrawlerActivity": False, "allowUserSuppliedJavascript": False,
                 "disablePushTokenMaintenance": False, "doNotLoadFontAwesome": False, "enableLogging": False,
                 "enableSdkAuthentication": False, "localization": "en", "manageServiceWorkerExternally": False,
                 "minimumIntervalBetweenTriggerActionsInSeconds": 30, "noCookies": False, "openCardsInNewTab": False,
                 "openInAppMessagesInNewTab": False, "requireExplicitInAppMessageDismissal": False,
                 "sessionTimeoutInSeconds": 1800}
MIXPANEL_TRAITS = {"$email": "ada@example.com", "$first_name": "Ada", "$last_name": "Lovelace",
                   "$name": "Ada Lovelace", "$created": TRAITS["createdAt"], "plan": "pro", "logins": 5,
                   "id": USER_ID, "email": ABSENT, "firstName": ABSENT, "createdAt": ABSENT}

CASES: tuple[AdapterCase, ...] = (
    AdapterCase(
        "adobe-analytics", "Adobe Analytics",
        public={"reportSuiteId": "acmeprod", "trackingServerUrl": "acme.sc.omtrdc.net"},
        private={"sharedSecret": "adobe-shared-secret-4f1d"},
        sdk_url="https://assets.adobedtm.com/extensions/EPbde2f7ca14e540399dcc1f8208860b7b/AppMeasurement.min.js",
        handlers=("track", "page"),  # Segment's integration has no identify/group/alias
        calls=(
            # Segment's classic integration: Order Completed is an ecommerce event it maps (purchase); Video Played
            # is not mapped in `events`, so it sends nothing (no billed s.tl()). The stub records what tl() sends:
            # the linkTrackVars only. No s.visitorID: timestampOption "enabled" sends s.timestamp instead.
            ("track", "tl", ["o", "Order Completed", {
                "account": "acmeprod", "trackingServer": "acme.sc.omtrdc.net", "trackingServerSecure": ABSENT,
                "visitorID": ABSENT, "events": "purchase", "linkTrackEvents": "purchase",
                "products": "Engines;Difference Engine;2;99.50", "purchaseID": "order-1001",
                "transactionID": "order-1001", "currencyCode": "EUR", "pageName": PAGE_TITLE,
                "timestamp": Like(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"),
                "contextData": Exactly({**ORDER_SCALARS, **{f"products.0.{k}": v for k, v in PRODUCT.items()}}),
                "linkTrackVars": ",".join(["purchaseID", "transactionID", "products",
                                           *[f"contextData.{k}" for k in ORDER_SCALARS],
                                           *[f"contextData.products.0.{k}" for k in PRODUCT],
                                           "events", "pageName", "timestamp", "currencyCode"])}]),
            ("page", "t", [{"account": "acmeprod", "trackingServer": "acme.sc.omtrdc.net", "visitorID": ABSENT,
                            "pageName": "Docs Pricing", "pageURL": ABSENT, "referrer": REFERRER,
                            "timestamp": Like(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"),
                            "contextData": Exactly(PAGE), "events": ABSENT}]),
        ),
    ),
    AdapterCase(
        "amplitude", "Amplitude",
        public={"apiKey": "amp-key-123", "endpoint": "europe", "trackAllPages": True},
        private={"secretKey": "amp-secret-key-9c2e"},
        sdk_url="https://cdn.amplitude.com/libs/analytics-browser-2.48.1-min.js.gz",
        handlers=("identify", "track", "page", "group"),
        calls=(
            ("load", "init", ["amp-key-123", None, {
                "serverZone": "EU", "useBatch": False, "fetchRemoteConfig": False,
                "autocapture": {"attribution": {"trackingMethod": "userProperty"}, "pageViews": False,
                                "sessions": False, "pageUrlEnrichment": False}}]),
            ("identify", "setUserId", [USER_ID]),
            ("identify", "identify", [Exactly({"$set": {**TRAITS, "id": USER_ID}})]),
            # Segment's orderCompleted: the order without its products, its revenue, one event per product
            ("track", "track", ["Order Completed", Exactly(ORDER_SCALARS)]),
            ("track", "revenue", [Exactly({"price": 99.5, "quantity": 1})]),
            ("track", "track", ["Product Purchased", Exactly(PRODUCT)]),
            ("track", "track", ["Video Played", Exactly(VIDEO)]),
            ("page", "track", ["Loaded a Page", Exactly(PAGE)]),
            ("page", "track", ["Viewed Docs Page", Exactly(PAGE)]),
            ("page", "track", ["Viewed Docs Pricing Page", Exactly(PAGE)]),
            ("group", "setGroup", ["[Segment] Group", GROUP_ID]),
        ),
    ),
    AdapterCase(
        "braze", "Braze",
        public={"api_key": "braze-key-1", "endpoint": "sdk.fra-02.braze.eu"},
        private={"restApiKey": "braze-rest-secret-3d3d"},
        sdk_url="https://js.appboycdn.com/web-sdk/6.10/braze.no-module.min.js",
        handlers=("identify", "track", "group"),
        calls=(
            # Segment's Braze Web Mode (Actions): the SDK gets its initialisation options, catalog defaults included
            ("load", "initialize", ["braze-key-1", Exactly(BRAZE_OPTIONS)]),
            ("load", "automaticallyShowInAppMessages", []),
            ("load", "openSession", []),
            # Update User Profile: every trait that is not a profile field is a custom attribute, then the fields
            ("identify", "changeUser", [USER_ID]),
            ("identify", "user.setCustomUserAttribute", ["name", "Ada Lovelace"]),
            ("identify", "user.setCustomUserAttribute", ["plan", "pro"]),
            ("identify", "user.setCustomUserAttribute", ["logins", 5]),
            ("identify", "user.setCustomUserAttribute", ["createdAt", TRAITS["createdAt"]]),
            ("identify", "user.setCustomUserAttribute", ["birthday", "1990-12-10"]),
            ("identify", "user.setCustomUserAttribute", ["address", TRAITS["address"]]),
            ("identify", "user.setCustomUserAttribute", ["company", TRAITS["company"]]),
            ("identify", "user.setEmail", ["ada@example.com"]),
            ("identify", "user.setFirstName", ["Ada"]),
            ("identify", "user.setGender", ["F"]),
            ("identify", "user.setHomeCity", ["London"]),
            ("identify", "user.setLastName", ["Lovelace"]),
            # Track Purchase: per product, currency from the product (USD by default), the order's other properties
            ("track", "logPurchase", ["p-1", 49.75, "USD", 2,
                                      Exactly({k: v for k, v in ORDER.items() if k != "currency"})]),
            ("track", "logCustomEvent", ["Video Played", VIDEO]),
            # group runs Update User Profile too: the group's traits become the user's custom attributes
            ("group", "changeUser", [USER_ID]),
            ("group", "user.setCustomUserAttribute", ["name", "Acme"]),
            ("group", "user.setCustomUserAttribute", ["plan", "enterprise"]),
            ("group", "user.setCustomUserAttribute", ["employees", 50]),
        ),
    ),
    AdapterCase(
        "customer-io", "Customer.io",
        public={"siteId": "cio-site-9", "datacenter": "eu"},
        private={"apiKey": "cio-tracking-api-key-6d6d"},
        sdk_url="https://assets.customer.io/assets/track-eu.js",
        handlers=("identify", "track", "page", "group"),
        calls=(
            # Segment's classic Customer.io: ISO dates as Unix seconds, pages by name, group as "Group" attributes
            ("load", "config", [Exactly({"siteId": "cio-site-9", "autoTrackPage": "false", "useArrayParams": None})]),
            ("identify", "identify", [{"id": USER_ID, "email": "ada@example.com", "plan": "pro",
                                       "created_at": CREATED_AT_SECONDS, "createdAt": ABSENT,
                                       "birthday": 660787200, "company": TRAITS["company"]}]),
            ("track", "track", ["Order Completed", Exactly(ORDER)]),
            ("track", "track", ["Video Played", Exactly(VIDEO)]),
            ("page", "page", ["Pricing", Exactly(PAGE)]),
            ("group", "identify", [Exactly({**{f"Group {k}": v for k, v in GROUP_TRAITS.items()},
                                            "Group id": GROUP_ID, "id": USER_ID})]),
        ),
    ),
    AdapterCase(
        "facebook-pixel", "Facebook Pixel",
        public={"pixelId": "998877", "standardEvents": {"Lead Captured": "Lead"}},
        private={"accessToken": "fb-capi-access-token-7e7e"},
        sdk_url="https://connect.facebook.net/en_US/fbevents.js",
        handlers=("track", "page"),
        calls=(
            # Segment's classic integration: Limited Data Use on by default, events to this pixel only
            ("load", "dataProcessingOptions", [["LDU"], 0, 0]),
            ("load", "init", ["998877"]),
            ("track", "trackSingle", ["998877", "Purchase", Exactly({
                "content_ids": ["p-1"], "content_type": ["product"], "currency": "EUR", "value": "99.50",
                "contents": [Exactly({"id": "p-1", "quantity": 2, "item_price": 49.75})], "num_items": 1}),
                Exactly({"eventID": EVENT_ID})]),
            ("track", "trackSingleCustom", ["998877", "Video Played", Exactly(VIDEO), Exactly({"eventID": EVENT_ID})]),
            ("page", "track", ["PageView", Exactly({}), Exactly({"eventID": EVENT_ID})]),
        ),
    ),
    AdapterCase(
        "fullstory", "FullStory",
        public={"orgId": "o-1AB-na1"},
        private={"apiKey": "fullstory-server-key-8a8a"},
        sdk_url="https://edge.fullstory.com/s/fs.js",
        handlers=("identify", "track", "page"),
        calls=(
            ("load", "snippet", [Exactly({"org": "o-1AB-na1", "host": "fullstory.com",
                                          "script": "edge.fullstory.com/s/fs.js", "namespace": "FS"})]),
            # Segment's Fullstory (Actions): traits + segmentAnonymousId + displayName, tagged with its source
            ("identify", "setIdentity", [Exactly({"uid": USER_ID, "properties": Exactly({
                **TRAITS, "segmentAnonymousId": ANONYMOUS_ID, "displayName": "Ada Lovelace"})}),
                "segment-browser-actions"]),
            ("track", "trackEvent", [Exactly({"name": "Order Completed", "properties": ORDER}),
                                     "segment-browser-actions"]),
            ("track", "trackEvent", [Exactly({"name": "Video Played", "properties": VIDEO}), "segment-browser-actions"]),
            # pageName is the category when there is one, then the page's properties
            ("page", "setProperties", [Exactly({"type": "page", "properties": Exactly({"pageName": "Docs", **PAGE})}),
                                       "segment-browser-actions"]),
        ),
    ),
    AdapterCase(
        "google-analytics", "Google Analytics",
        public={"measurementID": "G-TEST123"},
        private={"apiSecret": "ga-mp-api-secret-2b2b"},
        sdk_url="https://www.googletagmanager.com/gtag/js?id=G-TEST123",
        handlers=("track", "page"),
        calls=(
            # Segment's GA4 Web: each action's default subscription and field defaults (no identify/group action)
            ("load", "gtag:js", [ANY]),
            ("track", "gtag:event", ["purchase", Exactly({
                "transaction_id": "order-1001", "value": 109.5, "currency": "EUR", "tax": 10, "send_to": "G-TEST123",
                "items": [Exactly({"item_id": "p-1", "item_name": "Difference Engine", "item_category": "Engines",
                                   "price": 49.75, "quantity": 2})]})]),
            ("track", "gtag:event", ["Video_Played", Exactly({"send_to": "G-TEST123"})]),
            ("page", "gtag:config", ["G-TEST123", Exactly({"allow_ad_personalization_signals": True,
                                                           "allow_google_signals": True})]),
        ),
    ),
    AdapterCase(
        "google-tag-manager", "Google Tag Manager",
        public={"containerId": "GTM-ABC123", "dataLayerName": "dl2", "environment": "env-3&gtm_auth=abc",
                "trackAllPages": True},
        private={},  # the catalog has no private setting for GTM
        sdk_url="https://www.googletagmanager.com/gtm.js?id=GTM-ABC123&l=dl2&gtm_preview=env-3&gtm_auth=abc",
        handlers=("track", "page"),
        calls=(
            ("load", "dataLayer.push", [Exactly({"gtm.start": ANY, "event": "gtm.js"})]),
            ("track", "dataLayer.push", [Exactly({**ORDER, "event": "Order Completed", "userId": USER_ID,
                                                  "segmentAnonymousId": ANONYMOUS_ID})]),
            ("track", "dataLayer.push", [Exactly({**VIDEO, "event": "Video Played", "userId": USER_ID,
                                                  "segmentAnonymousId": ANONYMOUS_ID})]),
            ("page", "dataLayer.push", [Exactly({**PAGE, "event": "Loaded a Page", "userId": USER_ID,
                                                 "segmentAnonymousId": ANONYMOUS_ID})]),
            ("page", "dataLayer.push", [Exactly({**PAGE, "event": "Viewed Docs Page", "userId": USER_ID,
                                                 "segmentAnonymousId": ANONYMOUS_ID})]),
            ("page", "dataLayer.push", [Exactly({**PAGE, "event": "Viewed Docs Pricing Page", "userId": USER_ID,
                                                 "segmentAnonymousId": ANONYMOUS_ID})]),
        ),
    ),
    AdapterCase(
        "hotjar", "Hotjar",
        public={"hjid": 1234567},
        private={},  # the catalog has no private setting for Hotjar
        sdk_url="https://static.hotjar.com/c/hotjar-1234567.js?sv=6",
        handlers=("identify", "track"),
        calls=(
            ("load", "settings", [Exactly({"hjid": 1234567, "hjsv": 6})]),
            ("identify", "identify", [USER_ID, Exactly({k: v for k, v in TRAITS.items()
                                                        if k not in ("address", "company")})]),
            ("track", "event", ["Order Completed"]),
            ("track", "event", ["Video Played"]),
        ),
    ),
    AdapterCase(
        "intercom", "Intercom",
        public={"appId": "ic123", "apiBase": "https://api-iam.eu.intercom.io"},
        private={"accessToken": "intercom-access-token-1f2e"},
        sdk_url="https://widget.intercom.io/widget/ic123",
        handlers=("identify", "track", "page", "group"),
        calls=(
            # Segment's Intercom Web (Actions) with its default mappings: no custom attributes, price in cents
            ("load", "settings", [Exactly({"app_id": "ic123", "installation_type": "s",
                                           "custom_launcher_selector": "#IntercomDefaultWidget"})]),
            ("load", "boot", [Exactly({"app_id": "ic123", "installation_type": "s",
                                       "api_base": "https://api-iam.eu.intercom.io"})]),
            ("identify", "update", [Exactly({
                "user_id": USER_ID, "email": "ada@example.com", "name": "Ada Lovelace", "created_at": CREATED_AT_SECONDS,
                "user_hash": USER_HASH, "company": Exactly({"company_id": "c-1", "name": "Analytical Engines"})})]),
            ("track", "trackEvent", ["Order Completed", Exactly({
                **{k: v for k, v in ORDER_SCALARS.items() if k not in ("revenue", "currency")},
                "price": {"amount": 9950, "currency": "EUR"}})]),
            ("track", "trackEvent", ["Video Played", Exactly(VIDEO_SCALARS)]),
            ("page", "update", [Exactly({"user_id": USER_ID})]),
            ("group", "update", [Exactly({"company": Exactly({"company_id": GROUP_ID, "name": "Acme",
                                                              "plan": "enterprise"})})]),
        ),
    ),
    AdapterCase(
        "keen", "Keen",
        public={"projectId": "kp1", "writeKey": "kw1", "trackAllPages": True, "ipAddon": True},
        private={"masterKey": "keen-master-key-0c0c"},
        sdk_url="https://cdn.jsdelivr.net/npm/keen-tracking@5/dist/keen-tracking.min.js",
        handlers=("identify", "track", "page"),
        calls=(
            # Segment's Keen IO: identify sets the global properties every later event carries
            ("load", "client", [Exactly({"projectId": "kp1", "writeKey": "kw1"})]),
            ("track", "recordEvent", ["Order Completed", Exactly({**ORDER, **KEEN_USER, **KEEN_IP})]),
            ("track", "recordEvent", ["Video Played", Exactly({**VIDEO, **KEEN_USER, **KEEN_IP})]),
            ("page", "recordEvent", ["Loaded a Page", Exactly({**PAGE, **KEEN_USER, **KEEN_IP})]),
            ("page", "recordEvent", ["Viewed Docs Pricing Page", Exactly({**PAGE, **KEEN_USER, **KEEN_IP})]),
            ("page", "recordEvent", ["Viewed Docs Page", Exactly({**PAGE, **KEEN_USER, **KEEN_IP})]),
        ),
    ),
    AdapterCase(
        "lytics", "Lytics",
        public={"cid": "ly-cid-1", "stream": "web"},
        private={"apiKey": "lytics-api-key-5e5e"},
        sdk_url="https://c.lytics.io/api/tag/ly-cid-1/latest.min.js",
        handlers=("identify", "track", "page"),
        calls=(
            ("load", "init", [Exactly({"cid": "ly-cid-1", "stream": "web", "cookie": "seerid", "blockload": False,
                                       "loadid": False, "delay": 2000, "sessecs": 1800, "url": "//c.lytics.io",
                                       "src": "https://c.lytics.io/api/tag/ly-cid-1/latest.min.js"})]),
            # Segment's classic Lytics: every call is a send; the user id only on identify; a page's name is _e
            ("identify", "send", ["web", Exactly({**TRAITS, "user_id": USER_ID})]),
            ("track", "send", ["web", Exactly({**ORDER, "_e": "Order Completed"})]),
            ("track", "send", ["web", Exactly({**VIDEO, "_e": "Video Played"})]),
            ("page", "send", ["web", Exactly({**{k: v for k, v in PAGE.items() if k != "name"}, "_e": "Pricing"})]),
        ),
    ),
    AdapterCase(
        "mixpanel", "Mixpanel",
        public={"token": "mp-token-1", "enableEuropeanUnionEndpoint": True, "people": True,
                "groupIdentifierTraits": ["company_id"]},
        private={"apiSecret": "mp-api-secret-5b1e"},
        sdk_url="https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js",
        handlers=ALL,
        calls=(
            ("load", "init", ["mp-token-1", Exactly({"api_host": "https://api-eu.mixpanel.com", "persistence": "cookie",
                                                     "cross_subdomain_cookie": False, "secure_cookie": False,
                                                     "track_pageview": False}), "mixpanel"]),
            ("identify", "identify", [USER_ID]),
            ("identify", "name_tag", ["ada@example.com"]),
            ("identify", "register", [MIXPANEL_TRAITS]),
            ("identify", "people.set", [MIXPANEL_TRAITS]),
            # people: the order's revenue is a charge; the products list is flattened (Segment's invertObjectArrays)
            ("track", "people.track_charge", [99.5]),
            ("track", "track", ["Order Completed", Exactly({
                **ORDER_SCALARS, **{f"products_{k}s": [v] for k, v in PRODUCT.items()}})]),
            ("track", "track", ["Video Played", Exactly(VIDEO)]),
            # consolidatedPageCalls (Segment's default): every page call is "Loaded a Page"
            ("page", "track", ["Loaded a Page", Exactly(PAGE)]),
            ("group", f"get_group(company_id,{GROUP_ID}).set_once", [Exactly(GROUP_TRAITS)]),
            ("group", "set_group", ["company_id", [GROUP_ID]]),
            ("alias", "alias", [USER_ID, ANONYMOUS_ID]),
        ),
    ),
    AdapterCase(
        "vero", "Vero",
        public={"apiKey": "vero-key-1"},
        private={"authToken": "vero-auth-token-2a2a"},
        sdk_url="https://d3qxef4rp70elm.cloudfront.net/m.js",
        handlers=("identify", "track", "page", "alias"),
        calls=(
            ("load", "init", [Exactly({"api_key": "vero-key-1"})]),
            ("identify", "user", [Exactly({**TRAITS, "id": USER_ID})]),
            # Segment's classic Vero: Order Completed fans out one "Ordered Product" per product first
            ("track", "track", ["Ordered Product", Exactly(PRODUCT), Exactly({"source": "segment"})]),
            ("track", "track", ["Order Completed", Exactly(ORDER), Exactly({"source": "segment"})]),
            ("track", "track", ["Video Played", Exactly(VIDEO), Exactly({"source": "segment"})]),
            ("page", "trackPageview", []),
            ("alias", "reidentify", [USER_ID, ANONYMOUS_ID]),
        ),
    ),
)
