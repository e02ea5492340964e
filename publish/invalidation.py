"""Invalidating the changed entry paths on CloudFront after a publish or a rollback, and recording it per object.

    completed = invalidate(invalidator, store.prefix, changed, report, wanted=True)   # None: not done or not asked
    record_invalidation(state, changed, completed, cache)                             # True if the state changed

After an invalidation completes the edge holds nothing old, so an entry object is visible everywhere once browsers'
copies expire (`publish.propagation.visible_everywhere_by`); the source's state records it.
"""
from __future__ import annotations

from typing import Any

from builder.errors import UsageError
from builder.models import CacheConfig
from publish.propagation import invalidation_paths, visible_everywhere_by
from publish.report import PublishReport
from publish.state import SourceState


def invalidate(invalidator: Any, prefix: str, changed: list[str], report: PublishReport, *,
               wanted: bool) -> float | None:
    """Invalidate the changed entry paths (when wanted); return when it completed, if it did."""
    if not wanted or not changed:
        return None
    if invalidator is None:
        raise UsageError("--invalidate needs a CloudFront `distribution` on the target")
    done = invalidator.invalidate(invalidation_paths(changed, prefix))
    report.invalidation = done
    completed = done.get("completed_at") if done else None
    return float(completed) if completed is not None else None


def record_invalidation(state: SourceState, changed: list[str], completed: float, cache: CacheConfig) -> bool:
    """Record a completed invalidation in a state's records of the changed entry objects; True if any was."""
    hit = [k for k in changed if k in state.objects and not state.objects[k].immutable]
    for key in hit:
        record = state.objects[key]
        record.invalidated_at = completed
        record.visible_everywhere_by = visible_everywhere_by(record.published_at, cache, invalidated_at=completed)
    if hit:
        entries = [r.visible_everywhere_by for r in state.objects.values() if not r.immutable]
        state.visible_everywhere_by = max(entries, default=state.visible_everywhere_by)
        state.invalidated_at = completed
    return bool(hit)
