"""What the time-to-ready benchmark loads: a sample workspace built by `bundlesmith build`, runtime variants, and
pages that install Segment's official snippet (`@segment/snippet` from tests/js).

    write_workspace(ws, cdn_url, collector_url)        # one web source per library, the same four destinations
    build(ws, out)                                     # `python -m bundlesmith build ws --out out`
    build_variant(ws, "no-hold", VARIANTS["no-hold"], tmp / "no-hold.js")   # False when a patch does not apply
    page_html(cdn_url, "wk_ours", next_cdn=False)      # the official snippet, plus the timing probe

Sources: "ours" (wk_ours: our bundle), "next" (wk_next: the CDN serves Segment's analytics-next standalone build at
its analytics.min.js path; it reads our settings JSON and loads our remote plugins), and one per runtime variant
(VARIANTS): our bundle built in-process from a patched copy of templates/ in a temp dir (templates/runtime.js
itself is not touched): "no-hold" switches the "hold events until each destination is known" rule off. (A
"quick-check" variant, checking a destination from its SDK's onload and then every 10 ms, was measured here and
is now the runtime's own rule.)
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from builder.assets import RUNTIME_FILE, Assets
from builder.build import Builder
from builder.catalog import load_catalog
from builder.workspace import load_workspace

REPO = Path(__file__).resolve().parent.parent
JS_DEPS = REPO / "tests" / "js"
ANALYTICS_NEXT_UMD = JS_DEPS / "node_modules" / "@segment" / "analytics-next" / "dist" / "umd"
SOURCES = {"ours": "wk_ours", "next": "wk_next", "no-hold": "wk_no_hold"}
# The destinations and settings of bench/bundle_size.py's "GA + Mixpanel + Amplitude + Hotjar" bundle.
DESTINATIONS = {
    "Google Analytics": {"measurementID": "G-BENCH0001"}, "Mixpanel": {"token": "bench-token"},
    "Amplitude": {"apiKey": "bench-key"}, "Hotjar": {"hjid": 1234567},
}
# Runtime variants: patches of templates/runtime.js (old text, new text), applied to a copy in a temp dir.
HOLD_RULE = "held.push(ev); if (!pending()) release();"   # dispatch(): an event waits until no destination is pending
VARIANTS = {
    # events go to the collector at once; a destination still pending is in neither bundled nor unbundled
    "no-hold": [(HOLD_RULE, "held.push(ev); release();")],
    # ("quick check", a destination checked from its SDK's onload and then every 10 ms, is the runtime's own rule
    # since it was measured here)
}
PROBE = ("<script>window.__bench = {};analytics.ready(function () { window.__bench.ready = performance.now(); });"
         "</script>")


class SetupError(RuntimeError):
    """The benchmark cannot be set up (a missing dependency, a failed build)."""


def write_workspace(root: Path, cdn_url: str, collector_url: str) -> Path:
    """Write a workspace whose sources all have the four destinations, served by `cdn_url`."""
    (root / "sources").mkdir(parents=True, exist_ok=True)
    collector_host = collector_url.split("://", 1)[1] + "/v1"
    workspace = {"id": "bench", "name": "Time to ready", "cdn": {"base_url": cdn_url},
                 "collector": {"api_host": collector_host, "protocol": "http"}}
    (root / "workspace.yaml").write_text(yaml.safe_dump(workspace, sort_keys=False), encoding="utf-8")
    for source_id, write_key in SOURCES.items():
        doc = {"id": source_id, "name": source_id.title(), "type": "web", "write_key": write_key,
               "destinations": [{"destination": name, "name": name, "mode": "device", "settings": settings}
                                for name, settings in DESTINATIONS.items()]}
        (root / "sources" / f"{source_id}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return root


def build(workspace: Path, out: Path) -> None:
    """Build `workspace` into `out` with the project's own `bundlesmith build`, as a user runs it."""
    done = subprocess.run([sys.executable, "-m", "bundlesmith", "build", str(workspace), "--out", str(out),
                           "--jobs", "1"], cwd=REPO, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise SetupError(f"`bundlesmith build {workspace}` failed (exit {done.returncode}): "
                         f"{(done.stderr or done.stdout).strip()[-2000:]}")


def build_variant(workspace: Path, source_id: str, patches: list[tuple[str, str]], bundle: Path) -> bool:
    """Write `source_id`'s bundle built with `patches` applied to the runtime; False if a patch does not apply."""
    with tempfile.TemporaryDirectory(prefix="bench-variant-") as tmp:
        templates = Path(tmp) / "templates"
        shutil.copytree(REPO / "templates", templates)
        runtime = (templates / RUNTIME_FILE).read_text(encoding="utf-8")
        for old, new in patches:
            if runtime.count(old) != 1:
                return False
            runtime = runtime.replace(old, new)
        (templates / RUNTIME_FILE).write_text(runtime, encoding="utf-8")
        catalog = load_catalog()
        builder = Builder(catalog, Assets.load(templates=templates))
        for outcome in builder.build_all(load_workspace(workspace, catalog)):
            for obj in getattr(outcome, "objects", ()):
                if obj.key == f"analytics.js/v1/{SOURCES[source_id]}/analytics.min.js":
                    bundle.write_bytes(obj.body)
                    return True
    raise SetupError(f"the in-process build of {workspace} made no bundle for source {source_id!r}")


def official_snippet(cdn_url: str, write_key: str) -> str:
    """Return `@segment/snippet`'s minified snippet (page: true) loading from `cdn_url` (its scheme kept)."""
    scheme, host = cdn_url.split("://", 1)
    script = ("const s = require('@segment/snippet');"
              f"process.stdout.write(s.min({{host: {json.dumps(host)}, apiKey: {json.dumps(write_key)}, page: true}}))")
    try:
        code = subprocess.run(["node", "-e", script], cwd=JS_DEPS, check=True, capture_output=True, text=True,
                              timeout=30).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SetupError(f"cannot render @segment/snippet with node in {JS_DEPS} ({exc}); run `make test` once, "
                         "which installs tests/js") from exc
    # The official snippet always loads over https; this benchmark's CDN is plain HTTP on 127.0.0.1.
    return code.replace('"https://' + host, f'"{scheme}://' + host)


def page_html(cdn_url: str, write_key: str, next_cdn: bool) -> str:
    """Return a page with the official snippet for `write_key` and the timing probe (analytics.ready)."""
    snippet = official_snippet(cdn_url, write_key)
    # analytics-next finds its CDN in the script URL only over https; `analytics._cdn` is Segment's documented
    # setting for a CDN elsewhere (a custom proxy), read when analytics.min.js runs.
    cdn = f"<script>analytics._cdn = {json.dumps(cdn_url)};</script>" if next_cdn else ""
    return (f"<!doctype html><html><head><meta charset=utf-8><title>time to ready</title>"
            f"<script>{snippet}</script>{cdn}{PROBE}</head><body><h1>time to ready</h1></body></html>")
