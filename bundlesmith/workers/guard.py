"""Several workers, one target: per-source locks and versions so no older workspace version replaces a newer one.

    guard = open_guard(workspace_dir, config, "production", owner="worker-7")
    with guard.hold(["storefront", "blog"]) as hold:        # one lock object per source, taken in sorted order
        hold.published["storefront"]                          # changes.Version the target serves, or None
        report = hold.publish(outcomes, version, removed={"blog"})   # records the version per source
        hold.renew()                                          # the worker's heartbeat extends the leases

Locks: `.bundlesmith/locks/<source>.json` is created with `If-None-Match: *`, so one worker holds a source; it holds
{owner, expires_at} and is renewed with `If-Match` on its own ETag. A lock whose lease ran out (its holder was
killed) is taken over with `If-Match` on the stale ETag, so exactly one worker wins it. Under the lock, the worker
reads the source's recorded version, decides (`changes.decide`), publishes, and records the version. The
manifest is shared by every source, so it is written by compare-and-swap: read it with its ETag, merge in only the
held sources (their state, retained builds, objects and version), `PutObject` with `If-Match`, and on a conflict read
and merge again. No lost update, and no publish of a source whose lease was lost (checked before the manifest is
written). Orphan bookkeeping and deletion of expired immutable objects are left to a plain `bundlesmith publish`,
which sees the whole workspace: a worker sees a few sources and must not decide another source's objects are gone.

The lease assumes loosely synchronised clocks and no pause of a holder longer than the lease (the default is
several times the heartbeat interval); docs/DEPLOYMENT.md says how to size it.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from builder.build import SourceBuild, SourceOutcome, bundle_key, settings_key
from builder.errors import LeaseLost, LockBusy, PublishError, UsageError
from builder.models import WorkspaceFile
from bundlesmith.workers.changes import Version
from publish.manifest import MANIFEST_KEY, PRIVATE_CACHE_CONTROL, STATE_PREFIX, decode_manifest, encode_manifest
from publish.publisher import Publisher
from publish.report import PublishReport
from publish.targets import open_target

log = logging.getLogger(__name__)

LOCK_PREFIX = f"{STATE_PREFIX}locks/"
LEASE = 120.0          # seconds a lock is valid without renewal
LOCK_WAIT = 300.0      # longest wait for a busy source before the message is retried later
CAS_ATTEMPTS = 50


def merge_held(fresh: dict[str, Any], mine: dict[str, Any], held: Iterable[str],
               versions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return `fresh` with the state of the held sources taken from `mine` and their versions recorded (pure)."""
    merged = json.loads(json.dumps(fresh))
    for sid in held:
        old = set(merged["sources"].get(sid, {}).get("objects", []))
        new_state = mine["sources"].get(sid)
        new = set(new_state.get("objects", [])) if new_state else set()
        for key in old - new:
            if not merged["objects"].get(key, {}).get("immutable"):
                merged["objects"].pop(key, None)
        for key in new:
            if key in mine["objects"]:
                merged["objects"][key] = mine["objects"][key]
                merged["orphans"].pop(key, None)
        for table in ("sources", "builds", "refs"):
            if sid in mine.get(table, {}):
                merged.setdefault(table, {})[sid] = mine[table][sid]
            else:
                merged.get(table, {}).pop(sid, None)
        for key in merged.get("refs", {}).get(sid, {}):
            merged["orphans"].pop(key, None)
    merged.setdefault("versions", {}).update(versions)
    return merged


