"""A publish killed with SIGKILL midway (a subprocess against the threaded moto server) converges when run again."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from pathlib import Path

from builder.build import SourceBuild
from tests.conftest import BUNDLESMITH, REPO
from tests.support.moto_s3 import BUCKET, REGION, fake_credentials, list_keys, s3_client, threaded_moto
from tests.support.publishing import build
from tests.support.workspaces import web_source, write_workspace

SOURCES = 300


def _write(root: Path, endpoint: str, token: str) -> Path:
    sources = {f"s{i:03d}": web_source(f"s{i:03d}", [{"destination": "Mixpanel", "name": "Mixpanel", "mode": "device",
                                                       "settings": {"token": f"{token}_{i}"}}])
               for i in range(SOURCES)}
    return write_workspace(root, sources=sources, targets={
        "prod": {"url": f"s3://{BUCKET}/site", "region": REGION, "endpoint_url": endpoint}})


def _publish(root: Path) -> subprocess.Popen:
    return subprocess.Popen([*BUNDLESMITH, "publish", str(root), "--env", "prod"], cwd=REPO, env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)



def test_a_publish_killed_midway_converges_with_nothing_lost(tmp_path, monkeypatch):
    fake_credentials(monkeypatch)
    with threaded_moto() as endpoint:
        s3 = s3_client(endpoint)
        s3.create_bucket(Bucket=BUCKET)
        root = _write(tmp_path / "ws", endpoint, "first")
        first = _publish(root)
        assert first.wait(timeout=240) == 0, first.stdout.read().decode()
        first.stdout.close()
        old_manifest = s3.get_object(Bucket=BUCKET, Key="site/.bundlesmith/manifest.json")["Body"].read()
        snapshots_before = len(list_keys(s3, "site/.bundlesmith/builds/"))

        root = _write(tmp_path / "ws", endpoint, "second")  # every source changes
        doomed = _publish(root)
        midway = threading.Event()
        for _ in range(2400):  # bounded: at most 2400 listings
            if doomed.poll() is not None:
                break
            if len(list_keys(s3, "site/.bundlesmith/builds/")) > snapshots_before + 40:
                midway.set()
                break
            threading.Event().wait(0.025)
        assert midway.is_set(), "the publish finished (or failed) before it could be killed midway"
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait(timeout=30) == -signal.SIGKILL
        doomed.stdout.close()
        manifest_now = s3.get_object(Bucket=BUCKET, Key="site/.bundlesmith/manifest.json")["Body"].read()
        assert manifest_now == old_manifest  # killed before it recorded anything

        again = _publish(root)
        output = again.communicate(timeout=240)[0].decode()
        assert again.returncode == 0, output

        _, outcomes = build(root)
        builds = [o for o in outcomes if isinstance(o, SourceBuild)]
        manifest = json.loads(s3.get_object(Bucket=BUCKET, Key="site/.bundlesmith/manifest.json")["Body"].read())
        served = set(list_keys(s3, "site/"))
        for b in builds:
            assert manifest["sources"][b.source_id]["build_id"] == b.build_id
            assert len(manifest["builds"][b.source_id]) == 2  # the earlier build is kept: it can be rolled back to
            for obj in b.objects:
                body = s3.get_object(Bucket=BUCKET, Key=f"site/{obj.key}")["Body"].read()
                assert body == obj.body, obj.key
        assert {f"site/{k}" for k in manifest["objects"]} <= served
        for sid, kept in manifest["builds"].items():
            for build_id in kept:  # each retained build's record, its copies and its plugin files are all there
                key = f"site/.bundlesmith/builds/{sid}/{build_id}/build.json"
                record = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
                for key, meta in record["objects"].items():
                    where = key if meta["immutable"] else f".bundlesmith/builds/{sid}/{build_id}/{key}"
                    assert f"site/{where}" in served
        third = _publish(root)
        output = third.communicate(timeout=240)[0].decode()
        assert third.returncode == 0 and "0 objects uploaded" in output, output
