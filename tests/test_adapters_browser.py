"""Every device-mode adapter, end to end in a real headless Chromium: a source file with the destination is built,
the standard snippet loads the bundle, and the runtime drives the adapter against the vendor's recording stub.

Per adapter: the vendor SDK URL is requested once, the vendor is initialised with the configured public settings,
identify/track/page (and group/alias where the vendor has them) reach the vendor API with the right arguments,
and no private setting ever reaches the vendor. The expectations are data: tests/support/adapter_cases.py.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.adapter_cases import CASES, DRIVE_SCRIPT, PAGE_HEAD, PAGE_TITLE, REFERRER, AdapterCase
from tests.support.live import live_workspace, test_page
from tests.support.stubs import StubbedVendors, vendor_calls
from tests.support.workspaces import web_source

# Registered on the snippet's stub, so it sees everything the runtime does from the start.
OBSERVE = """
window.__ready = 0; window.__delivered = [];
analytics.on("destination:call", function (name, type, event, error) { window.__delivered.push([name, type, error]); });
analytics.ready(function () { window.__ready += 1; });
"""
RECORDED = """([name, count]) => (window.__bundlesmithVendorCalls || []).filter(function (c) {
  return c.destination === name; }).length >= count"""
DELIVERED = """([name, count]) => window.__delivered.filter(function (d) { return d[0] === name; }).length >= count"""


def _wait_for(page, predicate: str, arg: list[Any]) -> None:
    """Wait (bounded) until `predicate` holds; on timeout carry on, so the assertions say what is missing."""
    try:
        page.wait_for_function(predicate, arg=arg, timeout=5_000)
    except PlaywrightTimeout:
        pass


def _visit(page, cdn, cases: tuple[AdapterCase, ...]) -> tuple[StubbedVendors, list[str], list[str]]:
    """Open the test page, drive the visit after `ready` and wait until every adapter has had all its calls.

    Return the stubs, the URLs requested outside the local server, and the page's uncaught errors.
    """
    stubs = StubbedVendors(cdn.url).install(page)
    outside: list[str] = []
    errors: list[str] = []

    def on_request(request) -> None:  # type: ignore[no-untyped-def]
        if not request.url.startswith(cdn.url + "/"):
            outside.append(request.url)

    page.on("request", on_request)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    cdn.pages["/pricing.html"] = test_page(cdn.url, "wk_site", OBSERVE, head=PAGE_HEAD, title=PAGE_TITLE, page=False)
    page.goto(cdn.url + "/pricing.html", referer=REFERRER)
    page.wait_for_function("window.__ready === 1", timeout=10_000)
    page.evaluate(DRIVE_SCRIPT)
    for case in cases:
        _wait_for(page, DELIVERED, [case.name, len(case.delivered())])
        _wait_for(page, RECORDED, [case.name, len(case.calls)])
    return stubs, outside, errors


def _assert_reaches_vendor(page, case: AdapterCase) -> None:
    """The runtime handed the adapter each call it has a handler for, and the stub recorded the expected calls."""
    delivered = [(type_, error) for name, type_, error in page.evaluate("window.__delivered") if name == case.name]
    assert delivered == [(type_, None) for type_ in case.delivered()], f"{case.name}: runtime deliveries"
    recorded = vendor_calls(page, case.name)
    problems = case.problems(recorded)
    assert not problems, (f"{case.name}:\n  " + "\n  ".join(problems) + "\nrecorded:\n  " +
                          "\n  ".join(f"{c['method']} {json.dumps(c['args'])}" for c in recorded))


@pytest.mark.parametrize("case", CASES, ids=[case.slug for case in CASES])
def test_adapter_loads_its_sdk_once_and_maps_every_call(tmp_path, page, catalog, case: AdapterCase):
    destination = catalog.get(case.name)
    assert destination is not None and destination.slug == case.slug and destination.device_capable
    assert set(case.private) <= destination.private_keys()
    assert bool(case.private) == bool(destination.private_keys())  # a private setting wherever the catalog has one

    sources = {"site": web_source("site", destinations=[case.instance()])}
    with live_workspace(tmp_path, sources) as (cdn, _):
        stubs, sdk_requests, errors = _visit(page, cdn, (case,))

        assert stubs.requested == {case.slug: 1}
        assert sdk_requests == [case.sdk_url]
        assert stubs.refused == []
        assert page.evaluate("analytics.destinations()") == {case.name: {"state": "ready", "error": None}}
        _assert_reaches_vendor(page, case)
        everything = json.dumps(vendor_calls(page))
        for key, value in case.private.items():
            assert value not in everything, f"private setting {key} reached the vendor"
        assert errors == []
        assert page.evaluate("window.__ready") == 1


def test_all_adapters_on_one_source_load_together_and_each_gets_every_call(tmp_path, page):
    sources = {"site": web_source("site", destinations=[case.instance() for case in CASES])}
    with live_workspace(tmp_path, sources) as (cdn, _):
        stubs, sdk_requests, errors = _visit(page, cdn, CASES)

        assert stubs.requested == {case.slug: 1 for case in CASES}
        assert sorted(sdk_requests) == sorted(case.sdk_url for case in CASES)
        assert stubs.refused == []
        states: dict[str, Any] = page.evaluate("analytics.destinations()")
        assert states == {case.name: {"state": "ready", "error": None} for case in CASES}
        for case in CASES:
            _assert_reaches_vendor(page, case)
        everything = json.dumps(vendor_calls(page))
        leaked = [key for case in CASES for key, value in case.private.items() if value in everything]
        assert leaked == []
        assert errors == []
        assert page.evaluate("window.__ready") == 1


def test_every_device_mode_destination_has_a_case(catalog):
    device = sorted(d.slug for d in catalog.destinations if d.device_capable)
    assert sorted(case.slug for case in CASES) == device
    assert len(device) == 14
