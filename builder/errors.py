"""Every error bundlesmith reports to a user, in one tree; the CLI prints the message (never a traceback).

    BundlesmithError            the base: the CLI prints "error: <message>" and exits 1
     ├── ConfigError            workspace.yaml cannot be loaded at all (carries every Problem found)
     ├── CatalogError           the destination catalog or an adapter is broken
     ├── UsageError             a command asks for something that does not exist (unknown source, target): exit 2
     ├── PublishError           a call to the target (S3, CloudFront, a directory) failed for good; the message
     │    │                     names the operation, the key and the bucket or folder
     │    ├── TransientError    throttling (503 SlowDown), a 5xx or a timeout: retried with backoff first
     │    ├── LockBusy          a worker waited too long for a source another live worker holds
     │    └── LeaseLost         another worker took over a source lock this worker held (its lease ran out)
     ├── QueueError             an SQS call (send, receive, delete, visibility, dead-letter) failed
     ├── SnapshotError          a workspace snapshot cannot be written, found or read
     └── ChangeFormatError      a queue message is not a change message this worker understands (dead-lettered)

Every floor raises from here (`builder/` is the bottom one, so `publish/` and `bundlesmith/` can import it).
botocore's exceptions become these in one place, `publish.aws.translate_aws_errors`, with `raise ... from exc`.
Not in the tree, on purpose: `bundlesmith.serve.connections.ApiError` is an HTTP answer of the admin API (status,
code, sentence), not a failure of the domain; `builder.yaml_builder.YamlBoundError` and
`bundlesmith.serve.api_values.MaskedWithoutValue` are private signals that their one caller (`yaml_loader`,
`connections`) turns into a Problem or an ApiError.
"""
from __future__ import annotations

from collections.abc import Sequence

from builder.problems import Problem, format_problems


class BundlesmithError(Exception):
    """Base class of every error bundlesmith reports to a user."""


class ConfigError(BundlesmithError):
    """The workspace configuration is invalid; `problems` lists every violation found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(format_problems(self.problems))


class CatalogError(BundlesmithError):
    """The destination catalog or one of its adapters is unusable."""


class UsageError(BundlesmithError):
    """The command names something that does not exist or cannot be done."""


class PublishError(BundlesmithError):
    """A call to the target failed for good."""


class TransientError(PublishError):
    """A call failed in a way worth retrying (throttling, 5xx, timeout)."""


class LockBusy(PublishError):
    """A source stayed locked by a live worker for longer than the wait allowed."""


class LeaseLost(PublishError):
    """Another worker took over a lock this worker held (its lease ran out)."""


class QueueError(BundlesmithError):
    """A call to the change queue (SQS) failed."""


class SnapshotError(BundlesmithError):
    """A workspace snapshot cannot be written, found or read."""


class ChangeFormatError(BundlesmithError):
    """A queue message is not a change message this worker understands."""
