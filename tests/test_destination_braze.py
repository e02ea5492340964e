"""Braze in a real Chromium with the real Braze Web SDK, checked against Segment's Braze Web Mode (Actions).

The npm package `@braze/web-sdk` ships ES modules only (no braze.no-module.min.js), so the URL the adapter loads,
https://js.appboycdn.com/web-sdk/6.10/braze.no-module.min.js, is answered with a two-line script that imports the
package's own modules (served from tests/js/node_modules under the same host) and exposes them as window.braze,
which is what the CDN build defines. What the SDK then POSTs to https://<endpoint>/api/v3/data/ is decoded and
compared with what Segment's Actions destination (action-destinations, browser-destinations/destinations/braze)
makes the SDK send: identify and group -> Update User Profile, Order Completed -> Track Purchase (one purchase per
product), other tracks -> Track Event; page, alias and reset send nothing. See docs/DESTINATIONS.md, "Braze".
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from builder.workspace import load_workspace
from tests.support.adapter_cases import Exactly, mismatch
from tests.support.live import live_workspace, test_page
from tests.support.npm_sdks import NODE_MODULES, ApiRequest, RealVendor
from tests.support.segment_calls import (CALLS, GROUP_ID, GROUP_TRAITS, ORDER, PII_TRAITS, USER_ID, Call,
                                         drive_script)
from tests.support.workspaces import web_source, write_workspace

VERSION = "6.10"
SDK_URL = f"https://js.appboycdn.com/web-sdk/{VERSION}/braze.no-module.min.js"
MODULES = f"https://js.appboycdn.com/web-sdk/{VERSION}/npm/"   # where the npm package's modules are served
ENDPOINT, API_KEY, REST_KEY = "sdk.fra-02.braze.eu", "braze-web-key-1", "braze-rest-secret-9a9a"
# Braze's crawler filter drops HeadlessChrome: the visitor is an ordinary desktop Chrome
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
              "Safari/537.36")
LOADER = f'import("{MODULES}src/index.js").then(function (m) {{ window.braze = m; }});\n'
FLUSH = "window.braze && window.braze.isInitialized() && window.braze.requestImmediateDataFlush()"


def _scripts(tmp_path: Path) -> dict[str, Path]:
    """Map the SDK URL to the loader, and every module of @braze/web-sdk to its URL under MODULES."""
    package = NODE_MODULES / "@braze" / "web-sdk"
    assert (package / "src" / "index.js").is_file(), f"{package} is missing: run `npm ci --prefix tests/js`"
    loader = tmp_path / "braze-loader.js"
    loader.write_text(LOADER, encoding="utf-8")
    scripts = {MODULES + path.relative_to(package).as_posix(): path for path in package.rglob("*.js")}
    return {SDK_URL: loader, **scripts}


def _answer(request: ApiRequest) -> tuple[int, str, str]:
    """Answer the SDK's data and sync requests as Braze's SDK endpoint does when nothing is pending."""
    return 200, "application/json", "{}"


def _braze(**settings: Any) -> dict[str, Any]:
    return {"destination": "Braze", "name": "Braze", "mode": "device",
            "settings": {"api_key": API_KEY, "endpoint": ENDPOINT, "restApiKey": REST_KEY, **settings}}


@contextmanager
def _visit(tmp_path, browser, **settings: Any) -> Iterator[tuple[RealVendor, Any, list[str]]]:  # type: ignore[no-untyped-def]
    """Serve a site with Braze, the real Web SDK and a local SDK endpoint; open it and wait for ready.

    Yield the vendor routes, the page and the page's console messages.
    """
    sources = {"site": web_source("site", destinations=[_braze(**settings)])}
    context = browser.new_context(user_agent=USER_AGENT)
    page = context.new_page()
    try:
        with live_workspace(tmp_path, sources) as (cdn, _):
            vendor = RealVendor(cdn.url, scripts=_scripts(tmp_path), api_hosts=(ENDPOINT,), answer=_answer)
            vendor.install(page)
            errors: list[str] = []
            logs: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda message: logs.append(message.text))
            cdn.pages["/pricing.html"] = test_page(cdn.url, "wk_site",
                                                   "analytics.ready(function () { window.__ready = 1; });",
                                                   page=False)
            page.goto(cdn.url + "/pricing.html")
            page.wait_for_function("window.__ready === 1 && analytics.destinations().Braze.state === 'ready'",
                                   timeout=15_000)
            yield vendor, page, logs
            assert errors == []
            assert vendor.requested[SDK_URL] == 1
            # Braze loads FontAwesome for in-app messages unless doNotLoadFontAwesome (refused here: no internet)
            fonts = [url for url in vendor.refused if url.startswith("https://use.fontawesome.com/")]
            assert vendor.refused == fonts and len(fonts) == (0 if settings.get("doNotLoadFontAwesome") else 1)
    finally:
        context.close()


def _data(page, vendor: RealVendor, until, timeout: float = 15.0) -> dict[str, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """Flush the SDK until `until(sent)` holds (bounded); return every event and attribute set it POSTed."""
    deadline = time.monotonic() + timeout
    while True:
        page.evaluate(FLUSH)
        page.wait_for_timeout(100)   # lets Playwright answer the SDK's requests meanwhile
        sent: dict[str, list[dict[str, Any]]] = {"events": [], "attributes": [], "bodies": []}
        for request in vendor.api:
            if request.method != "POST" or request.path != "/api/v3/data/":
                continue
            body = json.loads(request.body)
            sent["bodies"].append(body)
            sent["events"].extend(body.get("events") or [])
            sent["attributes"].extend(body.get("attributes") or [])
        if until(sent) or time.monotonic() > deadline:
            return sent


def _named(sent, name: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [e for e in sent["events"] if e.get("name") == name]


def _profile(sent) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Return the attributes the SDK sent for USER_ID, merged in order (custom attributes merged too)."""
    profile: dict[str, Any] = {}
    for attributes in sent["attributes"]:
        if attributes.get("user_id") != USER_ID:
            continue
        custom = {**profile.get("custom", {}), **attributes.get("custom", {})}
        profile.update(attributes)
        if custom:
            profile["custom"] = custom
    return profile


