"""The one AWS boundary: botocore errors become our tree, for S3, SQS and CloudFront alike (publish/aws.py)."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from moto import mock_aws

from builder.errors import BundlesmithError, PublishError, QueueError, SnapshotError, TransientError
from bundlesmith.workers.queue import ChangeQueue, Message
from publish.aws import NO_BOTOCORE_RETRIES, translate_aws_errors, with_retries
from publish.cloudfront import CloudFrontInvalidator
from tests.support.moto_s3 import REGION, fake_credentials


def _client_error(code: str, status: int, message: str = "went wrong") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "PutObject")


@pytest.mark.parametrize("raised, error, expected, line", [
    (_client_error("AccessDenied", 403), PublishError, PublishError, "Failed to upload k to b: AccessDenied went wrong"),
    (_client_error("SlowDown", 503), PublishError, TransientError, "Failed to upload k to b: SlowDown went wrong"),
    (_client_error("", 500, ""), PublishError, TransientError, "Failed to upload k to b: 500"),
    (_client_error("SlowDown", 503), QueueError, QueueError, "Failed to upload k to b: SlowDown went wrong"),
    (_client_error("NoSuchKey", 404), SnapshotError, SnapshotError, "Failed to upload k to b: NoSuchKey went wrong"),
])
def test_a_botocore_error_becomes_the_asked_error_of_our_tree_with_its_cause(raised, error, expected, line):
    with pytest.raises(BundlesmithError) as caught:
        with translate_aws_errors("Failed to upload k to b", error):
            raise raised
    assert type(caught.value) is expected and str(caught.value) == line and caught.value.__cause__ is raised


def test_timeouts_and_lost_connections_are_transient_for_the_target_only():
    timeout = ReadTimeoutError(endpoint_url="http://127.0.0.1:1/")
    with pytest.raises(TransientError, match="^Failed to read k: Read timeout"):
        with translate_aws_errors("Failed to read k"):
            raise timeout
    with pytest.raises(QueueError, match="^Failed to receive from q: Could not connect"):
        with translate_aws_errors("Failed to receive from q", QueueError):
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1/")


def test_transient_failures_are_retried_with_backoff_then_surface():
    waits: list[float] = []
    calls = iter([_client_error("SlowDown", 503), _client_error("SlowDown", 503), "done"])

    def call() -> str:
        found = next(calls)
        if isinstance(found, Exception):
            raise found
        return found
    assert with_retries(call, "Failed to put k", sleep=waits.append) == "done" and waits == [0.2, 0.4]

    def always() -> None:
        raise _client_error("SlowDown", 503)
    with pytest.raises(TransientError, match="^Failed to put k: SlowDown"):
        with_retries(always, "Failed to put k", sleep=waits.append, attempts=2)


def test_an_sqs_failure_is_a_queue_error_naming_the_queue(monkeypatch):
    fake_credentials(monkeypatch)
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION, config=NO_BOTOCORE_RETRIES)
        url = sqs.create_queue(QueueName="changes")["QueueUrl"]
        queue = ChangeQueue(sqs, url + "-gone")
        with pytest.raises(QueueError, match=f"^Failed to receive from {url}-gone: "):
            queue.receive(wait=0)
        message = Message("m-1", "receipt", "{}", 1, {})
        with pytest.raises(QueueError, match=rf"^{url} has no dead-letter queue \(RedrivePolicy\); message m-1 stays$"):
            ChangeQueue(sqs, url).dead_letter(message, "why")


def test_a_cloudfront_failure_is_a_publish_error_naming_the_distribution(monkeypatch):
    fake_credentials(monkeypatch)
    with mock_aws():
        cloudfront = boto3.client("cloudfront", region_name=REGION, config=NO_BOTOCORE_RETRIES)
        invalidator = CloudFrontInvalidator(cloudfront, "EMISSING", sleep=lambda _: None)
        with pytest.raises(PublishError, match="^Failed to invalidate 1 paths on CloudFront distribution EMISSING: "):
            invalidator.invalidate(["/v1/projects/wk/settings"])
