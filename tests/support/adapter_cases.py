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
USER = {"user": Exactly({"userId": USER_ID, "anonymousId": ANONYMOUS_ID})}
KEEN_IP = {"ip_address": "${keen.ip}",
           "keen": {"addons": [{"name": "keen:ip_to_geo", "input": {"ip": "ip_address"}, "output": "ip_geo_info"}]}}
MIXPANEL_TRAITS = {"$email": "ada@example.com", "$first_name": "Ada", "$last_name": "Lovelace",
                   "$name": "Ada Lovelace", "$created": TRAITS["createdAt"], "plan": "pro", "logins": 5,
                   "email": ABSENT, "firstName": ABSENT, "createdAt": ABSENT}

CASES: tuple[AdapterCase, ...] = (
    AdapterCase(
        "adobe-analytics", "Adobe Analytics",
        public={"reportSuiteId": "acmeprod", "trackingServerUrl": "acme.sc.omtrdc.net"},
        private={"sharedSecret": "adobe-shared-secret-4f1d"},
        sdk_url="https://assets.adobedtm.com/extensions/EPbde2f7ca14e540399dcc1f8208860b7b/AppMeasurement.min.js",
        handlers=("identify", "track", "page"),
        calls=(
            # identify sets s.visitorID, sent with the next beacon; the tracker carries the configured servers
            ("track", "tl", ["o", "Order Completed", {
                "account": "acmeprod", "trackingServer": "acme.sc.omtrdc.net",
                "trackingServerSecure": "acme.sc.omtrdc.net", "visitorID": USER_ID,
                "events": "purchase", "products": "Engines;SKU-1;2;99.5", "purchaseID": "order-1001",
                "currencyCode": "EUR", "linkTrackEvents": "purchase",
                "contextData": Exactly(ORDER_SCALARS),
                "linkTrackVars": "contextData.order_id,contextData.revenue,contextData.total,contextData.currency,"
                                 "contextData.tax,products,events,purchaseID,currencyCode"}]),
            ("track", "tl", ["o", "Video Played", {
                "account": "acmeprod", "visitorID": USER_ID, "events": ABSENT, "products": ABSENT,
                "contextData": Exactly(VIDEO_SCALARS), "linkTrackEvents": "None",
                "linkTrackVars": "contextData.video_id,contextData.position"}]),
            ("page", "t", [{"account": "acmeprod", "trackingServer": "acme.sc.omtrdc.net", "visitorID": USER_ID,
                            "pageName": "Docs Pricing", "pageURL": PAGE_URL, "referrer": REFERRER,
                            "contextData": Exactly(PAGE), "events": ABSENT}]),
        ),
    ),
    AdapterCase(
        "amplitude", "Amplitude",
        public={"apiKey": "amp-key-123", "serverZone": "EU", "trackAllPages": True},
        private={"secretKey": "amp-secret-key-9c2e"},
        sdk_url="https://cdn.amplitude.com/libs/analytics-browser-2.22.2-min.js.gz",
        handlers=("identify", "track", "page", "group"),
        calls=(
            ("load", "init", ["amp-key-123", {"serverZone": "EU", "useBatch": False,
                                              "autocapture": {"attribution": True, "pageViews": False}}]),
            ("identify", "setUserId", [USER_ID]),
            ("identify", "identify", [Exactly({"$set": TRAITS})]),
            ("track", "track", ["Order Completed", ORDER]),
            ("track", "revenue", [Exactly({"price": 99.5, "quantity": 1})]),
            ("track", "track", ["Video Played", VIDEO]),
            ("page", "track", ["Loaded a Page", PAGE]),
            ("group", "setGroup", ["company", GROUP_ID]),
        ),
    ),
    AdapterCase(
        "braze", "Braze",
        public={"apiKey": "braze-key-1", "sdkEndpoint": "sdk.fra-02.braze.eu"},
        private={"restApiKey": "braze-rest-secret-3d3d"},
        sdk_url="https://js.appboycdn.com/web-sdk/6.1/braze.min.js",
        handlers=("identify", "track", "group"),
        calls=(
            ("load", "initialize", ["braze-key-1", Exactly({"baseUrl": "sdk.fra-02.braze.eu",
                                                             "enableLogging": False})]),
            ("load", "automaticallyShowInAppMessages", []),
            ("load", "openSession", []),
            ("identify", "changeUser", [USER_ID]),
            ("identify", "user.setEmail", ["ada@example.com"]),
            ("identify", "user.setFirstName", ["Ada"]),
            ("identify", "user.setLastName", ["Lovelace"]),
            ("identify", "user.setGender", ["f"]),
            ("identify", "user.setDateOfBirth", [1990, 12, 10]),
            ("identify", "user.setHomeCity", ["London"]),
            ("identify", "user.setCountry", ["UK"]),
            ("identify", "user.setCustomUserAttribute", ["name", "Ada Lovelace"]),
            ("identify", "user.setCustomUserAttribute", ["plan", "pro"]),
            ("identify", "user.setCustomUserAttribute", ["logins", 5]),
            ("identify", "user.setCustomUserAttribute", ["createdAt", TRAITS["createdAt"]]),
            ("track", "logPurchase", ["p-1", 49.75, "EUR", 2, Exactly(ORDER_SCALARS)]),
            ("track", "logCustomEvent", ["Video Played", VIDEO]),
            ("group", "user.setCustomUserAttribute", [f"ab_segment_group_{GROUP_ID}", True]),
        ),
    ),
    AdapterCase(
        "customer-io", "Customer.io",
        public={"siteId": "cio-site-9", "region": "eu"},
        private={"apiKey": "cio-tracking-api-key-6d6d"},
        sdk_url="https://assets.customer.io/assets/track-eu.js",
        handlers=("identify", "track", "page"),
        calls=(
            ("load", "config", [{"siteId": "cio-site-9", "autoTrackPage": "false", "useArrayParams": "true"}]),
            ("identify", "identify", [{"id": USER_ID, "email": "ada@example.com", "plan": "pro",
                                       "created_at": CREATED_AT_SECONDS}]),
            ("track", "track", ["Order Completed", ORDER]),
            ("track", "track", ["Video Played", VIDEO]),
            ("page", "page", [PAGE_URL, PAGE]),
        ),
    ),
    AdapterCase(
        "facebook-pixel", "Facebook Pixel",
        public={"pixelId": "998877", "standardEvents": {"Lead Captured": "Lead"}},
        private={"accessToken": "fb-capi-access-token-7e7e"},
        sdk_url="https://connect.facebook.net/en_US/fbevents.js",
        handlers=("track", "page"),
        calls=(
            ("load", "init", ["998877"]),
            ("track", "track", ["Purchase", {
                "value": 99.5, "currency": "EUR", "content_ids": ["p-1"], "content_type": "product", "num_items": 2,
                "contents": [Exactly({"id": "p-1", "quantity": 2, "item_price": 49.75})],
                "order_id": "order-1001", "products": ABSENT}, Exactly({"eventID": EVENT_ID})]),
            ("track", "trackCustom", ["Video Played", VIDEO, Exactly({"eventID": EVENT_ID})]),
            ("page", "track", ["PageView"]),
        ),
    ),
    AdapterCase(
        "fullstory", "FullStory",
        public={"orgId": "o-1AB-na1", "trackAllPages": True},
        private={"apiKey": "fullstory-server-key-8a8a"},
        sdk_url="https://edge.fullstory.com/s/fs.js",
        handlers=("identify", "track", "page"),
        calls=(
            ("load", "snippet", [Exactly({"org": "o-1AB-na1", "host": "fullstory.com",
                                          "script": "edge.fullstory.com/s/fs.js", "namespace": "FS",
                                          "debug": False})]),
            ("identify", "setIdentity", [Exactly({"uid": USER_ID,
                                                  "properties": {**TRAITS, "displayName": "Ada Lovelace"}})]),
            ("track", "trackEvent", [Exactly({"name": "Order Completed", "properties": ORDER})]),
            ("track", "trackEvent", [Exactly({"name": "Video Played", "properties": VIDEO})]),
            ("page", "setProperties", [Exactly({"type": "page", "properties": Exactly({"pageName": "Docs Pricing"})})]),
            ("page", "trackEvent", [Exactly({"name": "Loaded a Page", "properties": PAGE})]),
        ),
    ),
    AdapterCase(
        "google-analytics", "Google Analytics",
        public={"measurementId": "G-TEST123"},
        private={"apiSecret": "ga-mp-api-secret-2b2b"},
        sdk_url="https://www.googletagmanager.com/gtag/js?id=G-TEST123",
        handlers=("identify", "track", "page", "group"),
        calls=(
            ("load", "gtag:js", [ANY]),
            ("load", "gtag:config", ["G-TEST123", Exactly({"send_page_view": False})]),
            ("identify", "gtag:config", ["G-TEST123", Exactly({"user_id": USER_ID, "send_page_view": False})]),
            # user properties: scalar traits that are not contact details (Google forbids PII)
            ("identify", "gtag:set", ["user_properties", Exactly({"plan": "pro", "logins": 5, "gender": "female",
                                                                  "createdAt": TRAITS["createdAt"]})]),
            ("track", "gtag:event", ["purchase", Exactly({
                "transaction_id": "order-1001", "value": 99.5, "currency": "EUR", "tax": 10,
                "items": [Exactly({"item_id": "p-1", "item_name": "Difference Engine", "item_category": "Engines",
                                   "price": 49.75, "quantity": 2})]})]),
            ("track", "gtag:event", ["Video_Played", Exactly(VIDEO_SCALARS)]),
            ("page", "gtag:event", ["page_view", Exactly({"page_title": PAGE_TITLE, "page_location": PAGE_URL,
                                                          "page_referrer": REFERRER})]),
            ("group", "gtag:event", ["join_group", Exactly({"group_id": GROUP_ID})]),
        ),
    ),
    AdapterCase(
        "google-tag-manager", "Google Tag Manager",
        public={"containerId": "GTM-ABC123", "dataLayerName": "dl2", "environment": "gtm_auth=abc&gtm_preview=env-3",
                "trackAllPages": True},
        private={},  # the catalog has no private setting for GTM
        sdk_url="https://www.googletagmanager.com/gtm.js?id=GTM-ABC123&l=dl2&gtm_auth=abc&gtm_preview=env-3",
        handlers=("track", "page"),
        calls=(
            ("load", "dataLayer.push", [Exactly({"gtm.start": ANY, "event": "gtm.js"})]),
            ("track", "dataLayer.push", [Exactly({**ORDER, "event": "Order Completed", "userId": USER_ID,
                                                  "anonymousId": ANONYMOUS_ID})]),
            ("track", "dataLayer.push", [Exactly({**VIDEO, "event": "Video Played", "userId": USER_ID,
                                                  "anonymousId": ANONYMOUS_ID})]),
            ("page", "dataLayer.push", [Exactly({**PAGE, "event": "Loaded a Page", "userId": USER_ID,
                                                 "anonymousId": ANONYMOUS_ID})]),
            ("page", "dataLayer.push", [Exactly({**PAGE, "event": "Viewed Docs Pricing Page", "userId": USER_ID,
                                                 "anonymousId": ANONYMOUS_ID})]),
        ),
    ),
    AdapterCase(
        "hotjar", "Hotjar",
        public={"siteId": "1234567"},
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
            ("load", "boot", [Exactly({"app_id": "ic123", "api_base": "https://api-iam.eu.intercom.io"})]),
            ("identify", "update", [{"user_id": USER_ID, "email": "ada@example.com", "name": "Ada Lovelace",
                                     "plan": "pro", "created_at": CREATED_AT_SECONDS, "createdAt": ABSENT,
                                     "user_hash": USER_HASH, "address": ABSENT,
                                     "company": Exactly({"company_id": "c-1", "name": "Analytical Engines"})}]),
            ("track", "trackEvent", ["Order Completed", Exactly(ORDER_SCALARS)]),
            ("track", "trackEvent", ["Video Played", Exactly(VIDEO_SCALARS)]),
            ("page", "update", []),
            ("group", "update", [Exactly({"company": Exactly({**GROUP_TRAITS, "company_id": GROUP_ID})})]),
        ),
    ),
    AdapterCase(
        "keen", "Keen",
        public={"projectId": "kp1", "writeKey": "kw1", "trackAllPages": True, "ipAddon": True},
        private={"masterKey": "keen-master-key-0c0c"},
        sdk_url="https://cdn.jsdelivr.net/npm/keen-tracking@5/dist/keen-tracking.min.js",
        handlers=("track", "page"),
        calls=(
            ("track", "client", [Exactly({"projectId": "kp1", "writeKey": "kw1"})]),
            ("track", "recordEvent", ["Order Completed", Exactly({**ORDER, **USER, **KEEN_IP})]),
            ("track", "client", [Exactly({"projectId": "kp1", "writeKey": "kw1"})]),
            ("track", "recordEvent", ["Video Played", Exactly({**VIDEO, **USER, **KEEN_IP})]),
            ("page", "client", [Exactly({"projectId": "kp1", "writeKey": "kw1"})]),
            ("page", "recordEvent", ["Loaded a Page", Exactly({**PAGE, **USER, **KEEN_IP})]),
            ("page", "client", [Exactly({"projectId": "kp1", "writeKey": "kw1"})]),
            ("page", "recordEvent", ["Viewed Docs Pricing Page", Exactly({**PAGE, **USER, **KEEN_IP})]),
        ),
    ),
    AdapterCase(
        "lytics", "Lytics",
        public={"cid": "ly-cid-1", "stream": "web"},
        private={"apiKey": "lytics-api-key-5e5e"},
        sdk_url="https://c.lytics.io/api/tag/ly-cid-1/latest.min.js",
        handlers=("identify", "track", "page"),
        calls=(
            ("load", "init", [Exactly({"cid": "ly-cid-1", "stream": "web",
                                       "src": "https://c.lytics.io/api/tag/ly-cid-1/latest.min.js"})]),
            ("identify", "send", ["web", Exactly({**TRAITS, "user_id": USER_ID})]),
            ("track", "send", ["web", Exactly({**ORDER, "_e": "Order Completed", "user_id": USER_ID})]),
            ("track", "send", ["web", Exactly({**VIDEO, "_e": "Video Played", "user_id": USER_ID})]),
            ("page", "pageView", ["web", Exactly(PAGE)]),
        ),
    ),
    AdapterCase(
        "mixpanel", "Mixpanel",
        public={"token": "mp-token-1", "apiHost": "api-eu.mixpanel.com", "people": True, "trackAllPages": True},
        private={"apiSecret": "mp-api-secret-5b1e"},
        sdk_url="https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js",
        handlers=ALL,
        calls=(
            ("load", "init", ["mp-token-1", Exactly({"api_host": "https://api-eu.mixpanel.com", "persistence": "cookie",
                                                     "cross_subdomain_cookie": True, "secure_cookie": False,
                                                     "track_pageview": False}), "mixpanel"]),
            ("identify", "identify", [USER_ID]),
            ("identify", "register", [MIXPANEL_TRAITS]),
            ("identify", "people.set", [MIXPANEL_TRAITS]),
            ("track", "track", ["Order Completed", Exactly(ORDER)]),
            ("track", "track", ["Video Played", Exactly(VIDEO)]),
            ("page", "track", ["Loaded a Page", Exactly(PAGE)]),
            ("group", "set_group", ["company", GROUP_ID]),
            ("group", f"get_group(company,{GROUP_ID}).set", [Exactly(GROUP_TRAITS)]),
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
            ("track", "track", ["Order Completed", Exactly(ORDER)]),
            ("track", "track", ["Video Played", Exactly(VIDEO)]),
            ("page", "trackPageview", []),
            ("alias", "reidentify", [USER_ID, ANONYMOUS_ID]),
        ),
    ),
)
