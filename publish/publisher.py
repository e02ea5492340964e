"""Apply a plan to a store (S3): immutable objects first, entry objects last, the manifest after; roll back.

    publisher = Publisher(S3Store(client, "acme-cdn", "prod"), workspace.cache, workspace.retention,
                          invalidator=CloudFrontInvalidator(cf, "E2ABC"), clock=time.time)
    publisher.plan(outcomes)                              # pure data, nothing uploaded
    report = publisher.publish(outcomes, invalidate=True)  # PublishReport, per source
    publisher.publish(outcomes, defer_state=True); ...; publisher.flush_state()   # the service: state written after
    publisher.rollback("storefront", to="3f2a...")         # republish an earlier build's entry objects
    publisher.status()                                     # the manifest's view, per source

Phases of a publish: read the manifest and the real listing; plan; upload every new immutable object (shared plugin
files once); then per source, its build copy (a private copy of its entry objects under its build id) with the
build's record (for rollback: `publish.manifest`), and its entry objects; then invalidate exactly the changed entry
paths; write the manifest; delete what expired. A source whose immutable objects or entry objects cannot all be uploaded keeps what it
served: entry objects already replaced are restored from the previous build's copy (or removed, when they are new),
and the manifest keeps its previous state. A crash at any point leaves a state the next publish converges from: the
manifest is written only after everything it describes is up, and anything up but not in the manifest is planned
again.

A publisher that lives long (the service holds one) keeps the state it wrote after a clean publish and trusts it
instead of reading the manifest and listing the target again, while one stat (a directory) or HEAD (S3) says the
stored manifest is still the one it wrote; it then re-encodes only the manifest entries the publish touched
(`publish.manifest.ManifestEncoder`). Any failure, rollback or foreign write drops what it knew: the next publish
reads and lists again, as every new process does (`bundlesmith publish`, `plan`, the service's start).

With `defer_state=True` (the service), a publish returns once the served objects (and a directory's `_headers`)
are in place, and the manifest and the collection of expired objects wait for `flush_state()`, which the service
calls right after it has recorded the publish, before anything else touches the target. Visitors see a change as
soon as its objects are up; the manifest (tens of megabytes at 10,000 sources) is the publisher's own bookkeeping.
Every other call (`publish`, `begin`, `plan`, `rollback`) flushes first, and a crash before the flush is the
crash the manifest-last order already covers: the next publish plans the objects that are up but not recorded again.
`status()` shows a deferred publish at once (a small overlay of the sources it touched).
"""
from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from builder.build import BuiltObject, SourceBuild, SourceOutcome
from builder.errors import PublishError, UsageError
from builder.models import CacheConfig, RetentionConfig
from builder.workspace import paused_gc
from publish.cache_policy import cache_control as object_cache_control
from publish.manifest import (MANIFEST_KEY, PRIVATE_CACHE_CONTROL, ManifestEncoder, add_event, build_copy_key,
                              build_record_key, decode_manifest, encode_build_record, forget, retain)
from publish.plan import Plan, SourcePlan, complete_plan, compute_plan, md5_hex, object_meta, plan_source, sha256_hex
from publish.propagation import invalidation_paths, visible_everywhere_by
from publish.report import PublishReport, SourceResult
from publish.versions import rollback_source

log = logging.getLogger(__name__)


class Store(Protocol):
    """Where objects go: S3Store, or anything with the same five calls."""

    prefix: str

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def copy(self, source: str, key: str, content_type: str, cache_control: str) -> None: ...
    def delete(self, keys: Iterable[str]) -> None: ...
    def list(self) -> dict[str, str]: ...
    # optional: def version(self, key: str) -> str | None  (a cheap stat / HEAD; without it nothing is trusted)


@dataclass
class KnownState:
    """The state this process last wrote, trusted instead of a fresh read while the stored manifest is unchanged."""

    manifest: dict[str, Any]
    listing: dict[str, str]
    version: str  # what `store.version(MANIFEST_KEY)` said right after this process wrote it


