"""Publish finished builds to a store, source by source, each with its own state; roll a source back.

    publisher = Publisher(S3Store(client, "acme-cdn", "prod"), workspace.cache, workspace.retention,
                          invalidator=CloudFrontInvalidator(cf, "E2ABC"), clock=time.time)
    publisher.plan(outcomes)                               # pure data, nothing uploaded
    report = publisher.publish(outcomes, invalidate=True)  # PublishReport, per source
    publisher.publish(outcomes, verify=True)               # also list everything and read every state: drift
    publisher.rollback("storefront", to="3f2a...")         # serve an earlier build's entry objects again
    publisher.status()                                     # every source's state, per source

Phases of a publish: read the index and list `.bundlesmith/served/` (`publish.state_store`); a source whose build
(and inputs) its marker already names is unchanged: nothing read, nothing written. For each other source: read its
state, plan against it (`publish.plan`), upload its new immutable objects (shared plugin files once per process,
an unrecorded one checked with one HEAD or stat), its build copy and record, its entry objects, delete what it no
longer serves, then write its state and its marker (`publish.uploads`, `publish.versions.record_publish`). Then
remove the sources that left, invalidate exactly the changed entry paths, and date, confirm and collect orphans
(`publish.orphans`, in `index.json`). A source that cannot be published completely keeps what it served and its
state. A crash at any point leaves a state the next publish converges from: a source's state is written only after
everything it describes is up, and a source whose marker does not name its build is planned again.

`bundlesmith build` runs `publish_built` per source in forked workers (each writes its source's state) and
`finish_built` once in the parent. A `StateWriter` (`publish.state_store`) says how states are written: the
workers' guard writes by compare-and-swap and collects no orphans. A publisher that lives long (the service) keeps
the markers it listed and wrote, and its status view, while one stat of their folder says nobody else wrote
(`TargetState`); a bucket is listed each time. A state is a few KB written with its source: nothing is left to
write after a publish returns.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from builder.build import BuiltObject, SourceBuild, SourceFailure, SourceOutcome
from builder.errors import PublishError, UsageError
from builder.models import CacheConfig, RetentionConfig
from builder.workspace import paused_gc
from publish import orphans
from publish.invalidation import invalidate as publish_invalidation
from publish.invalidation import record_invalidation
from publish.migrate import legacy_states, migrate
from publish.plan import Plan, SourcePlan, object_record, plan_source, removal_plan
from publish.report import PublishReport, SourceResult
from publish.rollback import execute_rollback
from publish.state import Index, Marker, ObjectRecord, SourceState, encode_state, private_copies
from publish.state_store import StateWriter, TargetState
from publish.store import Store
from publish.uploads import upload_immutables, upload_source
from publish.versions import record_publish

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
OnPublished = Callable[[Mapping[str, ObjectRecord] | None], None]  # a directory's `_headers` (all objects: verify)


@dataclass
class PublishRun:
    """What a publish starts from: the index, the markers, the time, the sources to keep (and, verifying, more)."""

    index: Index
    markers: Mapping[str, list[Marker]]
    now: float
    keep_only: set[str] | None = None
    remove: set[str] = field(default_factory=set)  # sources to remove (a worker's: they left its snapshot)
    listing: dict[str, str] | None = None  # verifying: the full listing
    states: dict[str, tuple[SourceState | None, str | None]] = field(default_factory=dict)  # verifying: all read
    index_changed: bool = False
    present: dict[str, bool] = field(default_factory=dict)  # per process: immutable objects found by HEAD / stat
    immutables_put: dict[str, str] = field(default_factory=dict)  # per process: shared plugin files written

    @property
    def verify(self) -> bool:
        """True when this publish lists everything and reads every state."""
        return self.listing is not None


@dataclass(frozen=True)
class SourceDone:
    """What publishing one source did, small enough to cross processes (the plan carries no bodies)."""

    plan: SourcePlan
    result: SourceResult
    state: SourceState | None = None  # what it serves now, when a publish wrote it
    dropped: tuple[str, ...] = ()     # keys its state stopped referencing: orphan candidates
    version: str | None = None        # the stored state's version after the write (a compare-and-swap writer's)
    puts: int = 0
    uploaded_bytes: int = 0


@dataclass(frozen=True)
class _Planned:
    plan: SourcePlan
    state: SourceState | None = None
    version: str | None = None
    skipped: bool = False  # its marker names this build: nothing read


class Publisher:
    """Publishes finished builds to one store, records their propagation per source, and rolls sources back."""

    def __init__(self, store: Store, cache: CacheConfig, retention: RetentionConfig | None = None, *,
                 invalidator: Any = None, clock: Callable[[], float] = time.time, workers: int = 1,
                 configure_bucket: bool = False, keep_builds: bool = True, writer: StateWriter | None = None,
                 on_published: OnPublished | None = None):
        self.store, self.cache, self.retention = store, cache, retention or RetentionConfig()
        self.keep_builds = keep_builds  # False: no build copies, nothing to roll back to (`bundlesmith build`)
        self.invalidator, self.clock, self.workers = invalidator, clock, max(1, workers)
        self.state = TargetState(store, writer, workers=max(8, self.workers))
        self._configure_bucket, self._on_published = configure_bucket, on_published
        self._listed: Mapping[str, list[Marker]] | None = None  # what `served` listed, for the next `begin` only

    def begin(self, *, keep_only: set[str] | None = None, invalidate: bool = False, verify: bool = False) -> PublishRun:
        """Read what a publish starts from (once; forked workers inherit it); migrate a layout-1 target first."""
        if invalidate and self.invalidator is None:
            raise UsageError("--invalidate needs a CloudFront `distribution` on the target")
        now = self.clock()
        index, changed = self.state.index(), False
        if index is None:
            index, changed = migrate(self.state, now) or Index(), True
        listed, self._listed = self._listed, None  # a bucket has no folder version to trust: list once, not twice
        run = PublishRun(index, listed if listed is not None else self.state.markers(), now, keep_only,
                         index_changed=changed)
        if verify:
            run.listing = self.store.list()
            run.states = self.state.read_many(set(self.state.listed_sources()) | set(run.markers))
        if self._configure_bucket:  # settings are fetched cross-origin
            self.store.ensure_cors()
        return run

    def plan(self, outcomes: Iterable[SourceOutcome], keep_only: set[str] | None = None, *,
             verify: bool = False) -> Plan:
        """Return what publishing `outcomes` would change (nothing is written, not even a migration)."""
        index = self.state.index()
        run = PublishRun(index or Index(), self.state.markers(), self.clock(), keep_only)
        if index is None:  # not migrated yet: plan against what the migration will write
            run.states = {sid: (state, None) for sid, state in legacy_states(self.state).items()}
        if verify:
            run.listing = self.store.list()
            run.states = self.state.read_many(set(self.state.listed_sources()) | set(run.markers))
        plans = [p.plan for p in self._plan_all(run, list(outcomes))]
        left = _leaving(run, plans)
        states = {sid: (run.states.get(sid) or self.state.read(sid))[0] for sid in left}
        plans += [removal_plan(s) if s else SourcePlan(sid, removed=True) for sid, s in states.items()]
        expired = orphans.due(run.index, run.now, self.retention.grace_period)
        return Plan(tuple(plans), tuple(k for k, since in sorted(run.index.orphans.items()) if since is None),
                    tuple(expired))

    def publish(self, outcomes: Iterable[SourceOutcome], *, invalidate: bool = False,
                keep_only: set[str] | None = None, verify: bool = False, remove: Iterable[str] = ()) -> PublishReport:
        """Publish every built source; a source that cannot be published completely keeps what it served.

        `keep_only`: remove every served source outside it; `remove`: remove these.
        """
        run = self.begin(keep_only=keep_only, invalidate=invalidate, verify=verify)
        run.remove = set(remove)
        with paused_gc():  # thousands of small acyclic plans beside a whole workspace: collections find nothing
            planned = self._plan_all(run, list(outcomes))
        report = PublishReport()
        # Phase 1: every new immutable object, once, before anything references it.
        failed = upload_immutables(self.store, self.cache, (o for p in planned if not p.skipped
                                                            for o in p.plan.uploads() if o.immutable),
                                   report, self.workers)
        # Phase 2: per source, its build copy, its entry objects, then its state and marker.
        busy = iter(self._map(lambda p: self._publish_planned(run, p, failed, report),
                              [p for p in planned if not p.skipped]))
        with paused_gc():
            done = [self._publish_planned(run, p, failed, report) if p.skipped else next(busy) for p in planned]
            return self._finish(run, done, report, invalidate)

    def publish_built(self, run: PublishRun, outcome: SourceOutcome) -> SourceDone:
        """Publish one source where it was built (a forked worker): immutable objects, copy, entries, state."""
        planned, report = self._plan_all(run, [outcome])[0], PublishReport()
        wanted = [o for o in planned.plan.uploads() if o.immutable and run.immutables_put.get(o.key) != o.sha256]
        failed = upload_immutables(self.store, self.cache, wanted, report)
        run.immutables_put.update({o.key: o.sha256 for o in wanted if o.key not in failed})
        done = self._publish_planned(run, planned, failed, report)
        return replace(done, plan=_without_bodies(done.plan), puts=report.puts, uploaded_bytes=report.uploaded_bytes)

    def finish_built(self, run: PublishRun, done: Iterable[SourceDone], *, invalidate: bool = False) -> PublishReport:
        """Remove the sources that left, collect orphans and finish what `publish_built` did for every source."""
        done = list(done)
        report = PublishReport(puts=sum(d.puts for d in done), uploaded_bytes=sum(d.uploaded_bytes for d in done))
        return self._finish(run, done, report, invalidate)

    def _map(self, work: Callable[[T], R], items: list[T]) -> list[R]:
        if self.workers == 1 or len(items) < 2:
            return [work(item) for item in items]
        with ThreadPoolExecutor(self.workers, thread_name_prefix="bundlesmith-publish") as pool:
            return list(pool.map(work, items))

    def _plan_all(self, run: PublishRun, outcomes: list[SourceOutcome]) -> list[_Planned]:
        """Plan every source, in order: those their marker names unchanged at once, the others in parallel."""
        trusted = not run.verify and self.state.writer.trusts_markers
        skipped = [_Planned(SourcePlan(o.source_id, o, unchanged=tuple(sorted(x.key for x in o.objects))),
                            skipped=True)
                   if trusted and isinstance(o, SourceBuild) and _marked(run.markers.get(o.source_id, []), o,
                                                                          self.keep_builds) else None
                   for o in outcomes]
        todo = [o for o, done in zip(outcomes, skipped) if done is None]
        planned = iter(self._map(lambda o: self._plan_one(run, o), todo))
        return [done if done is not None else next(planned) for done in skipped]

    def _plan_one(self, run: PublishRun, outcome: SourceOutcome) -> _Planned:
        """Plan one source against its state (read now, unless a verify read every state)."""
        if isinstance(outcome, SourceFailure):
            return _Planned(plan_source(outcome, None, self.cache))
        state, version = (run.states[outcome.source_id] if outcome.source_id in run.states
                          else self.state.read(outcome.source_id))
        plan = plan_source(outcome, state, self.cache, self.store.etag, listing=run.listing,
                           present=lambda key: self._present(run, key))
        return _Planned(plan, state, version)

    def _present(self, run: PublishRun, key: str) -> bool:
        """Return whether an immutable object is in the store (one HEAD or stat per key per process)."""
        if key not in run.present:
            run.present[key] = run.immutables_put.get(key) is not None or self.store.version(key) is not None
        return run.present[key]

    def _publish_planned(self, run: PublishRun, planned: _Planned, failed: dict[str, str],
                         report: PublishReport) -> SourceDone:
        """Upload one planned source, then write its state and marker; return what it did."""
        plan, build = planned.plan, planned.plan.build
        markers = run.markers.get(plan.source_id, [])
        if plan.failure is not None or build is None:
            problems = "; ".join(p.message for p in plan.failure.problems[:3]) if plan.failure else ""
            return SourceDone(plan, SourceResult(plan.source_id, "not-built", error=problems or "it could not be built",
                                                 kept_build_id=markers[0].build_id if markers else None))
        if planned.skipped:
            return SourceDone(plan, SourceResult(plan.source_id, "unchanged", build.build_id))
        keep_copy = plan.new_build and self.keep_builds
        result = upload_source(self.store, self.cache, plan, planned.state, failed, report, keep_copy=keep_copy)
        if result.status == "failed":
            return SourceDone(plan, result)
        records = {o.key: object_record(o, self.cache, self.store.etag) for o in build.objects}
        state, garbage = record_publish(planned.state, build, plan, records, set(result.uploaded), now=self.clock(),
                                        cache=self.cache, keep=self.retention.builds_per_source if keep_copy else None)
        self.state.writer.stamp(state)
        try:
            version = planned.version
            if planned.state is None or encode_state(state) != encode_state(planned.state):
                version = self.state.save(state, planned.version, markers)
            else:
                self.state.mark(state, markers)
            self.store.delete(garbage)
        except PublishError as exc:
            return SourceDone(plan, replace(result, status="failed", error=str(exc), kept_build_id=None))
        result.visible_everywhere_by = state.visible_everywhere_by
        return SourceDone(plan, result, state, tuple(sorted(orphans.dropped(planned.state, state))), version=version)

    def _remove(self, run: PublishRun, source_id: str, taken: set[str]) -> SourceDone:
        """Delete every entry object of a source that left, then its state, markers and build copies; keys `taken`
        by a source this publish wrote stay (a source whose id changed keeps its write key, so its keys)."""
        state, _ = run.states.get(source_id) or self.state.read(source_id)
        plan = removal_plan(state) if state is not None else SourcePlan(source_id, removed=True)
        plan = replace(plan, delete=tuple(k for k in plan.delete if k not in taken))
        try:
            self.store.delete(plan.delete)
            self.state.remove(source_id, run.markers.get(source_id, []))
            if state is not None:
                self.store.delete(private_copies(state, state.builds))
        except PublishError as exc:
            return SourceDone(plan, SourceResult(source_id, "failed", error=str(exc),
                                                 kept_build_id=state.build_id if state else None))
        dropped = orphans.dropped(state, None)
        return SourceDone(plan, SourceResult(source_id, "removed", deleted=list(plan.delete)), None,
                          tuple(sorted(dropped)))

    def _finish(self, run: PublishRun, done: list[SourceDone], report: PublishReport,
                invalidate: bool) -> PublishReport:
        """Remove the sources that left, invalidate the changed entry paths, collect orphans, report."""
        taken = {k for d in done if d.state is not None for k in d.state.objects}
        done = done + [self._remove(run, sid, taken) for sid in _leaving(run, [d.plan for d in done])]
        report.results.extend(d.result for d in done)
        changed = [k for d in done if d.result.status in ("published", "removed")
                   for k in d.result.uploaded + d.result.deleted
                   if d.state is None or not d.state.objects.get(k, _ENTRY).immutable]
        completed = publish_invalidation(self.invalidator, self.store.prefix, changed, report, wanted=invalidate)
        for item in done if completed is not None else []:
            if item.state is not None and record_invalidation(item.state, changed, completed, self.cache):
                self.state.save(item.state, item.version, self.state.markers_of(item.state.source_id))
        everyone = _states_after(run, done) if run.verify else None  # a verify read every state already
        if self.state.writer.collects_orphans:
            report.collected = self._collect(run, done, everyone)
        if self._on_published is not None:
            self._on_published(_all_objects(everyone) if everyone is not None else None)
        return report

    def _collect(self, run: PublishRun, done: list[SourceDone], everyone: dict[str, SourceState] | None) -> list[str]:
        """Date, confirm and delete orphans; note what this publish dropped; write the index if it changed."""
        index = run.index
        changed = orphans.date_pending(index, run.now) or run.index_changed
        collected: list[str] = []
        due = orphans.due(index, run.now, self.retention.grace_period)
        if due and everyone is None:
            everyone = self.state.all_states()  # only now: once per plugin version retired
        if due and everyone is not None:
            collected = sorted(orphans.unreferenced(due, everyone.values()))
            self.store.delete(collected)
            changed = orphans.adopt(index, due) or changed
        changed = orphans.note(index, (k for d in done for k in d.dropped)) or changed
        if run.verify and run.listing is not None and everyone is not None:
            changed = orphans.note(index, orphans.untracked(run.listing.keys() - set(collected),
                                                            everyone.values()) - index.orphans.keys()) or changed
        changed = orphans.adopt(index, (k for d in done if d.state is not None for k in d.state.referenced())) \
            or changed
        if changed:
            self.state.write_index(index)
        return collected

    def rollback(self, source_id: str, to: str | None = None, *, invalidate: bool = False) -> PublishReport:
        """Serve an earlier retained build of `source_id` again (the previous one unless `to` names one)."""
        if invalidate and self.invalidator is None:
            raise UsageError("--invalidate needs a CloudFront `distribution` on the target")
        report, state, version = execute_rollback(self.store, self.state, self.cache, self.clock(), source_id, to)
        [result] = report.results
        completed = publish_invalidation(self.invalidator, self.store.prefix, result.uploaded + result.deleted,
                                         report, wanted=invalidate)
        if completed is not None:
            record_invalidation(state, result.uploaded + result.deleted, completed, self.cache)
        result.visible_everywhere_by = state.visible_everywhere_by
        self.state.save(state, version, self.state.markers_of(source_id))
        index = self.state.index()
        if index is not None and self.state.writer.collects_orphans and orphans.adopt(index, state.referenced()):
            self.state.write_index(index)
        if self._on_published is not None:
            self._on_published(None)
        return report

    def served_inputs(self) -> dict[str, list[str | None]]:
        """Return the inputs each served source's markers record (one listing of `served/`, which the next `begin`
        reuses); a marker without its build copy records none when this publisher keeps copies."""
        self._listed = self.state.markers()
        return {sid: [m.inputs if m.kept or not self.keep_builds else None for m in found]
                for sid, found in self._listed.items()}

    def status(self) -> dict[str, Any]:
        """Return every source's state: build, published_at, visible_everywhere_by, events, builds, objects."""
        return self.state.status()

    def source_status(self, source_id: str) -> dict[str, Any] | None:
        """Return `status()[source_id]` by reading that source's state only."""
        return self.state.source_status(source_id)


