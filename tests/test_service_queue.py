"""`bundlesmith serve --queue`: the service validates every edit and hands the sources it affects to the workers'
SQS queue (threaded moto) instead of publishing them itself; a bad edit is never enqueued."""
from __future__ import annotations

import boto3
from click.testing import CliRunner

from bundlesmith.cli import main
from bundlesmith.workers.changes import decode_change
from bundlesmith.workers.producer import enqueue_changes
from bundlesmith.workers.queue import ChangeQueue, create_queues
from bundlesmith.workers.snapshots import LocalSnapshotStore, unpack_snapshot
from publish.aws import NO_BOTOCORE_RETRIES
from tests.support.moto_s3 import REGION, fake_credentials, threaded_moto
from tests.support.publishing import copy_acme, edit
from tests.support.service import live_service

ACME = ["backend", "marketing", "mobile-app", "storefront"]


def _drain(queue: ChangeQueue) -> list:  # type: ignore[type-arg]
    """Receive and delete every message waiting in the queue (bounded long polls)."""
    changes = []
    while messages := queue.receive(wait=1, limit=10):
        for message in messages:
            changes.append(decode_change(message.body))
            queue.delete(message)
    return changes


def test_serve_with_a_queue_enqueues_what_each_edit_affects_and_publishes_nothing_itself(tmp_path, monkeypatch):
    fake_credentials(monkeypatch)
    root = copy_acme(tmp_path)
    with threaded_moto() as endpoint:
        sqs = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint, config=NO_BOTOCORE_RETRIES)
        queue = ChangeQueue(sqs, create_queues(sqs, "changes")[0])
        snapshots = LocalSnapshotStore(tmp_path / "snapshots")
        dispatch = lambda ids: enqueue_changes(root, ids, queue, snapshots)  # noqa: E731
        with live_service(root, dispatch=dispatch) as live:
            (start,) = _drain(queue)                       # the reconcile on start: every source, one snapshot
            assert sorted(start.sources) == ACME
            assert {r.source_id: r.state for r in live.service.board.all()} == dict.fromkeys(ACME, "enqueued")

            edit(root / "sources/storefront.yaml", "trackAllPages: true", "trackAllPages: false")
            live.wait(lambda board: board.get("storefront").builds == 2)
            (change,) = _drain(queue)
            assert change.sources == ("storefront",) and change.version.number == start.version.number + 1
            files = unpack_snapshot(snapshots.read(change.snapshot)).files
            assert "trackAllPages: false" in files["sources/storefront.yaml"]

            edit(root / "sources/storefront.yaml", "type: web", "type: webb")   # invalid: never enqueued
            live.wait(lambda board: board.get("storefront").state == "build-failed")
            assert _drain(queue) == []
            assert live.service.board.get("storefront").last_error is not None
        assert not (root / "public").exists()              # the workers publish, not the service


def test_queue_and_snapshots_go_together():
    result = CliRunner().invoke(main, ["serve", "samples/acme", "--queue", "https://sqs.us-east-1.amazonaws.com/1/q"])
    assert result.exit_code == 2
    assert "--queue and --snapshots go together" in result.output
