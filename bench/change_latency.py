"""Benchmark: time from saving one source file to its objects being published, with N sources loaded in the service.

    .venv/bin/python bench/change_latency.py [--sources 10000] [--edits 20] [--target local|s3] [--workdir DIR]
                                             [--profile FILE [--profile-edits 10]]

Writes `bench/build_scale.py`'s synthetic workspace (on /dev/shm by default: this machine's disk throttles sustained
writes), starts `bundlesmith.serve.service.Service` on it (local directory target, or S3 on the threaded moto
server), waits for the first reconcile, then saves one source file at a time and measures until the status board says
the new build is published (the publish has returned: the served files are written or uploaded; on the local target
the benchmark checks that the source's served files on disk hold new bytes at that moment). Prints p50/p95 of the
latency, of the latency beyond the quiet period (the debounce wait, which is deliberate), and of the time until the
service is idle again. The bytes a change writes to the target (the source's objects, its state, its marker) are
counted by bench/bytes_per_change.py, at 1,000 and 100,000 sources. Also prints the peak RSS (VmHWM) of this
process (the service runs in it) from the first reconcile on, and the load average. `--profile FILE` then makes
more edits with cProfile around the build loop's work (one change: reload, build, publish) and dumps the stats.
Target (issue "The service"): p50 <= 100 ms beyond the quiet period on the local target; issue 16 ("Speed"):
p50 <= 50 ms at 100,000 sources (`--sources 100000`: ~4 minutes to start, ~7 GB of RSS and ~11 GB of /dev/shm).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.build_scale import write_sources  # noqa: E402
from bundlesmith.serve.service import Service  # noqa: E402
from bundlesmith.watch import QUIET_PERIOD  # noqa: E402


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _moto_target(root: Path):  # type: ignore[no-untyped-def]
    """Start the threaded moto server, add an s3 target to workspace.yaml; return (server, env name)."""
    from moto.server import ThreadedMotoServer
    import boto3
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ[name] = "testing"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint).create_bucket(Bucket="bench")
    text = (root / "workspace.yaml").read_text()
    if "targets:" in text:
        text = text.replace("targets:", f"targets:\n  bench: {{url: 's3://bench/site', region: us-east-1, "
                                         f"endpoint_url: '{endpoint}'}}", 1)
    else:
        text += f"targets:\n  bench: {{url: 's3://bench/site', region: us-east-1, endpoint_url: '{endpoint}'}}\n"
    (root / "workspace.yaml").write_text(text)
    return server, "bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--target", choices=("local", "s3"), default="local")
    parser.add_argument("--quiet", type=float, default=QUIET_PERIOD)
    parser.add_argument("--workdir", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    parser.add_argument("--start-timeout", type=float, default=3600.0,
                        help="seconds the first reconcile may take (100,000 sources take minutes)")
    parser.add_argument("--profile", help="after the timed edits, profile more edits' work into this file")
    parser.add_argument("--profile-edits", type=int, default=10)
    parser.add_argument("--back-to-back", action="store_true",
                        help="save each edit as soon as the previous one is published, while the service may still "
                             "be finishing the publish (the worst case of a steady stream of edits)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bundlesmith-latency-", dir=args.workdir) as tmp:
        root = Path(tmp) / "ws"
        write_sources(root, args.sources)
        server, env = _moto_target(root) if args.target == "s3" else (None, "local")
        _reset_peak_rss()
        try:
            started = time.perf_counter()
            with Service(root, env, quiet=args.quiet, max_delay=max(2.0, args.quiet)) as service:
                assert service.wait_idle(args.start_timeout), "the first reconcile did not finish"
                print(f"{args.sources} sources loaded, built and published to {env} in "
                      f"{time.perf_counter() - started:.1f} s; peak RSS {_peak_rss_mb():.0f} MB")
                timings = [_one_edit(service, root, i, wait_idle=not args.back_to_back) for i in range(args.edits)]
                if args.profile:
                    _profile_edits(service, root, args.edits, args.profile_edits, args.profile)
        finally:
            if server is not None:
                server.stop()
    latencies, idle = [t[0] for t in timings], [t[1] for t in timings]
    beyond = [t - args.quiet for t in latencies]
    print(f"target {args.target}, {args.edits} edits{' back to back' if args.back_to_back else ''}, "
          f"quiet period {args.quiet * 1000:.0f} ms")
    print(f"save -> published: p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {_percentile(latencies, 0.95) * 1000:.0f} ms")
    print(f"beyond the quiet period: p50 {statistics.median(beyond) * 1000:.0f} ms, "
          f"p95 {_percentile(beyond, 0.95) * 1000:.0f} ms")
    if not args.back_to_back:
        print(f"save -> idle again: p50 {statistics.median(idle) * 1000:.0f} ms, "
              f"p95 {_percentile(idle, 0.95) * 1000:.0f} ms")
    print(f"peak RSS of the service's process {_peak_rss_mb():.0f} MB; load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))


def _profile_edits(service: Service, root: Path, first: int, count: int, out: str) -> None:
    """Make `count` more edits with cProfile around the build loop's work; dump the stats to `out`."""
    profiler, work = cProfile.Profile(), service.loop._work

    def profiled(dirty):  # type: ignore[no-untyped-def]
        profiler.enable()
        try:
            return work(dirty)
        finally:
            profiler.disable()

    service.loop._work = profiled
    try:
        for i in range(first, first + count):
            _one_edit(service, root, i)
    finally:
        service.loop._work = work
    profiler.dump_stats(out)
    print(f"profile of {count} edits' work written to {out}")


def _reset_peak_rss() -> None:
    """Reset this process's peak RSS (Linux), so the figure covers the service, not writing the sources."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_rss_mb() -> float:
    """Return this process's peak RSS in MB (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _one_edit(service: Service, root: Path, i: int, wait_idle: bool = True) -> tuple[float, float]:
    """Save one source file with a new token; return seconds until its new build is published, and until idle."""
    source_id = f"s{(i * 7919) % len(service.live.entries)}"
    file = service.live.file_of(source_id)
    assert file is not None
    path = root / file
    text = path.read_text()
    before = service.board.get(source_id).published_build_id
    served = _served_entry_files(service, source_id)
    saved = time.perf_counter()
    path.write_text(text.replace("token: ", f"token: e{i}_", 1))
    assert service.board.wait_for(lambda board: (r := board.get(source_id)) is not None
                                  and r.published_build_id not in (None, before), 60), source_id
    elapsed = time.perf_counter() - saved
    changed = {p for p, body in served.items() if p.read_bytes() != body}
    assert not served or changed, f"{source_id} is reported published but its served files hold the old bytes"
    if wait_idle:
        assert service.wait_idle(60)
    return elapsed, time.perf_counter() - saved


def _served_entry_files(service: Service, source_id: str) -> dict[Path, bytes]:
    """Return the bytes of the source's served entry files on a local target (nothing for S3)."""
    folder = service.local_folder()
    published = service.published(source_id) or {}
    if folder is None:
        return {}
    return {folder / key: (folder / key).read_bytes() for key, meta in published.get("objects", {}).items()
            if not meta.get("immutable")}


if __name__ == "__main__":
    main()
