"""Benchmark: bytes written to the target per change, and the time of that publish, at 1,000 and 100,000 sources.

    .venv/bin/python bench/bytes_per_change.py [--sources 1000,100000] [--real 200] [--edits 5] [--target local|s3]

A target holds `--real` sources built and published for real, plus synthetic sources up to each count: their
per-source states and markers written directly (a copy of a real source's state under another id), since building
100,000 sources takes far longer than what is measured here. Then one real source's file is edited `--edits` times;
each change is built and published by a *new* Publisher (a new process's view: nothing cached), through a store
wrapper that counts every byte written (puts and conditional puts; server-side copies counted apart). Prints the
median bytes, writes and wall time per change at each count. The directory target lives on /dev/shm when there is
one (this machine's disk throttles sustained writes); `--target s3` uses moto's threaded server.
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.build_scale import write_sources  # noqa: E402
from builder.assets import Assets  # noqa: E402
from builder.build import Builder  # noqa: E402
from builder.catalog import load_catalog  # noqa: E402
from builder.workspace import load_workspace  # noqa: E402
from publish.directory import DirectoryStore  # noqa: E402
from publish.publisher import Publisher  # noqa: E402
from publish.state import PRIVATE_CACHE_CONTROL, decode_state, encode_state, marker_key, state_key  # noqa: E402
from publish.store import Store  # noqa: E402


class CountingStore:
    """A `Store` that counts what is written through it (bytes and calls), delegating everything."""

    def __init__(self, inner: Store):
        self.inner, self.prefix, self.etag = inner, inner.prefix, inner.etag
        self.bytes = self.writes = self.copies = 0

    def put(self, key: str, body: bytes, content_type: str, cache_control: str, digest: str | None = None) -> None:
        self.bytes, self.writes = self.bytes + len(body), self.writes + 1
        self.inner.put(key, body, content_type, cache_control, digest=digest)

    def put_if(self, key: str, body: bytes, content_type: str, cache_control: str, *, if_match: str | None = None,
               if_none_match: bool = False) -> str | None:
        self.bytes, self.writes = self.bytes + len(body), self.writes + 1
        return self.inner.put_if(key, body, content_type, cache_control, if_match=if_match,
                                 if_none_match=if_none_match)

    def copy(self, source: str, key: str, content_type: str, cache_control: str) -> None:
        self.copies += 1
        self.inner.copy(source, key, content_type, cache_control)

    def get(self, key: str) -> bytes | None:
        return self.inner.get(key)

    def get_versioned(self, key: str) -> tuple[bytes | None, str | None]:
        return self.inner.get_versioned(key)

    def delete(self, keys: Iterable[str]) -> None:
        self.inner.delete(keys)

    def list(self, under: str = "") -> dict[str, str]:
        return self.inner.list(under)

    def folders(self, under: str) -> list[str]:
        return self.inner.folders(under)

    def version(self, key: str) -> str | None:
        return self.inner.version(key)

    def ensure_cors(self) -> bool:
        return self.inner.ensure_cors()


def _build(root: Path) -> tuple[Any, list[Any]]:
    catalog = load_catalog()
    workspace = load_workspace(root, catalog)
    assert workspace.config is not None, workspace.problems[:3]
    return workspace.config, list(Builder(catalog, Assets.load()).build_all(workspace))


def _synthesize(store: Store, template: str, first: int, count: int) -> None:
    """Write the state and marker of synthetic sources x<first>..x<count-1>, copies of `template`'s state."""
    state = decode_state(store.get(state_key(template)))
    assert state is not None and state.build_id is not None
    for i in range(first, count):
        state.source_id = f"x{i:06d}"
        store.put(state_key(state.source_id), encode_state(state), "application/json", PRIVATE_CACHE_CONTROL)
        store.put(marker_key(state.source_id, state.build_id, state.inputs, True), b"", "application/octet-stream",
                  PRIVATE_CACHE_CONTROL)


def _one_count(make_store: Any, work: Path, count: int, real: int, edits: int) -> dict[str, float]:
    """Publish `real` sources, add synthetic ones up to `count`, then time and count `edits` changes."""
    ws = work / f"ws-{count}"
    write_sources(ws, real)
    config, outcomes = _build(ws)
    store = make_store(count)
    assert Publisher(store, config.cache, config.retention, workers=8).publish(outcomes).ok
    started = time.perf_counter()
    _synthesize(store, "s0", real, count)
    print(f"{count:>7} sources: {real} published, {count - real} synthesized in {time.perf_counter() - started:.1f} s")
    sizes, writes, times = [], [], []
    source = ws / "sources" / "s000001.yaml"
    for edit in range(edits):
        source.write_text(source.read_text().replace("token: mp_1", f"token: mp_1_{edit}", 1))
        config, outcomes = _build(ws)
        counting = CountingStore(store)
        publisher = Publisher(counting, config.cache, config.retention, workers=8)  # a new process's view
        started = time.perf_counter()
        report = publisher.publish(outcomes, keep_only=None)
        times.append(time.perf_counter() - started)
        assert report.ok and [r.source_id for r in report.results if r.status == "published"] == ["s1"]
        sizes.append(counting.bytes)
        writes.append(counting.writes)
    return {"bytes": statistics.median(sizes), "writes": statistics.median(writes), "seconds": statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", default="1000,100000", help="comma-separated source counts")
    parser.add_argument("--real", type=int, default=200, help="sources built and published for real")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--target", choices=("local", "s3"), default="local")
    parser.add_argument("--workdir", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bundlesmith-bytes-", dir=args.workdir))
    server = None
    try:
        if args.target == "s3":
            server, make_store = _moto()
        else:
            def make_store(count: int) -> Store:
                return DirectoryStore(work / f"out-{count}")
        results = {n: _one_count(make_store, work, n, args.real, args.edits)
                   for n in (int(v) for v in args.sources.split(","))}
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"target {args.target}; per change (median of {args.edits}), one source edited, a new Publisher each time:")
    for count, result in results.items():
        print(f"{count:>7} sources: {result['bytes']:>8.0f} bytes written in {result['writes']:.0f} writes, "
              f"publish {result['seconds'] * 1000:.0f} ms")


def _moto() -> tuple[Any, Any]:
    """Start moto's threaded server; return it and a store factory (one bucket prefix per count)."""
    import boto3
    from moto.server import ThreadedMotoServer

    from publish.aws import NO_BOTOCORE_RETRIES
    from publish.s3 import S3Store

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "bench")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.client("s3", region_name="us-east-1", endpoint_url=f"http://{host}:{port}",
                          config=NO_BOTOCORE_RETRIES)
    client.create_bucket(Bucket="bench")
    return server, lambda count: S3Store(client, "bench", f"cdn-{count}")


if __name__ == "__main__":
    main()
