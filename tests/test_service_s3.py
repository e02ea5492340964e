"""The service against S3 (the threaded moto server): an edit uploads only its source's objects; a service killed
with SIGKILL mid-publish and started again converges to a fresh build of the config."""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import threading
from functools import partial
from pathlib import Path

import requests

from builder.build import SourceBuild
from publish.targets import open_target
from tests.conftest import BUNDLESMITH, REPO
from tests.support.moto_s3 import (BUCKET, REGION, PutRecorder, fake_credentials, list_keys, s3_client,
                                   threaded_moto)
from tests.support.publishing import build, edit
from tests.support.service import TOKEN, live_service, published
from tests.support.workspaces import web_source, write_workspace


def _workspace(root: Path, endpoint: str, count: int, token: str) -> Path:
    sources = {f"s{i:03d}": web_source(f"s{i:03d}", [{"destination": "Mixpanel", "name": "Mixpanel", "mode": "device",
                                                       "settings": {"token": f"{token}_{i}"}}])
               for i in range(count)}
    return write_workspace(root, sources=sources, targets={
        "prod": {"url": f"s3://{BUCKET}/site", "region": REGION, "endpoint_url": endpoint}})


def _fresh(root: Path) -> dict[str, SourceBuild]:
    _, outcomes = build(root)
    return {o.source_id: o for o in outcomes if isinstance(o, SourceBuild)}


def _get(s3, key: str) -> bytes:
    return s3.get_object(Bucket=BUCKET, Key=f"site/{key}")["Body"].read()


def _states(s3) -> dict[str, dict]:
    """Return every source's stored state."""
    return {key.rsplit("/", 1)[1][:-5]: json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
            for key in list_keys(s3, "site/.bundlesmith/sources/")}


def test_an_edit_uploads_only_that_sources_objects(tmp_path, monkeypatch):
    fake_credentials(monkeypatch)
    with threaded_moto() as endpoint:
        s3 = s3_client(endpoint)
        s3.create_bucket(Bucket=BUCKET)
        root = _workspace(tmp_path / "ws", endpoint, 5, "tok")
        client = s3_client(endpoint)
        puts = PutRecorder(client)
        opener = partial(open_target, make_client=lambda service, target: client)
        with live_service(root, "prod", target_opener=opener) as live:
            assert {s: _get(s3, f"v1/projects/wk_{s}/settings") for s in _fresh(root)} == {
                s: next(o.body for o in b.objects if o.key.endswith("/settings")) for s, b in _fresh(root).items()}
            puts.clear()
            edit(root / "sources/s002.yaml", "tok_2", "tok_2b")
            target = _fresh(root)["s002"]
            live.wait(lambda board: published(board, "s002", target.build_id))
            assert {k.split("/", 1)[1] for k in puts.objects()} == {"v1/projects/wk_s002/settings",
                                                                    "analytics.js/v1/wk_s002/analytics.min.js"}
            answer = live.api("GET", "/api/v1/sources/s002").json()
            assert answer["published"]["build_id"] == target.build_id and len(answer["published"]["builds"]) == 2
            rolled = live.api("POST", "/api/v1/sources/s002/rollback")
            assert rolled.status_code == 200 and rolled.json()["results"][0]["status"] == "rolled-back"
            assert b"tok_2b" not in _get(s3, "v1/projects/wk_s002/settings")


def _serve(root: Path) -> subprocess.Popen:
    env = {**os.environ, "BUNDLESMITH_ADMIN_TOKEN": TOKEN}
    return subprocess.Popen([*BUNDLESMITH, "serve", str(root), "--env", "prod", "--port", "0", "--quiet", "0.05",
                             "--max-delay", "0.5"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)


def _url(process: subprocess.Popen) -> str:
    line = process.stdout.readline()
    match = re.search(r"admin API (http://\S+)/", line)
    assert match, line
    return match.group(1)


def _converged(url: str, fresh: dict[str, SourceBuild]) -> bool:
    sources = requests.get(f"{url}/api/v1/sources", headers={"Authorization": f"Bearer {TOKEN}"},
                           timeout=30).json()["sources"]
    served = {s["source_id"]: s["published_build_id"] for s in sources}
    return served == {sid: b.build_id for sid, b in fresh.items()}



def test_a_service_killed_mid_publish_converges_when_started_again(tmp_path, monkeypatch):
    fake_credentials(monkeypatch)
    with threaded_moto() as endpoint:
        s3 = s3_client(endpoint)
        s3.create_bucket(Bucket=BUCKET)
        root = _workspace(tmp_path / "ws", endpoint, 120, "first")
        first = _serve(root)
        try:
            url = _url(first)
            fresh = _fresh(root)
            done = threading.Event()
            for _ in range(600):                                      # bounded: 600 polls
                if _converged(url, fresh):
                    done.set()
                    break
                threading.Event().wait(0.1)
            assert done.is_set(), "the first publish did not converge"
            build_copies = len(list_keys(s3, "site/.bundlesmith/builds/"))
            old_builds = {sid: state["build_id"] for sid, state in _states(s3).items()}
            _workspace(tmp_path / "ws", endpoint, 120, "second")     # every source changes
            midway = threading.Event()
            for _ in range(2400):
                if len(list_keys(s3, "site/.bundlesmith/builds/")) > build_copies + 20:
                    midway.set()
                    break
                threading.Event().wait(0.02)
            assert midway.is_set(), "the publish was not seen midway"
            first.send_signal(signal.SIGKILL)
            assert first.wait(timeout=30) == -signal.SIGKILL
        finally:
            first.kill()
            first.stdout.close()
        for source_id, state in _states(s3).items():  # a state names a new build only once all of it is up
            assert source_id in old_builds
            if state["build_id"] != old_builds[source_id]:
                for key, record in state["objects"].items():
                    assert hashlib.sha256(_get(s3, key)).hexdigest() == record["sha256"], key

        again = _serve(root)
        try:
            url = _url(again)
            fresh = _fresh(root)
            converged = threading.Event()
            for _ in range(900):
                if _converged(url, fresh):
                    converged.set()
                    break
                threading.Event().wait(0.1)
            assert converged.is_set(), "the restarted service did not converge"
            states = _states(s3)
            for source_id, b in fresh.items():
                assert states[source_id]["build_id"] == b.build_id
                for obj in b.objects:
                    assert _get(s3, obj.key) == obj.body
            again.send_signal(signal.SIGTERM)                           # finishes, then exits cleanly
            assert again.wait(timeout=60) == 0
        finally:
            again.kill()
            again.stdout.close()
