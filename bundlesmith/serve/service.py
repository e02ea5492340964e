"""`bundlesmith serve` as composition: load, reconcile, watch, one build loop, publish, status, webhooks.

    with Service(Path("samples/acme"), env="local") as service:   # reconciles the target with the config first
        service.board.get("storefront")     # last build, what is published, visible_everywhere_by, last error
        service.rebuild(["storefront"])     # marks dirty; the build loop builds and publishes
        service.wait_idle(timeout=10)

Pipeline: a file event (`bundlesmith.watch.Watcher`, coalesced) or an API call becomes an `Affected`
(`affected`, pure) marked on the `BuildLoop`; its one thread reloads what changed (`LiveWorkspace`), builds
those sources through the cache and publishes the builds with `keep_only` = the sources that exist (status and
webhooks as soon as the served objects are up, the target's own state written right after), so a deleted
source file unpublishes its source (Segment and RudderStack delete a source's settings when the source is
deleted). A source that fails to build is not published: its last good objects keep being served, byte for byte,
and the failure is recorded (status, log, `build.failed` webhook). While any file's source id is unknown (it has
never parsed) nothing is removed. On start every source is marked dirty: the publisher's plan against the target
uploads only what is missing or outdated, which is how a crash converges. Stopping lets a running publish finish.
With `dispatch` (`serve --queue`), sources that build are handed to the workers instead (`enqueue_changes`): this
process still validates every edit, so a bad one is never enqueued and its error shows in the status board.
"""
from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from builder import resources
from builder.build import SourceBuild, SourceOutcome
from builder.errors import UsageError
from bundlesmith.serve.affected import Affected, affected
from bundlesmith.serve.build_loop import BuildLoop
from bundlesmith.serve.incremental import LiveWorkspace
from bundlesmith.serve.status import SourceStatus, StatusBoard, after_build, after_publish, problem_dicts
from bundlesmith.serve.webhooks import WebhookSender
from bundlesmith.watch import MAX_DELAY, QUIET_PERIOD, Watcher
from publish.propagation import visible_everywhere_by
from publish.targets import open_target

log = logging.getLogger(__name__)

TargetOpener = Callable[..., Any]
Dispatch = Callable[[list[str]], Any]  # hands source ids to the workers (bundlesmith.workers.producer.enqueue_changes)


