"""`bundlesmith worker`: a stateless consumer of change messages that builds and publishes what they name.

    worker = Worker(queue, snapshots, open_guard=partial(open_guard, env="production"), workdir=Path("/tmp/w"))
    worker.run(stop)                  # until `stop` is set (SIGTERM): finishes the message in hand, then returns
    worker.handle(message)            # "processed" | "retry" | "dead-lettered"

Per message: decode it (a malformed one goes straight to the dead-letter queue, with the reason); fetch and
unpack the workspace snapshot it names (cached per version); hold the target's per-source guard for its sources
(`bundlesmith.workers.guard`: one lock per source, the version recorded in each source's state); decide per source
(`changes.decide`: publish, duplicate, stale); build and publish only what is to be published (sources
the snapshot no longer has are removed); release; delete the message. A heartbeat thread extends the message's
visibility and renews the locks while the message is in hand, so a long build is not handed to another worker.
A failure leaves the message to come back (after a short delay); on its last receive (the queue's
`maxReceiveCount`) the worker moves it to the dead-letter queue itself, with the reason.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

from builder.assets import Assets
from builder.build import Builder, SourceFailure
from builder.catalog import Catalog, load_catalog
from builder.errors import ChangeFormatError, UsageError
from builder.private_values import PrivateIndex
from builder.workspace import Workspace, load_workspace, load_workspace_file
from bundlesmith.workers.changes import Change, Version, decide, decode_change
from bundlesmith.workers.guard import open_guard
from bundlesmith.workers.queue import ChangeQueue, Message
from bundlesmith.workers.snapshots import (LocalSnapshotStore, S3SnapshotStore, SnapshotStore, open_snapshot_store,
                                          unpack_snapshot)
from publish.aws import NO_BOTOCORE_RETRIES

log = logging.getLogger(__name__)

GuardOpener = Callable[[Path, Any], Any]  # (workspace dir, WorkspaceFile) -> bundlesmith.workers.guard.SourceGuard
CACHED_VERSIONS = 2


@dataclass
class ChangeResult:
    """What one change message did, per source."""

    version: Version
    published: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    not_built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class Worker:
    """Consumes one queue: each message is built and published, retried, or dead-lettered with its reason."""

    def __init__(self, queue: ChangeQueue, snapshots: SnapshotStore, *, open_guard: GuardOpener, workdir: Path,
                 catalog: Catalog | None = None, assets: Assets | None = None, visibility: int = 120,
                 wait: int = 20, retry_delay: int = 5, accept: str | None = None, name: str = "worker"):
        self.queue, self.snapshots, self.open_guard, self.workdir = queue, snapshots, open_guard, workdir
        self.accept, self.name = accept, name
        self._guards: dict[tuple[str, str], Any] = {}
        self.catalog = catalog or load_catalog()
        self.builder = Builder(self.catalog, assets or Assets.load())
        self.visibility, self.wait, self.retry_delay = visibility, wait, retry_delay
        self._workspaces: OrderedDict[Version, tuple[Workspace, str]] = OrderedDict()
        self._private: dict[Version, PrivateIndex] = {}  # each cached snapshot's private values, in memory only
        self.results: list[ChangeResult] = []

    def run(self, stop: threading.Event, max_messages: int | None = None) -> int:
        """Handle messages until `stop` is set (or `max_messages` were handled); return how many were handled."""
        handled = 0
        while not stop.is_set() and (max_messages is None or handled < max_messages):
            for message in self.queue.receive(wait=self.wait, visibility=self.visibility):
                if stop.is_set():
                    self.queue.extend(message, 0)  # let another worker have it now
                    continue
                self.handle(message)
                handled += 1
        return handled

    def handle(self, message: Message) -> str:
        """Process one message; return "processed", "retry" or "dead-lettered"."""
        try:
            change = decode_change(message.body)
        except ChangeFormatError as exc:
            log.error("message %s is not a change message (%s): dead-lettered", message.id, exc)
            self.queue.dead_letter(message, f"not a change message: {exc}")
            return "dead-lettered"
        with self._heartbeat(message) as held:
            try:
                result = self.process(change, held)
            except Exception as exc:  # any failure: the message comes back, or goes to the DLQ on its last try
                return self._failed(message, change, exc)
        self.queue.delete(message)
        self.results.append(result)
        log.info("version %d: published %s, removed %s, duplicate %s, stale %s, not built %s", change.version.number,
                 result.published, result.removed, result.duplicate, result.stale, result.not_built)
        return "processed"

    def process(self, change: Change, held: list[Any] | None = None) -> ChangeResult:
        """Build and publish the sources of one change that the target does not serve at this version or newer."""
        workspace, origin = self._workspace(change)
        if workspace.config is None:
            raise ChangeFormatError(f"workspace.yaml of version {change.version.number} is invalid: "
                                    + "; ".join(p.message for p in workspace.problems[:3]))
        guard = self._guard(Path(origin), workspace.config)
        result = ChangeResult(change.version)
        with guard.hold(change.sources) as hold:
            if held is not None:
                held.append(hold)
            decisions = {sid: decide(change.version, hold.published.get(sid)) for sid in change.sources}
            for sid, decision in decisions.items():
                if decision != "publish":
                    getattr(result, decision).append(sid)
            wanted = [sid for sid, d in decisions.items() if d == "publish"]
            present = workspace.source_ids()
            outcomes = list(self.builder.build_all(workspace, only=[s for s in wanted if s in present],
                                                   private=self._private_values(change.version, workspace)))
            removed = {s for s in wanted if s not in present}
            report = hold.publish(outcomes, change.version, removed=removed)
            for r in report.results:
                bucket = {"published": result.published, "removed": result.removed, "unchanged": result.unchanged,
                          "not-built": result.not_built}.get(r.status)
                if bucket is None:
                    raise RuntimeError(f"{r.source_id} could not be published: {r.error}")
                bucket.append(r.source_id)
            result.not_built += [o.source_id or o.file for o in outcomes if isinstance(o, SourceFailure)
                                 and o.source_id not in result.not_built]
        return result

    def _failed(self, message: Message, change: Change, exc: Exception) -> str:
        reason = f"{type(exc).__name__}: {exc}"
        last = self.queue.max_receive_count
        if last is not None and message.receive_count >= last:
            log.error("version %d failed on its last try (%d): %s; dead-lettered", change.version.number,
                      message.receive_count, reason)
            self.queue.dead_letter(message, reason)
            return "dead-lettered"
        log.warning("version %d failed (try %d of %s): %s; it will be retried", change.version.number,
                    message.receive_count, last or "unlimited", reason)
        self.queue.extend(message, min(self.visibility, self.retry_delay * message.receive_count))
        return "retry"

    @contextmanager
    def _heartbeat(self, message: Message) -> Iterator[list[Any]]:
        """Extend the message's visibility and renew the held locks every third of the visibility timeout."""
        held: list[Any] = []
        done = threading.Event()

        def beat() -> None:
            while not done.wait(max(1.0, self.visibility / 3)):
                try:
                    self.queue.extend(message, self.visibility)
                    for hold in held:
                        hold.renew()
                except Exception as exc:  # reported; the publish itself notices a lost lock
                    log.warning("heartbeat of message %s failed: %s", message.id, exc)
        thread = threading.Thread(target=beat, name=f"bundlesmith-heartbeat-{message.id[:8]}", daemon=True)
        thread.start()
        try:
            yield held
        finally:
            done.set()
            thread.join(timeout=30)

    def _guard(self, origin: Path, config: Any) -> Any:
        """Return the guard of the target (one per target config: clients are made once)."""
        key = (str(origin), config.model_dump_json(include={"targets", "cache", "retention"}))
        if key not in self._guards:
            self._guards[key] = self.open_guard(origin, config)
        return self._guards[key]

    def _private_values(self, version: Version, workspace: Workspace) -> PrivateIndex:
        """Return the private values of every source of the snapshot (indexed once per cached version)."""
        if version not in self._private:
            self._private[version] = PrivateIndex.of_sources(workspace.sources, self.catalog)
        for old in self._private.keys() - self._workspaces.keys():
            del self._private[old]
        return self._private[version]

    def _workspace(self, change: Change) -> tuple[Workspace, str]:
        """Return the loaded workspace of the change's version and the producer's directory (relative local
        targets resolve against it), fetching the snapshot on first use."""
        cached = self._workspaces.get(change.version)
        if cached is not None:
            self._workspaces.move_to_end(change.version)
            return cached
        if self.accept is not None and not change.snapshot.startswith(self.accept.rstrip("/") + "/"):
            raise ChangeFormatError(f"the snapshot {change.snapshot} is not under {self.accept}")
        snapshot = unpack_snapshot(self.snapshots.read(change.snapshot))
        if snapshot.content_hash != change.version.content_hash:
            raise ChangeFormatError(f"the snapshot {change.snapshot} holds {snapshot.content_hash[:12]}, not the "
                                    f"version's {change.version.content_hash[:12]}")
        root = self.workdir / f"{change.version.number:012d}-{snapshot.content_hash[:16]}"
        workspace = load_workspace(snapshot.materialize(root), self.catalog)
        self._workspaces[change.version] = (workspace, snapshot.origin or str(root))
        while len(self._workspaces) > CACHED_VERSIONS:
            _, (old, _) = self._workspaces.popitem(last=False)
            shutil.rmtree(old.root, ignore_errors=True)
        return self._workspaces[change.version]


