"""Answer vendor SDK requests in a Playwright page with the recording stubs; refuse every other outside request."""
from __future__ import annotations

import re
from collections import Counter

from bundlesmith.preview.vendor_stubs import VendorStubs


class StubbedVendors:
    """Routes a page's requests: local ones pass, vendor SDK URLs get their stub, anything else is aborted."""

    def __init__(self, local_prefix: str, fail: dict[str, int | str] | None = None):
        self.stubs = VendorStubs.load()
        self.local_prefix = local_prefix
        self.fail = fail or {}   # slug -> HTTP status to answer with, "abort" (blocked), "hang" or "throw"
        self.requested: Counter[str] = Counter()
        self.refused: list[str] = []

    def install(self, page) -> "StubbedVendors":  # type: ignore[no-untyped-def]
        # Requests to the local server are not intercepted at all: interception can upset keepalive requests.
        page.route(re.compile("^(?!" + re.escape(self.local_prefix) + ")"), self._route)
        return self

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        found = self.stubs.match(url)
        if found is None:
            self.refused.append(url)
            return route.abort()
        slug, body = found
        self.requested[slug] += 1
        failure = self.fail.get(slug)
        if failure == "abort":
            return route.abort("blockedbyclient")
        if failure == "hang":
            return None  # never answered
        if failure == "throw":
            return route.fulfill(status=200, body="throw new Error('vendor SDK exploded');",
                                 content_type="text/javascript")
        if isinstance(failure, int):
            return route.fulfill(status=failure, body="not found", content_type="text/plain")
        return route.fulfill(status=200, body=body, content_type="text/javascript")


def vendor_calls(page, destination: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    """Return the vendor calls the stubs recorded, optionally for one destination."""
    calls = page.evaluate("window.__bundlesmithVendorCalls || []")
    return [c for c in calls if destination is None or c["destination"] == destination]
