"""The service's one build loop (triggers mark work dirty, one thread does it) and its build cache.

    with BuildLoop(work) as loop:             # work(dirty) builds and publishes, always on the loop's thread
        loop.mark(Affected(files=...))        # a file event, an API call, a rebuild request: returns at once
        loop.wait_idle(timeout=10)            # True once nothing is pending or running

Every trigger only merges what it touched into the dirty value (`Affected | Affected`) and wakes the thread. The
thread takes the dirty value (clearing it) before `work` runs, so a change marked during a build causes exactly one
more build, of what it touched. Bursts of file events are already coalesced by `bundlesmith.watch` (quiet period +
maximum delay) before they get here; API triggers are not delayed. A failing `work` is logged and the loop goes
on; stopping lets the running `work` (a publish) finish and leaves the rest pending for the next start to
reconcile. With `serve --queue`, `work` enqueues for the workers instead of publishing (`bundlesmith.serve.service`).

`BuildCache` holds source builds by their input (the file's bytes, the workspace settings that reach the output,
the catalog and the assets), so rebuilding an untouched source costs a read and a hash. cachetools caches are not
thread-safe: every access holds the lock.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache

from bundlesmith.serve.affected import Affected

log = logging.getLogger(__name__)

CACHE_BYTES = 256 * 1024 * 1024


class BuildLoop:
    """A dirty value and the one thread that hands it to `work`."""

    def __init__(self, work: Callable[[Affected], object], name: str = "bundlesmith-build"):
        self._work = work
        self._wake = threading.Condition()
        self._pending = Affected()
        self._running = False
        self._stopping = False
        self.runs = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> "BuildLoop":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def mark(self, dirty: Affected) -> None:
        """Add `dirty` to what the next run builds; return at once."""
        if not dirty:
            return
        with self._wake:
            self._pending = self._pending | dirty
            self._wake.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait (bounded) until nothing is pending or running; return whether that happened."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._pending and not self._running, timeout=timeout)

    def stop(self, timeout: float = 120.0) -> None:
        """Stop after the running work (a publish in progress) finishes."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._stopping or bool(self._pending))
                if self._stopping:
                    return
                dirty, self._pending = self._pending, Affected()
                self._running = True
            try:
                self._work(dirty)
            except Exception:  # recorded by `work` where it can; the loop must survive anything
                log.exception("build of %s failed", ", ".join(dirty.reasons) or "the workspace")
            finally:
                with self._wake:
                    self._running = False
                    self.runs += 1
                    self._wake.notify_all()


class BuildCache:
    """Built sources by input key, bounded by the bytes they hold; safe to share between threads."""

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self._cache: LRUCache[Hashable, Any] = LRUCache(maxsize=max_bytes, getsizeof=_size)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """Return the value cached for `key`, making (and caching) it on a miss."""
        with self._lock:
            value = self._cache.get(key)
            if value is not None:
                self.hits += 1
                return value
            self.misses += 1
        value = make()
        with self._lock:
            try:
                self._cache[key] = value
            except ValueError:  # larger than the whole cache: built, not kept
                pass
        return value


def _size(value: Any) -> int:
    """Approximate the memory of a cached (entry, outcome) pair by the bytes it serves."""
    outcome = value[1] if isinstance(value, tuple) else value
    return 1024 + sum(len(o.body) for o in getattr(outcome, "objects", ()))
