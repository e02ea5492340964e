"""The local-directory target: the one publisher (`publish.publisher`) over a `publish.directory.DirectoryStore`.

    target = LocalTarget(Path("public"), retention=config.retention)
    report = target.apply(outcomes, config.cache, keep_only=ids)     # LocalReport: what `bundlesmith build` prints

    # or, from worker processes (see builder.parallel): each worker publishes the sources it builds
    run = target.begin(config.cache, keep_only=ids)
    done = build_parallel(builder, workspace, jobs, after=partial(target.publish_built, run))   # in the workers
    report = target.finish(run, done)                                                            # in the parent

`bundlesmith build --out DIR` and `bundlesmith publish --env local` are the same publish to a directory, so either
may follow the other: one per-source state (`.bundlesmith/sources/`, `publish.state`), builds kept per source for
rollback, propagation recorded per object, unreferenced immutable files deleted after the grace period. What only a
directory needs: `_headers` (`publish.headers.HeadersFile`), so a static host serves each file as S3 + CloudFront
would; nothing under `.bundlesmith/` is in it. Each object's entry is appended before the object is renamed into
place, and the file is rewritten from the state afterwards, so a served file never lacks its entry, even after
`kill -9`. A key of the stored state that could leave the directory (a tampered state) is refused, never touched,
and reported (`LocalReport.refused`).
`bundlesmith build` does not verify by default (`LocalTarget(verify=False)`): at 10,000 sources a verifying build
with nothing changed took 11.4 s against 0.9 s (every state read, every file stat-checked against the journal,
`_headers` rewritten from every state), so drift by hand is caught when asked (`publish --verify`).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from builder.build import SourceFailure, SourceOutcome
from builder.models import CacheConfig, RetentionConfig
from builder.problems import Problem
from publish.directory import DirectoryStore
from publish.headers import HeadersFile
from publish.publisher import Publisher, PublishRun, SourceDone
from publish.report import PublishReport, SourceResult


def directory_publisher(root: Path, cache: CacheConfig, retention: RetentionConfig | None = None, *,
                        clock: Callable[[], float] = time.time, keep_builds: bool = True) -> Publisher:
    """Return the publisher of a directory target, which writes `_headers` with its state."""
    headers = HeadersFile(root)  # the store appends each new object's entry before the object, forgets deleted ones
    return Publisher(DirectoryStore(root, headers), cache, retention, clock=clock, keep_builds=keep_builds,
                     on_published=headers.published)


@dataclass
class LocalReport:
    """What one build into a directory did, in files."""

    built: list[str] = field(default_factory=list)
    failed: list[SourceFailure] = field(default_factory=list)
    not_written: list[SourceResult] = field(default_factory=list)  # built, but a write failed: kept as it was
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (key, rule): state keys that could leave the root
    up_to_date: list[str] = field(default_factory=list)  # sources not built again: the directory serves their inputs
    publish: PublishReport = field(default_factory=PublishReport)

    @property
    def ok(self) -> bool:
        """True when every source was built and written."""
        return not self.failed and not self.not_written

    def problems(self) -> list[Problem]:
        """Return the problems of every failed source."""
        return [p for f in self.failed for p in f.problems]


class LocalTarget:
    """A directory served as the CDN origin."""

    def __init__(self, root: Path, *, retention: RetentionConfig | None = None,
                 clock: Callable[[], float] = time.time, keep_builds: bool = False, verify: bool = False):
        self.root, self.retention, self.clock, self.keep_builds = Path(root), retention, clock, keep_builds
        self.verify = verify
        self._publisher: Publisher | None = None
        self._listed: Publisher | None = None  # made by `served_inputs`: the next `begin` trusts what it listed

    def served_inputs(self, cache: CacheConfig) -> dict[str, list[str | None]]:
        """Return, for each source the directory serves, the inputs its markers record (one listing of names, which
        the next `begin` reuses while the folder is unchanged)."""
        self._listed = directory_publisher(self.root, cache, self.retention, clock=self.clock,
                                           keep_builds=self.keep_builds)
        return self._listed.served_inputs()

    def apply(self, outcomes: Iterable[SourceOutcome], cache: CacheConfig,
              keep_only: set[str] | None = None) -> LocalReport:
        """Publish every built source, keep failed ones as they were; with `keep_only`, drop other sources."""
        run = self.begin(cache, keep_only=keep_only)
        return self.finish(run, (self.publish_built(run, o) for o in outcomes))

    def begin(self, cache: CacheConfig, *, keep_only: set[str] | None = None) -> PublishRun:
        """Read the directory's state once, before any source is written."""
        listed, self._listed = self._listed, None
        self._publisher = listed if listed is not None and listed.cache is cache else directory_publisher(
            self.root, cache, self.retention, clock=self.clock, keep_builds=self.keep_builds)
        return self._publisher.begin(keep_only=keep_only, verify=self.verify)

    def publish_built(self, run: PublishRun, outcome: SourceOutcome) -> SourceDone:
        """Write one source where it was built (possibly a forked worker)."""
        assert self._publisher is not None, "begin() first"
        return self._publisher.publish_built(run, outcome)

    def finish(self, run: PublishRun, done: Iterable[SourceDone]) -> LocalReport:
        """Record what was written, remove what is gone, write the state and `_headers`."""
        assert self._publisher is not None, "begin() first"
        done = list(done)
        store = self._publisher.store
        report = self._publisher.finish_built(run, done)
        refused = list(dict.fromkeys(store.refused)) if isinstance(store, DirectoryStore) else []
        gone = {k for r in report.results for k in r.deleted} | set(report.collected)
        local = LocalReport(publish=report, refused=refused, removed=sorted(gone - {k for k, _ in refused}))
        local.not_written += [r for r in report.results[len(done):] if r.status == "failed"]  # sources that left
        written: set[str] = set()
        unchanged: set[str] = set()
        for item in done:
            if item.plan.failure is not None:
                local.failed.append(item.plan.failure)
            elif item.result.status == "failed":
                local.not_written.append(item.result)
            elif not item.plan.removed:
                local.built.append(item.plan.source_id)
                written.update(item.result.uploaded)
                unchanged.update(item.plan.unchanged)
        local.written, local.unchanged = sorted(written), sorted(unchanged - written)
        return local
