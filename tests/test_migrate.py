"""A target published by the layout-1 code (one `.bundlesmith/manifest.json`) migrates on its first publish.

The fixture `tests/fixtures/legacy_target.json.gz` holds two targets published by bundlesmith before per-source
state (commit 1df72e1), from samples/acme at clock 1000, then again at 2000 with storefront's Mixpanel token changed
to "mp_tok_legacy_2": every object of an S3 target (key, body, Content-Type, Cache-Control) and every file of a
directory target (`.bundlesmith/store/` left out). Both keep storefront's two builds for rollback.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from moto import mock_aws

from builder.build import SourceBuild
from publish.local import directory_publisher
from publish.state import INDEX_KEY, LEGACY_MANIFEST_KEY, SERVED_PREFIX, state_key
from tests.support.moto_s3 import BUCKET, fake_credentials, s3_client
from tests.support.publishing import Clock, build, copy_acme, edit, publisher_for

FIXTURE = json.loads(gzip.decompress((Path(__file__).parent / "fixtures/legacy_target.json.gz").read_bytes()))
FIRST, SECOND = FIXTURE["builds"]["first"], FIXTURE["builds"]["second"]
STOREFRONT_SETTINGS = "v1/projects/wk_storefront_2f9c/settings"
STOREFRONT_BUNDLE = "analytics.js/v1/wk_storefront_2f9c/analytics.min.js"


class S3Target:
    """The fixture's S3 target in moto, and how to read it."""

    def __init__(self, s3):
        self.s3 = s3
        for key, obj in FIXTURE["s3"].items():
            s3.put_object(Bucket=BUCKET, Key=f"site/{key}", Body=obj["body"].encode(), ContentType=obj["content_type"],
                          CacheControl=obj["cache_control"])

    def publisher(self, config, clock):
        return publisher_for(config, self.s3, BUCKET, clock=clock)

    def read(self, key: str) -> bytes | None:
        try:
            return self.s3.get_object(Bucket=BUCKET, Key=f"site/{key}")["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None

    def keys(self, prefix: str) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"site/{prefix}")
        return [o["Key"][5:] for o in listed.get("Contents", [])]


class DirectoryTarget:
    """The fixture's directory target in a temporary folder."""

    def __init__(self, root: Path):
        self.root = root
        for key, body in FIXTURE["directory"].items():
            (root / key).parent.mkdir(parents=True, exist_ok=True)
            (root / key).write_text(body)

    def publisher(self, config, clock):
        return directory_publisher(self.root, config.cache, config.retention, clock=clock)

    def read(self, key: str) -> bytes | None:
        path = self.root / key
        return path.read_bytes() if path.is_file() else None

    def keys(self, prefix: str) -> list[str]:
        base = self.root / prefix
        return [p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file()] if base.exists() else []


@pytest.fixture(params=["s3", "directory"])
def legacy(request, tmp_path, monkeypatch):
    if request.param == "directory":
        yield DirectoryTarget(tmp_path / "public"), FIXTURE["directory"]
        return
    fake_credentials(monkeypatch)
    with mock_aws():
        s3 = s3_client()
        s3.create_bucket(Bucket=BUCKET)
        yield S3Target(s3), {k: v["body"] for k, v in FIXTURE["s3"].items()}


