"""Putting one source's planned objects into a store: build copy and record, entry objects, deletes; restore.

    failed = upload_immutables(store, cache, objects, report, workers=8)     # shared plugin files, once each
    result = upload_source(store, cache, plan, state, failed, report, keep_copy=True)

A source whose immutable objects or entry objects cannot all be uploaded keeps what it served: entry objects
already replaced are restored from the previous build's copy (or removed, when they are new), and its state is
not written (`publish.publisher`). Nothing here decides anything: the plan (`publish.plan`) did.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from builder.build import BuiltObject, SourceBuild
from builder.errors import PublishError
from builder.models import CacheConfig
from publish.cache_policy import cache_control as object_cache_control
from publish.plan import SourcePlan, sha256_hex
from publish.report import PublishReport, SourceResult
from publish.state import PRIVATE_CACHE_CONTROL, SourceState, build_copy_key, build_record_key, encode_build_record
from publish.store import Store

log = logging.getLogger(__name__)


def put_object(store: Store, obj: BuiltObject, cache: CacheConfig, report: PublishReport, key: str | None = None,
               cache_control: str | None = None) -> None:
    """Put one built object (under `key`, e.g. its build copy) and count it."""
    store.put(key or obj.key, obj.body, obj.content_type, cache_control or object_cache_control(obj, cache),
              digest=obj.sha256)
    report.puts += 1
    report.uploaded_bytes += len(obj.body)


def upload_immutables(store: Store, cache: CacheConfig, objects: Iterable[BuiltObject], report: PublishReport,
                      workers: int = 1) -> dict[str, str]:
    """Upload immutable objects (each once); return {key: error} for those that failed."""
    def upload(obj: BuiltObject) -> tuple[str, str | None]:
        try:
            put_object(store, obj, cache, report)
            return obj.key, None
        except PublishError as exc:
            return obj.key, str(exc)
    unique = sorted({o.key: o for o in objects}.values(), key=lambda o: o.key)
    if workers == 1 or len(unique) < 2:
        results = [upload(o) for o in unique]
    else:
        with ThreadPoolExecutor(workers, thread_name_prefix="bundlesmith-upload") as pool:
            results = list(pool.map(upload, unique))
    return {key: error for key, error in results if error}


def upload_source(store: Store, cache: CacheConfig, plan: SourcePlan, state: SourceState | None,
                  failed_keys: dict[str, str], report: PublishReport, *, keep_copy: bool) -> SourceResult:
    """Upload one source's copy and entry objects and delete what it no longer serves; on failure put back."""
    build, kept = plan.build, state.build_id if state is not None else None
    assert build is not None
    if not plan.changed and not keep_copy:
        return SourceResult(plan.source_id, "unchanged", build.build_id)
    broken = [o.key for o in plan.uploads() if o.immutable and o.key in failed_keys]
    if broken:
        return SourceResult(plan.source_id, "failed", build.build_id, error=failed_keys[broken[0]], kept_build_id=kept)
    replaced: list[str] = []
    try:
        if keep_copy:
            _put_copy(store, cache, build, report)
        for obj in plan.uploads():
            if not obj.immutable:
                replaced.append(obj.key)
                put_object(store, obj, cache, report)
        store.delete(plan.delete)
    except PublishError as exc:
        log.error("%s; restoring what %s served", exc, plan.source_id)
        restore_error = restore(store, state, replaced)
        return SourceResult(plan.source_id, "failed", build.build_id, kept_build_id=kept,
                            error=str(exc) + (f"; and restoring failed: {restore_error}" if restore_error else ""))
    return SourceResult(plan.source_id, "published", build.build_id, uploaded=[o.key for o in plan.uploads()],
                        deleted=list(plan.delete))


def _put_copy(store: Store, cache: CacheConfig, build: SourceBuild, report: PublishReport) -> None:
    """Put the build copy of every entry object, then the build's record (what rollback serves again)."""
    for obj in build.entry_objects:
        put_object(store, obj, cache, report, build_copy_key(build.source_id, build.build_id, obj.key),
                   PRIVATE_CACHE_CONTROL)
    record = encode_build_record(build.source_id, build.build_id,
                                 {o.key: (o.sha256, o.content_type, o.immutable) for o in build.objects})
    store.put(build_record_key(build.source_id, build.build_id), record, "application/json", PRIVATE_CACHE_CONTROL,
              digest=sha256_hex(record))
    report.puts += 1


def restore(store: Store, state: SourceState | None, replaced: list[str]) -> str | None:
    """Put back the previous bytes of entry objects a failed source already replaced (None, or what failed)."""
    try:
        for key in replaced:
            record = state.objects.get(key) if state is not None else None
            if state is None or record is None or state.build_id is None:
                store.delete([key])  # it did not exist before
            else:
                store.copy(build_copy_key(state.source_id, state.build_id, key), key, record.content_type,
                           record.cache_control)
    except PublishError as exc:
        return str(exc)
    return None
