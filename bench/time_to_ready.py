"""Benchmark: time to `ready` and to the first collector request, our bundle vs Segment's analytics-next.

    .venv/bin/python bench/time_to_ready.py [--runs N] [--json] [--no-variants]

In headless Chromium (Debian's /usr/bin/chromium through Playwright, as the browser tests run it), the same four
destinations (Google Analytics, Mixpanel, Amplitude, Hotjar, with Segment's default settings) are loaded behind
Segment's official snippet (`@segment/snippet`, page: true) by
  (a) "ours":  our bundle, `analytics.js/v1/<key>/analytics.min.js` as `bundlesmith build` wrote it;
  (b) "next":  Segment's `@segment/analytics-next` (its standalone build, tests/js) served at that same path,
               reading our settings JSON and loading our remote plugins from the same CDN;
  and, unless --no-variants, our bundle with the runtime patched (bench/ready_setup.py, VARIANTS):
  "no hold":     the "hold events until each destination is known" rule switched off, to measure what it costs.
Everything runs on 127.0.0.1: the site, the CDN (gzip, the build's `_headers`) and the collector are real HTTP
servers (bench/ready_servers.py), and so is every vendor host, which Chromium resolves to an HTTPS vendor server on
127.0.0.1 (bench/ready_browser.py). Two cases: vendors blocked (no vendor host resolves, so each SDK request fails
at once, as with an ad blocker) and vendors served after a fixed 200 ms with recording stubs that become ready.

Each load is a fresh browser context, loads alternate between the libraries, one unmeasured warm-up load each.
Printed: medians of `--runs` loads (default 10) of time to ready and to the first collector request (ms from
navigation start), when analytics.min.js was fully received, CDN requests and bytes (gzipped on the wire, decoded),
and the ratios ours / analytics-next. Targets (issue "Speed", point 4): ready <= 0.5 of analytics-next's time, and
the first collector request no later than analytics-next's, in both cases. Nothing here asserts timing.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ready_browser import VENDOR_MODES, Chromium, Load  # noqa: E402
from bench.ready_servers import BenchServers  # noqa: E402
from bench.ready_setup import (  # noqa: E402
    ANALYTICS_NEXT_UMD, SOURCES, VARIANTS, SetupError, build, build_variant, page_html, write_workspace,
)

LIBRARIES = {"ours": "our bundle", "next": "analytics-next", "no-hold": "variant: no hold"}
READY_TARGET = 0.5  # ours / analytics-next
Loads = dict[str, dict[str, list[Load]]]  # vendor case -> library -> loads


def prepare(tmp: Path, servers: BenchServers, variants: bool) -> list[str]:
    """Build the workspace into the CDN's directory, write the pages; return the libraries to measure."""
    workspace = write_workspace(tmp / "ws", servers.cdn.url, servers.collector.url)
    build(workspace, servers.cdn.root)
    libraries = ["ours", "next"]
    for name, patches in VARIANTS.items() if variants else ():
        bundle = tmp / f"{name}.js"
        if build_variant(workspace, name, patches, bundle):
            servers.cdn.overrides[f"/analytics.js/v1/{SOURCES[name]}/analytics.min.js"] = bundle
            libraries.append(name)
        else:
            print(f"note: templates/runtime.js changed, variant {name!r} does not apply; not measured", file=sys.stderr)
    for library in libraries:
        servers.site.pages[f"/{library}.html"] = page_html(servers.cdn.url, SOURCES[library], library == "next")
    return libraries


async def run_loads(servers: BenchServers, libraries: list[str], runs: int) -> tuple[Loads, str]:
    """Load each library's page `runs` times per vendor case, in turns; return the loads and Chromium's version."""
    loads: Loads = {case: {lib: [] for lib in libraries} for case in VENDOR_MODES}
    version = ""
    for case in VENDOR_MODES:
        async with Chromium(case, servers.vendors.port) as chromium:
            version = chromium.version
            for run in range(runs + 1):
                turn = run % len(libraries)  # who goes first changes from run to run
                for library in libraries[turn:] + libraries[:turn]:
                    load = await chromium.measure(f"{servers.site.url}/{library}.html", servers)
                    if run:  # run 0 warms the browser and the servers up
                        loads[case][library].append(load)
    if servers.vendors.refused:
        print(f"note: {len(servers.vendors.refused)} requests to outside URLs that no stub answers, e.g. "
              f"{servers.vendors.refused[0]}", file=sys.stderr)
    return loads, version


