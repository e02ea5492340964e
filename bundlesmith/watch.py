"""Watch a workspace directory and call back once per burst of changes (preview and service share this).

    with Watcher(root, on_change=rebuild, ignore_dirs=[out_dir]) as watcher:
        ...                          # rebuild(paths) runs on the watcher's one build thread
        watcher.trigger()            # an API call asks for a build the same way a file event does

Every trigger only records a path in a `Debouncer` and wakes the build thread; the thread calls back when the
burst has been quiet for `quiet` seconds, or `max_delay` seconds after its first change, whichever comes first, so
a steady trickle of saves cannot postpone a build forever. The pending paths are taken (cleared) before the
callback runs: a change made during a build causes exactly one more build. Editor droppings (`*.swp`, `*~`,
`.#*`, `4913`, `.tmp-*` files), `.git/` and the ignored directories (the output directory) never trigger;
creations, modifications, deletions and renames do. The decisions (`Debouncer`, `event_paths`) are pure.
"""
from __future__ import annotations

import fnmatch
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger(__name__)

QUIET_PERIOD = 0.25
MAX_DELAY = 2.0
IGNORED_NAMES = ("*.swp", "*.swx", "*.swo", "*~", ".#*", "#*#", "4913", ".tmp-*", "*.tmp", ".DS_Store")
IGNORED_DIRS = (".git", ".hg", ".svn", "__pycache__", ".bundlesmith")
COUNTED_EVENTS = ("created", "modified", "deleted", "moved")  # opened/closed events are reads, not changes

OnChange = Callable[[frozenset[str]], object]


class Debouncer:
    """Decide when a burst of changes is due: after a quiet period, or at the latest after a maximum delay."""

    def __init__(self, quiet: float = QUIET_PERIOD, max_delay: float = MAX_DELAY):
        if quiet < 0 or max_delay < quiet:
            raise ValueError(f"need 0 <= quiet <= max_delay, got quiet={quiet}, max_delay={max_delay}")
        self.quiet, self.max_delay = quiet, max_delay
        self._first: float | None = None
        self._last = 0.0
        self._paths: set[str] = set()

    @property
    def pending(self) -> bool:
        """True when a change waits to be built."""
        return self._first is not None

    def mark(self, path: str, now: float) -> None:
        """Record a change to `path` at time `now`."""
        if self._first is None:
            self._first = now
        self._last = max(self._last, now)
        self._paths.add(path)

    def wait_time(self, now: float) -> float | None:
        """Return how long to wait until the pending burst is due (0: due now), or None when nothing is pending."""
        if self._first is None:
            return None
        due = min(self._last + self.quiet, self._first + self.max_delay)
        return max(0.0, due - now)

    def take(self, now: float) -> frozenset[str] | None:
        """Return and clear the pending paths if the burst is due, else None."""
        wait = self.wait_time(now)
        if wait is None or wait > 0:
            return None
        paths = frozenset(self._paths)
        self._first, self._paths = None, set()
        return paths


def is_ignored(path: str, ignore_dirs: Iterable[str] = ()) -> bool:
    """True when a change to `path` must not trigger a build (editor droppings, VCS data, output dirs)."""
    parts = Path(path).parts
    if any(part in IGNORED_DIRS for part in parts):
        return True
    if any(fnmatch.fnmatchcase(parts[-1] if parts else "", pattern) for pattern in IGNORED_NAMES):
        return True
    absolute = os.path.abspath(path)
    return any(absolute == d or absolute.startswith(d.rstrip(os.sep) + os.sep)
               for d in (os.path.abspath(x) for x in ignore_dirs))


def event_paths(event_type: str, src: str, dest: str = "", is_directory: bool = False,
                ignore_dirs: Iterable[str] = ()) -> list[str]:
    """Return the paths a file-system event changed that count (none for reads and ignored files)."""
    if event_type not in COUNTED_EVENTS or (is_directory and event_type == "modified"):
        return []
    ignore_dirs = tuple(ignore_dirs)
    candidates = [src, dest] if event_type == "moved" else [src]
    return [p for p in candidates if p and not is_ignored(p, ignore_dirs)]


class Watcher:
    """A watchdog observer on `root` plus one build thread that calls `on_change(paths)` once per burst."""

    def __init__(self, root: Path, on_change: OnChange, *, quiet: float = QUIET_PERIOD, max_delay: float = MAX_DELAY,
                 ignore_dirs: Iterable[Path | str] = (), clock: Callable[[], float] = time.monotonic):
        self.root = Path(root)
        self._on_change = on_change
        self._debouncer = Debouncer(quiet, max_delay)
        self._ignore = tuple(str(d) for d in ignore_dirs)
        self._clock = clock
        self._wake = threading.Condition()
        self._stopping = False
        self._observer = Observer()
        self._thread = threading.Thread(target=self._run, name="bundlesmith-watch", daemon=True)

    def __enter__(self) -> "Watcher":
        # The root itself, then each folder in it that counts: an output folder inside the workspace (tens of
        # thousands of folders for a large workspace) must not cost an inotify watch per folder.
        self._handler = _Handler(self)
        self._observer.schedule(self._handler, str(self.root), recursive=False)
        for child in sorted(self.root.iterdir()) if self.root.is_dir() else ():
            self._watch_folder(str(child))
        self._observer.start()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop watching; a build in progress finishes first."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=30)

    def trigger(self, path: str = "") -> None:
        """Ask for a build, as a file event does (the flag is set; the build thread does the work)."""
        with self._wake:
            self._debouncer.mark(path, self._clock())
            self._wake.notify_all()

    def _watch_folder(self, path: str) -> None:
        """Watch a folder directly under the root, and everything below it, unless it is ignored."""
        if os.path.dirname(os.path.abspath(path)) == os.path.abspath(self.root) and os.path.isdir(path) \
                and not is_ignored(path, self._ignore):
            self._observer.schedule(self._handler, path, recursive=True)

    def _notice(self, event: FileSystemEvent) -> None:
        dest = getattr(event, "dest_path", "") or ""
        if event.is_directory and event.event_type in ("created", "moved"):
            self._watch_folder(_text(dest or event.src_path))  # a folder that appears under the root
        for path in event_paths(event.event_type, _text(event.src_path), _text(dest), event.is_directory,
                                self._ignore):
            self.trigger(path)

    def _run(self) -> None:
        while True:
            with self._wake:
                paths = None
                while not self._stopping and paths is None:
                    paths = self._debouncer.take(self._clock())
                    if paths is None:
                        self._wake.wait(timeout=self._debouncer.wait_time(self._clock()))
                if self._stopping:
                    return
            try:
                self._on_change(paths)
            except Exception:  # a failing build is the callback's to report; the watcher keeps watching
                log.exception("rebuild after changes to %s failed", ", ".join(sorted(paths)) or "the workspace")


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher):
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._watcher._notice(event)


def _text(path: str | bytes) -> str:
    return os.fsdecode(path)
