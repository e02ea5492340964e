"""Benchmark: sizes of what browsers download — the runtime, each adapter, and the samples' bundles.

    .venv/bin/python bench/bundle_size.py

Prints raw, minified (builder/minify.py) and gzipped (level 9) bytes, and whether each budget and target is met.
Budgets (KB = 1,024 bytes): the runtime <= 6 KB gzipped; a bundle with Google Analytics, Mixpanel, Amplitude and
Hotjar, with Segment's default settings, <= 12 KB gzipped (issue "Segment-faithful destinations"). Targets (issue
"Speed", point 3): the runtime <= 5,120 B gzipped, that bundle <= 8 KB gzipped.
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builder.assets import RUNTIME_FILE, Assets  # noqa: E402
from builder.build import Builder, bundle_key  # noqa: E402
from builder.catalog import load_catalog  # noqa: E402
from builder.models import SourceFile  # noqa: E402
from builder.workspace import SourceConfig, load_workspace  # noqa: E402

RUNTIME_BUDGET, BUNDLE_BUDGET = 6 * 1024, 12 * 1024  # gzipped bytes
RUNTIME_TARGET, BUNDLE_TARGET = 5 * 1024, 8 * 1024  # gzipped bytes

TARGET_DESTINATIONS = {
    "Google Analytics": {"measurementID": "G-BENCH0001"}, "Mixpanel": {"token": "bench-token"},
    "Amplitude": {"apiKey": "bench-key"}, "Hotjar": {"hjid": 1234567},
}


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


def _row(name: str, raw: bytes, minified: bytes) -> str:
    return f"| {name} | {len(raw):,} | {len(minified):,} | {_gz(minified):,} |"


def main() -> None:
    assets, catalog = Assets.load(), load_catalog()
    print("| file | raw bytes | minified | gzipped |\n|---|---|---|---|")
    runtime = assets.runtime().encode()
    print(_row("runtime", (assets.templates / RUNTIME_FILE).read_bytes(), runtime))
    for destination in sorted((d for d in catalog.destinations if d.device_capable), key=lambda d: d.slug):
        raw = (assets.snippets / f"{destination.slug}.js").read_bytes()
        print(_row(f"adapter {destination.slug}", raw, assets.adapter(destination).encode()))

    builder = Builder(catalog, Assets.load())
    workspace = load_workspace(REPO / "samples" / "acme", catalog)
    print("\n| bundle | bytes | gzipped |\n|---|---|---|")
    for outcome in builder.build_all(workspace):
        for obj in getattr(outcome, "objects", ()):
            if obj.key.endswith("analytics.min.js"):
                print(f"| samples/acme {outcome.source_id} | {len(obj.body):,} | {_gz(obj.body):,} |")
    source = SourceFile(id="bench", name="Bench", type="web", write_key="wk_bench", destinations=[
        {"destination": name, "name": name, "mode": "device", "settings": settings}
        for name, settings in TARGET_DESTINATIONS.items()])
    (outcome,) = [builder.build_source(workspace.config, SourceConfig(file="bench.yaml", source=source))]
    body = next(o.body for o in outcome.objects if o.key == bundle_key("wk_bench"))
    print(f"| GA + Mixpanel + Amplitude + Hotjar | {len(body):,} | {_gz(body):,} |")
    print(f"\nruntime {_gz(runtime):,} B gz: {_verdict(_gz(runtime), RUNTIME_BUDGET, RUNTIME_TARGET)}; "
          f"GA + Mixpanel + Amplitude + Hotjar {_gz(body):,} B gz: {_verdict(_gz(body), BUNDLE_BUDGET, BUNDLE_TARGET)}")


def _verdict(size: int, budget: int, target: int) -> str:
    def word(limit: int) -> str:
        return "met" if size <= limit else f"OVER by {size - limit:,}"
    return f"budget {budget:,} {word(budget)}, target {target:,} {word(target)}"


if __name__ == "__main__":
    main()
