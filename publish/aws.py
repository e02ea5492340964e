"""The one AWS boundary: botocore errors become our tree (`builder.errors`) here, for S3, SQS and CloudFront alike.

    client = aws_client("s3", region="us-east-1")                     # our retries, fast timestamps
    with translate_aws_errors(f"Failed to upload {key} to {bucket}"):  # PublishError / TransientError
        client.put_object(...)
    with translate_aws_errors(f"Failed to receive from {url}", QueueError):       # SQS: QueueError
        client.receive_message(...)
    with_retries(lambda: client.get_object(...), "Failed to read ...", sleep=time.sleep)   # transient: retried

`translate_aws_errors(what, error)` raises `error` (default PublishError) with the message "<what>: <code> <AWS
message>", `raise ... from exc` keeping the cause. A PublishError that is worth retrying (throttling, a 5xx, a
timeout) is a TransientError; `with_retries` retries those with exponential backoff, visible in the log, and tests
drive it with an injected `sleep`. Other error classes (QueueError, SnapshotError) have no transient kind: nothing
retries them here (the queue's own redelivery is the retry).

`aws_client` makes the clients bundlesmith uses: botocore's retries off (ours instead) and ISO 8601 timestamps
parsed with `datetime.fromisoformat` instead of dateutil, since a listing parses one `LastModified` per key (10,000
per listing of 10,000 sources' markers: about a second of dateutil on this machine, for a field never read).
"""
from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectionError as BotoConnectionError
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

from builder.errors import BundlesmithError, PublishError, TransientError

log = logging.getLogger(__name__)

NO_BOTOCORE_RETRIES = Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=30)
TRANSIENT_CODES = {"SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed",
                   "InternalError", "ServiceUnavailable", "TooManyRequestsException", "503", "500"}
T = TypeVar("T")
_session: Any = None
_session_lock = threading.Lock()


def aws_client(service: str, *, region: str | None = None, endpoint_url: str | None = None) -> Any:
    """Create a boto3 client with our retries and the fast timestamp parser (one botocore session per process)."""
    import boto3  # imported when a command needs AWS: start-up time of the CLI
    import botocore.session

    global _session
    with _session_lock:
        if _session is None:
            core = botocore.session.get_session()
            core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
            _session = boto3.Session(botocore_session=core)
        return _session.client(service, region_name=region, endpoint_url=endpoint_url, config=NO_BOTOCORE_RETRIES)


def parse_timestamp(value: str) -> datetime.datetime:
    """Parse an AWS timestamp: ISO 8601 with the standard library, anything else as botocore does."""
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        from botocore.utils import parse_timestamp as botocore_parse

        return botocore_parse(value)


@contextmanager
def translate_aws_errors(what: str, error: type[BundlesmithError] = PublishError) -> Iterator[None]:
    """Translate botocore exceptions raised inside the block into `error` (or its transient kind)."""
    transient = TransientError if error is PublishError else error
    try:
        yield
    except ClientError as exc:
        found = exc.response.get("Error", {})
        code = str(found.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        message = f"{what}: {code or status} {found.get('Message', '')}".rstrip()
        if code in TRANSIENT_CODES or status >= 500:
            raise transient(message) from exc
        raise error(message) from exc
    except (ReadTimeoutError, ConnectTimeoutError, BotoConnectionError) as exc:
        raise transient(f"{what}: {exc}") from exc
    except BotoCoreError as exc:
        raise error(f"{what}: {exc}") from exc


def with_retries(call: Callable[[], T], what: str, *, sleep: Callable[[float], None], attempts: int = 5,
                 backoff: float = 0.2) -> T:
    """Run `call` inside translate_aws_errors, retrying transient failures with exponential backoff."""
    for attempt in range(1, attempts + 1):
        try:
            with translate_aws_errors(what):
                return call()
        except TransientError as exc:
            if attempt == attempts:
                raise
            delay = backoff * 2 ** (attempt - 1)
            log.warning("%s (attempt %d of %d); retrying in %.1f s", exc, attempt, attempts, delay)
            sleep(delay)
    raise AssertionError("unreachable")

