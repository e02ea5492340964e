"""What the service knows about each source: last build, what is published, last error (pure data + a board).

    record = after_build(record, outcome, now)              # pure: a new SourceStatus
    record = after_publish(record, result, now, visible_by)  # pure
    board.put(record); board.get("shop"); board.wait_for(lambda b: ..., timeout=10)

A failed build or publish never erases what is published: `published_build_id` and `visible_everywhere_by` stay
those of the last good publish, and `last_error` says what went wrong, with file and line.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from builder.build import SourceBuild, SourceOutcome
from builder.problems import Problem


@dataclass(frozen=True)
class ErrorRecord:
    """Why the last build or publish of a source failed."""

    stage: str  # build | publish
    at: float
    message: str
    problems: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class SourceStatus:
    """One source as the service sees it."""

    source_id: str
    file: str = ""
    state: str = "pending"  # pending | published | build-failed | publish-failed | removed | enqueued
    build_id: str | None = None        # the last successful build
    built_at: float | None = None
    builds: int = 0                    # builds attempted since the service started
    published_build_id: str | None = None
    published_at: float | None = None
    visible_everywhere_by: float | None = None
    last_error: ErrorRecord | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


def problem_dicts(problems: Iterable[Problem]) -> tuple[dict[str, Any], ...]:
    """Return problems as JSON-ready dicts, sorted by file and line."""
    return tuple(p.as_dict() for p in sorted(problems, key=Problem.sort_key))


def after_build(record: SourceStatus, outcome: SourceOutcome, now: float) -> SourceStatus:
    """Record a build: a success becomes the last build; a failure becomes the last error (nothing else changes)."""
    if isinstance(outcome, SourceBuild):
        return replace(record, file=outcome.file, build_id=outcome.build_id, built_at=now, builds=record.builds + 1,
                       state="pending" if outcome.build_id != record.published_build_id else "published")
    first = sorted(outcome.problems, key=Problem.sort_key)[:1]
    return replace(record, file=outcome.file, builds=record.builds + 1, state="build-failed",
                   last_error=ErrorRecord("build", now, str(first[0]) if first else "the source could not be built",
                                          problem_dicts(outcome.problems)))


def after_publish(record: SourceStatus, status: str, now: float, visible_by: float | None,
                  error: str | None = None) -> SourceStatus:
    """Record what publishing the last build did (`status` as in `publish.report.SourceResult`)."""
    if status in ("published", "unchanged", "rolled-back"):
        changed = status == "rolled-back" or record.published_build_id != record.build_id
        return replace(record, state="published", published_build_id=record.build_id,
                       published_at=now if changed else record.published_at,
                       visible_everywhere_by=visible_by if changed else record.visible_everywhere_by,
                       last_error=None)
    if status == "removed":
        return replace(record, state="removed", published_build_id=None, visible_everywhere_by=visible_by,
                       published_at=now)
    return replace(record, state="publish-failed",
                   last_error=ErrorRecord("publish", now, error or f"publishing ended as {status}"))


@dataclass
class StatusBoard:
    """Every source's status, shared between the build loop and the admin API."""

    records: dict[str, SourceStatus] = field(default_factory=dict)
    problems: tuple[dict[str, Any], ...] = ()  # problems no source can own: workspace.yaml, unreadable new files
    version: int = 0
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _fresh: set[str] = field(default_factory=set, repr=False)  # ids put since `take_fresh()`

    def get(self, source_id: str) -> SourceStatus | None:
        """Return one source's status."""
        with self._changed:
            return self.records.get(source_id)

    def all(self) -> list[SourceStatus]:
        """Return every source's status, by id."""
        with self._changed:
            return [self.records[k] for k in sorted(self.records)]

    def put(self, *records: SourceStatus, problems: tuple[dict[str, Any], ...] | None = None) -> None:
        """Store new records (and the workspace-level problems) and wake whoever waits."""
        with self._changed:
            for record in records:
                self.records[record.source_id] = record
                self._fresh.add(record.source_id)
            if problems is not None:
                self.problems = problems
            self.version += 1
            self._changed.notify_all()

    def drop(self, source_ids: Iterable[str]) -> None:
        """Forget sources that left the workspace and the target."""
        with self._changed:
            for source_id in source_ids:
                self.records.pop(source_id, None)
            self.version += 1
            self._changed.notify_all()

    def take_fresh(self) -> set[str]:
        """Return (and forget) the ids of the records put since the last call."""
        with self._changed:
            fresh, self._fresh = self._fresh, set()
            return fresh

    def wait_for(self, predicate: Callable[["StatusBoard"], bool], timeout: float) -> bool:
        """Wait (bounded) until `predicate(board)` holds; return whether it did."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout=timeout)