# --- composition for the CLI: clients from the environment (AWS_* variables, AWS_ENDPOINT_URL), made here ---------

def open_queue(url: str) -> ChangeQueue:
    """Return the ChangeQueue at an SQS queue URL (the endpoint is the URL's host)."""
    import boto3  # imported when a command needs AWS: start-up time of the CLI

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageError(f"expected an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), got {url!r}")
    host = parsed.netloc.split(".")
    region = host[1] if len(host) > 3 and host[0] == "sqs" else None
    return ChangeQueue(boto3.client("sqs", region_name=region, endpoint_url=f"{parsed.scheme}://{parsed.netloc}",
                                    config=NO_BOTOCORE_RETRIES), url)


def _s3_client() -> Any:
    import boto3  # imported when a command needs AWS: start-up time of the CLI

    return boto3.client("s3", config=NO_BOTOCORE_RETRIES)


def snapshot_store_for(workspace: Path, snapshots: str) -> SnapshotStore:
    """Return the snapshot store a producer writes to, refusing one inside a bucket the workspace publishes to.

    A snapshot holds the workspace files, private settings included: it belongs in a bucket (or a directory) that
    no CDN serves, never beside the published objects, where one loose bucket policy would make it public.
    """
    config, _ = load_workspace_file(workspace)
    wanted = urlparse(snapshots)
    for name, target in sorted(config.targets.items()) if config is not None else []:
        served = urlparse(target.url)
        if wanted.scheme == "s3" and served.scheme == "s3" and wanted.netloc == served.netloc:
            raise UsageError(f"--snapshots {snapshots} is in the bucket '{served.netloc}' that the target '{name}' "
                             "publishes to; snapshots hold private settings, so keep them in a bucket the CDN "
                             "does not serve")
    return open_snapshot_store(snapshots, _s3_client)


