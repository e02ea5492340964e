"""Hostile names and settings (`</script>`, quotes, backslashes, U+2028/U+2029, `${...}`) never execute:
the bundle still parses and runs in Chromium, whether loaded by the snippet or inlined in a page."""
from __future__ import annotations

import json
import re

from tests.support.live import live_workspace, test_page
from tests.support.workspaces import web_source

HOSTILE = ("</script><script>window.__pwned=1</script><!-- \" ' \\ \\\" \u2028 \u2029 ${window.__pwned=2} "
           "`${window.__pwned=3}` */ window.__pwned=4; /*")


def _sources():
    return {"site": web_source(
        "site", name=HOSTILE,
        destinations=[
            {"destination": "Mixpanel", "name": "MP " + HOSTILE[:90], "mode": "device",
             "settings": {"token": HOSTILE, "apiSecret": "private-" + HOSTILE}},
            {"destination": "Google Analytics", "name": "GA", "mode": "device",
             "settings": {"measurementID": HOSTILE}},
        ],
        integrations={"Mixpanel": {"note": HOSTILE}},
    )}


def _block_vendors(page, cdn):
    page.route(re.compile("^(?!" + re.escape(cdn.url) + ")"), lambda route: route.abort())


def test_hostile_values_stay_data_when_loaded_by_the_snippet(tmp_path, page):
    with live_workspace(tmp_path, _sources()) as (cdn, _):
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _block_vendors(page, cdn)
        cdn.pages["/site.html"] = test_page(cdn.url, "wk_site", "analytics.ready(function(){window.__ready=1})")
        page.goto(cdn.url + "/site.html")
        page.wait_for_function("window.__ready === 1", timeout=15_000)
        (event,) = cdn.wait_for_events(1)
        assert page.evaluate("window.__pwned") is None
        assert errors == []
        # the value went through the bundle's JavaScript and came back intact
        assert event["integrations"]["Mixpanel"] == {"note": HOSTILE}
        settings = json.loads((tmp_path / "out" / "v1/projects/wk_site/settings").read_text())
        assert settings["integrations"]["Mixpanel"]["token"] == HOSTILE


def test_hostile_values_stay_data_when_the_bundle_is_inlined_in_html(tmp_path, page):
    with live_workspace(tmp_path, _sources()) as (cdn, _):
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _block_vendors(page, cdn)
        bundle = (tmp_path / "out" / "analytics.js/v1/wk_site/analytics.min.js").read_text()
        assert "</script" not in bundle.lower()
        assert "\u2028" not in bundle and "\u2029" not in bundle
        cdn.pages["/inline.html"] = (
            "<!doctype html><html><head><script>window.analytics=[];analytics._loadOptions={};</script>"
            f"<script>{bundle}</script></head><body><script>analytics.ready(function(){{window.__ready=1}});"
            "analytics.track('Inline')</script></body></html>")
        page.goto(cdn.url + "/inline.html")
        page.wait_for_function("window.__ready === 1", timeout=15_000)
        (event,) = cdn.wait_for_events(1)
        assert event["event"] == "Inline"
        assert page.evaluate("window.__pwned") is None
        assert errors == []
