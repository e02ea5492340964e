"""Builds kept per source, and rolling a source back to one of them.

    publisher.rollback("storefront")               # the build before the one served now
    publisher.rollback("storefront", to="3f2a91c0d4e5b6a7")

Every publish of a new build keeps a build copy (a private copy of the source's entry objects) under
`.bundlesmith/builds/<source>/<build id>/`, with the build's record (keys, hashes, types) beside them as
`build.json`; the manifest lists the retained build ids, and the newest `retention.builds_per_source` are kept.
Rolling back copies that build's entry objects over the served ones (server-side, with the current cache
headers), deletes entry objects the earlier build did not have, and records a `rollback` event that
`bundlesmith status` shows. The immutable objects an earlier build references stay as long
as the build is retained (see `publish.plan.referenced_keys`), so a rollback never points at a deleted file.
The next publish of the workspace serves its config again: the files stay the source of truth.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from builder.errors import PublishError, UsageError
from builder.models import CacheConfig
from publish.cache_policy import entry_cache_control
from publish.manifest import add_event, build_copy_key, build_record_key, decode_build_record
from publish.propagation import visible_everywhere_by
from publish.report import PublishReport, SourceResult


class RollbackStore(Protocol):
    """The store calls a rollback makes."""

    def get(self, key: str) -> bytes | None: ...
    def copy(self, source: str, key: str, content_type: str, cache_control: str) -> None: ...
    def delete(self, keys: Iterable[str]) -> None: ...


class RollbackHost(Protocol):
    """What a rollback needs of its publisher: the target's state, its store, and the invalidation it runs.

    `publish.publisher.Publisher` is one; naming the calls here keeps this module below the publisher.
    """

    store: RollbackStore
    cache: CacheConfig
    clock: Callable[[], float]
    etag: str

    def read_state(self) -> tuple[dict[str, Any], dict[str, str]]: ...
    def write_state(self, manifest: dict[str, Any], listing: dict[str, str]) -> None: ...
    def invalidate_changed(self, manifest: dict[str, Any], changed: list[str], report: PublishReport,
                           wanted: bool) -> None: ...


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


def rollback_source(publisher: RollbackHost, source_id: str, to: str | None, *, invalidate: bool) -> PublishReport:
    """Copy an earlier build's entry objects back over the served ones and record the rollback."""
    manifest, listing = publisher.read_state()
    state = manifest["sources"].get(source_id)
    if state is None:
        raise UsageError(f"source '{source_id}' has never been published to this target")
    build_id = choose_build(manifest["builds"].get(source_id, []), state.get("build_id"), to)
    target = decode_build_record(publisher.store.get(build_record_key(source_id, build_id)))
    if target is None:
        raise PublishError(f"cannot roll {source_id} back to {build_id}: its record "
                           f"{build_record_key(source_id, build_id)} is missing (a build published by an earlier "
                           "bundlesmith, which kept it in the manifest)")
    missing = [k for k, m in target["objects"].items() if m["immutable"] and k not in listing]
    if missing:
        raise PublishError(f"cannot roll {source_id} back to {target['build_id']}: {missing[0]} is gone")
    now, cache = publisher.clock(), publisher.cache
    report = PublishReport()
    entries = {k: m for k, m in target["objects"].items() if not m["immutable"]}
    current = set(state.get("objects", []))
    stale = sorted(k for k in current - set(target["objects"]) if not manifest["objects"].get(k, {}).get("immutable"))
    control = entry_cache_control(cache)
    for key, meta in sorted(entries.items()):
        publisher.store.copy(build_copy_key(source_id, target["build_id"], key), key, meta["content_type"], control)
        report.puts += 1
        manifest["objects"][key] = {**manifest["objects"].get(key, {}), "sha256": meta["sha256"],
                                    **({"md5": listing.get(build_copy_key(source_id, target["build_id"], key))}
                                       if publisher.etag == "md5" else {}),
                                    "content_type": meta["content_type"], "cache_control": control,
                                    "immutable": False, "published_at": now,
                                    "visible_everywhere_by": visible_everywhere_by(now, cache)}
    publisher.store.delete(stale)
    for key in stale:
        manifest["objects"].pop(key, None)
    for key in target["objects"]:
        manifest["orphans"].pop(key, None)
    previous = state.get("build_id")
    state.update({"build_id": target["build_id"], "objects": sorted(target["objects"]), "published_at": now,
                  "visible_everywhere_by": visible_everywhere_by(now, cache)})
    add_event(state, {"action": "rollback", "build_id": target["build_id"], "from": previous, "at": now})
    result = SourceResult(source_id, "rolled-back", target["build_id"], uploaded=sorted(entries), deleted=stale,
                          visible_everywhere_by=state["visible_everywhere_by"])
    report.results.append(result)
    publisher.invalidate_changed(manifest, sorted(entries) + stale, report, invalidate)
    publisher.write_state(manifest, listing)
    return report

