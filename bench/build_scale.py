"""Benchmark: build N synthetic web sources (5 device-mode + 5 cloud-mode instances each) into a directory.

    .venv/bin/python bench/build_scale.py [--sources 10000] [--jobs N] [--keep DIR] [--workdir DIR]

Prints the wall time of each phase (load + validate, build + write) and the peak memory (max RSS) of the process,
then times the real command, `bundlesmith build WS --out DIR`, as a user runs it: into an empty directory, and again
with nothing changed (which must write nothing).
Target (issue "Foundation"): 10,000 sources in <= 10 s and <= 500 MB on a 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.assets import Assets  # noqa: E402
from builder.build import Builder  # noqa: E402
from builder.catalog import load_catalog  # noqa: E402
from builder.parallel import build_parallel, load_workspace_parallel  # noqa: E402
from publish.local import LocalTarget  # noqa: E402

DEVICE = [
    ("Mixpanel", "token: mp_{i}"), ("Google Analytics", "measurementID: G-{i}"), ("Amplitude", "apiKey: amp_{i}"),
    ("Hotjar", "hjid: {i}"), ("Facebook Pixel", "pixelId: '{i}'"),
]
CLOUD = [
    ("Mixpanel", "token: mpc_{i}, apiSecret: secret-mp-{i}"), ("Slack", "webhookUrl: https://hooks.example/{i}"),
    ("Webhooks", "webhookUrl: https://hooks.example/w/{i}"), ("Amplitude", "apiKey: ampc_{i}, secretKey: sk-{i}"),
    ("Customer.io", "siteId: cio_{i}, apiKey: cio-secret-{i}"),
]
WORKSPACE = """id: bench
name: Bench
cdn: {base_url: "https://cdn.bench.example"}
collector: {api_host: "api.bench.example/v1"}
"""


def write_sources(root: Path, count: int) -> None:
    """Write the synthetic workspace."""
    (root / "sources").mkdir(parents=True)
    (root / "workspace.yaml").write_text(WORKSPACE)
    for i in range(count):
        lines = [f"id: s{i}", f"name: Source {i}", "type: web", f"write_key: wk_bench_{i:06d}", "destinations:"]
        for n, (dest, settings) in enumerate(DEVICE):
            lines.append(f"  - {{destination: {dest}, name: D{n}, mode: device, settings: {{{settings.format(i=i)}}}}}")
        for n, (dest, settings) in enumerate(CLOUD):
            lines.append(f"  - {{destination: {dest}, name: C{n}, mode: cloud, settings: {{{settings.format(i=i)}}}}}")
        (root / "sources" / f"s{i:06d}.yaml").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build into this directory and keep it")
    parser.add_argument("--workdir", type=Path, help="where the workspace and outputs go (default: a temporary "
                        "directory; /dev/shm takes the disk out of the figures)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bundlesmith-bench-", dir=args.workdir))
    try:
        write_sources(work / "ws", args.sources)
        out = args.keep or work / "out"
        os.sync()  # each timed run starts with no writes pending from the one before
        started = time.perf_counter()
        catalog = load_catalog()
        workspace = load_workspace_parallel(work / "ws", catalog, args.jobs)
        loaded = time.perf_counter()
        assert workspace.ok, workspace.all_problems()[:3]
        builder, target, cache = Builder(catalog, Assets.load()), LocalTarget(out), workspace.config.cache
        run = target.begin(cache)
        report = target.finish(run, build_parallel(builder, workspace, args.jobs,
                                                   after=lambda outcome: target.publish_built(run, outcome)))
        done = time.perf_counter()
        assert report.ok and len(report.built) == args.sources
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"sources:            {args.sources} ({args.jobs} worker processes)")
        print(f"load + validate:    {loaded - started:.2f} s")
        print(f"build + write:      {done - loaded:.2f} s")
        print(f"total wall time:    {done - started:.2f} s")
        print(f"files written:      {len(report.written)} ({size / 1e6:.1f} MB)")
        print(f"peak memory (RSS):  {peak_mb:.0f} MB main process, {worker_mb:.0f} MB largest worker")
        command = [str(Path(sys.executable).with_name("bundlesmith")), "build", str(work / "ws"),
                   "--out", str(work / "cli-out"), "--jobs", str(args.jobs)]
        for label in ("first build", "nothing changed"):
            os.sync()
            started = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, check=True)
            print(f"CLI, {label + ':':<17}{time.perf_counter() - started:.2f} s  ({result.stdout.strip()})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