@dataclass
class PublishRun:
    """What a publish starts from: the manifest and listing read once, the time, the sources to keep."""

    manifest: dict[str, Any]
    listing: dict[str, str]
    now: float
    keep_only: set[str] | None = None
    immutables_put: dict[str, str] = field(default_factory=dict)  # per process: shared plugin files written
    immutables_sent: dict[str, str] = field(default_factory=dict)  # per process: their manifest entries sent back


@dataclass
class PendingState:
    """A deferred publish's bookkeeping: the manifest to write, the objects to collect, what to trust after."""

    manifest: dict[str, Any]
    listing: dict[str, str]
    touched: dict[str, set[str]] | None
    expired: list[str]
    done: list[SourceDone]
    clean: bool  # every source published completely: the state may be trusted after the write
    started_from: str | None  # the stored manifest's version this publish started from
    served_written: bool = False  # what serving derives from the state (`_headers`) is already written


@dataclass(frozen=True)
class SourceDone:
    """What publishing one source did, small enough to cross processes: its plan, result and new metadata."""

    plan: SourcePlan
    result: SourceResult
    metas: dict[str, dict[str, Any]]
    puts: int = 0
    uploaded_bytes: int = 0


def _without_bodies(source: SourcePlan) -> SourcePlan:
    """Return the plan with its objects' bodies dropped (keys, types and flags are all recording needs)."""
    build = source.build
    if build is None:
        return source
    objects = tuple(BuiltObject(o.key, b"", o.content_type, o.immutable) for o in build.objects)
    return replace(source, build=SourceBuild(build.source_id, build.write_key, build.file, objects, build.build_id))


def _touched(done: list[SourceDone], expired: list[str]) -> dict[str, set[str]]:
    """Return the manifest entries that recording `done` and dropping `expired` changed (see `_record_source`)."""
    touched: dict[str, set[str]] = {"sources": set(), "builds": set(), "refs": set(), "objects": set(expired)}
    for item in done:
        if item.result.status in ("published", "removed"):
            touched["sources"].add(item.plan.source_id)
            touched["builds"].add(item.plan.source_id)
            touched["refs"].add(item.plan.source_id)
            touched["objects"].update(item.plan.delete, item.result.deleted,
                                      (o.key for o in item.plan.build.objects) if item.plan.build else ())
    return touched


