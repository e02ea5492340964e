"""The service end to end on the local target: edits republish exactly their source, bursts coalesce, a bad edit
keeps the last good build served byte for byte and shows where it is wrong, deleting a file unpublishes."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from builder.build import SourceBuild
from tests.conftest import BUNDLESMITH, REPO
from tests.support.publishing import build, copy_acme, edit
from tests.support.service import live_service, published


def _fresh(root: Path) -> dict[str, SourceBuild]:
    """Build the workspace from scratch, as `bundlesmith build` would."""
    _, outcomes = build(root)
    return {o.source_id: o for o in outcomes if isinstance(o, SourceBuild)}


def _served(out: Path) -> dict[str, bytes]:
    """Return every served file of a local target (its private state left out)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".bundlesmith" not in p.parts and p.name != "_headers"}


def _stamps(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_start_reconciles_then_an_edit_republishes_only_its_source(tmp_path):
    root = copy_acme(tmp_path)
    out = root / "public"
    with live_service(root) as live:
        fresh = _fresh(root)
        assert _served(out) == {o.key: o.body for b in fresh.values() for o in b.objects}
        before = _stamps(out)
        edit(root / "sources/storefront.yaml", "trackAllPages: true", "trackAllPages: false")
        target = _fresh(root)["storefront"]
        live.wait(lambda board: published(board, "storefront", target.build_id))
        served = _served(out)
        assert {k: served[k] for k in (o.key for o in target.objects)} == {o.key: o.body for o in target.objects}
        changed = {k for k, stamp in _stamps(out).items() if before.get(k) != stamp}
        others = {o.key for sid, b in fresh.items() if sid != "storefront" for o in b.objects}
        assert changed & others == set()               # no other source's file was rewritten
        assert any(k.endswith("/settings") for k in changed)
        records = {r.source_id: r for r in live.service.board.all()}
        assert records["storefront"].builds == 2 and all(r.builds == 1 for s, r in records.items() if s != "storefront")


def test_a_hundred_rapid_edits_make_a_handful_of_builds_and_publish_the_final_config(tmp_path):
    root = copy_acme(tmp_path)
    path = root / "sources/storefront.yaml"
    text = path.read_text()
    with live_service(root, quiet=0.1, max_delay=1.0) as live:
        for i in range(100):
            path.write_text(text.replace('"G-ACME12345"', f'"G-ACME{i:05d}"'))
        target = _fresh(root)["storefront"]
        live.wait(lambda board: published(board, "storefront", target.build_id))
        assert live.service.board.get("storefront").builds <= 10
        assert _served(root / "public") == {o.key: o.body for b in _fresh(root).values() for o in b.objects}


def test_a_broken_file_keeps_the_last_good_build_and_shows_the_error_until_fixed(tmp_path):
    root = copy_acme(tmp_path)
    out, path = root / "public", root / "sources/storefront.yaml"
    good = path.read_text()
    with live_service(root) as live:
        served = _served(out)
        for broken, code, line in ((good.replace("mode: cloud", "mode: [cloud", 1), "C-yaml-syntax", None),
                                   (good.replace("name: Mixpanel EU\n    mode: cloud",
                                                 "name: Mixpanel EU\n    mode: device"), "R3-device-duplicate", 15)):
            path.write_text(broken)
            live.wait(lambda board: (board.get("storefront").last_error or {}) and
                      board.get("storefront").last_error.problems[0]["code"] == code)
            assert _served(out) == served                  # byte-identical: nothing was touched
            answer = live.api("GET", "/api/v1/sources/storefront").json()
            assert answer["state"] == "build-failed" and answer["published_build_id"] == _fresh_id(root, good)
            problem = answer["last_error"]["problems"][0]
            assert problem["file"] == str(path) and problem["line"] and (line is None or problem["line"] == line)
            assert answer["published"]["build_id"] == answer["published_build_id"]
        edit(path, "measurementID: \"G-ACME12345\"", "measurementID: \"G-ACME99999\"")  # still broken
        path.write_text(good.replace("G-ACME12345", "G-FIXED0001"))
        target = _fresh(root)["storefront"]
        live.wait(lambda board: published(board, "storefront", target.build_id))
        assert live.api("GET", "/api/v1/sources/storefront").json()["last_error"] is None


def _fresh_id(root: Path, text: str) -> str:
    path = root / "sources/storefront.yaml"
    broken = path.read_text()
    path.write_text(text)
    try:
        return _fresh(root)["storefront"].build_id
    finally:
        path.write_text(broken)


def test_deleting_a_source_file_unpublishes_its_source(tmp_path):
    root = copy_acme(tmp_path)
    with live_service(root) as live:
        keys = [o.key for o in _fresh(root)["marketing"].objects]
        assert all((root / "public" / k).is_file() for k in keys)
        (root / "sources/marketing.yaml").unlink()
        live.wait(lambda board: board.get("marketing") is None)
        assert not any((root / "public" / k).exists() for k in keys if not k.startswith("next-integrations/"))
        assert live.api("GET", "/api/v1/sources/marketing").status_code == 404


def test_with_watch_assets_an_adapter_edit_republishes_the_sources_that_use_it(tmp_path):
    checkout = tmp_path / "checkout"  # a copy of bundlesmith being developed: its adapters may be edited
    for name in ("builder", "templates", "destination_snippets"):
        shutil.copytree(REPO / name, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
    root = copy_acme(tmp_path)
    out, fresh = root / "public", _fresh(root)
    storefront_bundle = out / next(o.key for o in fresh["storefront"].objects if o.key.endswith("analytics.min.js"))
    others = [out / o.key for sid in ("marketing", "backend", "mobile-app") for o in fresh[sid].entry_objects]
    process = subprocess.Popen(BUNDLESMITH + ["serve", str(root), "--port", "0", "--quiet", "0.05", "--watch-assets"],
                               cwd=checkout, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(checkout)})
    try:
        assert "serving" in process.stdout.readline()
        _until(lambda: (out / ".bundlesmith/sources/storefront.json").exists() and storefront_bundle.exists())
        before = {path: path.stat().st_mtime_ns for path in others}
        adapter = checkout / "destination_snippets/amplitude.js"  # only storefront has a device-mode Amplitude
        adapter.write_text(adapter.read_text() + '\nwindow.assetEdit = "asset-edit-7f3a";\n')  # survives minifying
        _until(lambda: b"asset-edit-7f3a" in storefront_bundle.read_bytes())
        assert {path: path.stat().st_mtime_ns for path in others} == before  # no other source was written
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output


def _until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_source_served_before_start_but_gone_from_the_workspace_is_unpublished_and_leaves_the_board(tmp_path):
    root = copy_acme(tmp_path)
    with live_service(root):
        keys = [o.key for o in _fresh(root)["marketing"].objects if not o.key.startswith("next-integrations/")]
    (root / "sources/marketing.yaml").unlink()
    with live_service(root) as live:
        live.wait(lambda board: board.get("marketing") is None and board.get("storefront") is not None
                  and board.get("storefront").state == "published")
        assert not any((root / "public" / k).exists() for k in keys)
        assert live.api("GET", "/api/v1/sources/marketing").status_code == 404


def test_changing_a_source_id_and_write_key_unpublishes_the_old_source_and_publishes_the_new_one(tmp_path):
    root = copy_acme(tmp_path)
    with live_service(root) as live:
        old = [o.key for o in _fresh(root)["marketing"].objects if not o.key.startswith("next-integrations/")]
        path = root / "sources/marketing.yaml"
        path.write_text(path.read_text().replace("id: marketing", "id: marketing2").replace("wk_marketing", "wk_m2"))
        live.wait(lambda board: board.get("marketing") is None and board.get("marketing2") is not None
                  and board.get("marketing2").state == "published")
        assert not any((root / "public" / k).exists() for k in old)
        assert all((root / "public" / o.key).is_file() for o in _fresh(root)["marketing2"].objects)


def test_changing_only_a_source_id_keeps_its_files_served(tmp_path):
    root = copy_acme(tmp_path)
    with live_service(root) as live:
        path = root / "sources/marketing.yaml"
        path.write_text(path.read_text().replace("id: marketing", "id: marketing2"))  # the same write key
        live.wait(lambda board: board.get("marketing") is None and board.get("marketing2") is not None
                  and board.get("marketing2").state == "published")
        assert all((root / "public" / o.key).is_file() for o in _fresh(root)["marketing2"].objects)