def _purchases(sent) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [{**e["data"], "user_id": e.get("user_id")} for e in _named(sent, "p")]


def _custom_events(sent) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [e["data"] for e in _named(sent, "ce")]


def _assert_matches(expected: Any, actual: Any, where: str) -> None:
    problem = mismatch(expected, actual, where)
    assert problem is None, f"{problem}\nsent: {json.dumps(actual, indent=1)[:3000]}"


# Track Purchase: one purchase per product; the currency is the product's (USD by default: Segment's action reads
# products[].currency, not the order's), the price is rounded to cents by the SDK, and the purchase properties are
# the order's properties without product_id, price, currency and quantity.
ORDER_PROPERTIES = {k: v for k, v in ORDER.items() if k not in ("product_id", "price", "currency", "quantity")}
PURCHASES = [Exactly({"pid": "p-1", "c": "USD", "p": "49.75", "q": 2, "pr": ORDER_PROPERTIES, "user_id": USER_ID}),
             Exactly({"pid": "p-2", "c": "USD", "p": "10.00", "q": 1, "pr": ORDER_PROPERTIES, "user_id": USER_ID})]


def test_identify_then_an_order_and_a_named_page_reach_braze_as_segment_maps_them(tmp_path, browser):
    """Acceptance: the user with its email, one purchase per product, and nothing for the page."""
    with _visit(tmp_path, browser) as (vendor, page, _):
        page.evaluate(drive_script((Call("identify", (USER_ID, {"email": "ada@example.com"})),
                                    Call("track", ("Order Completed", ORDER)), Call("page", ("Pricing",)))))
        sent = _data(page, vendor, lambda s: len(_named(s, "p")) >= 2 and _profile(s).get("email"))

        assert {body["api_key"] for body in sent["bodies"]} == {API_KEY}
        assert _profile(sent) == {"user_id": USER_ID, "email": "ada@example.com"}
        _assert_matches(PURCHASES, _purchases(sent), "purchases")
        assert _custom_events(sent) == []          # no custom event for the order, none for the page
        assert REST_KEY not in json.dumps(sent["bodies"])


def test_the_segment_call_table_reaches_braze_as_segment_maps_it(tmp_path, browser):
    """Every call of the shared table: custom events, purchases, the profile; page, alias and reset send nothing."""
    tracks = [c for c in CALLS if c.method == "track" and c.event != "Order Completed"]
    with _visit(tmp_path, browser) as (vendor, page, _):
        page.evaluate(drive_script(CALLS))
        sent = _data(page, vendor, lambda s: len(_named(s, "p")) >= 2 and len(_named(s, "ce")) >= len(tracks)
                     and "employees" in _profile(s).get("custom", {}))

        assert _custom_events(sent) == [{"n": c.event, "p": c.args[1]} for c in tracks]
        _assert_matches(PURCHASES, _purchases(sent), "purchases")
        # identify's traits, then group's traits on the same user (Segment's group -> Update User Profile)
        custom = {k: v for k, v in PII_TRAITS.items()
                  if k not in ("email", "phone", "firstName", "lastName", "gender")}
        assert _profile(sent) == {
            "user_id": USER_ID, "email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
            "gender": "f", "home_city": "London", "phone": PII_TRAITS["phone"],
            "custom": {**custom, **GROUP_TRAITS}}
        assert not any(k.startswith("ab_segment_group_") for k in _profile(sent)["custom"])
        assert {e.get("user_id") for e in sent["events"] if e["name"] in ("ce", "p")} == {USER_ID}


