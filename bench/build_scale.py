"""Benchmark: build N synthetic web sources (5 device-mode + 5 cloud-mode instances each) into a directory.

    .venv/bin/python bench/build_scale.py [--sources 10000] [--jobs N] [--keep DIR] [--workdir DIR]

Prints the wall time of each phase (load + validate, build + write) and the peak memory (max RSS) of the process,
then times the real command, `bundlesmith build WS --out DIR`, as a user runs it: into an empty directory, again
with nothing changed (which must write nothing and build nothing), and after one source changed (which must build
that source alone), with the peak RSS of its largest process and the load average; then the same at 10 sources.
Targets (issue 16, "Speed"): a full build of 10,000 sources in <= 3 s (stretch: 2 s) and <= 300 MB on 2 cores;
nothing changed <= 1 s; one changed source costs the same at 10,000 sources as at 10.
Profile the in-process part with `python -m cProfile -o /tmp/p.prof bench/build_scale.py --jobs 1 ...` (with
worker processes, cProfile sees only the parent).
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
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
SMALL = 10  # the small workspace one change is compared with
RUNS = 3    # timed runs of each repeated step (medians)
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
        started, cpu_started = time.perf_counter(), _cpu()
        catalog = load_catalog()
        workspace = load_workspace_parallel(work / "ws", catalog, args.jobs)
        loaded, cpu_loaded = time.perf_counter(), _cpu()
        assert workspace.ok, workspace.all_problems()[:3]
        builder, target, cache = Builder(catalog, Assets.load()), LocalTarget(out), workspace.config.cache
        run = target.begin(cache)
        report = target.finish(run, build_parallel(builder, workspace, args.jobs,
                                                   after=lambda outcome: target.publish_built(run, outcome)))
        done, cpu_done = time.perf_counter(), _cpu()
        assert report.ok and len(report.built) == args.sources
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"sources:            {args.sources} ({args.jobs} worker processes)")
        print(f"load + validate:    {loaded - started:.2f} s  (CPU {cpu_loaded - cpu_started:.2f} s, all processes)")
        print(f"build + write:      {done - loaded:.2f} s  (CPU {cpu_done - cpu_loaded:.2f} s)")
        print(f"total wall time:    {done - started:.2f} s  (CPU {cpu_done - cpu_started:.2f} s)")
        print(f"files written:      {len(report.written)} ({size / 1e6:.1f} MB)")
        print(f"peak memory (RSS):  {peak_mb:.0f} MB main process, {worker_mb:.0f} MB largest worker")
        _cli_series(work / "ws", work / "cli-out", args.jobs, args.sources)
        if args.sources > SMALL:  # what one change costs in a small workspace, for comparison
            write_sources(work / "small", SMALL)
            _cli_series(work / "small", work / "small-out", args.jobs, SMALL)
        print(f"load average:       {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _cli_series(workspace: Path, out: Path, jobs: int, sources: int) -> None:
    """Time `bundlesmith build` as a user runs it: into an empty directory, then with nothing changed (3 runs),
    then after one source's public setting changed (3 edits), medians."""
    command = [str(Path(sys.executable).with_name("bundlesmith")), "build", str(workspace), "--out", str(out),
               "--jobs", str(jobs)]
    os.sync()
    seconds, cpu, output, cli_mb = _run_cli(command)
    print(f"CLI, {sources} sources, first build:     {seconds:.2f} s (CPU {cpu:.2f} s), peak {cli_mb:.0f} MB  "
          f"({output.strip()})")
    for label in ("nothing changed", "one source changed"):
        runs = []
        for edit in range(RUNS):
            if label == "one source changed":
                source = workspace / "sources" / "s000001.yaml"
                source.write_text(re.sub(r"measurementID: G-1[^}]*", f"measurementID: G-1e{edit}", source.read_text()))
            runs.append(_run_cli(command))
        seconds, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"CLI, {sources} sources, {label + ':':<20}{seconds:.2f} s (CPU {cpu:.2f} s), median of {RUNS}  "
              f"({runs[-1][2].strip()})")


def _cpu() -> float:
    """Return the CPU seconds (user + system) of this process and of its finished worker processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run_cli(command: list[str]) -> tuple[float, float, str, float]:
    """Run the CLI; return its wall time, its CPU time (its worker processes included), its stdout and the peak
    RSS (MB) of its largest process. CPU time is the figure to compare on a busy machine."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}: {output}")
    return seconds, usage.ru_utime + usage.ru_stime, output, usage.ru_maxrss / 1024


if __name__ == "__main__":
    main()
