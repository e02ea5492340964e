"""Workspace snapshots: deterministic, content-checked, numbered once each (S3 If-None-Match, local O_EXCL)."""
from __future__ import annotations

import gzip

import pytest
from moto import mock_aws

from builder.errors import SnapshotError, UsageError
from bundlesmith.workers.changes import Version
from bundlesmith.workers.snapshots import LocalSnapshotStore, S3SnapshotStore, pack_workspace, unpack_snapshot
from tests.support.moto_s3 import BUCKET, fake_credentials, s3_client
from tests.support.workspaces import web_source, write_workspace


def _workspace(tmp_path, token="one"):
    return write_workspace(tmp_path / "ws", sources={"site": web_source("site", [
        {"destination": "Mixpanel", "name": "Mixpanel", "mode": "device", "settings": {"token": token}}])})


def test_a_snapshot_holds_the_workspace_files_and_materializes_them(tmp_path):
    root = _workspace(tmp_path)
    (root / "public").mkdir()
    (root / "public" / "junk.yaml").write_text("not: part of it")
    body, content_hash = pack_workspace(root)
    assert pack_workspace(root) == (body, content_hash)  # deterministic
    snapshot = unpack_snapshot(body)
    assert sorted(snapshot.files) == ["sources/site.yaml", "workspace.yaml"]
    assert snapshot.content_hash == content_hash and snapshot.origin == str(root.resolve())
    copy = snapshot.materialize(tmp_path / "copy")
    assert (copy / "sources" / "site.yaml").read_text() == (root / "sources" / "site.yaml").read_text()


def test_a_tampered_snapshot_is_refused(tmp_path):
    body, _ = pack_workspace(_workspace(tmp_path))
    tampered = gzip.compress(gzip.decompress(body).replace(b"token: one", b"token: two"))
    with pytest.raises(SnapshotError, match="do not match its hash"):
        unpack_snapshot(tampered)
    with pytest.raises(SnapshotError, match="unreadable"):
        unpack_snapshot(b"nope")


def test_local_numbers_are_allocated_once_and_an_unchanged_workspace_reuses_the_newest(tmp_path):
    store = LocalSnapshotStore(tmp_path / "snapshots")
    root = _workspace(tmp_path)
    first, where = store.create(pack_workspace(root))
    assert first.number == 1 and store.create(pack_workspace(root)) == (first, where)
    (tmp_path / "snapshots" / "HEAD.json").unlink()  # a lost hint costs attempts, never a reused number
    _workspace(tmp_path, "two")
    second, where2 = store.create(pack_workspace(root))
    assert second.number == 2 and second > first
    assert unpack_snapshot(store.read(where2)).content_hash == second.content_hash
    assert unpack_snapshot(store.read(where)).content_hash == first.content_hash


def test_s3_numbers_are_taken_with_if_none_match(tmp_path, monkeypatch):
    fake_credentials(monkeypatch)
    with mock_aws():
        client = s3_client()
        client.create_bucket(Bucket=BUCKET)
        one, two = S3SnapshotStore(client, BUCKET, "site"), S3SnapshotStore(client, BUCKET, "site")
        root = _workspace(tmp_path)
        first, location = one.create(pack_workspace(root))
        assert location == f"s3://{BUCKET}/site/.bundlesmith/snapshots/000000000001.json.gz"
        stored = client.head_object(Bucket=BUCKET, Key="site/.bundlesmith/snapshots/000000000001.json.gz")
        assert stored["ServerSideEncryption"] == "AES256" and stored["CacheControl"] == "private, no-store"
        client.delete_object(Bucket=BUCKET, Key="site/.bundlesmith/snapshots/HEAD.json")  # both think 1 is next
        _workspace(tmp_path, "two")
        second, location2 = two.create(pack_workspace(root))
        assert second == Version(2, second.content_hash) and location2.endswith("000000000002.json.gz")
        assert unpack_snapshot(one.read(location)).content_hash == first.content_hash
        with pytest.raises(SnapshotError, match="Failed to read the snapshot"):
            one.read(f"s3://{BUCKET}/site/.bundlesmith/snapshots/000000000009.json.gz")


def test_snapshots_hold_private_settings_so_they_never_go_into_a_bucket_the_workspace_publishes_to(tmp_path):
    from bundlesmith.workers.worker import snapshot_store_for

    root = write_workspace(tmp_path / "ws", sources={"site": web_source("site")},
                           targets={"production": {"url": "s3://cdn-bucket/site"}})
    with pytest.raises(UsageError, match="in the bucket 'cdn-bucket' that the target 'production' publishes to"):
        snapshot_store_for(root, "s3://cdn-bucket/private/snapshots")
    assert isinstance(snapshot_store_for(root, str(tmp_path / "snapshots")), LocalSnapshotStore)
