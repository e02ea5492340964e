"""Migrating a layout-1 target (one `.bundlesmith/manifest.json`) to per-source states, on its first publish.

    index = migrate(TargetState(store), now)   # None when there is no manifest (a new target)

Every source of the manifest gets its state (object records, retained builds, refs, events, the workers' version)
and its marker; then the index (with the manifest's orphans, dated `migrated_at`) is written and the manifest
deleted. A crash at any point migrates again next time (the index is what says it is done), and a state already
there is never overwritten (`put_if` with `If-None-Match`), so a migration racing a worker's publish keeps the
newer state. Build copies and records stay where they are, so a rollback to a build made before works.
"""
from __future__ import annotations

import logging
from typing import Any

from publish.manifest import decode_manifest
from publish.state import (LEGACY_MANIFEST_KEY, PRIVATE_CACHE_CONTROL, Index, ObjectRecord, SourceState,
                           encode_state, state_key)
from publish.state_store import TargetState

log = logging.getLogger(__name__)


def migrate(target: TargetState, now: float) -> Index | None:
    """Write per-source states and markers from the layout-1 manifest, then the index; delete the manifest."""
    body = target.store.get(LEGACY_MANIFEST_KEY)
    if body is None:
        return None
    manifest = decode_manifest(body)
    for source_id in sorted(manifest["sources"]):
        state = state_from_manifest(manifest, source_id)
        if state.build_id is None:
            continue
        target.store.put_if(state_key(source_id), encode_state(state), "application/json", PRIVATE_CACHE_CONTROL,
                            if_none_match=True)
        target.mark(state, target.markers_of(source_id))
    index = Index({k: float(v) for k, v in manifest["orphans"].items()}, now)
    target.write_index(index)
    target.store.delete([LEGACY_MANIFEST_KEY])
    log.info("migrated %d sources of %s to per-source state", len(manifest["sources"]), LEGACY_MANIFEST_KEY)
    return index


def legacy_states(target: TargetState) -> dict[str, SourceState]:
    """Return the states a migration would write (a plan of a target not migrated yet writes nothing)."""
    manifest = decode_manifest(target.store.get(LEGACY_MANIFEST_KEY))
    return {sid: state for sid in manifest["sources"] if (state := state_from_manifest(manifest, sid)).build_id}


def state_from_manifest(manifest: dict[str, Any], source_id: str) -> SourceState:
    """Return one source's state as the layout-1 manifest describes it."""
    entry = manifest["sources"][source_id]
    objects = {k: r for k in entry.get("objects", [])
               if (r := ObjectRecord.from_dict(manifest["objects"].get(k))) is not None}
    version = manifest.get("versions", {}).get(source_id)
    return SourceState(source_id, str(entry.get("write_key") or ""), entry.get("build_id"),
                       entry.get("published_at"), entry.get("visible_everywhere_by"), entry.get("invalidated_at"),
                       objects, list(manifest["builds"].get(source_id, [])),
                       dict(manifest["refs"].get(source_id, {})), list(entry.get("events", [])),
                       version if isinstance(version, dict) else None, None)