def test_a_legacy_target_migrates_keeps_serving_shows_its_history_and_rolls_back(legacy, tmp_path):
    target, bodies = legacy
    root = copy_acme(tmp_path)
    config, _ = build(root)
    clock = Clock(5000.0)
    served = {k: v.encode() for k, v in bodies.items() if not k.startswith((".bundlesmith/", "_headers"))}
    planned = target.publisher(config, clock).plan([], keep_only=None)
    assert planned.counts() == {"add": 0, "update": 0, "delete": 0, "unchanged": 0}
    assert target.read(LEGACY_MANIFEST_KEY) is not None  # a plan writes nothing

    report = target.publisher(config, clock).publish([])  # the first publish by this version migrates
    assert report.ok and target.read(LEGACY_MANIFEST_KEY) is None
    assert json.loads(target.read(INDEX_KEY)) == {"layout": 2, "orphans": {}, "migrated_at": 5000.0}
    assert {k: target.read(k) for k in served} == served  # every source keeps serving the same bytes
    assert sorted(target.keys(SERVED_PREFIX)) == sorted(f"{SERVED_PREFIX}{sid}@{bid}@-/marker"
                                                        for sid, bid in SECOND.items())

    status = target.publisher(config, clock).status()
    assert sorted(status) == sorted(SECOND)
    storefront = status["storefront"]
    assert storefront["build_id"] == SECOND["storefront"] and storefront["published_at"] == 2000.0
    assert storefront["builds"] == [FIRST["storefront"], SECOND["storefront"]]
    assert [(e["build_id"], e["at"]) for e in storefront["events"]] == [(FIRST["storefront"], 1000.0),
                                                                        (SECOND["storefront"], 2000.0)]
    assert storefront["objects"][STOREFRONT_SETTINGS]["sha256"] == json.loads(
        target.read(state_key("storefront")))["objects"][STOREFRONT_SETTINGS]["sha256"]

    # rollback to a build made before the migration serves that build's bytes (its build copy)
    rolled = target.publisher(config, clock).rollback("storefront")
    assert rolled.ok and rolled.results[0].build_id == FIRST["storefront"]
    for key in (STOREFRONT_SETTINGS, STOREFRONT_BUNDLE):
        copy = f".bundlesmith/builds/storefront/{FIRST['storefront']}/{key}"
        assert target.read(key) == bodies[copy].encode()
    assert b"mp_tok_storefront_91ac" in target.read(STOREFRONT_SETTINGS)
    shown = target.publisher(config, clock).status()["storefront"]
    assert shown["build_id"] == FIRST["storefront"] and shown["events"][-1]["action"] == "rollback"


def test_a_publish_after_the_migration_serves_the_workspace_and_keeps_the_older_builds(legacy, tmp_path):
    target, bodies = legacy
    root = copy_acme(tmp_path)
    edit(root / "sources/storefront.yaml", 'token: "mp_tok_storefront_91ac"', 'token: "mp_tok_after_migration"')
    config, outcomes = build(root)
    clock = Clock(6000.0)
    report = target.publisher(config, clock).publish(outcomes, keep_only={o.source_id for o in outcomes})
    assert report.ok, report.results
    for outcome in outcomes:
        assert isinstance(outcome, SourceBuild)
        for obj in outcome.objects:
            assert target.read(obj.key) == obj.body, obj.key
    storefront = next(o for o in outcomes if o.source_id == "storefront")
    status = target.publisher(config, clock).status()["storefront"]
    assert status["builds"][:2] == [FIRST["storefront"], SECOND["storefront"]]
    assert status["builds"][-1] == storefront.build_id
    rolled = target.publisher(config, clock).rollback("storefront", to=SECOND["storefront"])
    assert rolled.ok and b"mp_tok_legacy_2" in target.read(STOREFRONT_SETTINGS)


def test_a_migration_interrupted_before_its_index_is_done_again(legacy, tmp_path):
    target, bodies = legacy
    config, _ = build(copy_acme(tmp_path))
    publisher = target.publisher(config, Clock(5000.0))
    from publish.migrate import migrate
    publisher.state.write_index = lambda index: (_ for _ in ()).throw(OSError("killed"))  # dies before the index
    with pytest.raises(OSError):
        migrate(publisher.state, 5000.0)
    assert target.read(LEGACY_MANIFEST_KEY) is not None and target.read(INDEX_KEY) is None
    assert target.publisher(config, Clock(5001.0)).publish([]).ok  # migrates again, from the start
    assert target.read(LEGACY_MANIFEST_KEY) is None
    assert target.publisher(config, Clock(5001.0)).status()["storefront"]["builds"] == [FIRST["storefront"],
                                                                                         SECOND["storefront"]]
