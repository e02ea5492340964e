"""The local-directory target: write a build into a directory laid out like the CDN.

    target = LocalTarget(Path("public"))
    report = target.apply(outcomes, cache_config)          # write every source, then record the state

    # or, from worker processes (see builder.parallel): each worker writes its sources, the parent records
    manifest = target.read_manifest()
    written = [target.write_source(build, cache_config, manifest) for build in builds]   # in the workers
    report = target.record(written_or_failures, manifest)                                 # in the parent

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
from collections import Counter
from collections.abc import Iterable
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


@dataclass(frozen=True)
class WrittenSource:
    """What writing one source did: its manifest entries and which files were written or left as they were."""

    source_id: str
    write_key: str
    build_id: str
    objects: dict[str, dict[str, Any]]
    written: tuple[str, ...]
    unchanged: tuple[str, ...]


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
        self._checked: dict[str, str] = {}  # shared plugin files already handled by this process

    def apply(self, outcomes: Iterable[SourceOutcome], cache: CacheConfig,
              keep_only: set[str] | None = None) -> LocalReport:
        """Write every built source, keep failed ones as they were; with `keep_only`, drop other sources."""
        manifest = self.read_manifest()
        items = (self.write_source(o, cache, manifest) if isinstance(o, SourceBuild) else o for o in outcomes)
        return self.record(items, manifest, keep_only)

    def read_manifest(self) -> dict[str, Any]:
        """Return the manifest of what the directory serves (empty when there is none)."""
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
            if isinstance(data, dict) and "sources" in data and "objects" in data:
                return data
        except (OSError, ValueError):
            pass
        return {"version": 1, "sources": {}, "objects": {}}

    def write_source(self, build: SourceBuild, cache: CacheConfig, manifest: dict[str, Any]) -> WrittenSource:
        """Write the objects of one source whose bytes differ from what `manifest` says is there."""
        known = manifest["objects"]
        entries, written, unchanged = {}, [], []
        for obj in build.objects:
            entries[obj.key] = {"sha256": obj.sha256, "size": len(obj.body), "content_type": obj.content_type,
                                "cache_control": cache_control(obj, cache)}
            if self._checked.get(obj.key) == obj.sha256:
                continue
            path = self._path(obj.key)
            if known.get(obj.key, {}).get("sha256") == obj.sha256 and os.path.isfile(path):
                unchanged.append(obj.key)
            else:
                self._write(path, obj.body)
                written.append(obj.key)
            if obj.immutable:
                self._checked[obj.key] = obj.sha256
        return WrittenSource(build.source_id, build.write_key, build.build_id, entries, tuple(written),
                             tuple(unchanged))

    def record(self, items: Iterable[WrittenSource | SourceFailure], manifest: dict[str, Any],
               keep_only: set[str] | None = None) -> LocalReport:
        """Merge written sources into the manifest, delete what they no longer serve, and save the state."""
        report = LocalReport()
        refs = Counter(key for s in manifest["sources"].values() for key in s.get("objects", []))
        stale: set[str] = set()
        for item in items:
            if isinstance(item, SourceFailure):
                report.failed.append(item)
                continue
            previous = manifest["sources"].get(item.source_id, {}).get("objects", [])
            refs.subtract(previous)
            refs.update(list(item.objects))
            stale.update(previous)
            manifest["objects"].update(item.objects)
            manifest["sources"][item.source_id] = {"write_key": item.write_key, "build_id": item.build_id,
                                                   "objects": sorted(item.objects)}
            report.built.append(item.source_id)
            report.written.extend(item.written)
            report.unchanged.extend(item.unchanged)
        if keep_only is not None:
            for source_id in sorted(set(manifest["sources"]) - keep_only):
                previous = manifest["sources"].pop(source_id).get("objects", [])
                refs.subtract(previous)
                stale.update(previous)
        for key in sorted(k for k in stale if refs[k] <= 0):
            self._remove_key(key, manifest, report)
        self._write_state(manifest)
        return report

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
