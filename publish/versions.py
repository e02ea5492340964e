"""A source's state edits: recording a publish, the builds kept per source, and rolling back to one of them.

    state, garbage = record_publish(state, build, plan, records, uploaded, now=now, cache=cache, keep=5)
    edit = rollback_edit(state, record, now=now, cache=cache, md5s={key: etag})     # pure: no store here
    edit.state, edit.copies, edit.stale      # the publisher copies, deletes, then writes edit.state

Every publish of a new build keeps a build copy (a private copy of the source's entry objects) under
`.bundlesmith/builds/<source>/<build id>/`, with the build's record (keys, hashes, types) beside them as
`build.json`; the source's state lists the retained build ids, and the newest `retention.builds_per_source` are
kept. Rolling back copies that build's entry objects over the served ones (server-side, with the current cache
headers), deletes entry objects the earlier build did not have, and records a `rollback` event that
`bundlesmith status` shows. The immutable objects an earlier build references stay as long as the build is
retained (its keys are in the state's `refs`), so a rollback never points at a deleted file. The next publish of
the workspace serves its config again: the files stay the source of truth.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder.build import SourceBuild
from builder.errors import UsageError
from builder.models import CacheConfig
from publish.cache_policy import IMMUTABLE_CACHE_CONTROL, entry_cache_control
from publish.plan import SourcePlan
from publish.propagation import visible_everywhere_by
from publish.state import ObjectRecord, SourceState, retain


def record_publish(state: SourceState | None, build: SourceBuild, plan: SourcePlan,
                   records: Mapping[str, ObjectRecord], uploaded: set[str], *, now: float, cache: CacheConfig,
                   keep: int | None) -> tuple[SourceState, list[str]]:
    """Return the source's state after publishing `build`, and the private keys of builds no longer retained.

    `records`: the undated record of each object of the build; `keep`: builds retained (None: no build copies).
    """
    new = copy.deepcopy(state) if state is not None else SourceState(build.source_id)
    objects = {}
    for obj in build.objects:
        record = new.objects.get(obj.key)
        if obj.key in uploaded or record is None:
            record = records[obj.key].dated(now, visible_everywhere_by(now, cache, immutable=obj.immutable))
        objects[obj.key] = record
    new.objects = objects
    if plan.changed or new.build_id != build.build_id:
        entries = [r.visible_everywhere_by for r in objects.values() if not r.immutable]
        new.write_key, new.build_id, new.published_at = build.write_key, build.build_id, now
        new.visible_everywhere_by = max(entries, default=now)
        new.add_event({"action": "publish", "build_id": build.build_id, "at": now})
    new.write_key = build.write_key
    new.inputs = build.inputs  # what it was built from, when the builder says (`bundlesmith build`)
    garbage = retain(new, build.build_id, (o.key for o in build.objects), keep) if plan.new_build and keep else []
    return new, garbage


def choose_build(ids: list[str], current: str | None, to: str | None) -> str:
    """Return the id of the retained build to roll back to: `to`, or the newest one older than `current`."""
    if to is not None:
        matches = [b for b in ids if b == to or (len(to) >= 6 and b.startswith(to))]
        if len(matches) != 1:
            raise UsageError(f"no single retained build matches {to!r}; retained builds: {', '.join(ids) or 'none'}")
        return matches[0]
    position = ids.index(current) if current in ids else len(ids)
    if position == 0:
        raise UsageError(f"there is no retained build older than {current}; retained builds: {', '.join(ids)}")
    return ids[position - 1]


@dataclass(frozen=True)
class RollbackEdit:
    """What rolling a source back does: the entry objects to copy from the build copy, the keys to delete."""

    state: SourceState
    copies: tuple[tuple[str, str, str], ...]  # (key, content type, cache control), copied from the build copy
    stale: tuple[str, ...]                     # entry objects the earlier build did not have


def rollback_edit(state: SourceState, record: Mapping[str, Any], *, now: float, cache: CacheConfig,
                  md5s: Mapping[str, str | None]) -> RollbackEdit:
    """Return the state after rolling back to the build `record` describes (`md5s`: S3 ETags of its copies)."""
    build_id = str(record["build_id"])
    objects: Mapping[str, Mapping[str, Any]] = record["objects"]
    control, visible = entry_cache_control(cache), visible_everywhere_by(now, cache)
    new = copy.deepcopy(state)
    entries = {k: m for k, m in objects.items() if not m.get("immutable")}
    stale = sorted(k for k in new.entry_keys() if k not in objects)
    kept = {k: r for k, r in new.objects.items() if k in objects}
    for key, meta in objects.items():
        if key in entries:
            kept[key] = ObjectRecord(str(meta["sha256"]), str(meta["content_type"]), control, False,
                                     kept[key].size if key in kept and kept[key].sha256 == meta["sha256"] else 0,
                                     md5s.get(key), now, visible)
        elif key not in kept:
            kept[key] = ObjectRecord(str(meta["sha256"]), str(meta["content_type"]), IMMUTABLE_CACHE_CONTROL, True,
                                     published_at=now,
                                     visible_everywhere_by=now)
    previous = new.build_id
    new.objects, new.build_id, new.published_at, new.visible_everywhere_by = kept, build_id, now, visible
    new.add_event({"action": "rollback", "build_id": build_id, "from": previous, "at": now})
    copies = tuple((k, str(m["content_type"]), control) for k, m in sorted(entries.items()))
    return RollbackEdit(new, copies, tuple(stale))