_ENTRY = ObjectRecord("", "", "", False)


def _leaving(run: PublishRun, plans: Iterable[SourcePlan]) -> list[str]:
    """Return the served sources outside `keep_only` that nothing planned (they left the workspace)."""
    planned = {p.source_id for p in plans if p.failure is None or p.failure.source_id}
    if run.keep_only is None:  # only what the caller names (the service: what left since its last publish)
        return sorted(run.remove - planned)
    served = set(run.markers) | {sid for sid, (s, _) in run.states.items() if s is not None}
    return sorted((served - run.keep_only - planned) | (run.remove - planned))


def _marked(markers: list[Marker], build: SourceBuild, keep_builds: bool) -> bool:
    """True when the source's only marker names this build (and inputs), with its build copy when one is kept."""
    return (len(markers) == 1 and markers[0].build_id == build.build_id and markers[0].inputs == build.inputs
            and (markers[0].kept or not keep_builds))


def _states_after(run: PublishRun, done: list[SourceDone]) -> dict[str, SourceState]:
    """Return every source's state after a verifying publish: the ones it read, updated with what it did."""
    states = {sid: state for sid, (state, _) in run.states.items() if state is not None}
    for item in done:
        if item.result.status == "removed":
            states.pop(item.plan.source_id, None)
        elif item.state is not None:
            states[item.plan.source_id] = item.state
    return states


def _all_objects(states: Mapping[str, SourceState]) -> dict[str, ObjectRecord]:
    """Return every object any source serves, with its record."""
    return {k: r for state in states.values() for k, r in state.objects.items()}


def _without_bodies(source: SourcePlan) -> SourcePlan:
    """Return the plan with its objects' bodies dropped (keys, types and flags are all reporting needs)."""
    build = source.build
    if build is None:
        return source
    objects = tuple(BuiltObject(o.key, b"", o.content_type, o.immutable) for o in build.objects)
    return replace(source, build=replace(build, objects=objects))
