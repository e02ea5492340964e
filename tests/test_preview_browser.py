"""QA preview acceptance, in a real headless Chromium against a live `bundlesmith preview` of samples/acme:
the index, the inspector beside a test page, test calls reaching every destination and the collector, live
rebuilds, errors with file and line while the last good build keeps serving, and the cache simulation."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bundlesmith.preview.preview import open_preview
from tests.conftest import SAMPLES
from tests.support.stubs import StubbedVendors

STOREFRONT_DESTINATIONS = ["Amplitude", "Facebook Pixel", "Google Analytics", "Hotjar", "Mixpanel"]
FAST = {"quiet": 0.05, "max_delay": 0.5}
VENDOR_NAME = re.compile("QA.Checkout")   # gtag gets GA4-safe names: QA_Checkout


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    shutil.copytree(SAMPLES / "acme", root, ignore=shutil.ignore_patterns("public"))
    return root


def _rows_ready(page, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    for name in names:
        row = page.locator(f'#destinations tr[data-destination="{name}"]')
        row.locator(".state", has_text="ready").wait_for(timeout=15_000)


def _open_inspector(page, preview, source_id: str = "storefront"):  # type: ignore[no-untyped-def]
    page.goto(preview.url + "/")
    page.locator(f'tr[data-source="{source_id}"] a.inspect').click()
    page.wait_for_url(f"**/_preview/sources/{source_id}/")


def test_index_inspector_and_a_test_track_reaching_every_destination_and_the_collector(acme, page):
    with open_preview(acme, port=0, vendor_stubs=True, **FAST) as preview:
        outside = StubbedVendors(preview.url).install(page)    # a safety net: with --vendor-stubs nothing reaches it
        page.goto(preview.url + "/")
        rows = page.locator("#sources tbody tr")
        assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.source)")) == [
            "backend", "marketing", "mobile-app", "storefront"]
        storefront = page.locator('tr[data-source="storefront"]')
        assert storefront.locator(".dest").all_inner_texts() == [
            "Amplitude", "Facebook Pixel", "GA4 Storefront (Google Analytics)", "Hotjar", "Mixpanel"]
        assert page.locator('tr[data-source="backend"] a.inspect').count() == 0   # server sources have no page

        _open_inspector(page, preview)
        _rows_ready(page, STOREFRONT_DESTINATIONS)
        page.locator("#event-name").fill("QA Checkout")
        page.locator("#send-track").click()
        for name in STOREFRONT_DESTINATIONS:
            calls = page.locator(f'#calls .dest-calls[data-destination="{name}"]')
            calls.locator(".call.runtime", has_text="QA Checkout").wait_for(timeout=10_000)
            calls.locator(".call.vendor", has_text=VENDOR_NAME).wait_for(timeout=10_000)  # the vendor API call
        event = page.locator('#collector li[data-event="QA Checkout"]')
        event.wait_for(timeout=10_000)
        assert "bundled: Amplitude, Facebook Pixel, Google Analytics, Hotjar, Mixpanel, Segment.io" in event.inner_text()
        assert page.locator('#collector li[data-type="page"]').count() == 1       # the snippet's page call
        assert outside.requested == {} and outside.refused == []


def test_a_destination_that_fails_to_load_says_why(acme, page):
    with open_preview(acme, port=0, **FAST) as preview:       # real vendor URLs, answered by Playwright routing
        StubbedVendors(preview.url, fail={"hotjar": 404}).install(page)
        _open_inspector(page, preview)
        _rows_ready(page, ["Amplitude", "Facebook Pixel", "Google Analytics", "Mixpanel"])
        row = page.locator('#destinations tr[data-destination="Hotjar"]')
        row.locator(".state", has_text="failed").wait_for(timeout=15_000)
        assert "vendor SDK failed to load" in row.inner_text()


def test_toggling_integrations_and_consent_reloads_the_test_page_with_them(acme, page):
    with open_preview(acme, port=0, vendor_stubs=True, **FAST) as preview:
        StubbedVendors(preview.url).install(page)
        _open_inspector(page, preview)
        _rows_ready(page, STOREFRONT_DESTINATIONS)
        page.locator('[data-integration="Mixpanel"]').uncheck()
        page.locator('[data-category="advertising"]').uncheck()
        page.locator("#apply").click()
        page.locator('#destinations tr[data-destination="Mixpanel"] .state', has_text="skipped").wait_for(
            timeout=15_000)
        pixel = page.locator('#destinations tr[data-destination="Facebook Pixel"]')
        pixel.locator(".state", has_text="skipped").wait_for(timeout=15_000)
        assert "no consent" in pixel.inner_text()
        _rows_ready(page, ["Amplitude", "Google Analytics", "Hotjar"])


def test_an_edit_shows_the_new_build_and_the_disabled_destination_is_gone(acme, page):
    source = acme / "sources" / "storefront.yaml"
    with open_preview(acme, port=0, vendor_stubs=True, **FAST) as preview:
        StubbedVendors(preview.url).install(page)
        _open_inspector(page, preview)
        _rows_ready(page, STOREFRONT_DESTINATIONS)
        old_build = page.locator("#build-id").inner_text()
        text = source.read_text()
        source.write_text(text.replace("    name: Mixpanel\n    mode: device\n",
                                       "    name: Mixpanel\n    mode: device\n    enabled: false\n", 1))
        new_build = preview.site.wait_for(lambda s: s.build_id != old_build).build_id
        assert new_build != old_build
        page.locator("#build-id", has_text=new_build).wait_for(timeout=10_000)   # no reload by the tester
        page.locator('#destinations tr[data-destination="Mixpanel"]').wait_for(state="detached", timeout=15_000)
        _rows_ready(page, ["Amplitude", "Facebook Pixel", "Google Analytics", "Hotjar"])


def test_an_invalid_edit_shows_the_error_with_file_and_line_while_the_last_good_build_serves(acme, page):
    source = acme / "sources" / "storefront.yaml"
    with open_preview(acme, port=0, vendor_stubs=True, **FAST) as preview:
        StubbedVendors(preview.url).install(page)
        page.goto(preview.url + "/")
        number = preview.site.status().build_number
        source.write_text(source.read_text().replace("mode: device\n", "mode: [device\n", 1))
        preview.site.wait_for(lambda s: s.build_number > number)
        problems = page.locator("#problems")
        problems.wait_for(timeout=10_000)                                         # the index reloads by itself
        assert re.search(re.escape(str(source)) + r":\d+: \[C-yaml-syntax\]", problems.inner_text())
        assert "failed" in (page.locator('tr[data-source="storefront"]').get_attribute("class") or "")

        _open_inspector(page, preview)                                            # still the last good build
        _rows_ready(page, STOREFRONT_DESTINATIONS)


def test_simulated_cache_keeps_the_old_settings_until_the_modelled_expiry(acme, page):
    workspace = acme / "workspace.yaml"
    workspace.write_text(workspace.read_text().replace("browser_max_age: 300", "browser_max_age: 120")
                         .replace("edge_max_age: 1500", "edge_max_age: 480"))
    source = acme / "sources" / "storefront.yaml"
    # 600 modelled seconds (the edge's 480 s, then what remains of the browser's 120 s) pass in about 5 real seconds
    with open_preview(acme, port=0, vendor_stubs=True, simulate_cache=True, time_scale=120, **FAST) as preview:
        StubbedVendors(preview.url).install(page)
        page.goto(preview.url + "/_preview/sources/storefront/page")
        settings_url = "/v1/projects/wk_storefront_2f9c/settings"
        fetch = ("url => fetch(url).then(r => r.json().then(j => ({hotjar: 'Hotjar' in j.integrations,"
                 " age: r.headers.get('Age'), policy: r.headers.get('X-Bundlesmith-Cache-Control'),"
                 " real: r.headers.get('Cache-Control')})))")
        first = page.evaluate(fetch, settings_url)
        assert first == {"hotjar": True, "age": "0", "policy": "public, max-age=120, s-maxage=480", "real": "no-store"}

        number = preview.site.status().build_number
        source.write_text(source.read_text().replace("name: Hotjar\n", "name: Hotjar\n    enabled: false\n"))
        preview.site.wait_for(lambda s: s.build_number > number)
        origin = json.loads((preview.out / settings_url.lstrip("/")).read_text())
        assert "Hotjar" not in origin["integrations"]                           # the origin has the new settings

        # fetch the settings from the page again and again (bounded) until the new ones arrive
        seen = page.evaluate("""async ([url, limit]) => {
            const seen = [], end = Date.now() + limit;
            while (Date.now() < end) {
                const r = await fetch(url), j = await r.json();
                seen.push({hotjar: 'Hotjar' in j.integrations, age: Number(r.headers.get('Age'))});
                if (!seen[seen.length - 1].hotjar) break;
                await new Promise(done => setTimeout(done, 200));
            }
            return seen;
        }""", [settings_url, 30_000])
        old, new = seen[:-1], seen[-1]
        assert old and all(s["hotjar"] for s in old)              # the visitor keeps the old settings ...
        assert all(s["age"] < 480 for s in old)                    # ... while the edge's copy is within s-maxage
        assert new["hotjar"] is False                              # ... and then gets the new ones


def test_a_page_of_another_origin_cannot_fill_the_collector_while_the_test_page_still_can(acme, page):
    from http.server import BaseHTTPRequestHandler

    from bundlesmith.http_thread import BackgroundHttpServer

    class Elsewhere(BaseHTTPRequestHandler):  # any site the tester happens to open, here on another port
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            body = b"<!doctype html><title>elsewhere</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with open_preview(acme, port=0, vendor_stubs=True, **FAST) as preview, BackgroundHttpServer(Elsewhere) as other:
        page.goto(other.url + "/")
        outcome = page.evaluate("""async (collector) => {
            const body = JSON.stringify({type: "track", event: "Forged", writeKey: "wk_storefront_2f9c"});
            const posted = await fetch(collector, {method: "POST", mode: "no-cors", body,
                                                   headers: {"Content-Type": "text/plain"}})
                .then(() => "sent", e => String(e));
            const beacon = navigator.sendBeacon(collector, body);
            return [posted, beacon];
        }""", preview.url + "/_collect/t")
        assert outcome[0] == "sent"                           # the browser sent it: the collector had to refuse it
        page.goto(preview.url + "/_preview/sources/storefront/page")
        page.evaluate("analytics.track('From the test page')")
        events = []
        for _ in range(100):  # bounded: the runtime's outbox sends within a second or two
            events = preview.server.collector.events("wk_storefront_2f9c")
            if any(e.get("event") == "From the test page" for e in events):
                break
            page.wait_for_timeout(100)
        assert any(e.get("event") == "From the test page" for e in events), events
        assert not any(e.get("event") == "Forged" for e in events), events