def test_identify_sets_braze_profile_fields_the_way_the_actions_mapping_does(tmp_path, browser):
    """Country comes from context.location, gender spellings become Braze codes, birthday stays a custom attribute."""
    options = {"context": {"location": {"country": "United Kingdom"}}}
    traits = {"email": "ada@example.com", "firstName": "Ada", "gender": "Woman", "birthday": "1990-12-10",
              "address": {"city": "London", "country": "UK"}, "avatar": "https://example.com/a.png"}
    with _visit(tmp_path, browser) as (vendor, page, _):
        page.evaluate(f"analytics.identify({json.dumps(USER_ID)}, {json.dumps(traits)}, {json.dumps(options)});")
        sent = _data(page, vendor, lambda s: "custom" in _profile(s))

        assert _profile(sent) == {
            "user_id": USER_ID, "email": "ada@example.com", "first_name": "Ada", "gender": "f",
            "home_city": "London", "country": "United Kingdom",
            "custom": {"birthday": "1990-12-10", "address": {"city": "London", "country": "UK"},
                       "avatar": "https://example.com/a.png"}}


def test_group_sets_the_group_traits_on_the_identified_user(tmp_path, browser):
    """Segment's Actions destination maps group like identify; the classic ab_segment_group_<id> flag is gone."""
    with _visit(tmp_path, browser) as (vendor, page, _):
        page.evaluate(drive_script((Call("identify", (USER_ID, {})), Call("group", (GROUP_ID, GROUP_TRAITS)))))
        sent = _data(page, vendor, lambda s: "custom" in _profile(s))

        assert _profile(sent) == {"user_id": USER_ID, "custom": GROUP_TRAITS}


def test_only_known_users_reach_braze_with_defer_until_identified(tmp_path, browser):
    """deferUntilIdentified: no SDK initialisation and no event until the visitor has a user id."""
    with _visit(tmp_path, browser, deferUntilIdentified=True) as (vendor, page, _):
        page.evaluate(drive_script((Call("track", ("Anonymous Event", {"n": 1})),)))
        assert page.evaluate("window.braze.isInitialized()") is False
        page.evaluate(drive_script((Call("identify", (USER_ID, {"plan": "pro"})),
                                    Call("track", ("Known Event", {"n": 2})))))
        sent = _data(page, vendor, lambda s: len(_named(s, "ce")) >= 1)

        assert _custom_events(sent) == [{"n": "Known Event", "p": {"n": 2}}]
        assert _profile(sent) == {"user_id": USER_ID, "custom": {"plan": "pro"}}


def test_segment_settings_reach_the_sdk_initialisation(tmp_path, browser):
    """The SDK logs the options it was initialised with: Segment's keys and defaults, nothing foreign."""
    settings = {"enableLogging": True, "sessionTimeoutInSeconds": 600, "noCookies": True, "doNotLoadFontAwesome": True,
                "safariWebsitePushId": "web.com.example.shop", "devicePropertyAllowlist": ["browser", "os"]}
    with _visit(tmp_path, browser, **settings) as (_, page, logs):
        page.wait_for_function("window.braze.isInitialized()", timeout=5_000)
        logged = [line for line in logs if "Initialization Options:" in line]

        assert len(logged) == 1, logs
        options = json.loads(logged[0].split("Initialization Options:", 1)[1])
        assert options == {
            "baseUrl": ENDPOINT, "allowCrawlerActivity": False, "allowUserSuppliedJavascript": False,
            "disablePushTokenMaintenance": False, "doNotLoadFontAwesome": True, "enableLogging": True,
            "enableSdkAuthentication": False, "localization": "en", "manageServiceWorkerExternally": False,
            "minimumIntervalBetweenTriggerActionsInSeconds": 30, "noCookies": True, "openCardsInNewTab": False,
            "openInAppMessagesInNewTab": False, "requireExplicitInAppMessageDismissal": False,
            "safariWebsitePushId": "web.com.example.shop", "sessionTimeoutInSeconds": 600,
            "devicePropertyAllowlist": ["browser", "os"]}


def test_pre_segment_setting_keys_are_refused_naming_segment_keys(tmp_path, catalog):
    """A source still written with bundlesmith's old Braze keys gets an error that names Segment's key."""
    source = web_source("site", destinations=[{"destination": "Braze", "name": "Braze", "mode": "device",
                                               "settings": {"apiKey": "k-1", "sdkEndpoint": ENDPOINT}}])
    loaded = load_workspace(write_workspace(tmp_path / "ws", sources={"site": source}), catalog)

    messages = sorted(p.message for p in loaded.all_problems() if p.code == "C-setting-unknown")
    assert messages == ["Braze: 'apiKey' is now 'api_key' (Segment's key); rename the setting",
                        "Braze: 'sdkEndpoint' is now 'endpoint' (Segment's key); rename the setting"]
    assert any(p.code == "R10-setting-required" and "'api_key'" in p.message for p in loaded.all_problems())
