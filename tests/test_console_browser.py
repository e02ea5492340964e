"""The admin console in Chromium against the real service on 127.0.0.1: sign in, connect a destination and watch it
publish, rule errors at their field, conflicts, builds, differences and rollback, and what a page never holds."""
from __future__ import annotations

import logging
import re
import socket
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
import yaml
from playwright.sync_api import expect

from builder.catalog import load_catalog
from bundlesmith.preview.preview import open_preview
from tests.support.publishing import copy_acme, edit
from tests.support.service import TOKEN, live_service
from tests.support.workspaces import private_values

SETTINGS = "public/v1/projects/wk_storefront_2f9c/settings"
BUNDLE = "public/analytics.js/v1/wk_storefront_2f9c/analytics.min.js"
WAIT = 30_000  # ms: a rebuild and publish of one source on a loaded 2-core machine


@pytest.fixture
def live(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    root = copy_acme(tmp_path)
    with live_service(root) as running:
        running.root = root  # type: ignore[attr-defined]
        yield running
    secrets = private_values(root)
    assert secrets and not [s for s in secrets if s in caplog.text], "a private value reached a log line"


def sign_in(page, live, path: str = "/") -> None:
    """Open `path`, get sent to the sign-in page, sign in with the token, and land on `path`."""
    page.goto(live.url + path)
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_label("Admin token").press("Enter")
    expect(page).to_have_url(live.url + path)


def status_of(page, field: str):
    return page.locator(f'[data-source="storefront"] [data-field="{field}"]').first


def test_connecting_a_device_destination_republishes_the_source_and_keeps_the_file_comments(live, page):
    path = live.root / "sources/storefront.yaml"
    before = path.read_text()
    sign_in(page, live, "/sources/storefront")
    build = status_of(page, "build_id").inner_text()
    until = status_of(page, "countdown").get_attribute("data-until")
    expect(status_of(page, "state")).to_have_text("published")
    page.get_by_label("Search the catalog").fill("fullst")
    expect(page.locator("#picker-list li:visible")).to_have_count(1)
    page.get_by_role("link", name="FullStory").click()
    expect(page.get_by_label("Mode")).to_have_value("device")
    page.get_by_label("orgId").fill("o-CONSOLE-1")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("status")).to_contain_text("connected")
    row = page.locator('#destinations tr[data-instance="FullStory"]')
    expect(row).to_contain_text("device")
    expect(status_of(page, "build_id")).not_to_have_text(build, timeout=WAIT)
    expect(status_of(page, "state")).to_have_text("published", timeout=WAIT)
    expect(status_of(page, "countdown")).not_to_have_attribute("data-until", until or "")
    expect(status_of(page, "countdown")).to_have_text(re.compile(r"^in (2\d|30) min"))
    after = path.read_text()
    assert [line for line in before.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in after.splitlines() if line.lstrip().startswith("#")]
    assert after.startswith(before.rstrip("\n")) and "destination: FullStory" in after and "o-CONSOLE-1" in after
    served = (live.root / SETTINGS).read_text()
    assert '"FullStory"' in served and "o-CONSOLE-1" in served
    assert status_of(page, "build_id").inner_text() == live.service.board.get("storefront").published_build_id


