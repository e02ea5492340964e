"""One visit of a built site with one device-mode destination, its vendor answered by the checking stub.

    with destination_visit(tmp_path, page, instance) as visit:
        visit.drive(CALLS, handlers=("track", "page"))      # the shared Segment call table, through window.analytics
        visit.calls()                                       # what the vendor API received: [{method, args}, ...]
        visit.vendor_errors()                               # calls the stub found outside the vendor's documented API

The stubs (destination_snippets/stubs/) check every call against the vendor's documented API and record a broken
one as `invalid:<method>` plus a message in `window.__bundlesmithVendorErrors`; `drive` fails the test on any.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.live import live_workspace, test_page
from tests.support.segment_calls import ANONYMOUS_ID, Call, drive_script
from tests.support.stubs import StubbedVendors, vendor_calls
from tests.support.workspaces import web_source

PAGE_URL, PAGE_TITLE, REFERRER = "https://shop.example/pricing", "Pricing", "https://google.com/"
OBSERVE = """
window.__delivered = [];
analytics.on("destination:call", function (name, type, event, error) { window.__delivered.push([name, type, error]); });
analytics.ready(function () { window.__ready = 1; });
"""


@dataclass
class Visit:
    """The page of one visit, with what its destination delivered and what the vendor received."""

    page: Any
    name: str
    cdn: Any
    stubs: StubbedVendors
    errors: list[str] = field(default_factory=list)

    def drive(self, calls: tuple[Call, ...], handlers: tuple[str, ...], prelude: str = "") -> None:
        """Make `calls` through window.analytics and wait (bounded) until the adapter had every one it handles."""
        expected = len(self.delivered()) + sum(1 for c in calls if c.method in handlers)
        self.page.evaluate(prelude + f"analytics.setAnonymousId({json.dumps(ANONYMOUS_ID)});\n" + drive_script(calls))
        self.page.wait_for_function(
            "([name, n]) => window.__delivered.filter(function (d) { return d[0] === name; }).length >= n",
            arg=[self.name, expected], timeout=10_000)
        assert [d for d in self.delivered() if d[2] is not None] == [], "an adapter handler threw"
        assert self.vendor_errors() == []  # calls outside the vendor's documented API
        assert self.errors == []

    def delivered(self) -> list[list[Any]]:
        """Return [name, type, error] for every event the runtime handed to the destination."""
        return [d for d in self.page.evaluate("window.__delivered") if d[0] == self.name]

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Return the vendor calls the stub recorded, optionally those of one method."""
        return [c for c in vendor_calls(self.page, self.name) if method is None or c["method"] == method]

    def vendor_errors(self) -> list[str]:
        """Return the stub's complaints: calls that do not fit the vendor's documented API."""
        found = self.page.evaluate("window.__bundlesmithVendorErrors || []")
        return [e["message"] for e in found if e["destination"] == self.name]


@contextmanager
def destination_visit(tmp_path: Path, page: Any, instance: dict[str, Any], *, head: str = "",
                      before: str = "", load_options: dict[str, Any] | None = None) -> Iterator[Visit]:
    """Build a web source with `instance`, open its page (snippet, canonical URL, referrer) and wait for ready."""
    sources = {"site": web_source("site", destinations=[instance])}
    with live_workspace(tmp_path, sources) as (cdn, _):
        stubs = StubbedVendors(cdn.url).install(page)
        visit = Visit(page=page, name=instance["destination"], cdn=cdn, stubs=stubs)
        page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
        head = f'<link rel="canonical" href="{PAGE_URL}">' + head
        cdn.pages["/pricing.html"] = test_page(cdn.url, "wk_site", before + OBSERVE, head=head, title=PAGE_TITLE,
                                               page=False, load_options=load_options)
        page.goto(cdn.url + "/pricing.html", referer=REFERRER)
        page.wait_for_function("window.__ready === 1", timeout=10_000)
        yield visit
