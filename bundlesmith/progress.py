"""Progress of long work on a terminal: one line on stderr, rewritten in place a few times a second.

    with progress_for("building", unit="sources", as_json=as_json) as bar:   # quiet unless stderr is a terminal
        for outcome in bar.wrap(outcomes, total=len(sources)):
            ...
    load_workspace(root, catalog, progress=bar.update)                  # or as a (done, total) callback

The line reads `building: 4,096/10,000 sources (40%), 2,731/s, ETA 0:03`. It is shown only where a person watches:
stderr is a terminal, the `CI` environment variable is unset (or empty, `0`, `false`), `TERM` is not `dumb` and the
command was not asked for `--json`; everywhere else nothing is written, so logs and pipes stay clean. The line is
redrawn at most every `INTERVAL` seconds (and once at the end), then erased when the work is done, leaving the
command's own output as it was. What to show and when is decided by the pure functions `progress_wanted`,
`format_progress` and `due`; `Progress` only applies them to a stream and a clock.
"""
from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TextIO, TypeVar

from bundlesmith.terminal import escape_controls

log = logging.getLogger(__name__)

INTERVAL = 0.2  # seconds between two redraws: five a second at most
ERASE = "\r\x1b[K"  # back to the start of the line, clear it
_FALSE = ("", "0", "false", "no", "off")

T = TypeVar("T")


def progress_wanted(is_terminal: bool, env: Mapping[str, str], as_json: bool = False) -> bool:
    """Return True when progress should be drawn: a terminal, not CI, not a dumb terminal, not --json."""
    in_ci = env.get("CI", "").strip().lower() not in _FALSE
    return is_terminal and not as_json and not in_ci and env.get("TERM", "") != "dumb"


def due(now: float, last_shown: float | None, done: int, total: int, interval: float = INTERVAL) -> bool:
    """Return True when the line should be redrawn: the first time, at the end, or `interval` after the last."""
    return last_shown is None or done >= total or now - last_shown >= interval


def format_progress(label: str, done: int, total: int, elapsed: float, unit: str = "sources") -> str:
    """Return the progress line: done/total, percentage, rate and time left (once a rate is known)."""
    line = f"{label}: {done:,}/{total:,} {unit}"
    if total > 0:
        line += f" ({min(done, total) * 100 // total}%)"
    if done > 0 and elapsed > 0:
        rate = done / elapsed
        line += f", {rate:,.0f}/s"
        if done < total:
            line += f", ETA {_clock(max(total - done, 0) / rate)}"
    return line


def _clock(seconds: float) -> str:
    """Return a duration as m:ss, or h:mm:ss past an hour."""
    whole = math.ceil(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Draw one progress line on `stream` (nothing at all when `enabled` is False)."""

    def __init__(self, label: str, stream: TextIO | None = None, *, enabled: bool = True, unit: str = "sources",
                 clock: Callable[[], float] = time.monotonic, interval: float = INTERVAL):
        self.label, self.unit, self.enabled, self.clock, self.interval = label, unit, enabled, clock, interval
        self.stream = stream if stream is not None else sys.stderr
        self.started = clock()
        self.done, self.total = 0, 0
        self._last: float | None = None
        self.drawn = 0  # how many times the line was drawn (tests and curious readers)

    def update(self, done: int, total: int) -> None:
        """Record that `done` of `total` items are finished; redraw the line when it is due."""
        self.done, self.total = done, total
        if not self.enabled:
            return
        now = self.clock()
        if due(now, self._last, done, total, self.interval):
            self._last = now
            self._write(ERASE + escape_controls(format_progress(self.label, done, total, now - self.started,
                                                                self.unit)))
            self.drawn += 1

    def advance(self, count: int = 1) -> None:
        """Record `count` more items finished."""
        self.update(self.done + count, self.total)

    def wrap(self, items: Iterable[T], total: int) -> Iterator[T]:
        """Yield `items`, counting each one as finished once the consumer asks for the next."""
        self.update(self.done, total)
        for item in items:
            yield item
            self.advance()

    def close(self) -> None:
        """Erase the line, leaving the terminal as it was before the work started."""
        if self.enabled and self.drawn:
            self._write(ERASE)
            self.drawn = 0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on without its progress line
            log.debug("progress line not written", exc_info=True)
            self.enabled = False


def progress_for(label: str, *, unit: str = "sources", as_json: bool = False,
                 stream: TextIO | None = None) -> Progress:
    """Return a Progress on stderr (or `stream`), drawing only when `progress_wanted` says a person watches."""
    stream = stream if stream is not None else sys.stderr
    try:
        is_terminal = stream.isatty()
    except (AttributeError, ValueError):
        is_terminal = False
    return Progress(label, stream, enabled=progress_wanted(is_terminal, os.environ, as_json), unit=unit)