class SourceGuard:
    """Locks, versions and compare-and-swap manifest writes over one S3 target."""

    def __init__(self, publisher: Publisher, *, owner: str | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, lease: float = LEASE, wait: float = LOCK_WAIT):
        self.publisher, self.store = publisher, publisher.store
        self.owner = owner or f"{os.uname().nodename}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.clock, self.sleep, self.lease, self.wait = clock, sleep, lease, wait

    @contextmanager
    def hold(self, source_ids: Iterable[str]) -> Iterator[Held]:
        """Lock every source (sorted order, so two workers never wait on each other), yield, then unlock."""
        held = Held(self, sorted(set(source_ids)))
        try:
            for sid in held.ids:
                held.etags[sid] = self._acquire(sid)
            manifest = decode_manifest(self.store.get(MANIFEST_KEY))
            held.published = {sid: Version.from_dict(manifest.get("versions", {}).get(sid)) for sid in held.ids}
            yield held
        finally:
            held.release()

    def _lock_body(self) -> bytes:
        return json.dumps({"owner": self.owner, "expires_at": self.clock() + self.lease}).encode()

    def _acquire(self, sid: str) -> str:
        """Take the lock of one source, waiting (bounded) while a live worker holds it."""
        deadline, delay = self.clock() + self.wait, 0.05
        while True:
            etag = self.store.put_if(lock_key(sid), self._lock_body(), "application/json", PRIVATE_CACHE_CONTROL,
                                     if_none_match=True)
            if etag is not None:
                return etag
            body, current = self.store.get_versioned(lock_key(sid))
            if body is not None and current is not None and _expires_at(body) < self.clock():
                log.warning("taking over the lock of %s from %s (its lease ran out)", sid, _owner(body))
                etag = self.store.put_if(lock_key(sid), self._lock_body(), "application/json",
                                         PRIVATE_CACHE_CONTROL, if_match=current)
                if etag is not None:
                    return etag
                continue
            if self.clock() >= deadline:
                raise LockBusy(f"{sid} stayed locked by {_owner(body)} for {self.wait:.0f} s")
            self.sleep(delay)
            delay = min(1.0, delay * 2)


class Held:
    """The sources one worker holds, what the target serves them at, and how to publish them."""

    def __init__(self, guard: SourceGuard, ids: list[str]):
        self.guard, self.ids = guard, ids
        self.etags: dict[str, str] = {}
        self.published: dict[str, Version | None] = {}
        self.lost: list[str] = []
        self._lock = threading.Lock()

    def release(self) -> None:
        """Delete every held lock, under the same lock as `renew`, so a heartbeat never re-tags one being released."""
        with self._lock:
            etags, self.etags = self.etags, {}
            for sid, etag in etags.items():
                try:
                    if not self.guard.store.delete_if(lock_key(sid), etag):
                        log.warning("the lock of %s had changed hands before it was released", sid)
                except PublishError as exc:  # it expires anyway
                    log.warning("could not release the lock of %s: %s", sid, exc)

    def renew(self) -> None:
        """Extend every held lease (the heartbeat); a lock taken over meanwhile is recorded as lost."""
        with self._lock:
            for sid, etag in list(self.etags.items()):
                renewed = self.guard.store.put_if(lock_key(sid), self.guard._lock_body(), "application/json",
                                                  PRIVATE_CACHE_CONTROL, if_match=etag)
                if renewed is None:
                    self.lost.append(sid)
                    del self.etags[sid]
                else:
                    self.etags[sid] = renewed

    def check(self) -> None:
        """Raise LeaseLost if another worker took over a held source."""
        with self._lock:
            if self.lost:
                raise LeaseLost(f"the lock of {', '.join(self.lost)} was taken over by another worker")

    def publish(self, outcomes: list[SourceOutcome], version: Version, *, removed: set[str]) -> PublishReport:
        """Publish the held sources' outcomes and remove `removed`; record `version` for every source done."""
        builds = [o for o in outcomes if isinstance(o, SourceBuild)]
        if not outcomes and not removed:
            return PublishReport()
        publisher = GuardedPublisher(self, version, removed, builds)
        keep = publisher.keep if removed else None
        return publisher.publish(outcomes, keep_only=keep)


