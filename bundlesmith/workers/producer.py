"""Producers: snapshot the workspace and enqueue change messages instead of building in process.

    queue = ChangeQueue(sqs_client, queue_url)
    snapshots = open_snapshot_store("s3://cdn-bucket/site", lambda: s3_client)
    version, ids = enqueue_changes(Path("ws"), ["storefront"], queue, snapshots)   # None: every source

This is the seam `bundlesmith serve --queue` and the admin API call in place of their build loop: whatever
marks sources dirty hands their ids here, and the workers (`bundlesmith.workers.worker`) build and publish them. The
snapshot is taken when this is called, so a message always names the exact files it was sent for. A source id that
the workspace no longer has is still sent: the worker removes that source from the target.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from builder.catalog import Catalog, load_catalog
from builder.errors import UsageError
from builder.workspace import Progress, load_workspace
from bundlesmith.workers.changes import MAX_SOURCES_PER_MESSAGE, Version, encode_change, split_change
from bundlesmith.workers.queue import ChangeQueue
from bundlesmith.workers.snapshots import SnapshotStore, pack_workspace


def enqueue_changes(root: Path, source_ids: Iterable[str] | None, queue: ChangeQueue, snapshots: SnapshotStore, *,
                    catalog: Catalog | None = None, batch: int = MAX_SOURCES_PER_MESSAGE,
                    progress: Progress | None = None) -> tuple[Version, list[str]]:
    """Snapshot the workspace at `root`, then send one message per `batch` of the sources (None: all of them);
    `progress` hears (files done, files in all) while every source is loaded to list them."""
    packed = pack_workspace(root)
    if source_ids is None:
        loaded = load_workspace(root, catalog or load_catalog(), progress=progress)
        loaded.valid_config()
        ids = sorted(loaded.source_ids())
    else:
        ids = sorted(set(source_ids))
    if not ids:
        raise UsageError(f"{root} has no sources to enqueue")
    version, location = snapshots.create(packed)
    bodies = [encode_change(change) for change in split_change(version, location, ids, batch)]
    return version, queue.send(bodies)