def test_a_second_device_instance_shows_the_rule_at_the_mode_field_and_writes_nothing(live, page):
    path = live.root / "sources/storefront.yaml"
    before = path.read_bytes()
    sign_in(page, live, "/sources/storefront/destinations/new?destination=Mixpanel")
    page.get_by_label("Instance name").fill("Mixpanel Two")
    page.get_by_label("Mode").select_option("device")
    page.get_by_label("token").fill("mp_tok_two")
    page.get_by_label("apiSecret").fill("typed-secret-never-shown-4411")
    page.get_by_role("button", name="Connect").click()
    mode = page.locator('[data-field="mode"]')
    expect(mode.locator(".field-error")).to_contain_text("R3-device-duplicate")
    expect(mode.locator(".field-error")).to_contain_text("at most one device-mode instance of Mixpanel")
    expect(page.get_by_label("Mode")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Instance name")).to_have_value("Mixpanel Two")   # what was typed comes back...
    expect(page.get_by_label("apiSecret")).to_have_value("")                   # ...but never a private value
    assert "typed-secret-never-shown-4411" not in page.content()
    assert path.read_bytes() == before


def test_a_required_setting_left_blank_is_named_at_its_field(live, page):
    before = (live.root / "sources/storefront.yaml").read_bytes()
    sign_in(page, live, "/sources/storefront/destinations/new?destination=FullStory")
    page.get_by_role("button", name="Connect").click()
    field = page.locator('[data-field="settings.orgId"]')
    expect(field.locator(".field-error")).to_contain_text("R10-setting-required")
    assert (live.root / "sources/storefront.yaml").read_bytes() == before


def test_roll_back_through_the_button_serves_the_earlier_builds_bytes(live, page):
    earlier = {key: (live.root / key).read_bytes() for key in (SETTINGS, BUNDLE)}
    earlier_build = live.service.board.get("storefront").published_build_id
    sign_in(page, live, "/sources/storefront")
    page.get_by_role("button", name="Disable Hotjar").click()
    expect(page.get_by_role("status")).to_contain_text("disabled")
    expect(status_of(page, "build_id")).not_to_have_text(earlier_build, timeout=WAIT)
    assert (live.root / SETTINGS).read_bytes() != earlier[SETTINGS]
    page.get_by_role("link", name="Builds and rollback").click()
    expect(page.locator("#history tbody tr")).to_have_count(2)
    expect(page.locator("#history")).to_contain_text("console: disabled Hotjar")
    page.get_by_role("button", name="Show the difference").click()
    settings_diff = page.locator(f'[data-object="{SETTINGS.removeprefix("public/")}"]')
    expect(settings_diff.locator(".ddel").filter(has_text="Hotjar").first).to_be_visible()
    expect(page.locator(f'[data-object="{BUNDLE.removeprefix("public/")}"] .ddel').first).to_be_visible()
    page.go_back()
    page.get_by_role("link", name=f"Roll back to {earlier_build}").click()
    page.get_by_role("button", name=f"Roll back to {earlier_build}").click()
    expect(page.get_by_role("status")).to_contain_text("rolled back")
    assert {key: (live.root / key).read_bytes() for key in earlier} == earlier
    expect(status_of(page, "build_id")).to_have_text(earlier_build)
    expect(page.locator("#history tbody tr").first).to_contain_text("rollback")


def test_a_conflicting_edit_is_explained_with_a_way_to_reload(live, page):
    path = live.root / "sources/storefront.yaml"
    sign_in(page, live, "/sources/storefront/destinations/Hotjar/edit")
    edit(path, "# The shop:", "# Edited meanwhile. The shop:")
    changed = path.read_bytes()
    page.get_by_label("hjid").fill("2718281")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#conflict")).to_contain_text("changed since it was read")
    assert path.read_bytes() == changed
    page.get_by_role("link", name="Reload the form").click()
    page.get_by_label("hjid").fill("2718281")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    assert "hjid: 2718281" in path.read_text() and "# Edited meanwhile." in path.read_text()


def test_a_blank_private_field_keeps_the_stored_secret_and_a_typed_one_replaces_it(live, page):
    path = live.root / "sources/storefront.yaml"
    sign_in(page, live, "/sources/storefront/destinations/Mixpanel%20EU/edit")
    secret = page.get_by_label("apiSecret")
    expect(secret).to_have_attribute("type", "password")
    expect(secret).to_have_value("")
    expect(secret).to_have_attribute("placeholder", re.compile("stored"))
    page.get_by_label("token").fill("mp_tok_eu_changed")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    text = path.read_text()
    assert "mp_tok_eu_changed" in text and "mp-secret-eu-77c2" in text
    page.goto(live.url + "/sources/storefront/destinations/Mixpanel%20EU/edit")
    page.get_by_label("apiSecret").fill("mp-secret-eu-rotated-0001")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    assert "mp-secret-eu-rotated-0001" in path.read_text() and "mp-secret-eu-77c2" not in path.read_text()


CONSOLE_PAGES = ["/", "/console/status.json", "/sources/storefront", "/sources/storefront/builds",
                 "/sources/storefront/destinations/new?destination=FullStory",
                 "/sources/storefront/destinations/Mixpanel/edit", "/sources/storefront/diff?from=a&to=b",
                 "/sources/storefront/rollback?to=a"]
CONSOLE_FORMS = ["/sign-out", "/sources/storefront/rebuild", "/sources/storefront/destinations",
                 "/sources/storefront/destinations/Hotjar/edit", "/sources/storefront/destinations/Hotjar/enabled",
                 "/sources/storefront/destinations/Hotjar/delete", "/sources/storefront/rollback"]


def _signed_in(live) -> tuple[requests.Session, str]:
    """Return an HTTP session signed in through the form, and its CSRF token."""
    http = requests.Session()
    csrf = re.search(r'name="csrf" value="([^"]+)"', http.get(live.url + "/sign-in").text).group(1)
    answer = http.post(live.url + "/sign-in", data={"csrf": csrf, "token": TOKEN}, allow_redirects=False)
    assert answer.status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', http.get(live.url + "/").text).group(1)
    return http, csrf


def test_without_a_session_every_page_redirects_to_sign_in_and_every_form_is_refused(live):
    path = live.root / "sources/storefront.yaml"
    before = path.read_bytes()
    for page in CONSOLE_PAGES:
        answer = requests.get(live.url + page, allow_redirects=False, timeout=30)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in"), page
    for form in CONSOLE_FORMS:
        answer = requests.post(live.url + form, data={"enabled": "false"}, allow_redirects=False, timeout=30)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in"), form
        answer = requests.post(live.url + form, data={"enabled": "false"}, allow_redirects=False, timeout=30,
                               headers={"Authorization": f"Bearer {TOKEN}"})  # the API's token is no session
        assert answer.status_code == 303, form
    assert path.read_bytes() == before


def test_a_form_without_the_csrf_token_is_refused_and_nothing_is_done(live):
    path = live.root / "sources/storefront.yaml"
    before = path.read_bytes()
    http, csrf = _signed_in(live)
    for form in CONSOLE_FORMS:
        for data in ({"enabled": "false", "to": "x"}, {"csrf": csrf[:-1] + "x", "enabled": "false"}):
            answer = http.post(live.url + form, data=data, allow_redirects=False)
            assert answer.status_code == 403 and "CSRF" in answer.text, form
        answer = http.post(live.url + form, json={"csrf": csrf}, allow_redirects=False)
        assert answer.status_code == 415, form
    assert path.read_bytes() == before
    assert http.get(live.url + "/", allow_redirects=False).status_code == 200  # still signed in: sign-out refused
    assert http.post(live.url + "/sign-out", data={"csrf": csrf}, allow_redirects=False).status_code == 303
    assert http.get(live.url + "/", allow_redirects=False).status_code == 303  # signed out: the session is gone


def test_the_session_cookie_is_httponly_and_strict_and_sign_in_checks_the_token(live, caplog):
    http = requests.Session()
    page = http.get(live.url + "/sign-in")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie  # plain HTTP here
    behind_tls = requests.get(live.url + "/sign-in", headers={"X-Forwarded-Proto": "https"})  # a local TLS proxy
    assert behind_tls.headers["set-cookie"].endswith("; Secure")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    wrong = http.post(live.url + "/sign-in", data={"csrf": csrf, "token": "not-the-token-9137"})
    assert wrong.status_code == 401 and "That is not the service" in wrong.text
    assert "not-the-token-9137" not in caplog.text and "wrong token" in caplog.text
    for _ in range(5):
        last = http.post(live.url + "/sign-in", data={"csrf": csrf, "token": "still-wrong"})
    assert last.status_code == 429
    blocked = http.post(live.url + "/sign-in", data={"csrf": csrf, "token": TOKEN}, allow_redirects=False)
    assert blocked.status_code == 429  # even the right token, until the minute has passed
    other = requests.Session()
    assert other.get(live.url + "/sign-in").status_code == 200
    assert other.get(live.url + "/", allow_redirects=False).status_code == 303
    headers = other.get(live.url + "/sign-in").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"] and headers["cache-control"] == "no-store"


def test_no_private_value_appears_in_any_page(live):
    secrets = private_values(live.root)
    http, _ = _signed_in(live)
    catalog = load_catalog()
    pages = [p for p in CONSOLE_PAGES if "diff" not in p and "rollback" not in p]
    for source_id in ("storefront", "marketing", "backend", "mobile-app"):
        pages += [f"/sources/{source_id}", f"/sources/{source_id}/builds"]
        for instance in http.get(live.url + f"/api/v1/sources/{source_id}/destinations",
                                 headers={"Authorization": f"Bearer {TOKEN}"}).json()["destinations"]:
            pages.append(f"/sources/{source_id}/destinations/{requests.utils.quote(instance['name'], safe='')}/edit")
    pages += [f"/sources/storefront/destinations/new?destination={requests.utils.quote(n)}" for n in catalog.names()]
    bodies = []
    for page in pages:
        answer = http.get(live.url + page, allow_redirects=False)
        assert answer.status_code == 200, page
        bodies.append(answer.content)
    leaks = {secret for secret in secrets for body in bodies if secret.encode() in body}
    assert len(bodies) > 100 and not leaks, f"{len(leaks)} private values in pages"


def test_keyboard_only_sign_in_and_every_form_control_is_labelled(live, page):
    page.goto(live.url + "/")
    page.keyboard.type(TOKEN)  # the token field has the focus
    page.keyboard.press("Enter")
    expect(page.locator("#sources")).to_be_visible()
    for path in ("/sources/storefront", "/sources/storefront/destinations/new?destination=Google%20Analytics",
                 "/sources/storefront/destinations/Mixpanel/edit"):
        page.goto(live.url + path)
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
            .map(e => e.name || e.id)""")
        assert unlabelled == [], (path, unlabelled)
    page.goto(live.url + "/sources/storefront")
    page.get_by_label("Search the catalog").focus()
    page.keyboard.type("hotj")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the category, to the first destination still shown
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"destination=Hotjar"))


def test_the_api_gives_iso_times_beside_epoch_ones(live):
    one = live.api("GET", "/api/v1/sources/storefront").json()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", one["published_at_iso"])
    assert one["visible_everywhere_by_iso"] > one["published_at_iso"]
    assert all("at_iso" in event for event in one["published"]["events"])


def test_times_are_shown_in_the_browsers_time_zone(live, browser):
    context = browser.new_context(timezone_id="Asia/Kolkata", locale="en-GB")
    try:
        page = context.new_page()
        sign_in(page, live, "/sources/storefront")
        record = live.service.board.get("storefront")
        local = datetime.fromtimestamp(record.published_at, tz=ZoneInfo("Asia/Kolkata"))
        shown = status_of(page, "published_at")
        expect(shown).to_contain_text(local.strftime("%H:%M:%S"))
        assert shown.get_attribute("datetime").endswith("Z")  # the page carries UTC; the browser says local time
    finally:
        context.close()


def test_the_console_keeps_the_api_guards_host_allow_list_and_body_limit(live):
    rebinding = requests.get(live.url + "/sign-in", headers={"Host": "evil.example"}, allow_redirects=False)
    assert rebinding.status_code == 421 and "evil.example" in rebinding.text
    http, csrf = _signed_in(live)
    assert http.get(live.url + "/", headers={"Host": "evil.example"}).status_code == 421  # a session is no pass
    before = (live.root / "sources/storefront.yaml").read_bytes()
    huge = http.post(live.url + "/sources/storefront/destinations", allow_redirects=False,
                     data={"csrf": csrf, "destination": "FullStory", "name": "x" * 300_000})
    assert huge.status_code == 413
    assert (live.root / "sources/storefront.yaml").read_bytes() == before


def test_delete_asks_first_and_the_snippet_copies_to_the_clipboard(live, browser):
    path = live.root / "sources/storefront.yaml"
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    try:
        page = context.new_page()
        sign_in(page, live, "/sources/storefront")
        page.get_by_role("button", name="Copy the snippet").click()
        expect(page.locator('[data-copied="snippet"]')).to_have_text("Copied.")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == page.locator("#snippet").inner_text() and "wk_storefront_2f9c" in copied
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.get_by_role("button", name="Delete Orders to Slack").click()
        expect(page.locator('#destinations tr[data-instance="Orders to Slack"]')).to_be_visible()
        assert "Orders to Slack" in path.read_text()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Delete Orders to Slack").click()
        expect(page.get_by_role("status")).to_contain_text("disconnected")
        expect(page.locator('#destinations tr[data-instance="Orders to Slack"]')).to_have_count(0)
        assert "Orders to Slack" not in path.read_text() and path.read_text().startswith("# The shop:")
    finally:
        context.close()


def test_a_running_preview_of_the_workspace_is_linked_from_its_web_sources(tmp_path, page, monkeypatch):
    root = copy_acme(tmp_path)
    with open_preview(root, port=0) as preview:
        monkeypatch.setenv("BUNDLESMITH_PREVIEW_URL", preview.url)
        with live_service(root) as live:
            sign_in(page, live, "/sources/storefront")
            link = page.get_by_role("link", name="QA preview of this source")
            expect(link).to_have_attribute("href", preview.url + "/_preview/sources/storefront/")
            link.click()
            expect(page).to_have_url(preview.url + "/_preview/sources/storefront/")
            page.goto(live.url + "/sources/backend")  # a server source: nothing to preview in a browser
            expect(page.locator("#preview-link")).to_have_count(0)
    with socket.socket() as closed:  # a port nothing listens on: no preview, no link
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("BUNDLESMITH_PREVIEW_URL", f"http://127.0.0.1:{closed.getsockname()[1]}")
        with live_service(root) as live:
            sign_in(page, live, "/sources/storefront")
            expect(page.locator("#preview-link")).to_have_count(0)