class GuardedPublisher(Publisher):
    """A Publisher that sees only the held sources and writes the manifest by compare-and-swap."""

    def __init__(self, held: Held, version: Version, removed: set[str], builds: list[SourceBuild]):
        base = held.guard.publisher
        super().__init__(base.store, base.cache, base.retention, invalidator=base.invalidator, clock=base.clock,
                         workers=base._workers, configure_bucket=False)
        self.held, self.version, self.removed, self.builds = held, version, removed, builds
        self.keep: set[str] = set()  # filled from the manifest publish() reads: everything but `removed`
        self._not_done: set[str] = set()
        self._publish_failed: set[str] = set()
        self._failed_lock = threading.Lock()

    def read_state(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Return the manifest and the listing of the held sources' keys only."""
        manifest = decode_manifest(self.store.get(MANIFEST_KEY))
        self.keep.clear()
        self.keep.update(set(manifest["sources"]) - self.removed)
        listing: dict[str, str] = {}
        for under in _prefixes(self.builds):
            listing.update(self.store.list(under))
        return manifest, listing

    def write_state(self, manifest: dict[str, Any], listing: dict[str, str],
                    touched: dict[str, set[str]] | None = None, *, served_state_written: bool = False) -> None:
        """Merge the held sources into the freshest manifest and write it only if nobody wrote it meanwhile."""
        done = ({b.source_id for b in self.builds} | self.removed) - self._failed()
        versions = {sid: self.version.as_dict() for sid in done}
        for _ in range(CAS_ATTEMPTS):
            self.held.check()
            body, etag = self.store.get_versioned(MANIFEST_KEY)
            merged = merge_held(decode_manifest(body), manifest, done, versions)
            written = self.store.put_if(MANIFEST_KEY, encode_manifest(merged), "application/json",
                                        PRIVATE_CACHE_CONTROL, if_match=etag, if_none_match=etag is None)
            if written is not None:
                return
        raise PublishError(f"the manifest kept changing: {CAS_ATTEMPTS} compare-and-swap attempts failed")

    def publish(self, outcomes: Iterable[SourceOutcome], *, invalidate: bool = False,
                keep_only: set[str] | None = None) -> PublishReport:
        """Publish, remembering which sources failed (their version is not recorded)."""
        outcomes = list(outcomes)
        self._not_done = {o.source_id for o in outcomes if not isinstance(o, SourceBuild) and o.source_id}
        return super().publish(outcomes, invalidate=invalidate, keep_only=keep_only)

    def _failed(self) -> set[str]:
        with self._failed_lock:
            return set(self._not_done) | self._publish_failed

    def _publish_source(self, source: Any, manifest: dict[str, Any], failed_keys: dict[str, str],
                        report: PublishReport) -> Any:
        result = super()._publish_source(source, manifest, failed_keys, report)
        if result.status == "failed":
            with self._failed_lock:
                self._publish_failed.add(source.source_id)
        return result

    def _update_orphans(self, manifest: dict[str, Any], plan: Any, now: float) -> None:
        """Leave orphans to a publish of the whole workspace."""

    def _expired(self, manifest: dict[str, Any], plan: Any) -> list[str]:
        """Delete only the dropped build copies of held sources, never another source's objects."""
        return sorted(set(manifest.pop("dropped_build_copies", [])))


def lock_key(source_id: str) -> str:
    """Return the key of a source's lock object."""
    return f"{LOCK_PREFIX}{source_id}.json"


def _prefixes(builds: list[SourceBuild]) -> list[str]:
    """Return the key prefixes that hold the given builds' objects."""
    found = set()
    for build in builds:
        found |= {settings_key(build.write_key).rsplit("/", 1)[0] + "/",
                  bundle_key(build.write_key).rsplit("/", 1)[0] + "/"}
        found |= {o.key.rsplit("/", 1)[0] + "/" for o in build.objects if o.immutable}
    return sorted(found)


def _expires_at(body: bytes) -> float:
    try:
        return float(json.loads(body)["expires_at"])
    except (ValueError, KeyError, TypeError):
        return 0.0  # unreadable: treat as expired


def _owner(body: bytes | None) -> str:
    try:
        return str(json.loads(body or b"{}").get("owner", "another worker"))
    except ValueError:
        return "another worker"


def open_guard(workspace_dir: Path, config: WorkspaceFile, env: str, *, make_client: Any = None,
               owner: str | None = None, lease: float = LEASE, wait: float = LOCK_WAIT) -> SourceGuard:
    """Open the guard of the S3 target named `env` (a local directory target has no guard: one worker)."""
    target = open_target(workspace_dir, config, env, **({"make_client": make_client} if make_client else {}))
    if not isinstance(target, Publisher) or not hasattr(target.store, "put_if"):
        raise UsageError(f"target '{env}' is not an s3:// target; workers share rebuilds through S3 "
                         "(one process publishing to a directory needs no worker: use `bundlesmith serve`)")
    return SourceGuard(target, owner=owner, lease=lease, wait=wait)
