"""The publish plan: what a target must add, update, delete or leave alone, as pure data.

    plan = plan_source(build, state, cache, etag="md5")                  # against the source's own records
    plan = plan_source(build, state, cache, listing=listing)             # --verify: and against the real listing
    source.add, source.update, source.delete, source.unchanged            # keys, sorted
    Plan(sources, orphaned, expired, adopted)                             # the whole publish, for `plan` and reports

Each SourceBuild is compared with its source's state (`publish.state.SourceState`: a record per object it serves).
An immutable (content-addressed, shared plugin) object the state does not record yet is unchanged when the target
already has it (`present`: one HEAD or stat, asked once per key per publish). With a `listing` (a verify), an object
the state believes is there but that is missing or holds other bytes (drift: a manual edit, a crash between an
upload and the state) is planned as an update. An entry object a source no longer serves is deleted once its new
objects are up. Immutable objects no current or retained build references become orphans (`publish.orphans`),
deleted only after the grace period. A source that failed to build has an empty plan: its previous objects stay.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from builder.build import BuiltObject, SourceBuild, SourceFailure, SourceOutcome
from builder.models import CacheConfig
from publish.cache_policy import cache_control
from publish.state import ObjectRecord, SourceState


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


def object_record(obj: BuiltObject, cache: CacheConfig, etag: str = "md5") -> ObjectRecord:
    """Return what the state records about one object (no body, nothing private), not yet dated.

    `etag` names the field the store's listing reports: S3's is the MD5 (recorded as `md5`); a directory's is the
    SHA-256 the build already computed, so no MD5 is computed or recorded for it.
    """
    return ObjectRecord(obj.sha256, obj.content_type, cache_control(obj, cache), obj.immutable, len(obj.body),
                        md5_hex(obj.body) if etag == "md5" else None)


def plan_source(outcome: SourceOutcome, state: SourceState | None, cache: CacheConfig, etag: str = "md5", *,
                listing: Mapping[str, str] | None = None,
                present: Callable[[str], bool] | None = None) -> SourcePlan:
    """Plan one source against its state (nothing changes when it failed to build).

    `listing`: the real listing of the target (a verify): drift is planned as an update. Without it, the state's
    records are trusted, and `present(key)` says whether an immutable object the state does not record exists.
    """
    if isinstance(outcome, SourceFailure):
        return SourcePlan(outcome.source_id or outcome.file, failure=outcome)
    records = state.objects if state is not None else {}
    add, update, unchanged = [], [], []
    for obj in outcome.objects:
        record = records.get(obj.key)
        if record is None:
            found = _found_unrecorded(obj, etag, listing, present)
            (unchanged if found is True else update if found is False else add).append(obj.key)
        elif (record.sha256 != obj.sha256 or record.content_type != obj.content_type
              or record.cache_control != cache_control(obj, cache)
              or (listing is not None and listing.get(obj.key) != record.etag(etag))):
            update.append(obj.key)
        else:
            unchanged.append(obj.key)
    wanted = {o.key for o in outcome.objects}
    delete = [k for k in (state.entry_keys() if state is not None else []) if k not in wanted]
    new_build = bool(outcome.objects) and (state is None or outcome.build_id not in state.builds)
    return SourcePlan(outcome.source_id, outcome, tuple(sorted(add)), tuple(sorted(update)), tuple(sorted(delete)),
                      tuple(sorted(unchanged)), new_build)


def _found_unrecorded(obj: BuiltObject, etag: str, listing: Mapping[str, str] | None,
                      present: Callable[[str], bool] | None) -> bool | None:
    """Return True (there, same bytes), False (there, other bytes) or None (absent) for an unrecorded object."""
    if not obj.immutable:
        return None  # an entry object the state does not record is written (a crash before its state: once more)
    if listing is not None:
        found = listing.get(obj.key)
        if found is None:
            return None
        return found == (md5_hex(obj.body) if etag == "md5" else obj.sha256)
    return True if present is not None and present(obj.key) else None


def removal_plan(state: SourceState) -> SourcePlan:
    """Plan removing a source that left the workspace: delete every entry object it serves."""
    return SourcePlan(state.source_id, delete=tuple(state.entry_keys()), removed=True)
