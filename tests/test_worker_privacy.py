"""A worker builds the sources a change names but checks them against the private values of every source of the
snapshot: a source that would publish another source's secret is not built, the others are published."""
from __future__ import annotations

from bundlesmith.workers.producer import enqueue_changes
from bundlesmith.workers.snapshots import S3SnapshotStore
from tests.support.moto_s3 import BUCKET, REGION
from tests.support.workspaces import web_source, write_workspace
from tests.test_worker import _drain, _served, _worker, aws  # noqa: F401  (aws is a fixture)


def _mixpanel(mode: str, **settings: str) -> dict:
    return {"destination": "Mixpanel", "name": "Mixpanel", "mode": mode, "settings": settings}


def test_a_worker_refuses_a_source_that_publishes_a_secret_of_a_source_it_was_not_asked_to_build(aws, tmp_path):
    endpoint, s3, queue, _ = aws
    secret = "secret-of-a-9c1e"
    root = write_workspace(tmp_path / "ws", sources={
        "a": web_source("a", [_mixpanel("cloud", token="tok-a", apiSecret=secret)]),
        "b": web_source("b", [_mixpanel("device", token=secret)]),
        "c": web_source("c", [_mixpanel("device", token="tok-c")]),
    }, targets={"prod": {"url": f"s3://{BUCKET}/site", "region": REGION, "endpoint_url": endpoint}})
    enqueue_changes(root, ["b", "c"], queue, S3SnapshotStore(s3, BUCKET, "site"))
    worker = _worker(endpoint, s3, queue, tmp_path)
    assert _drain(worker, queue) == ["processed"]
    (result,) = worker.results
    assert result.published == ["c"] and result.not_built == ["b"]
    assert b"tok-c" in _served(s3, "v1/projects/wk_c/settings")
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="site/").get("Contents", [])
    assert not any(o["Key"].startswith(("site/v1/projects/wk_b", "site/analytics.js/v1/wk_b")) for o in listed)