class _AnySnapshots:
    """Reads snapshots wherever a message says they are (S3 or this host's disk)."""

    def __init__(self) -> None:
        self._s3: Any = None

    def create(self, packed: tuple[bytes, str]) -> tuple[Version, str]:
        raise UsageError("a worker does not create snapshots")

    def read(self, location: str) -> bytes:
        """Return the snapshot bytes at an s3:// URL or a path."""
        if location.startswith("s3://"):
            if self._s3 is None:
                self._s3 = S3SnapshotStore(_s3_client(), "")
            return self._s3.read(location)
        return LocalSnapshotStore(Path(location).parent).read(location)


def make_worker(queue_url: str, env: str, *, accept: str | None = None, visibility: int = 120, lease: float = 120.0,
                wait: int = 20, workdir: Path | None = None) -> Worker:
    """Compose a Worker from the environment's AWS configuration."""
    name = f"{os.uname().nodename}-{os.getpid()}"
    workdir = workdir or Path(tempfile.mkdtemp(prefix="bundlesmith-worker-"))
    return Worker(open_queue(queue_url), _AnySnapshots(), workdir=workdir, visibility=visibility, wait=wait,
                  accept=accept, name=name,
                  open_guard=lambda origin, config: open_guard(origin, config, env, owner=name, lease=lease))
