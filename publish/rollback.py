"""Executing a rollback: read the source's state and the build's record, copy, delete, and hand back the state.

    report, state, version = execute_rollback(store, target_state, cache, now, "storefront", to=None)

The decisions are pure (`publish.versions.choose_build`, `rollback_edit`); this module makes the store calls they
ask for, and the publisher writes the state it returns (after any invalidation). Nothing here knows the publisher.
"""
from __future__ import annotations

from builder.errors import PublishError, UsageError
from builder.models import CacheConfig
from publish.report import PublishReport, SourceResult
from publish.state import SourceState, build_copy_key, build_record_key, decode_build_record
from publish.state_store import TargetState
from publish.store import Store
from publish.versions import choose_build, rollback_edit


def execute_rollback(store: Store, target: TargetState, cache: CacheConfig, now: float, source_id: str,
                     to: str | None) -> tuple[PublishReport, SourceState, str | None]:
    """Copy an earlier build's entry objects back over the served ones; return the report and the new state."""
    state, version = target.read(source_id)
    if state is None:
        raise UsageError(f"source '{source_id}' has never been published to this target")
    build_id = choose_build(state.builds, state.build_id, to)
    record = decode_build_record(store.get(build_record_key(source_id, build_id)))
    if record is None:
        raise PublishError(f"cannot roll {source_id} back to {build_id}: its record "
                           f"{build_record_key(source_id, build_id)} is missing (a build published by an earlier "
                           "bundlesmith, which kept it in the manifest)")
    missing = [k for k, m in sorted(record["objects"].items()) if m.get("immutable") and store.version(k) is None]
    if missing:
        raise PublishError(f"cannot roll {source_id} back to {build_id}: {missing[0]} is gone")
    md5s = {k: store.version(build_copy_key(source_id, build_id, k)) for k, m in record["objects"].items()
            if not m.get("immutable")} if store.etag == "md5" else {}
    edit = rollback_edit(state, record, now=now, cache=cache, md5s=md5s)
    report = PublishReport()
    for key, content_type, control in edit.copies:
        store.copy(build_copy_key(source_id, build_id, key), key, content_type, control)
        report.puts += 1
    store.delete(edit.stale)
    report.results.append(SourceResult(source_id, "rolled-back", build_id, uploaded=[k for k, _, _ in edit.copies],
                                       deleted=list(edit.stale),
                                       visible_everywhere_by=edit.state.visible_everywhere_by))
    return report, edit.state, version
