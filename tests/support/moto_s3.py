"""S3 and CloudFront under moto for publish tests: clients made after the mock starts, PUT counting, faults.

    with mock_aws():
        s3 = s3_client()                                  # no botocore retries: ours are under test
        puts = PutRecorder(s3)                            # every PutObject / CopyObject key, in order
        FaultInjector(s3).fail("prefix/v1/projects/wk/settings", [503, "timeout", 500])   # then succeed
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

from publish.aws import NO_BOTOCORE_RETRIES

REGION = "us-east-1"
BUCKET = "cdn-bucket"


def fake_credentials(monkeypatch: Any) -> None:
    """Point boto3 at fake credentials and a region, so nothing can reach real AWS."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def list_keys(s3: Any, prefix: str, bucket: str = BUCKET) -> list[str]:
    """Return every key under `prefix` in the bucket, across listing pages."""
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def s3_client(endpoint_url: str | None = None) -> Any:
    """Return an S3 client without botocore retries (create it after the mock starts)."""
    return boto3.client("s3", region_name=REGION, endpoint_url=endpoint_url, config=NO_BOTOCORE_RETRIES)


def cloudfront_client(endpoint_url: str | None = None) -> Any:
    """Return a CloudFront client (create it after the mock starts)."""
    return boto3.client("cloudfront", region_name=REGION, endpoint_url=endpoint_url, config=NO_BOTOCORE_RETRIES)


def create_distribution(cloudfront: Any, bucket: str = BUCKET) -> str:
    """Create a CloudFront distribution in front of the bucket; return its id."""
    origin = {"Id": "s3", "DomainName": f"{bucket}.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}
    response = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "bundlesmith-test", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                                 "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})
    return response["Distribution"]["Id"]


def _key_of(request: Any) -> str:
    from urllib.parse import unquote, urlparse
    path = unquote(urlparse(request.url).path).lstrip("/")
    return path[len(BUCKET) + 1:] if path.startswith(BUCKET + "/") else path  # path-style or virtual-hosted


class PutRecorder:
    """Records the key of every PutObject and CopyObject a client sends, in order."""

    def __init__(self, client: Any):
        self.keys: list[str] = []
        self._lock = threading.Lock()
        for op in ("PutObject", "CopyObject"):
            client.meta.events.register(f"before-send.s3.{op}", self._record)

    def _record(self, request: Any, **_: Any) -> None:
        with self._lock:
            self.keys.append(_key_of(request))

    def clear(self) -> None:
        with self._lock:
            self.keys.clear()

    def objects(self) -> list[str]:
        """Return the served keys put (the private state under .bundlesmith/ left out)."""
        return [k for k in self.keys if "/.bundlesmith/" not in f"/{k}"]


class FaultInjector:
    """Answers chosen requests with an error instead of sending them: 500, 503 SlowDown, or a read timeout."""

    def __init__(self, client: Any):
        self._faults: dict[str, list[int | str]] = {}
        self._lock = threading.Lock()
        self.injected: list[tuple[str, int | str]] = []
        client.meta.events.register_first("before-send.s3.*", self._maybe_fail)

    def fail(self, key: str, faults: list[int | str]) -> None:
        """Make the next writes of `key` (the full object key) fail, one fault each ("always": forever)."""
        with self._lock:
            self._faults[key] = list(faults)

    def _maybe_fail(self, request: Any, **_: Any) -> AWSResponse | None:
        key = _key_of(request)
        if request.method not in ("PUT", "POST") or not key:
            return None
        with self._lock:
            if not self._faults.get(key):
                return None
            fault = self._faults[key][0]
            if fault != "always":
                self._faults[key].pop(0)
            self.injected.append((key, fault))
        if fault == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        status, code = (503, "SlowDown") if fault in (503, "always") else (500, "InternalError")
        body = f"<Error><Code>{code}</Code><Message>injected fault</Message></Error>".encode()
        return AWSResponse(request.url, status, {"Content-Type": "application/xml"}, _Raw(body))


class _Raw:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@contextmanager
def threaded_moto() -> Iterator[str]:
    """Run moto's server on 127.0.0.1 (a free port) for tests that cross threads or processes; yield its URL.

    moto keeps its state in this process, across servers: each server starts from an empty state, so a test never
    sees another test's buckets and queues.
    """
    import logging

    import requests
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        requests.post(f"http://{host}:{port}/moto-api/reset", timeout=10).raise_for_status()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