class Publisher:
    """Publishes finished builds to one store, records their propagation, and rolls sources back."""

    def __init__(self, store: Store, cache: CacheConfig, retention: RetentionConfig | None = None, *,
                 invalidator: Any = None, clock: Callable[[], float] = time.time, workers: int = 1,
                 configure_bucket: bool = False, on_state: Callable[[dict[str, Any], bool], None] | None = None,
                 keep_builds: bool = True):
        self.store, self.cache, self.retention = store, cache, retention or RetentionConfig()
        self._keep_builds = keep_builds  # False: no build copies, nothing to roll back to (`bundlesmith build`)
        self._on_state = on_state  # (manifest, changed): a directory's `_headers`, derived from the state
        self._configure_bucket = configure_bucket
        self.invalidator, self.clock, self._workers = invalidator, clock, max(1, workers)
        self._known: KnownState | None = None  # see `_start_state`
        self._written: str | None = None       # the stored manifest's version after this process's last write
        self._encoder = ManifestEncoder()
        self._pending: PendingState | None = None  # a deferred publish's state, written by `flush_state`
        self._started_from: str | None = None       # the stored manifest's version the running publish read
        self._overlay: dict[str, dict[str, Any] | None] = {}  # status of the sources a pending publish touched
        self._status_cache: tuple[str, dict[str, Any]] | None = None  # (stored version, status view)
        self.etag = getattr(store, "etag", "md5")  # the manifest field the store's listing values match

    def read_state(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Return the manifest and the real listing of the store."""
        with paused_gc():  # tens of thousands of small acyclic dicts, in a process that may hold a whole workspace
            return decode_manifest(self.store.get(MANIFEST_KEY)), self.store.list()

    def write_state(self, manifest: dict[str, Any], listing: dict[str, str],
                    touched: dict[str, set[str]] | None = None, *, served_state_written: bool = False) -> None:
        """Store the manifest, unless the store already holds exactly these bytes (`touched`: see ManifestEncoder).

        `served_state_written`: a deferred publish already wrote what is derived from the state for serving
        (a directory's `_headers`).
        """
        self._known = self._written = None
        body = self._encoder.encode(manifest, touched)
        digest = md5_hex(body) if self.etag == "md5" else sha256_hex(body)
        changed = listing.get(MANIFEST_KEY) != digest
        if changed:
            self._store_put(MANIFEST_KEY, body, "application/json", PRIVATE_CACHE_CONTROL, digest)
            listing[MANIFEST_KEY] = digest
        if self._on_state is not None and not served_state_written:
            self._on_state(manifest, changed)
        self._written = self._stored_version()

    def flush_state(self) -> None:
        """Write the state a deferred publish left pending, then delete what it collected (nothing if none)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            self.write_state(pending.manifest, pending.listing, pending.touched,
                             served_state_written=pending.served_written)
            if pending.expired:
                self.store.delete(pending.expired)
        finally:
            self._settle_status(pending)
        if self._written is not None and pending.clean:
            self._known = KnownState(pending.manifest, self._listing_after(pending.manifest, pending.listing,
                                                                          pending.done, pending.expired),
                                     self._written)

    def _stored_version(self) -> str | None:
        """Return the stored manifest's version (a stat or a HEAD), or None when the store cannot tell."""
        version = getattr(self.store, "version", None)
        return version(MANIFEST_KEY) if version is not None else None

    def _start_state(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Return the state a publish starts from: what this process wrote last, if nobody wrote since; else read.

        A long-running process (the service) holds one publisher: after a clean publish it keeps the manifest and
        the listing, updated with what it uploaded and deleted, and trusts them while the stored manifest is the
        one it wrote (one stat or HEAD), so a publish of a few sources costs O(those sources) instead of a read
        and a listing of the whole target. Anything else (a failed source, an exception, a rollback, another
        writer) drops what it knew and the next publish reads and lists again, catching drift; so does every new
        process (`bundlesmith publish`, `plan`, and the service's reconcile on start).
        """
        self.flush_state()
        known, self._known = self._known, None  # taken: a publish that stops half-way leaves nothing trusted
        self._started_from = self._stored_version()
        if known is not None and self._started_from == known.version:
            return known.manifest, known.listing
        return self.read_state()

    def plan(self, outcomes: Iterable[SourceOutcome], keep_only: set[str] | None = None) -> Plan:
        """Return what publishing `outcomes` would change."""
        self.flush_state()
        manifest, listing = self.read_state()
        return compute_plan(outcomes, manifest, listing, self.cache, now=self.clock(),
                            grace_period=self.retention.grace_period, keep_only=keep_only, etag=self.etag)

    def begin(self, *, keep_only: set[str] | None = None, invalidate: bool = False) -> PublishRun:
        """Read the state a publish starts from (once; forked workers inherit it)."""
        if invalidate and self.invalidator is None:
            raise UsageError("--invalidate needs a CloudFront `distribution` on the target")
        manifest, listing = self._start_state()
        if self._configure_bucket:  # settings are fetched cross-origin
            self.store.ensure_cors()  # type: ignore[attr-defined]
        return PublishRun(manifest, listing, self.clock(), keep_only)

    def publish(self, outcomes: Iterable[SourceOutcome], *, invalidate: bool = False,
                keep_only: set[str] | None = None, defer_state: bool = False) -> PublishReport:
        """Publish every built source; a source that cannot be published completely keeps what it served.

        `defer_state`: return once the served objects are in place; `flush_state()` writes the manifest.
        """
        run = self.begin(keep_only=keep_only, invalidate=invalidate)
        plan = compute_plan(outcomes, run.manifest, run.listing, self.cache, now=run.now,
                            grace_period=self.retention.grace_period, keep_only=keep_only, etag=self.etag)
        report = PublishReport()
        # Phase 1: every new immutable object, once, before anything references it.
        failed_keys = self._upload_immutables(plan, report)
        # Phase 2: per source, its build copy and then its entry objects.
        done = self._map(lambda s: self._done(s, self._publish_source(s, run.manifest, failed_keys, report),
                                              run.manifest), plan.sources)
        return self._finish(run, plan, done, report, invalidate, defer_state)

    def publish_built(self, run: PublishRun, outcome: SourceOutcome) -> SourceDone:
        """Publish one source where it was built (a forked worker): its immutable objects, copy, entry objects.

        Nothing is recorded here; `finish_built` records what every worker did, in the process that began.
        """
        source = plan_source(outcome, run.manifest, run.listing, self.cache, self.etag)
        report, failed_keys = PublishReport(), {}
        for obj in source.uploads():
            if obj.immutable and run.immutables_put.get(obj.key) != obj.sha256:  # shared plugins: once per process
                try:
                    self._put(obj, report)
                    run.immutables_put[obj.key] = obj.sha256
                except PublishError as exc:
                    failed_keys[obj.key] = str(exc)
        done = self._done(source, self._publish_source(source, run.manifest, failed_keys, report), run.manifest)
        metas = {}
        for key, meta in done.metas.items():  # a shared plugin file's entry: once per worker, not once per source
            if meta["immutable"]:
                if run.immutables_sent.get(key) == meta["sha256"]:
                    continue
                run.immutables_sent[key] = meta["sha256"]
            metas[key] = meta
        return replace(done, plan=_without_bodies(source), metas=metas, puts=report.puts,
                       uploaded_bytes=report.uploaded_bytes)

    def finish_built(self, run: PublishRun, done: Iterable[SourceDone], *, invalidate: bool = False) -> PublishReport:
        """Record what `publish_built` did for every source, remove sources that left, and write the state."""
        done = list(done)
        plan = complete_plan([d.plan for d in done], run.manifest, run.listing, self.cache, now=run.now,
                             grace_period=self.retention.grace_period, keep_only=run.keep_only)
        report = PublishReport(puts=sum(d.puts for d in done), uploaded_bytes=sum(d.uploaded_bytes for d in done))
        done += [self._done(s, self._publish_source(s, run.manifest, {}, report), run.manifest)
                 for s in plan.sources[len(done):]]  # the sources that left the workspace
        return self._finish(run, plan, done, report, invalidate)

    def _done(self, source: SourcePlan, result: SourceResult, manifest: dict[str, Any]) -> SourceDone:
        """Pair a result with the manifest entries of the objects it uploaded (computed where the bodies are)."""
        uploaded = set(result.uploaded)
        metas = {o.key: object_meta(o, self.cache, self.etag) for o in (source.build.objects if source.build else ())
                 if result.status == "published" and (o.key in uploaded or o.key not in manifest["objects"])}
        return SourceDone(source, result, metas)

    def _finish(self, run: PublishRun, plan: Plan, done: list[SourceDone], report: PublishReport,
                invalidate: bool, defer_state: bool = False) -> PublishReport:
        """Phase 3: record every source, invalidate the changed entry paths, write the state (or defer it), collect."""
        manifest = run.manifest
        with paused_gc():  # thousands of small acyclic dicts: collections would walk them all for nothing
            for item in done:
                report.results.append(item.result)
                if item.result.status in ("published", "removed"):
                    self._record_source(manifest, item.plan, item.result, item.metas)
        changed = [k for r in report.results if r.status in ("published", "removed")
                   for k in r.uploaded + r.deleted if not manifest["objects"].get(k, {}).get("immutable")]
        self.invalidate_changed(manifest, changed, report, invalidate)
        self._update_orphans(manifest, plan, run.now)
        expired = self._expired(manifest, plan)
        report.collected = expired
        self._pending = PendingState(manifest, run.listing, None if invalidate else _touched(done, expired), expired,
                                     done, all(r.status != "failed" for r in report.results), self._started_from)
        if not defer_state:
            self.flush_state()
            return report
        if self._on_state is not None:
            self._on_state(manifest, True)  # what serving needs now (a directory's `_headers`): before returning
        self._pending.served_written = True
        self._overlay = {item.plan.source_id: _source_status(manifest, item.plan.source_id, copied=True)
                         for item in done if item.result.status in ("published", "removed")}
        return report

    def _listing_after(self, manifest: dict[str, Any], listing: dict[str, str], done: list[SourceDone],
                       deleted: list[str]) -> dict[str, str]:
        """Update the listing a publish started from with what it uploaded and deleted (all of it succeeded)."""
        def known(key: str) -> str:
            return manifest["objects"][key][self.etag]
        for item in done:
            result, build = item.result, item.plan.build
            if result.status == "published" and build is not None:
                for key in result.uploaded:
                    listing[key] = known(key)
                if item.plan.new_build and self._keep_builds:
                    for obj in build.entry_objects:
                        listing[build_copy_key(build.source_id, build.build_id, obj.key)] = known(obj.key)
                    objects = manifest["objects"]
                    record = _build_record(build, lambda o: objects[o.key]["sha256"])
                    listing[build_record_key(build.source_id, build.build_id)] = (
                        md5_hex(record) if self.etag == "md5" else sha256_hex(record))
            if result.status in ("published", "removed"):
                for key in result.deleted:
                    listing.pop(key, None)
        for key in deleted:
            listing.pop(key, None)
        return listing

    def _map(self, work: Callable[[SourcePlan], SourceResult], items: Iterable[SourcePlan]) -> list[SourceResult]:
        if self._workers == 1:
            return [work(item) for item in items]
        with ThreadPoolExecutor(self._workers, thread_name_prefix="bundlesmith-publish") as pool:
            return list(pool.map(work, items))

    def _upload_immutables(self, plan: Plan, report: PublishReport) -> dict[str, str]:
        """Upload each immutable object the plan adds or updates; return {key: error} for those that failed."""
        wanted: dict[str, BuiltObject] = {}
        for source in plan.sources:
            wanted.update({o.key: o for o in source.uploads() if o.immutable})

        def upload(obj: BuiltObject) -> tuple[str, str | None]:
            try:
                self._put(obj, report)
                return obj.key, None
            except PublishError as exc:
                return obj.key, str(exc)
        objects = sorted(wanted.values(), key=lambda o: o.key)
        if self._workers == 1:
            results = [upload(o) for o in objects]
        else:
            with ThreadPoolExecutor(self._workers, thread_name_prefix="bundlesmith-upload") as pool:
                results = list(pool.map(upload, objects))
        return {key: error for key, error in results if error}

    def _put(self, obj: BuiltObject, report: PublishReport, key: str | None = None,
             cache_control: str | None = None) -> None:
        self._store_put(key or obj.key, obj.body, obj.content_type,
                        cache_control or object_cache_control(obj, self.cache), obj.sha256)
        report.puts += 1
        report.uploaded_bytes += len(obj.body)

    def _store_put(self, key: str, body: bytes, content_type: str, cache_control: str, sha256: str) -> None:
        """Put one object; a store whose ETag is the SHA-256 (a directory) gets the digest already computed."""
        if self.etag == "sha256":
            self.store.put(key, body, content_type, cache_control, digest=sha256)  # type: ignore[call-arg]
        else:
            self.store.put(key, body, content_type, cache_control)

    def _publish_source(self, source: SourcePlan, manifest: dict[str, Any], failed_keys: dict[str, str],
                        report: PublishReport) -> SourceResult:
        """Upload one source's copy and entry objects; on failure put back what it served."""
        state = manifest["sources"].get(source.source_id, {})
        if source.failure is not None:
            problems = "; ".join(p.message for p in source.failure.problems[:3]) or "it could not be built"
            return SourceResult(source.source_id, "not-built", error=problems, kept_build_id=state.get("build_id"))
        if source.removed:
            try:
                self.store.delete(source.delete)
            except PublishError as exc:
                return SourceResult(source.source_id, "failed", error=str(exc), kept_build_id=state.get("build_id"))
            return SourceResult(source.source_id, "removed", deleted=list(source.delete))
        build = source.build
        assert build is not None
        result = SourceResult(source.source_id, "unchanged", build.build_id)
        keep_copy = source.new_build and self._keep_builds
        if not source.changed and not keep_copy:
            return result
        broken = [k for o in source.uploads() if o.immutable and (k := o.key) in failed_keys]
        if broken:
            return SourceResult(source.source_id, "failed", build.build_id, error=failed_keys[broken[0]],
                                kept_build_id=state.get("build_id"))
        replaced: list[str] = []
        try:
            if keep_copy:
                for obj in build.entry_objects:
                    self._put(obj, report, build_copy_key(build.source_id, build.build_id, obj.key),
                              PRIVATE_CACHE_CONTROL)
                record = _build_record(build, lambda o: o.sha256)
                self._store_put(build_record_key(build.source_id, build.build_id), record, "application/json",
                                PRIVATE_CACHE_CONTROL, sha256_hex(record))
                report.puts += 1
            for obj in source.uploads():
                if not obj.immutable:
                    replaced.append(obj.key)
                    self._put(obj, report)
            self.store.delete(source.delete)
        except PublishError as exc:
            log.error("%s; restoring what %s served", exc, source.source_id)
            restore_error = self._restore(source.source_id, state, manifest, replaced)
            return SourceResult(source.source_id, "failed", build.build_id,
                                error=str(exc) + (f"; and restoring failed: {restore_error}" if restore_error else ""),
                                kept_build_id=state.get("build_id"))
        result.status = "published"
        result.uploaded = [o.key for o in source.uploads()]
        result.deleted = list(source.delete)
        return result

    def _restore(self, source_id: str, state: dict[str, Any], manifest: dict[str, Any],
                 replaced: list[str]) -> str | None:
        """Put back the previous bytes of entry objects a failed source already replaced."""
        previous = state.get("build_id")
        try:
            for key in replaced:
                meta = manifest["objects"].get(key)
                if meta is None:
                    self.store.delete([key])  # it did not exist before
                else:
                    self.store.copy(build_copy_key(source_id, previous, key), key, meta["content_type"],
                                    meta["cache_control"])
        except PublishError as exc:
            return str(exc)
        return None

    def _record_source(self, manifest: dict[str, Any], source: SourcePlan, result: SourceResult,
                       metas: dict[str, dict[str, Any]]) -> None:
        """Write one published source into the in-memory manifest."""
        now = self.clock()
        if source.removed:
            for key in source.delete:
                manifest["objects"].pop(key, None)
            manifest["sources"].pop(source.source_id, None)
            manifest.setdefault("dropped_build_copies", []).extend(forget(manifest, source.source_id))
            return
        build = source.build
        assert build is not None
        state = manifest["sources"].setdefault(source.source_id, {})
        for key in source.delete:
            manifest["objects"].pop(key, None)
        uploaded = set(result.uploaded)
        for obj in build.objects:
            meta, fresh = manifest["objects"].get(obj.key), metas.get(obj.key)
            # a shared plugin file a worker already reported comes without an entry: the first report recorded it
            # (each worker's sources arrive in order, so that report is always recorded first)
            if fresh is not None and (obj.key in uploaded or meta is None):
                meta = {**fresh, "published_at": now,
                        "visible_everywhere_by": visible_everywhere_by(now, self.cache, immutable=obj.immutable)}
                manifest["objects"][obj.key] = meta
        entries = [manifest["objects"][o.key]["visible_everywhere_by"] for o in build.entry_objects]
        if source.changed or state.get("build_id") != build.build_id:
            state.update({"source_id": source.source_id, "write_key": build.write_key, "build_id": build.build_id,
                          "objects": sorted(o.key for o in build.objects), "published_at": now,
                          "visible_everywhere_by": max(entries, default=now)})
            add_event(state, {"action": "publish", "build_id": build.build_id, "at": now})
        if source.new_build and self._keep_builds:  # the build copies of builds no longer retained go after the
            manifest.setdefault("dropped_build_copies", []).extend(  # manifest is written
                retain(manifest, source.source_id, build.build_id, (o.key for o in build.objects),
                       self.retention.builds_per_source))

    def invalidate_changed(self, manifest: dict[str, Any], changed: list[str], report: PublishReport,
                           wanted: bool) -> None:
        """Invalidate the changed entry paths (when wanted) and record when they are visible everywhere."""
        if not wanted or not changed:
            return
        if self.invalidator is None:
            raise UsageError("--invalidate needs a CloudFront `distribution` on the target")
        done = self.invalidator.invalidate(invalidation_paths(changed, self.store.prefix))
        report.invalidation = done
        completed = done.get("completed_at") if done else None
        if completed is None:
            return
        for key in changed:
            meta = manifest["objects"].get(key)
            if meta is not None:
                meta["invalidated_at"] = completed
                meta["visible_everywhere_by"] = visible_everywhere_by(meta["published_at"], self.cache,
                                                                      invalidated_at=completed)
        for state in manifest["sources"].values():
            entries = [manifest["objects"][k]["visible_everywhere_by"] for k in state.get("objects", [])
                       if k in manifest["objects"] and not manifest["objects"][k].get("immutable")]
            if set(state.get("objects", [])) & set(changed):
                state["visible_everywhere_by"] = max(entries, default=state.get("visible_everywhere_by"))
                state["invalidated_at"] = completed

    def _update_orphans(self, manifest: dict[str, Any], plan: Plan, now: float) -> None:
        orphans = manifest["orphans"]
        for key in plan.adopted:
            orphans.pop(key, None)
        for key in plan.orphaned:
            orphans.setdefault(key, now)

    def _expired(self, manifest: dict[str, Any], plan: Plan) -> list[str]:
        """Drop expired orphans and dropped build copies from the manifest; return the keys to delete."""
        expired = [k for k in plan.expired if k in manifest["orphans"]]
        for key in expired:
            manifest["orphans"].pop(key, None)
            manifest["objects"].pop(key, None)
        return sorted(set(expired) | set(manifest.pop("dropped_build_copies", [])))

    # --- rollback and status ------------------------------------------------------------------------------------

    def rollback(self, source_id: str, to: str | None = None, *, invalidate: bool = False) -> PublishReport:
        """Serve an earlier retained build of `source_id` again (the previous one unless `to` names one)."""
        self.flush_state()
        self._known = None  # a rollback that stops half-way must not leave a listing trusted
        return rollback_source(self, source_id, to, invalidate=invalidate)

    def status(self) -> dict[str, Any]:
        """Return the manifest's view of every source: build, published_at, visible_everywhere_by, events.

        Safe from any thread while a publish runs: the view is decoded from the stored manifest (kept while one
        stat or HEAD shows the same version), with the sources of a deferred publish laid over it.
        """
        overlay = self._overlay  # read first: `_settle_status` replaces the cache before it drops the overlay
        version, cached = self._stored_version(), self._status_cache
        if version is not None and cached is not None and cached[0] == version:
            view = cached[1]
        else:
            view = _status_view(decode_manifest(self.store.get(MANIFEST_KEY)))
            if version is not None:
                self._status_cache = (version, view)  # a write in between only makes the next call decode again
        return _laid_over(view, overlay)

    def _settle_status(self, pending: PendingState) -> None:
        """After a deferred write: carry the status view forward when it was of the state the publish started from."""
        cached, overlay = self._status_cache, self._overlay
        if (overlay and cached is not None and self._written is not None
                and pending.started_from is not None and cached[0] == pending.started_from):
            self._status_cache = (self._written, _laid_over(cached[1], overlay))
        self._overlay = {}


def _laid_over(view: dict[str, Any], overlay: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """Return a status view with the overlay's sources replaced (None: removed), sorted; a new dict either way."""
    merged = view | overlay
    return {sid: merged[sid] for sid in sorted(merged) if merged[sid] is not None}


def _build_record(build: SourceBuild, sha256_of: Callable[[BuiltObject], str]) -> bytes:
    """Return the stored record of a build (`sha256_of`: from its bodies, or from the manifest once recorded)."""
    return encode_build_record(build.source_id, build.build_id,
                               {o.key: (sha256_of(o), o.content_type, o.immutable) for o in build.objects})


def _source_status(manifest: dict[str, Any], source_id: str, copied: bool = False) -> dict[str, Any] | None:
    """Return what `status()` shows for one source, None if it is gone (`copied`: of a manifest that changes on)."""
    state = manifest["sources"].get(source_id)
    if state is None:
        return None
    entry = {k: v for k, v in state.items() if k != "objects"} | {
        "builds": list(manifest["builds"].get(source_id, [])),
        "objects": {k: manifest["objects"].get(k, {}) for k in state.get("objects", [])}}
    return copy.deepcopy(entry) if copied else entry


def _status_view(manifest: dict[str, Any]) -> dict[str, Any]:
    """Return `status()` of a decoded manifest (every source, sorted)."""
    return {sid: _source_status(manifest, sid) for sid in sorted(manifest["sources"])}