class Service:
    """One workspace served to one target: the build loop, the watchers, the status board and the webhooks."""

    def __init__(self, root: Path, env: str = "local", *, quiet: float = QUIET_PERIOD, max_delay: float = MAX_DELAY,
                 target_opener: TargetOpener = open_target, clock: Callable[[], float] = time.time,
                 watch_assets: bool = False, webhook_options: dict[str, Any] | None = None,
                 dispatch: Dispatch | None = None):
        self.root, self.env, self.clock = Path(root), env, clock
        self._dispatch = dispatch  # `serve --queue`: the workers publish; this process validates and enqueues
        self._quiet, self._max_delay, self._watch_assets = quiet, max_delay, watch_assets
        self._open_target, self._webhook_options = target_opener, webhook_options or {}
        self.live = LiveWorkspace(self.root)
        if self.live.config is None:
            raise UsageError("workspace.yaml is invalid, so the service cannot know where to publish:\n"
                             + "\n".join(str(p) for p in self.live.config_problems))
        self.target = self._open(self.live.config)
        self.board = StatusBoard()
        self.loop = BuildLoop(self._work)
        self.publish_lock = threading.Lock()  # publishes and rollbacks never overlap
        self.hooks = WebhookSender(self.live.config.webhooks, self.live.config.id, **self._webhook_options)
        self._watchers: list[Watcher] = []

    # --- lifecycle --------------------------------------------------------------------------------------------

    def __enter__(self) -> "Service":
        self._seed_published()
        self.hooks.__enter__()
        self.loop.__enter__()
        self.loop.mark(Affected(frozenset(self.live.uses()), rescan=True, reasons=("start: reconcile",)))
        ignore = [self.local_folder()] if self.local_folder() else []
        self._watchers.append(Watcher(self.root, self._on_paths, quiet=self._quiet, max_delay=self._max_delay,
                                      ignore_dirs=ignore).__enter__())
        if self._watch_assets:
            for folder in (resources.templates_dir(), resources.snippets_dir()):
                self._watchers.append(Watcher(folder, self._on_paths, quiet=self._quiet,
                                              max_delay=self._max_delay).__enter__())
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop watching; let the running build and publish finish; stop the webhooks."""
        for watcher in self._watchers:
            watcher.stop()
        self._watchers.clear()
        self.loop.stop()
        self.hooks.stop()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait (bounded) until nothing is pending or building."""
        return self.loop.wait_idle(timeout)

    # --- triggers: each only marks work dirty ---------------------------------------------------------------------

    def _on_paths(self, paths: Iterable[str]) -> None:
        self.loop.mark(affected(paths, root=self.root, uses=self.live.uses(), templates=resources.templates_dir(),
                                snippets=resources.snippets_dir()))

    def rebuild(self, source_ids: Iterable[str] | None = None) -> list[str]:
        """Mark sources (every one when None) to be built and published again; return their ids."""
        if source_ids is None:
            files = frozenset(self.live.entries)
        else:
            files = frozenset(f for sid in source_ids if (f := self.live.file_of(sid)) is not None)
        self.loop.mark(Affected(files, rescan=source_ids is None, reasons=("rebuild requested",)))
        return sorted(self.live.ids[f] for f in files if f in self.live.ids)

    def mark_file(self, file: str, reason: str) -> None:
        """Mark one source file (relative to the root) as changed, as its file event would."""
        self.loop.mark(Affected(frozenset({file}), reasons=(reason,)))

    # --- the one build loop's work -------------------------------------------------------------------------------

    def _work(self, dirty: Affected) -> None:
        """Reload, build and publish what `dirty` names (runs on the build loop's thread only)."""
        reopen, whole = dirty.workspace, dirty.rescan or dirty.workspace or dirty.assets
        if whole:
            gc.unfreeze()  # what the last whole reconcile froze may be garbage now: let full collections see it
        files = self.live.refresh(dirty)
        if self.live.config is None:
            problems = problem_dicts(self.live.config_problems)
            log.error("workspace.yaml is invalid; nothing is built, everything published stays: %s",
                      problems[0]["message"] if problems else "")
            self.board.put(problems=problems)
            return
        if reopen:
            self.target = self._open(self.live.config)
            self.hooks.hooks = list(self.live.config.webhooks)
        outcomes = self.live.build(files)
        self._record_builds(outcomes)
        builds = [o for o in outcomes if isinstance(o, SourceBuild)]
        keep = self.live.keep_ids()
        gone = set() if keep is None else self._gone(keep)
        if (builds or gone) and self._dispatch is not None:
            self._enqueue(sorted({b.source_id for b in builds} | gone))
        elif builds or gone:  # a whole reconcile checks every served source; a change names those that left
            self._publish(builds, set(keep) if whole and keep is not None else None, gone)
        self.board.drop(gone)
        if whole:
            gc.freeze()  # what a whole reconcile loaded lives on: full collections stop walking it after each change

    def _gone(self, keep: Collection[str]) -> set[str]:
        """Return the sources on the board outside `keep`, looking only at those put or left since the last call."""
        suspects = self.board.take_fresh() | self.live.take_left()
        return {sid for sid in suspects if sid not in keep and self.board.get(sid) is not None}

    def _enqueue(self, source_ids: list[str]) -> None:
        """Hand sources that built (and removed ones) to the workers instead of publishing them here."""
        try:
            self._dispatch(source_ids)  # type: ignore[misc]
        except Exception as exc:  # the queue is unreachable: nothing changes on the target
            log.exception("enqueueing %d sources failed", len(source_ids))
            self._record_publishes([(sid, "failed", f"could not enqueue: {exc}") for sid in source_ids])
            return
        log.info("enqueued %s for the workers", ", ".join(source_ids))
        self.board.put(*[replace(self.board.get(sid) or SourceStatus(sid), state="enqueued", last_error=None)
                         for sid in source_ids if self.board.get(sid) is not None])

    def _record_builds(self, outcomes: list[SourceOutcome]) -> None:
        now, records, orphans = self.clock(), [], []
        for outcome in outcomes:
            if outcome.source_id is None:
                orphans.extend(p.as_dict() for p in getattr(outcome, "problems", ()))
                continue
            record = after_build(self.board.get(outcome.source_id) or SourceStatus(outcome.source_id), outcome, now)
            records.append(record)
            if record.state == "build-failed" and record.last_error is not None:
                log.error("%s not built; still serving build %s: %s", record.source_id, record.published_build_id,
                          record.last_error.message)
                self.hooks.notify("build.failed", {"source": record.source_id, "build_id": None,
                                                   "served_build_id": record.published_build_id,
                                                   "visible_everywhere_by": record.visible_everywhere_by,
                                                   "error": record.last_error.message,
                                                   "problems": list(record.last_error.problems)})
        self.board.put(*records, problems=tuple(orphans) + problem_dicts(self.live.config_problems))

    def _publish(self, builds: list[SourceBuild], keep: set[str] | None, gone: set[str]) -> None:
        """Publish (each source's state is written with it) and remove `gone` (with `keep`, also every served source
        outside it), then record it: status, webhooks."""
        with self.publish_lock:
            try:
                report = self.target.publish(builds, keep_only=keep, remove=sorted(gone))
            except Exception as exc:  # the target is unreachable or refused: every source keeps what it served
                log.exception("publishing %d sources to %s failed", len(builds), self.env)
                results = [(b.source_id, "failed", str(exc)) for b in builds]
            else:
                results = [(r.source_id, r.status, r.error) for r in report.results]
        self._record_publishes(results)

    def _record_publishes(self, results: list[tuple[str, str, str | None]]) -> None:
        now, records = self.clock(), []
        assert self.live.config is not None
        for source_id, status, error in results:
            before = self.board.get(source_id) or SourceStatus(source_id)
            visible = visible_everywhere_by(now, self.live.config.cache)
            record = after_publish(before, status, now, visible, error)
            records.append(record)
            event = {"source": source_id, "build_id": record.build_id,
                     "visible_everywhere_by": record.visible_everywhere_by, "error": error}
            if record.state == "publish-failed":
                log.error("publishing %s failed; it keeps serving build %s: %s", source_id,
                          record.published_build_id, error)
                self.hooks.notify("publish.failed", {**event, "served_build_id": record.published_build_id})
            elif record.published_at == now:
                log.info("published %s build %s", source_id, record.published_build_id)
                self.hooks.notify("publish.succeeded", event)
        self.board.put(*[r for r in records if r.state != "removed"])

    # --- what the admin API reads and asks -------------------------------------------------------------------------

    def published(self, source_id: str) -> dict[str, Any] | None:
        """Return what the target's own state says it serves for `source_id` (None if nothing)."""
        return self.target.source_status(source_id)  # one read of that source's state, not a listing

    def target_description(self) -> dict[str, str]:
        """Return the environment published to and its URL."""
        assert self.live.config is not None
        return {"env": self.env, "url": self.live.config.targets[self.env].url}

    def rollback(self, source_id: str, to: str | None = None) -> Any:
        """Serve an earlier build of `source_id` again, between two publishes of the build loop."""
        with self.publish_lock:
            report = self.target.rollback(source_id, to)
        now = self.clock()
        for result in report.results:
            before = self.board.get(result.source_id) or SourceStatus(result.source_id)
            if result.status == "rolled-back":
                self.board.put(replace(before, state="published", published_build_id=result.build_id,
                                       published_at=now, visible_everywhere_by=result.visible_everywhere_by,
                                       last_error=None))
        return report

    # --- helpers ------------------------------------------------------------------------------------------------

    def _open(self, config: Any) -> Any:
        return self._open_target(self.root, config, self.env)

    def local_folder(self) -> Path | None:
        """Return the directory a local target publishes into (None for S3)."""
        config = self.live.config
        target = config.targets.get(self.env) if config else None
        return target.local_dir(self.root) if target else None

    def _seed_published(self) -> None:
        """Start from what the target says it serves, so status is right before the first publish."""
        try:
            served = self.target.status()
        except Exception as exc:  # reconciling will tell
            log.warning("cannot read what %s serves yet: %s", self.env, exc)
            return
        self.board.put(*[SourceStatus(sid, state="published", published_build_id=s.get("build_id"),
                                      published_at=s.get("published_at"),
                                      visible_everywhere_by=s.get("visible_everywhere_by"))
                         for sid, s in served.items()])
