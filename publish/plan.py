"""The publish plan: what a target must add, update, delete or leave alone, as pure data.

    listing = {"v1/projects/wk/settings": "<md5 etag>", ...}          # what the target really holds
    plan = compute_plan(outcomes, manifest, listing, cache, now=clock(), grace_period=86400)
    for source in plan.sources:
        source.add, source.update, source.delete, source.unchanged       # keys, sorted
    plan.orphaned, plan.expired                                           # immutable objects no build references

The plan compares each SourceBuild with the manifest (`publish.manifest`) *and* with the real listing: an object
the manifest believes is there but that is missing or holds other bytes (drift: a manual edit, a crash between an
upload and the manifest) is planned as an update. An entry object a source no longer serves is deleted once its
source's new objects are up; an immutable (content-addressed) object that no current or retained build references
becomes an orphan and is deleted only once it has been one for `grace_period` seconds, so a page that fetched an
entry object just before the publish still finds everything it references. A source that failed to build has an
empty plan: its previous objects stay.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from builder.build import BuiltObject, SourceBuild, SourceFailure, SourceOutcome
from builder.models import CacheConfig
from publish.cache_policy import cache_control
from publish.manifest import is_private_key


@dataclass(frozen=True)
class SourcePlan:
    """What publishing one source changes; `failure` is set when it could not be built (nothing changes)."""

    source_id: str
    build: SourceBuild | None = None
    add: tuple[str, ...] = ()
    update: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    new_build: bool = False  # the build id is not among the source's retained builds: keep a copy of it
    failure: SourceFailure | None = None
    removed: bool = False    # the source left the workspace: delete everything it served

    @property
    def changed(self) -> bool:
        """True when the plan uploads or deletes anything for this source."""
        return bool(self.add or self.update or self.delete)

    def uploads(self) -> list[BuiltObject]:
        """Return the objects to upload, immutable ones first, in key order."""
        keys = set(self.add) | set(self.update)
        objects = [o for o in (self.build.objects if self.build else ()) if o.key in keys]
        return sorted(objects, key=lambda o: (not o.immutable, o.key))


@dataclass(frozen=True)
class Plan:
    """The whole plan: one SourcePlan per source, plus the immutable objects to orphan or delete."""

    sources: tuple[SourcePlan, ...]
    orphaned: tuple[str, ...] = ()
    expired: tuple[str, ...] = ()
    adopted: tuple[str, ...] = ()  # orphans referenced again: they stay

    @property
    def failed(self) -> list[SourcePlan]:
        """Return the sources that could not be built."""
        return [s for s in self.sources if s.failure is not None]

    def counts(self) -> dict[str, int]:
        """Return how many keys each action touches, over all sources."""
        return {name: sum(len(getattr(s, name)) for s in self.sources)
                for name in ("add", "update", "delete", "unchanged")}


def md5_hex(body: bytes) -> str:
    """Return the MD5 that S3 reports as the ETag of a single-part upload."""
    hit = _recent_md5.get(id(body))  # the publisher and a directory store hash the same body object: once is enough
    if hit is not None and hit[0] is body:
        return hit[1]
    digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
    if len(body) >= 1024:
        with _recent_lock:
            if len(_recent_md5) >= 64:
                _recent_md5.pop(next(iter(_recent_md5)))
            _recent_md5[id(body)] = (body, digest)  # the body is held, so its id is not reused meanwhile
    return digest


_recent_md5: dict[int, tuple[bytes, str]] = {}
_recent_lock = threading.Lock()


def sha256_hex(body: bytes) -> str:
    """Return the SHA-256 that a directory store reports as the ETag of a file."""
    return hashlib.sha256(body).hexdigest()


def object_meta(obj: BuiltObject, cache: CacheConfig, etag: str = "md5") -> dict[str, Any]:
    """Return what the manifest records about one object (no body, nothing private).

    `etag` names the field the store's listing reports: S3's is the MD5 (recorded as `md5`); a directory's is the
    SHA-256 the build already computed, so no MD5 is computed or recorded for it.
    """
    meta = {"sha256": obj.sha256, "size": len(obj.body), "content_type": obj.content_type,
            "cache_control": cache_control(obj, cache), "immutable": obj.immutable}
    if etag == "md5":
        meta["md5"] = md5_hex(obj.body)
    return meta


def compute_plan(outcomes: Iterable[SourceOutcome], manifest: Mapping[str, Any], listing: Mapping[str, str],
                 cache: CacheConfig, *, now: float, grace_period: float,
                 keep_only: set[str] | None = None, etag: str = "md5") -> Plan:
    """Plan publishing `outcomes` to a target whose state is `manifest` and whose real keys are `listing`."""
    plans = [plan_source(o, manifest, listing, cache, etag) for o in outcomes]
    return complete_plan(plans, manifest, listing, cache, now=now, grace_period=grace_period, keep_only=keep_only)


def plan_source(outcome: SourceOutcome, manifest: Mapping[str, Any], listing: Mapping[str, str],
                cache: CacheConfig, etag: str = "md5") -> SourcePlan:
    """Plan one source: what publishing its build changes (nothing, when it failed to build)."""
    if isinstance(outcome, SourceFailure):
        return SourcePlan(outcome.source_id or outcome.file, failure=outcome)
    return _source_plan(outcome, manifest.get("objects", {}), manifest.get("sources", {}).get(outcome.source_id, {}),
                        manifest.get("builds", {}).get(outcome.source_id, []), listing, cache, etag)


def complete_plan(plans: Iterable[SourcePlan], manifest: Mapping[str, Any], listing: Mapping[str, str],
                  cache: CacheConfig, *, now: float, grace_period: float, keep_only: set[str] | None = None) -> Plan:
    """Add the removal of sources outside `keep_only` and the lifecycle of immutable objects to source plans."""
    plans = list(plans)
    known, sources_state = manifest.get("objects", {}), manifest.get("sources", {})
    planned = {p.source_id for p in plans if p.failure is None or p.failure.source_id}
    if keep_only is not None:
        for source_id in sorted(set(sources_state) - keep_only - planned):
            entries = [k for k in sources_state[source_id].get("objects", []) if not known.get(k, {}).get("immutable")]
            plans.append(SourcePlan(source_id, delete=tuple(sorted(entries)), removed=True))
    orphaned, expired, adopted = _immutable_lifecycle(plans, manifest, listing, now, grace_period)
    return Plan(tuple(plans), orphaned, expired, adopted)


def _source_plan(build: SourceBuild, known: Mapping[str, Any], state: Mapping[str, Any],
                 retained: list[str], listing: Mapping[str, str], cache: CacheConfig,
                 etag: str) -> SourcePlan:
    """Compare one build with what the target holds (`etag`: the manifest field the listing's values match)."""
    add, update, unchanged = [], [], []
    for obj in build.objects:
        meta = known.get(obj.key)
        if meta is None:
            add.append(obj.key)
        elif (meta.get("sha256") != obj.sha256 or listing.get(obj.key) != meta.get(etag)
              or meta.get("content_type") != obj.content_type or meta.get("cache_control") != cache_control(obj, cache)):
            update.append(obj.key)
        else:
            unchanged.append(obj.key)
    wanted = {o.key for o in build.objects}
    delete = [k for k in state.get("objects", []) if k not in wanted and not known.get(k, {}).get("immutable")]
    new_build = bool(build.objects) and build.build_id not in retained
    return SourcePlan(build.source_id, build, tuple(sorted(add)), tuple(sorted(update)), tuple(sorted(delete)),
                      tuple(sorted(unchanged)), new_build)


def _immutable_lifecycle(plans: list[SourcePlan], manifest: Mapping[str, Any], listing: Mapping[str, str],
                         now: float, grace_period: float) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Decide which immutable objects become orphans, which orphans are due for deletion, which are adopted."""
    known = manifest.get("objects", {})
    orphans = dict(manifest.get("orphans", {}))
    candidates = {k for k, meta in known.items() if meta.get("immutable")}
    candidates |= {k for k in listing.keys() - known.keys() if not is_private_key(k)}  # untracked: left by a crash
    referenced = referenced_keys(plans, manifest, among=candidates | set(orphans))
    orphaned = sorted(k for k in candidates - referenced if k not in orphans)
    adopted = sorted(k for k in orphans if k in referenced)
    expired = sorted(k for k, since in orphans.items()
                     if k not in referenced and now - float(since) >= grace_period)
    return tuple(orphaned), tuple(expired), tuple(adopted)


def referenced_keys(plans: Iterable[SourcePlan], manifest: Mapping[str, Any],
                    among: set[str] | None = None) -> set[str]:
    """Return the keys that a planned build, a source kept as it was or a retained build still references.

    With `among`, return only those of `among`, and stop looking once all of them are found: the shared plugin
    files are referenced by the first sources already, so a publish need not walk every source to know it.
    """
    planned = {p.source_id: p for p in plans}
    referenced: set[str] = set()
    for plan in planned.values():
        if plan.build is not None:
            referenced.update(o.key for o in plan.build.objects)
    missing = None if among is None else set(among) - referenced  # None: collect everything
    add = referenced.update if missing is None else missing.difference_update
    for source_id, state in manifest.get("sources", {}).items():  # every source: keep this loop lean
        if missing is not None and not missing:
            break
        plan = planned.get(source_id)
        if plan is None or plan.failure is not None:  # kept as it was
            add(state.get("objects", ()))
    for source_id, refs in manifest.get("refs", {}).items():  # every key of a retained build
        if missing is not None and not missing:
            break
        plan = planned.get(source_id)
        if plan is None or not plan.removed:
            add(refs)
    return referenced if missing is None else set(among) - missing
