"""The local-directory target: write a build into a directory laid out like the CDN.

    report = LocalTarget(Path("public")).apply(outcomes, cache_config)

Each file is written atomically (temporary file, then rename), and only when its bytes changed. A failed source
keeps the files it had. `.bundlesmith/manifest.json` records what each source serves (keys, hashes, headers);
`_headers` lists the headers of every file in the format Netlify and Cloudflare Pages read, so a static host
serves them as S3 + CloudFront would. Neither holds anything private.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.build import SourceBuild, SourceFailure, SourceOutcome
from builder.models import CacheConfig
from builder.problems import Problem
from publish.cache_policy import cache_control

log = logging.getLogger(__name__)

STATE_DIR = ".bundlesmith"
MANIFEST = f"{STATE_DIR}/manifest.json"
HEADERS_FILE = "_headers"
WRITER_THREADS = 8
MAX_PENDING_WRITES = 256  # bounds the memory held by queued writes


@dataclass
class LocalReport:
    """What one apply did."""

    built: list[str] = field(default_factory=list)
    failed: list[SourceFailure] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every source was built and written."""
        return not self.failed

    def problems(self) -> list[Problem]:
        """Return the problems of every failed source."""
        return [p for f in self.failed for p in f.problems]


class LocalTarget:
    """A directory served as the CDN origin."""

    def __init__(self, root: Path):
        self.root = root
        self._made_dirs: set[str] = set()
        self._done: dict[str, str] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []

    def apply(self, outcomes: Iterable[SourceOutcome], cache: CacheConfig,
              keep_only: set[str] | None = None) -> LocalReport:
        """Write every built source, keep failed ones as they were; with `keep_only`, drop other sources."""
        manifest = self.read_manifest()
        report = LocalReport()
        self._done = {}
        # File system calls release the GIL: a few writer threads overlap them with building the next source.
        with ThreadPoolExecutor(max_workers=WRITER_THREADS, thread_name_prefix="bundlesmith-write") as pool:
            self._pool, self._pending = pool, []
            try:
                for outcome in outcomes:
                    if isinstance(outcome, SourceFailure):
                        report.failed.append(outcome)
                        continue
                    self._write_source(outcome, cache, manifest, report)
            finally:
                self._drain(0)
        if keep_only is not None:
            for source_id in sorted(set(manifest["sources"]) - keep_only):
                self._remove_source(source_id, manifest, report)
        self._write_state(manifest)
        return report

    def _drain(self, keep: int) -> None:
        """Wait until at most `keep` writes are in flight, re-raising the first failure."""
        while len(self._pending) > keep:
            self._pending.pop(0).result()

    def read_manifest(self) -> dict[str, Any]:
        """Return the manifest of what the directory serves (empty when there is none)."""
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
            if isinstance(data, dict) and "sources" in data and "objects" in data:
                return data
        except (OSError, ValueError):
            pass
        return {"version": 1, "sources": {}, "objects": {}}

    def _write_source(self, build: SourceBuild, cache: CacheConfig, manifest: dict[str, Any],
                      report: LocalReport) -> None:
        previous = manifest["sources"].get(build.source_id, {}).get("objects", [])
        objects = manifest["objects"]
        for obj in build.objects:
            if self._done.get(obj.key) == obj.sha256:  # a shared plugin file already handled in this run
                continue
            self._done[obj.key] = obj.sha256
            path = self._path(obj.key)
            if objects.get(obj.key, {}).get("sha256") == obj.sha256 and os.path.isfile(path):
                report.unchanged.append(obj.key)
            else:
                self._write(path, obj.body)
                report.written.append(obj.key)
            objects[obj.key] = {"sha256": obj.sha256, "size": len(obj.body), "content_type": obj.content_type,
                                "cache_control": cache_control(obj, cache)}
        current = {o.key for o in build.objects}
        for key in previous:
            if key not in current and not _is_shared(key, manifest, build.source_id):
                self._remove_key(key, manifest, report)
        manifest["sources"][build.source_id] = {"write_key": build.write_key, "build_id": build.build_id,
                                                "objects": sorted(current)}
        report.built.append(build.source_id)

    def _remove_source(self, source_id: str, manifest: dict[str, Any], report: LocalReport) -> None:
        keys = manifest["sources"].pop(source_id, {}).get("objects", [])
        for key in keys:
            if not _is_shared(key, manifest, source_id):
                self._remove_key(key, manifest, report)

    def _remove_key(self, key: str, manifest: dict[str, Any], report: LocalReport) -> None:
        manifest["objects"].pop(key, None)
        try:
            os.unlink(self._path(key))
            report.removed.append(key)
        except FileNotFoundError:
            pass

    def _path(self, key: str) -> str:
        """Map an object key to its file; keys that could leave the directory are refused."""
        parts = key.split("/")
        if not key or key.startswith("/") or "\\" in key or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"refusing to write {key!r} outside {self.root}")
        return os.path.join(self.root, key)

    def _write(self, path: str, body: bytes) -> None:
        self._pending.append(self._pool.submit(self._write_now, path, body))
        self._drain(MAX_PENDING_WRITES)

    def _write_now(self, path: str, body: bytes) -> None:
        parent = os.path.dirname(path)
        if parent not in self._made_dirs:
            os.makedirs(parent, exist_ok=True)
            self._made_dirs.add(parent)
        _atomic_write(path, body)

    def _write_state(self, manifest: dict[str, Any]) -> None:
        (self.root / STATE_DIR).mkdir(parents=True, exist_ok=True)
        _atomic_write(str(self.root / MANIFEST),
                      (json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n").encode())
        lines = []
        for key, meta in sorted(manifest["objects"].items()):
            lines += [f"/{key}", f"  Content-Type: {meta['content_type']}", f"  Cache-Control: {meta['cache_control']}"]
            if key.startswith("v1/projects/"):
                lines.append("  Access-Control-Allow-Origin: *")
        _atomic_write(str(self.root / HEADERS_FILE), ("\n".join(lines) + "\n").encode())


def _is_shared(key: str, manifest: dict[str, Any], owner: str) -> bool:
    """True when another source still serves `key` (remote plugin files are shared)."""
    return any(key in s.get("objects", []) for sid, s in manifest["sources"].items() if sid != owner)


_temp_names = itertools.count()


def _atomic_write(path: str, body: bytes) -> None:
    """Write `body` to `path` through a temporary file and a rename, so readers never see half a file."""
    head, name = os.path.split(path)
    tmp = os.path.join(head, f".tmp-{os.getpid()}-{threading.get_ident()}-{next(_temp_names)}-{name}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
