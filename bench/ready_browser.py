"""One page load of the time-to-ready benchmark in headless Chromium, measured.

    async with Chromium("delayed", vendor_port) as chromium:     # or Chromium("blocked")
        load = await chromium.measure(url, servers)

Nothing is intercepted (Playwright's request routing would hold up every request, the CDN's and the collector's
too, and analytics-next makes more of them): Chromium resolves every host but 127.0.0.1 itself
(`--host-resolver-rules`). "blocked": no outside name resolves, so each vendor SDK request fails at once, without
a round trip, as with an ad blocker; "delayed": every outside host is the benchmark's HTTPS vendor server, which
answers after a fixed delay with the SDK's recording stub (its certificate is self-signed, hence
`--ignore-certificate-errors`). Every load runs in a fresh browser context (empty cache, no cookies or storage).
"""
from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import Any

from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from bench.ready_servers import BenchServers
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

LOAD_TIMEOUT_S = 20.0
VENDOR_MODES = ("blocked", "delayed")
LOCAL = "http://127.0.0.1:"
_TIMINGS = """() => {
  const lib = performance.getEntriesByType("resource").find(e => e.name.indexOf("/analytics.min.js") > -1);
  return {ready: window.__bench.ready === undefined ? null : window.__bench.ready, origin: performance.timeOrigin,
          library: lib ? lib.responseEnd : null};
}"""


@dataclass(frozen=True)
class Load:
    """What one page load cost: times in ms from navigation start; requests and bytes by server."""

    ready_ms: float | None            # the analytics.ready() callback ran
    first_collect_ms: float | None    # the first event arrived at the collector
    library_ms: float | None          # analytics.min.js fully received (resource timing)
    after_vendors_ms: float | None    # ready minus when the vendor server sent the last SDK ("delayed" only)
    cdn_requests: int
    cdn_bytes: int                    # body bytes on the wire (gzipped where the CDN gzips)
    cdn_raw_bytes: int                # the same bodies decoded
    vendor_requests: int
    collector_requests: int

    def as_dict(self) -> dict[str, Any]:
        """Return the load as plain data."""
        return asdict(self)


def chromium_args(vendors: str, vendor_port: int) -> list[str]:
    """Return Chromium's flags for a vendor case: outside hosts unresolvable, or all of them the vendor server."""
    if vendors == "blocked":
        return [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    return [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP * 127.0.0.1:{vendor_port}, EXCLUDE 127.0.0.1",
            "--ignore-certificate-errors"]


class Chromium:
    """Debian's Chromium through Playwright, launched for one vendor case."""

    def __init__(self, vendors: str, vendor_port: int = 0):
        self.args = chromium_args(vendors, vendor_port)

    async def __aenter__(self) -> "Chromium":
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(executable_path=CHROMIUM, args=self.args,
                                                               headless=True)
        return self

    @property
    def version(self) -> str:
        """Return the browser's version."""
        return self._browser.version

    async def __aexit__(self, *exc: object) -> None:
        await self._browser.close()
        await self._playwright.stop()

    async def measure(self, url: str, servers: BenchServers) -> Load:
        """Load `url` in a fresh context, wait (bounded) for ready, the first event and a quiet network; measure."""
        servers.reset()
        context = await self._browser.new_context()
        outside: list[str] = []
        try:
            page = await context.new_page()
            page.on("request", lambda request: None if request.url.startswith(LOCAL) else outside.append(request.url))
            await page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_S * 1000)
            await _wait_until_done(page, servers)
            timings = await page.evaluate(_TIMINGS)
        finally:
            await context.close()
        return _load(timings, servers, len(outside))


async def _wait_until_done(page: Page, servers: BenchServers) -> None:
    """Wait (bounded) until ready ran and an event reached the collector, then until the network is quiet."""
    try:
        await page.wait_for_function("window.__bench && window.__bench.ready !== undefined",
                                     timeout=LOAD_TIMEOUT_S * 1000)
    except PlaywrightTimeout:  # never ready: measured as such (ready_ms None)
        pass
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LOAD_TIMEOUT_S
    while not servers.collector.log and loop.time() < deadline:
        await asyncio.sleep(0.01)
    try:
        await page.wait_for_load_state("networkidle", timeout=LOAD_TIMEOUT_S * 1000)
    except PlaywrightTimeout:  # a load that never goes quiet is still measured: what it requested so far
        pass


def _load(timings: dict[str, Any], servers: BenchServers, vendor_requests: int) -> Load:
    """Return the Load of one page from the browser's timings and what the servers answered."""
    origin, collected = timings["origin"], list(servers.collector.log)
    cdn, served = list(servers.cdn.log), [h.at_ms - origin for h in servers.vendors.log]
    ready = timings["ready"]
    return Load(
        ready_ms=ready,
        first_collect_ms=min(h.at_ms for h in collected) - origin if collected else None,
        library_ms=timings["library"],
        after_vendors_ms=ready - max(served) if ready is not None and served else None,
        cdn_requests=len(cdn), cdn_bytes=sum(h.wire_bytes for h in cdn), cdn_raw_bytes=sum(h.raw_bytes for h in cdn),
        vendor_requests=vendor_requests, collector_requests=len(collected),
    )
