"""Benchmark: publish N synthetic web sources to S3 (moto's threaded server), then publish one change.

    .venv/bin/python bench/publish_scale.py [--sources 10000] [--workers 8]

Prints, for the first publish, a publish with nothing changed and a publish after one source's config changed:
objects uploaded (entry objects, their per-build copies and the shared plugin files), bytes, and wall time (plan +
upload + per-source state). Each publish after the first is made by a *new* Publisher, as a new process
(`bundlesmith publish`) makes it: it reads the index and lists `.bundlesmith/served/` (a page per 1,000 sources),
and reads nothing else for a source its marker says is unchanged.
Target (issue 14): nothing to publish at 10,000 sources <= 3 s. With `--cli`, the real command is timed instead,
build included (a source whose inputs are those the target serves is neither loaded nor built).
The build itself is timed apart (see bench/build_scale.py). moto runs in this process on 127.0.0.1, so the
figures measure bundlesmith plus moto's HTTP server, not S3's latency.
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.build_scale import write_sources  # noqa: E402
from builder.assets import Assets  # noqa: E402
from builder.build import Builder  # noqa: E402
from builder.catalog import load_catalog  # noqa: E402
from builder.parallel import build_parallel, load_workspace_parallel  # noqa: E402
from publish.publisher import Publisher  # noqa: E402
from publish.s3 import S3Store  # noqa: E402


def _build(root: Path, jobs: int) -> tuple[object, list[object]]:
    catalog = load_catalog()
    workspace = load_workspace_parallel(root, catalog, jobs)
    assert workspace.ok, workspace.all_problems()[:3]
    return workspace.config, list(build_parallel(Builder(catalog, Assets.load()), workspace, jobs))


def _publish(label: str, publisher: Publisher, outcomes: list[object]) -> None:
    started = time.perf_counter()
    report = publisher.publish(outcomes)
    elapsed = time.perf_counter() - started
    assert report.ok, report.failed[:3]
    published = sum(r.status == "published" for r in report.results)
    print(f"{label:<22} {published:>6} sources published, {report.puts:>6} objects uploaded, "
          f"{report.uploaded_bytes / 1e6:8.1f} MB, {elapsed:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8, help="upload threads")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="build processes")
    parser.add_argument("--noop-runs", type=int, default=3, help="publishes with nothing changed, each timed")
    parser.add_argument("--cli", action="store_true", help="run `bundlesmith publish` itself (build included), as a "
                        "user does, instead of timing the publisher in this process")
    args = parser.parse_args()
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        os.environ.setdefault(name, value)
    from moto.server import ThreadedMotoServer

    from publish.aws import aws_client

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    work = Path(tempfile.mkdtemp(prefix="bundlesmith-publish-bench-"))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        client = aws_client("s3", endpoint_url=f"http://{host}:{port}")  # as `bundlesmith publish` makes it
        client.create_bucket(Bucket="bench")
        write_sources(work / "ws", args.sources)
        if args.cli:
            return _cli_series(work / "ws", f"http://{host}:{port}", args.noop_runs)
        started = time.perf_counter()
        config, outcomes = _build(work / "ws", args.jobs)
        print(f"sources:               {args.sources} (built in {time.perf_counter() - started:.1f} s, "
              f"{args.workers} upload threads)")
        def publisher() -> Publisher:  # a new process's view: nothing known
            return Publisher(S3Store(client, "bench", "cdn"), config.cache, config.retention, workers=args.workers)
        _publish("first publish", publisher(), outcomes)
        for run in range(args.noop_runs):
            _publish(f"nothing changed ({run + 1})", publisher(), outcomes)
        source = work / "ws" / "sources" / "s000042.yaml"
        source.write_text(source.read_text().replace("token: mp_42", "token: mp_42_changed"))
        _, outcomes = _build(work / "ws", args.jobs)
        _publish("one source changed", publisher(), outcomes)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def _cli_series(root: Path, endpoint: str, noop_runs: int) -> None:
    """Time `bundlesmith publish WS --env bench` as a user runs it: the first publish, publishes with nothing
    changed, then one with one source changed (each a new process: load, build, publish)."""
    with (root / "workspace.yaml").open("a") as workspace:
        workspace.write(f"targets:\n  bench: {{url: 's3://bench/cdn', region: us-east-1, endpoint_url: '{endpoint}'}}\n")
    command = [str(Path(sys.executable).with_name("bundlesmith")), "publish", str(root), "--env", "bench"]
    labels = ["first publish"] + [f"nothing changed ({n + 1})" for n in range(noop_runs)] + ["one source changed"]
    for label in labels:
        if label == "one source changed":
            source = root / "sources" / "s000042.yaml"
            source.write_text(source.read_text().replace("token: mp_42", "token: mp_42_changed"))
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-300:]
        print(f"CLI, {label:<22} {elapsed:7.2f} s  (exit {result.returncode}: {summary})")


if __name__ == "__main__":
    main()
