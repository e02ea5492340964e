"""Reading and writing a target's per-source state through its store (`publish.state` says what each key holds).

    target = TargetState(store)                       # StateWriter(): plain puts; a worker hands its guard's writer
    markers = target.markers()                        # {source: [Marker]} (read-only): one listing of `served/`
    state, version = target.read("storefront")        # one GET (None when absent or unreadable)
    target.save(state, version)                       # the writer's put (or compare-and-swap), then its marker
    target.remove("blog", markers["blog"])            # state and markers of a source that left
    target.status()                                   # every source's `SourceState.status()`, cached by ETag

The state of a source is written after everything it describes is up, and its marker after the state (the old
marker deleted last), so a crash at any point leaves a state the next publish converges from: a marker without a
state, or a state without its marker, makes the source be planned again. A `StateWriter` decides how a state is
written (`put`, or `put_if` on the version read, with the workers' lease check) and whether orphans are collected.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from builder.errors import PublishError
from builder.workspace import paused_gc
from publish.marker_view import MarkerView
from publish.state import (INDEX_KEY, PRIVATE_CACHE_CONTROL, SERVED_FOLDER, SERVED_PREFIX, SOURCES_FOLDER,
                           SOURCES_PREFIX, Index, Marker, SourceState, decode_index, decode_state, encode_state,
                           marker_key, parse_marker, source_of_state_key, state_key)
from publish.store import Store

log = logging.getLogger(__name__)


class StateWriter:
    """How a source's state is written: a plain put, by one publisher that sees the whole workspace.

    Another strategy (the workers' `bundlesmith.workers.guard.GuardedWriter`) writes by compare-and-swap under a
    per-source lock, records the version it published, and leaves orphans to a publish of the whole workspace.
    """

    collects_orphans = True
    trusts_markers = True  # a source whose marker names its build is skipped unread

    def stamp(self, state: SourceState) -> None:
        """Add what this writer records with every state it writes (nothing here)."""

    def write(self, store: Store, key: str, body: bytes, version: str | None) -> str | None:
        """Write one state (`version`: what it was read at); return its new version if the store says it."""
        store.put(key, body, "application/json", PRIVATE_CACHE_CONTROL)
        return None


class TargetState:
    """The per-source state of one target, read and written through its store."""

    def __init__(self, store: Store, writer: StateWriter | None = None, *, workers: int = 8):
        self.store, self.writer, self.workers = store, writer or StateWriter(), max(1, workers)
        self._status: dict[str, tuple[str, dict[str, Any]]] = {}  # source -> (listed ETag, status view)
        self._status_lock = threading.Lock()
        self._status_view: tuple[str, dict[str, Any]] | None = None  # (sources/'s version, the whole view)
        self._markers: tuple[str, MarkerView] | None = None  # (served/'s version, markers) trusted
        self._markers_lock = threading.Lock()

    def markers(self) -> Mapping[str, list[Marker]]:
        """Return the markers of every served source (one listing of the folder names under `served/`), read-only.

        A long-lived process (the service) keeps what it listed and wrote, and trusts it while the version of the
        `served/` folder (a directory's stat: every marker written or deleted changes it) is the one it saw last;
        S3 has no folder to stat, so a bucket is listed every time (a page per 1,000 sources). The snapshot is
        shared, not copied (`publish.marker_view`): a change costs no copy of every source's markers.
        """
        with self._markers_lock:
            version, known = self.store.version(SERVED_FOLDER), self._markers
            if version is not None and known is not None and known[0] == version:
                return known[1]
        found: dict[str, list[Marker]] = {}
        with paused_gc():  # tens of thousands of small objects beside a whole workspace: collections find nothing
            for name in self.store.folders(SERVED_PREFIX):
                marker = parse_marker(name)
                if marker is not None:
                    found.setdefault(marker.source_id, []).append(marker)
            view = MarkerView(found)
            with self._markers_lock:
                self._markers = (version, view) if version is not None else None
                return view

    def _wrote_markers(self, source_id: str, markers: list[Marker]) -> None:
        """Keep the trusted marker view in step with a write of this process (dropped if it was not current)."""
        with self._markers_lock:
            known, version = self._markers, self.store.version(SERVED_FOLDER)
            self._markers = None
            if known is not None and version is not None:
                self._markers = (version, known[1].with_markers(source_id, markers))

    def markers_of(self, source_id: str) -> list[Marker]:
        """Return the markers of one source (a listing of its own few keys)."""
        return [m for k in self.store.list(f"{SERVED_PREFIX}{source_id}@")
                if (m := parse_marker(k)) is not None and m.source_id == source_id]

    def read(self, source_id: str) -> tuple[SourceState | None, str | None]:
        """Return one source's state and its version (None, None when absent; None, version when unreadable)."""
        body, version = self.store.get_versioned(state_key(source_id))
        state = decode_state(body)
        if body is not None and (state is None or state.source_id != source_id):
            log.warning("the state %s is unreadable; the source is planned as if it had none", state_key(source_id))
            return None, version
        return state, version

    def read_many(self, source_ids: Iterable[str]) -> dict[str, tuple[SourceState | None, str | None]]:
        """Return the states of many sources (read in parallel: one GET each on S3)."""
        ids = sorted(set(source_ids))
        if self.workers == 1 or len(ids) < 2:
            return {sid: self.read(sid) for sid in ids}
        with ThreadPoolExecutor(self.workers, thread_name_prefix="bundlesmith-state") as pool:
            return dict(zip(ids, pool.map(self.read, ids)))

    def listed_sources(self) -> dict[str, str]:
        """Return {source: ETag} of every stored state (one listing of `sources/`)."""
        return {sid: etag for key, etag in self.store.list(SOURCES_PREFIX).items()
                if (sid := source_of_state_key(key)) is not None}

    def save(self, state: SourceState, version: str | None, old_markers: Iterable[Marker] = ()) -> str | None:
        """Write a source's state, then its marker, then delete its other markers; return the state's version."""
        written = self.writer.write(self.store, state_key(state.source_id), encode_state(state), version)
        self.mark(state, old_markers)
        return written

    def mark(self, state: SourceState, old_markers: Iterable[Marker]) -> None:
        """Make the source's only marker the one of the build it serves."""
        assert state.build_id is not None
        key = marker_key(state.source_id, state.build_id, state.inputs, state.build_id in state.builds)
        markers = list(old_markers)
        old = [m.key for m in markers if m.key != key]
        if len(old) == len(markers):
            self.store.put(key, b"", "application/octet-stream", PRIVATE_CACHE_CONTROL)
        if old:
            self.store.delete(old)
        if old or len(old) == len(markers):
            marker = parse_marker(key)
            self._wrote_markers(state.source_id, [marker] if marker is not None else [])

    def remove(self, source_id: str, markers: Iterable[Marker]) -> None:
        """Delete the state and markers of a source that left (the state first: a marker alone plans it again)."""
        self.store.delete([state_key(source_id)])
        self.store.delete([m.key for m in markers])
        self._wrote_markers(source_id, [])

    def index(self) -> Index | None:
        """Return the stored index (None when there is none: a new target, or one to migrate)."""
        return decode_index(self.store.get(INDEX_KEY))

    def write_index(self, index: Index) -> None:
        """Write the index."""
        self.store.put(INDEX_KEY, index.encode(), "application/json", PRIVATE_CACHE_CONTROL)

    def all_states(self) -> dict[str, SourceState]:
        """Return every readable state (a listing of `sources/` and one read each: orphans, verify)."""
        return {sid: state for sid, (state, _) in self.read_many(self.listed_sources()).items() if state is not None}

    def source_status(self, source_id: str) -> dict[str, Any] | None:
        """Return one source's status view (one read: a GET on S3), None when it has no readable state."""
        state, _ = self.read(source_id)
        return state.status() if state is not None else None

    def status(self) -> dict[str, Any]:
        """Return every source's status view, re-reading only states whose listed ETag changed.

        On a directory, the view is kept while the `sources/` folder's stat is unchanged (every state written or
        deleted changes it): one stat per call, as the admin API asks per request.
        """
        folder = self.store.version(SOURCES_FOLDER)
        with self._status_lock:
            if folder is not None and self._status_view is not None and self._status_view[0] == folder:
                return dict(self._status_view[1])
        listed = self.listed_sources()
        with self._status_lock:
            cached = dict(self._status)
        stale = [sid for sid, etag in listed.items() if cached.get(sid, ("",))[0] != etag]
        for sid, (state, _) in self.read_many(stale).items():
            if state is not None:
                cached[sid] = (listed[sid], state.status())
        view = {sid: cached[sid][1] for sid in sorted(listed) if sid in cached and cached[sid][0] == listed[sid]}
        with self._status_lock:
            self._status = {sid: cached[sid] for sid in view}
            self._status_view = (folder, dict(view)) if folder is not None else None
        return view


def check_written(written: str | None, key: str) -> str:
    """Return the new version of a compare-and-swap write, or raise when someone else wrote first."""
    if written is None:
        raise PublishError(f"{key} was written by another writer meanwhile; its publish is retried")
    return written
