"""Publish targets looked up by URL scheme: a local directory or an S3 bucket behind CloudFront.

    target = open_target(workspace_dir, config, "production")     # the `targets:` entry of workspace.yaml
    target.plan(outcomes, keep_only=ids)       # publish.plan.Plan
    target.publish(outcomes, invalidate=True)  # publish.report.PublishReport (verify=True: catch drift as well)
    target.rollback("storefront"); target.status()

    file://public, public, /srv/cdn   -> publish.publisher.Publisher over publish.directory.DirectoryStore
                                         (relative to the workspace dir: `TargetConfig.local_dir`; writes `_headers`)
    s3://bucket/prefix                -> publish.publisher.Publisher over publish.s3.S3Store (+ CloudFront)

Every target is the same Publisher over a different store, so publish, versions and rollback, status and the
propagation records behave alike everywhere. AWS clients are made by `make_client(service, target)` when a target is
opened (never at import time); tests pass their own, created after moto starts. An unknown scheme is a UsageError.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from builder.build import SourceOutcome
from builder.errors import UsageError
from builder.models import TargetConfig, WorkspaceFile
from publish.aws import aws_client
from publish.cloudfront import CloudFrontInvalidator
from publish.local import directory_publisher
from publish.plan import Plan
from publish.publisher import Publisher
from publish.report import PublishReport
from publish.s3 import S3Store

ClientFactory = Callable[[str, TargetConfig], Any]


class Target(Protocol):
    """What every publish target does."""

    def plan(self, outcomes: Iterable[SourceOutcome], keep_only: set[str] | None = None, *,
             verify: bool = False) -> Plan: ...
    def publish(self, outcomes: Iterable[SourceOutcome], *, invalidate: bool = False,
                keep_only: set[str] | None = None, verify: bool = False,
                remove: Iterable[str] = ()) -> PublishReport: ...
    def rollback(self, source_id: str, to: str | None = None, *, invalidate: bool = False) -> PublishReport: ...
    def status(self) -> dict[str, Any]: ...
    def source_status(self, source_id: str) -> dict[str, Any] | None: ...


def make_client(service: str, target: TargetConfig) -> Any:
    """Create a boto3 client for a target (our retries, not botocore's; `publish.aws.aws_client`)."""
    return aws_client(service, region=target.region, endpoint_url=target.endpoint_url if service == "s3" else None)


def open_target(workspace_dir: Path, config: WorkspaceFile, env: str, *, make_client: ClientFactory | None = None,
                clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
                workers: int = 8) -> Target:
    """Open the target named `env` in the workspace's `targets:`."""
    target = config.targets.get(env)
    if target is None:
        raise UsageError(f"no target named '{env}' in {workspace_dir / 'workspace.yaml'}; "
                         f"targets: {', '.join(sorted(config.targets)) or 'none'}")
    scheme = urlparse(target.url).scheme
    opener = OPENERS.get(scheme)
    if opener is None:
        raise UsageError(f"target '{env}' has the URL {target.url!r}, whose scheme '{scheme}' is unknown; "
                         "use a directory, file://DIR or s3://BUCKET/PREFIX")
    return opener(workspace_dir, config, target, make_client or globals()["make_client"], clock, sleep, workers)


def _open_local(workspace_dir: Path, config: WorkspaceFile, target: TargetConfig, make_client: ClientFactory,
                clock: Callable[[], float], sleep: Callable[[float], None], workers: int) -> Target:
    folder = target.local_dir(workspace_dir)
    assert folder is not None, "OPENERS sends only file:// and plain paths here"
    return directory_publisher(folder, config.cache, config.retention, clock=clock)


def _open_s3(workspace_dir: Path, config: WorkspaceFile, target: TargetConfig, make_client: ClientFactory,
             clock: Callable[[], float], sleep: Callable[[float], None], workers: int) -> Target:
    parsed = urlparse(target.url)
    if not parsed.netloc:
        raise UsageError(f"target URL {target.url!r} names no bucket; expected s3://BUCKET/PREFIX")
    store = S3Store(make_client("s3", target), parsed.netloc, parsed.path.strip("/"), sleep=sleep)
    invalidator = (CloudFrontInvalidator(make_client("cloudfront", target), target.distribution, clock=clock,
                                         sleep=sleep) if target.distribution else None)
    return Publisher(store, config.cache, config.retention, invalidator=invalidator, clock=clock, workers=workers,
                     configure_bucket=True)


OPENERS = {"": _open_local, "file": _open_local, "s3": _open_s3}
