"""Publishes killed with SIGKILL midway: S3 (a subprocess against threaded moto) converges when run again; a directory
never serves a file without its `_headers` entry."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path

from builder.build import SourceBuild
from bundlesmith.preview.preview_server import parse_headers_text
from publish.atomic_file import TEMP_PREFIX
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



def _states(s3) -> dict[str, dict]:
    """Return every source's stored state."""
    return {key.rsplit("/", 1)[1][:-5]: json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
            for key in list_keys(s3, "site/.bundlesmith/sources/")}


def test_a_publish_killed_midway_converges_with_nothing_lost(tmp_path, monkeypatch):
    fake_credentials(monkeypatch)
    with threaded_moto() as endpoint:
        s3 = s3_client(endpoint)
        s3.create_bucket(Bucket=BUCKET)
        root = _write(tmp_path / "ws", endpoint, "first")
        first = _publish(root)
        assert first.wait(timeout=240) == 0, first.stdout.read().decode()
        first.stdout.close()
        old_builds = {sid: state["build_id"] for sid, state in _states(s3).items()}
        build_copies_before = len(list_keys(s3, "site/.bundlesmith/builds/"))

        root = _write(tmp_path / "ws", endpoint, "second")  # every source changes
        doomed = _publish(root)
        midway = threading.Event()
        for _ in range(2400):  # bounded: at most 2400 listings
            if doomed.poll() is not None:
                break
            if len(list_keys(s3, "site/.bundlesmith/builds/")) > build_copies_before + 40:
                midway.set()
                break
            threading.Event().wait(0.025)
        assert midway.is_set(), "the publish finished (or failed) before it could be killed midway"
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait(timeout=30) == -signal.SIGKILL
        doomed.stdout.close()
        states_now = _states(s3)
        assert states_now.keys() == old_builds.keys()
        for sid, state in states_now.items():  # a state names a new build only once everything it describes is up
            if state["build_id"] != old_builds[sid]:
                for key, record in state["objects"].items():
                    body = s3.get_object(Bucket=BUCKET, Key=f"site/{key}")["Body"].read()
                    assert hashlib.sha256(body).hexdigest() == record["sha256"], key

        again = _publish(root)
        output = again.communicate(timeout=240)[0].decode()
        assert again.returncode == 0, output

        _, outcomes = build(root)
        builds = [o for o in outcomes if isinstance(o, SourceBuild)]
        states = _states(s3)
        served = set(list_keys(s3, "site/"))
        for b in builds:
            assert states[b.source_id]["build_id"] == b.build_id
            assert len(states[b.source_id]["builds"]) == 2  # the earlier build is kept: it can be rolled back to
            for obj in b.objects:
                body = s3.get_object(Bucket=BUCKET, Key=f"site/{obj.key}")["Body"].read()
                assert body == obj.body, obj.key
        assert {f"site/{k}" for state in states.values() for k in state["objects"]} <= served
        for sid, state in states.items():
            for build_id in state["builds"]:  # each retained build's record, copies and plugin files are all there
                key = f"site/.bundlesmith/builds/{sid}/{build_id}/build.json"
                record = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
                for key, meta in record["objects"].items():
                    where = key if meta["immutable"] else f".bundlesmith/builds/{sid}/{build_id}/{key}"
                    assert f"site/{where}" in served
        third = _publish(root)
        output = third.communicate(timeout=240)[0].decode()
        assert third.returncode == 0 and "0 objects uploaded" in output, output


# --- a directory target: every served file keeps its `_headers` entry, whenever the publisher is killed ------------

DESTINATIONS = {"Amplitude": "apiKey", "Google Analytics": "measurementID", "Hotjar": "hjid", "Mixpanel": "token"}


def _write_round(root: Path, round_: int, count: int = 60) -> Path:
    """Write a workspace whose sources (ids, write keys, destinations) are all new in this round."""
    destination = sorted(DESTINATIONS)[round_ % len(DESTINATIONS)]
    value = 1000 + round_ if destination == "Hotjar" else f"G-R{round_}" if "Google" in destination else f"r{round_}"
    instances = [{"destination": destination, "name": destination, "mode": "device",
                  "settings": {DESTINATIONS[destination]: value}}]
    shutil.rmtree(root / "sources", ignore_errors=True)
    return write_workspace(root, sources={f"r{round_}-{j}": web_source(f"r{round_}-{j}", instances)
                                          for j in range(count)})


def _files_without_headers(out: Path) -> list[str]:
    """Return every file a static host would serve from `out` that `_headers` gives no entry."""
    table = parse_headers_text((out / "_headers").read_text()) if (out / "_headers").is_file() else {}
    served = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    return sorted(k for k in served if k != "_headers" and not k.startswith(".bundlesmith/")
                  and not Path(k).name.startswith(TEMP_PREFIX) and "/" + k not in table)


def _puts(out: Path) -> int:
    journal = out / ".bundlesmith" / "store" / "sha256-journal"
    return journal.read_bytes().count(b"\n") if journal.is_file() else 0  # one line per file written


def test_every_served_file_keeps_its_headers_entry_when_the_publisher_is_killed(tmp_path):
    root, out = tmp_path / "ws", tmp_path / "ws" / "public"
    killed = 0
    for round_ in range(10):  # bounded: 10 publishes, each killed once it has written `stop_after` files
        _write_round(root, round_)
        command = "publish" if round_ % 2 else "build"  # `publish --env local` and `build`: the same directory
        proc = subprocess.Popen([*BUNDLESMITH, command, str(root), *(["--env", "local"] if round_ % 2 else [])],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stop_after = 2 + round_ * 37 % (280 if round_ % 2 else 110)  # over the plugin files, entry objects, copies
        for _ in range(4000):  # bounded polling of the journal the store appends one line to per write
            if proc.poll() is not None or _puts(out) >= stop_after:
                break
            threading.Event().wait(0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += proc.wait(timeout=30) == -signal.SIGKILL
        proc.wait(timeout=60)
        assert _files_without_headers(out) == [], f"round {round_}, killed after ~{stop_after} writes"
    assert killed >= 5, f"only {killed} of 10 publishes were killed midway"
    finished = subprocess.run([*BUNDLESMITH, "publish", str(root), "--env", "local"], cwd=REPO, capture_output=True,
                              text=True, timeout=240)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert _files_without_headers(out) == [] and (out / "v1/projects/wk_r9-0/settings").is_file()