def _median(values: list[Any]) -> float | None:
    """Return the median of the values that are not None, or None when there are none."""
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def summarize(loads: Loads) -> dict[str, Any]:
    """Return medians per case and library, the ratios ours / analytics-next and whether the targets are met."""
    out: dict[str, Any] = {}
    for case, by_library in loads.items():
        medians = {lib: {f.name: _median([getattr(load, f.name) for load in runs]) for f in fields(Load)}
                   | {"runs": len(runs), "never_ready": sum(load.ready_ms is None for load in runs)}
                   for lib, runs in by_library.items()}
        ratios = {lib: {field: _ratio(medians[lib][field], medians["next"][field])
                        for field in ("ready_ms", "first_collect_ms")} for lib in medians if lib != "next"}
        out[case] = {"medians": medians, "ratios": ratios, "targets": {
            lib: {"ready": r["ready_ms"] is not None and r["ready_ms"] <= READY_TARGET,
                  "first_collect": r["first_collect_ms"] is not None and r["first_collect_ms"] <= 1.0}
            for lib, r in ratios.items()}}
    return out


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    """Return ours / theirs, or None when either is missing."""
    return None if ours is None or not theirs else ours / theirs


def _ms(value: float | None, missing: str = "never") -> str:
    return missing if value is None else f"{value:,.0f} ms"


def table(summary: dict[str, Any]) -> str:
    """Return the summary as a Markdown table, one row per case and library, then the targets."""
    rows = ["| vendors | library | ready | first collector request | analytics.min.js received | ready after the "
            "last SDK | requests: CDN + vendors + collector | CDN bytes gzipped (decoded) | ready / next "
            "| collector / next |", "|---|---|---|---|---|---|---|---|---|---|"]
    for case, result in summary.items():
        for lib, m in result["medians"].items():
            r = result["ratios"].get(lib)
            ratios = ("| | " if r is None else
                      f"| {_fmt_ratio(r['ready_ms'])} | {_fmt_ratio(r['first_collect_ms'])} ")
            rows.append(f"| {case} | {LIBRARIES[lib]} | {_ms(m['ready_ms'])} | {_ms(m['first_collect_ms'])} "
                        f"| {_ms(m['library_ms'])} | {_ms(m['after_vendors_ms'], '')} | {m['cdn_requests']:.0f} + "
                        f"{m['vendor_requests']:.0f} + {m['collector_requests']:.0f} | {m['cdn_bytes'] / 1024:,.1f} KB "
                        f"({m['cdn_raw_bytes'] / 1024:,.1f} KB) {ratios}|")
    rows.append("")
    for case, result in summary.items():
        met = result["targets"].get("ours", {})
        rows.append(f"Targets, vendors {case}: ready <= {READY_TARGET} of analytics-next's: "
                    f"{_verdict(met.get('ready'))}; first collector request no later than analytics-next's: "
                    f"{_verdict(met.get('first_collect'))}.")
    return "\n".join(rows)


def _verdict(met: bool | None) -> str:
    return "met" if met else "MISSED"


def _fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def report(loads: Loads, meta: dict[str, Any], as_json: bool) -> str:
    """Return the report: the table and how it was measured, or everything as JSON."""
    summary = summarize(loads)
    if as_json:
        return json.dumps({"meta": meta, "summary": summary,
                           "loads": {case: {lib: [load.as_dict() for load in runs] for lib, runs in by_lib.items()}
                                     for case, by_lib in loads.items()}}, indent=2)
    before, after = (", ".join(f"{v:.2f}" for v in avg) for avg in meta["load_average"])
    return (f"{table(summary)}\n\nMedians of {meta['runs']} loads each; Chromium {meta['chromium']}; "
            f"load average (1, 5, 15 min) {before} before, {after} after.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="measured loads per library and case (default 10)")
    parser.add_argument("--json", action="store_true", help="print the medians and every load as JSON")
    parser.add_argument("--no-variants", action="store_true", help="measure our bundle and analytics-next only")
    args = parser.parse_args()
    if not (ANALYTICS_NEXT_UMD / "standalone.js").is_file():
        print(f"missing {ANALYTICS_NEXT_UMD}/standalone.js: run `make test` once (it installs tests/js)",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-ready-") as tmp_dir:
        tmp = Path(tmp_dir)
        (tmp / "cdn").mkdir()
        overrides = {f"/analytics.js/v1/{SOURCES['next']}/analytics.min.js": ANALYTICS_NEXT_UMD / "standalone.js",
                     "/analytics-next/bundles/": ANALYTICS_NEXT_UMD}
        with BenchServers(tmp / "cdn", overrides, tmp) as servers:
            try:
                libraries = prepare(tmp, servers, not args.no_variants)
            except SetupError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            load_before = os.getloadavg()
            loads, version = asyncio.run(run_loads(servers, libraries, max(1, args.runs)))
    meta = {"runs": max(1, args.runs), "chromium": version, "load_average": [load_before, os.getloadavg()]}
    print(report(loads, meta, args.json))
    return 0


if __name__ == "__main__":
    sys.exit(main())
