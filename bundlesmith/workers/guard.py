"""Several workers, one target: per-source locks and versions so no older workspace version replaces a newer one.

    guard = open_guard(workspace_dir, config, "production", owner="worker-7")
    with guard.hold(["storefront", "blog"]) as hold:        # one lock object per source, taken in sorted order
        hold.published["storefront"]                          # changes.Version the target serves, or None
        report = hold.publish(outcomes, version, removed={"blog"})   # records the version per source
        hold.renew()                                          # the worker's heartbeat extends the leases

Locks: `.bundlesmith/locks/<source>.json` is created with `If-None-Match: *`, so one worker holds a source; it holds
{owner, expires_at} and is renewed with `If-Match` on its own ETag. A lock whose lease ran out (its holder was
killed) is taken over with `If-Match` on the stale ETag, so exactly one worker wins it. Under the lock, the worker
reads the source's state (`.bundlesmith/sources/<source>.json`, `publish.state`) and the version it records,
decides (`changes.decide`), and publishes through the one `Publisher` with a `GuardedWriter`: each source's state is
written by compare-and-swap (`PutObject` with `If-Match` on the ETag it was read at, after checking the lease is
still held) with the version recorded in it. No shared object is written by a worker: each compare-and-swap is on
one source's own state, so workers publishing different sources never contend, and two writers of one source (a
lease taken over from a paused holder) cannot both win: the loser's publish fails and its message is retried.
Orphan bookkeeping and deletion of expired immutable objects are left to a plain `bundlesmith publish`, which sees
the whole workspace: a worker sees a few sources and must not decide another source's objects are gone.

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

from builder.build import SourceOutcome
from builder.errors import LeaseLost, LockBusy, PublishError, UsageError
from builder.models import WorkspaceFile
from bundlesmith.workers.changes import Version
from publish.publisher import Publisher
from publish.report import PublishReport
from publish.s3 import S3Store
from publish.state import PRIVATE_CACHE_CONTROL, STATE_PREFIX, SourceState
from publish.state_store import StateWriter, TargetState, check_written
from publish.store import Store
from publish.targets import open_target

log = logging.getLogger(__name__)

LOCK_PREFIX = f"{STATE_PREFIX}locks/"
LEASE = 120.0          # seconds a lock is valid without renewal
LOCK_WAIT = 300.0      # longest wait for a busy source before the message is retried later


class SourceGuard:
    """Locks, versions and compare-and-swap state writes over one S3 target."""

    def __init__(self, publisher: Publisher, store: S3Store, *, owner: str | None = None,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
                 lease: float = LEASE, wait: float = LOCK_WAIT):
        self.publisher, self.store = publisher, store
        self.owner = owner or f"{os.uname().nodename}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.clock, self.sleep, self.lease, self.wait = clock, sleep, lease, wait

    @contextmanager
    def hold(self, source_ids: Iterable[str]) -> Iterator[Held]:
        """Lock every source (sorted order, so two workers never wait on each other), yield, then unlock."""
        held = Held(self, sorted(set(source_ids)))
        try:
            for sid in held.ids:
                held.etags[sid] = self._acquire(sid)
            states = TargetState(self.store).read_many(held.ids)
            held.published = {sid: Version.from_dict(state.version if state else None)
                              for sid, (state, _) in states.items()}
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
        """Publish the held sources' outcomes and remove `removed`; record `version` in every state written."""
        if not outcomes and not removed:
            return PublishReport()
        base = self.guard.publisher
        publisher = Publisher(base.store, base.cache, base.retention, invalidator=base.invalidator,
                              clock=base.clock, workers=base.workers, writer=GuardedWriter(self, version))
        return publisher.publish(outcomes, remove=removed)


class GuardedWriter(StateWriter):
    """Writes a held source's state by compare-and-swap, with the version published; collects no orphans."""

    collects_orphans = False  # a worker sees a few sources
    trusts_markers = False    # the version is recorded even when the build is unchanged

    def __init__(self, held: Held, version: Version):
        self.held, self.version = held, version

    def stamp(self, state: SourceState) -> None:
        """Record the workspace version this worker published."""
        state.version = self.version.as_dict()

    def write(self, store: Store, key: str, body: bytes, version: str | None) -> str | None:
        """Write only if the lease is still held and nobody wrote the state since it was read."""
        self.held.check()
        return check_written(store.put_if(key, body, "application/json", PRIVATE_CACHE_CONTROL, if_match=version,
                                          if_none_match=version is None), key)


def lock_key(source_id: str) -> str:
    """Return the key of a source's lock object."""
    return f"{LOCK_PREFIX}{source_id}.json"


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
    if not isinstance(target, Publisher) or not isinstance(target.store, S3Store):
        raise UsageError(f"target '{env}' is not an s3:// target; workers share rebuilds through S3 "
                         "(one process publishing to a directory needs no worker: use `bundlesmith serve`)")
    return SourceGuard(target, target.store, owner=owner, lease=lease, wait=wait)
