"""The worker under the threaded moto server (SQS and S3): duplicates, stale versions, the DLQ, locks, per-source
state written by compare-and-swap."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import boto3
import pytest

from builder.build import SourceBuild
from bundlesmith.workers.changes import Change, encode_change
from builder.errors import LockBusy
from bundlesmith.workers.guard import SourceGuard, lock_key, open_guard
from bundlesmith.workers.producer import enqueue_changes
from bundlesmith.workers.queue import ChangeQueue, create_queues
from bundlesmith.workers.snapshots import S3SnapshotStore, pack_workspace
from bundlesmith.workers.worker import Worker
from publish.state import state_key
from publish.aws import NO_BOTOCORE_RETRIES
from tests.support.moto_s3 import BUCKET, REGION, PutRecorder, fake_credentials, list_keys, s3_client, threaded_moto
from tests.support.publishing import build
from tests.support.workspaces import web_source, write_workspace


@pytest.fixture
def aws(monkeypatch):
    fake_credentials(monkeypatch)
    with threaded_moto() as endpoint:
        s3 = s3_client(endpoint)
        s3.create_bucket(Bucket=BUCKET)
        sqs = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint, config=NO_BOTOCORE_RETRIES)
        url, dlq = create_queues(sqs, "changes", max_receive_count=2, visibility=30)
        yield endpoint, s3, ChangeQueue(sqs, url), ChangeQueue(sqs, dlq)


def _write(root: Path, endpoint: str, tokens: dict[str, str]) -> Path:
    sources = {sid: web_source(sid, [{"destination": "Mixpanel", "name": "Mixpanel", "mode": "device",
                                      "settings": {"token": token}}]) for sid, token in tokens.items()}
    if root.exists():
        for old in (root / "sources").glob("*.yaml"):
            old.unlink()
    return write_workspace(root, sources=sources, targets={
        "prod": {"url": f"s3://{BUCKET}/site", "region": REGION, "endpoint_url": endpoint}})


def _worker(endpoint: str, s3, queue: ChangeQueue, tmp_path: Path, **guard) -> Worker:
    def opener(origin, config):
        return open_guard(origin, config, "prod", make_client=lambda service, target: s3_client(endpoint), **guard)
    return Worker(queue, S3SnapshotStore(s3, BUCKET, "site"), open_guard=opener, workdir=tmp_path / "work",
                  wait=1, visibility=30, retry_delay=0)


def _served(s3, key: str) -> bytes:
    return s3.get_object(Bucket=BUCKET, Key=f"site/{key}")["Body"].read()


def _drain(worker: Worker, queue: ChangeQueue) -> list[str]:
    done = []
    while messages := queue.receive(wait=0, limit=10):
        done += [worker.handle(m) for m in messages]
    return done


def test_the_same_message_delivered_twice_publishes_once(aws, tmp_path):
    endpoint, s3, queue, _ = aws
    root = _write(tmp_path / "ws", endpoint, {"a": "tok_a1", "b": "tok_b1"})
    enqueue_changes(root, None, queue, S3SnapshotStore(s3, BUCKET, "site"))
    body = queue.receive(wait=0)[0]
    queue.send([body.body])  # the at-least-once delivery SQS allows: the same change again
    queue.extend(body, 0)
    worker = _worker(endpoint, s3, queue, tmp_path)
    puts = PutRecorder(worker._guard(root, build(root)[0]).publisher.store.client)
    assert _drain(worker, queue) == ["processed", "processed"]
    assert [sorted(r.published) for r in worker.results] == [["a", "b"], []]
    assert sorted(worker.results[1].duplicate) == ["a", "b"]
    served = [k for k in puts.objects() if not k.startswith("site/next-integrations/")]
    assert sorted(served) == ["site/analytics.js/v1/wk_a/analytics.min.js", "site/analytics.js/v1/wk_b/analytics.min.js",
                              "site/v1/projects/wk_a/settings", "site/v1/projects/wk_b/settings"]


def test_an_older_version_arriving_after_a_newer_one_is_not_published(aws, tmp_path):
    endpoint, s3, queue, _ = aws
    snapshots = S3SnapshotStore(s3, BUCKET, "site")
    root = _write(tmp_path / "ws", endpoint, {"a": "tok_old"})
    old, old_at = snapshots.create(pack_workspace(root))
    _write(root, endpoint, {"a": "tok_new"})
    new, _ = enqueue_changes(root, ["a"], queue, snapshots)
    worker = _worker(endpoint, s3, queue, tmp_path)
    assert _drain(worker, queue) == ["processed"]
    queue.send([encode_change(Change(old, old_at, ("a",)))])  # delivered late
    assert _drain(worker, queue) == ["processed"]
    assert worker.results[1].stale == ["a"] and worker.results[1].published == []
    assert b"tok_new" in _served(s3, "v1/projects/wk_a/settings")
    assert json.loads(_served(s3, state_key("a")))["version"]["number"] == new.number > old.number


def test_a_source_the_snapshot_no_longer_has_is_removed(aws, tmp_path):
    endpoint, s3, queue, _ = aws
    snapshots = S3SnapshotStore(s3, BUCKET, "site")
    root = _write(tmp_path / "ws", endpoint, {"a": "tok_a", "b": "tok_b"})
    enqueue_changes(root, None, queue, snapshots)
    worker = _worker(endpoint, s3, queue, tmp_path)
    _drain(worker, queue)
    _write(root, endpoint, {"a": "tok_a"})
    enqueue_changes(root, ["b"], queue, snapshots)
    _drain(worker, queue)
    assert worker.results[-1].removed == ["b"]
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="site/v1/")["Contents"]}
    assert keys == {"site/v1/projects/wk_a/settings"}
    states = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="site/.bundlesmith/sources/")["Contents"]}
    assert states == {f"site/{state_key('a')}"}
    assert [k for k in list_keys(s3, "site/.bundlesmith/served/")] == [
        k for k in list_keys(s3, "site/.bundlesmith/served/") if "/a@" in k] != []


def test_a_malformed_message_goes_to_the_dlq_with_its_reason(aws, tmp_path):
    endpoint, s3, queue, dlq = aws
    queue.send(["not json"])
    assert _drain(_worker(endpoint, s3, queue, tmp_path), queue) == ["dead-lettered"]
    dead = dlq.receive(wait=0)
    assert dead[0].body == "not json"
    assert dead[0].attributes["reason"].startswith("not a change message: the message body is not JSON")


def test_a_message_that_keeps_failing_is_retried_then_dead_lettered_with_the_reason(aws, tmp_path):
    endpoint, s3, queue, dlq = aws
    root = _write(tmp_path / "ws", endpoint, {"a": "tok_a"})
    version, _ = S3SnapshotStore(s3, BUCKET, "site").create(pack_workspace(root))
    missing = f"s3://{BUCKET}/site/.bundlesmith/snapshots/000000000099.json.gz"
    queue.send([encode_change(Change(version, missing, ("a",)))])
    worker = _worker(endpoint, s3, queue, tmp_path)
    assert _drain(worker, queue) == ["retry", "dead-lettered"]  # maxReceiveCount is 2
    dead = dlq.receive(wait=0)[0]
    assert "Failed to read the snapshot" in dead.attributes["reason"] and dead.attributes["receive_count"] == "2"


def test_a_live_lock_is_waited_for_and_an_expired_one_is_taken_over(aws, tmp_path):
    endpoint, s3, queue, _ = aws
    root = _write(tmp_path / "ws", endpoint, {"a": "tok_a"})
    config, _ = build(root)
    now = [1000.0]
    first = open_guard(root, config, "prod", make_client=lambda s, t: s3_client(endpoint), owner="first", lease=60)
    second = SourceGuard(first.publisher, first.store, owner="second", clock=lambda: now[0],
                         sleep=lambda s: now.__setitem__(0, now[0] + s), lease=60, wait=5)
    first.clock = lambda: now[0]
    with first.hold(["a"]):
        with pytest.raises(LockBusy, match="a stayed locked by first for 5 s"):
            with second.hold(["a"]):
                pass
        now[0] += 120  # the first holder's lease ran out (it was killed)
        with second.hold(["a"]) as held:
            assert json.loads(_served(s3, lock_key("a")))["owner"] == "second"
            assert held.etags["a"]
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="site/.bundlesmith/locks/")


def test_concurrent_publishes_of_different_sources_lose_no_update(aws, tmp_path):
    endpoint, s3, queue, _ = aws
    root = _write(tmp_path / "ws", endpoint, {f"s{i}": f"tok_{i}" for i in range(8)})
    config, outcomes = build(root)
    guard = open_guard(root, config, "prod", make_client=lambda s, t: s3_client(endpoint))
    from bundlesmith.workers.changes import Version
    start = threading.Barrier(len(outcomes), timeout=30)

    def publish(outcome: SourceBuild) -> None:
        with guard.hold([outcome.source_id]) as held:
            start.wait()
            assert held.publish([outcome], Version(1, "h"), removed=set()).ok
    threads = [threading.Thread(target=publish, args=(o,)) for o in outcomes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for i in range(8):
        state = json.loads(_served(s3, state_key(f"s{i}")))
        assert state["version"] == {"number": 1, "hash": "h"} and state["build_id"] == outcomes[i].build_id


def test_two_writers_of_one_source_one_loses_its_compare_and_swap_and_is_retried(aws, tmp_path):
    endpoint, s3, queue, _ = aws
    root = _write(tmp_path / "ws", endpoint, {"a": "tok_1"})
    config, first = build(root)
    guard = open_guard(root, config, "prod", make_client=lambda s, t: s3_client(endpoint))
    from bundlesmith.workers.changes import Version
    with guard.hold(["a"]) as held:
        assert held.publish(first, Version(1, "h1"), removed=set()).ok
    _write(root, endpoint, {"a": "tok_2"})
    _, second = build(root)
    _write(root, endpoint, {"a": "tok_3"})
    _, third = build(root)
    # a paused holder (its lease taken over) and the worker that took over both publish `a`: their reads of the
    # state happened before either wrote, so exactly one compare-and-swap wins
    read_at = guard.store.get_versioned(state_key("a"))[1]
    real = guard.store.get_versioned
    guard.store.get_versioned = lambda key: (real(key)[0], read_at) if key == state_key("a") else real(key)
    with guard.hold(["a"]) as held:
        winner = held.publish(second, Version(2, "h2"), removed=set())
        loser = held.publish(third, Version(3, "h3"), removed=set())
    guard.store.get_versioned = real
    assert winner.ok and not loser.ok
    [failed] = loser.failed
    assert "was written by another writer meanwhile" in failed.error
    state = json.loads(_served(s3, state_key("a")))
    assert state["version"]["number"] == 2 and state["build_id"] == second[0].build_id  # no lost update
    with guard.hold(["a"]) as held:  # the retry reads the fresh state and wins
        assert held.publish(third, Version(3, "h3"), removed=set()).ok
    assert json.loads(_served(s3, state_key("a")))["version"]["number"] == 3
    assert b"tok_3" in _served(s3, "v1/projects/wk_a/settings")
