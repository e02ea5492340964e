"""Publishing to a local directory behaves like publishing to S3: same publisher, a DirectoryStore underneath."""
from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from builder.build import SourceBuild
from bundlesmith.cli import main
from publish.directory import DirectoryStore
from publish.local import directory_publisher
from builder.errors import PublishError
from tests.support.publishing import Clock, build, copy_acme, edit
from tests.test_publisher import drop_destination

STOREFRONT_SETTINGS = "v1/projects/wk_storefront_2f9c/settings"
STOREFRONT_BUNDLE = "analytics.js/v1/wk_storefront_2f9c/analytics.min.js"
MARKETING_SETTINGS = "v1/projects/wk_marketing_8e41/settings"


class CountingStore(DirectoryStore):
    """A DirectoryStore that records every put, and fails the keys it is told to."""

    def __init__(self, root: Path, failing: set[str] = frozenset()):
        super().__init__(root)
        self.puts: list[str] = []
        self.failing = set(failing)

    def put(self, key: str, body: bytes, content_type: str, cache_control: str, digest: str | None = None) -> None:
        if key in self.failing:
            raise PublishError(f"Failed to write {key} to {self.root}: No space left on device")
        self.puts.append(key)
        super().put(key, body, content_type, cache_control, digest)


def _publisher(config, store, clock=None):
    from publish.headers import HeadersFile
    from publish.publisher import Publisher
    store.headers = HeadersFile(store.root)  # as `publish.local.directory_publisher` wires them
    return Publisher(store, config.cache, config.retention, clock=clock or Clock(),
                     on_published=store.headers.published)


def _state(out: Path, source_id: str) -> dict:
    """Return a source's stored state as JSON."""
    return json.loads((out / f".bundlesmith/sources/{source_id}.json").read_text())


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_publishing_twice_writes_nothing_the_second_time(tmp_path):
    config, outcomes = build(copy_acme(tmp_path))
    store = CountingStore(tmp_path / "out")
    first = _publisher(config, store).publish(outcomes)
    served = {o.key for b in outcomes if isinstance(b, SourceBuild) for o in b.objects}
    assert first.ok and served <= set(store.puts)
    store.puts.clear()
    second = _publisher(config, store).publish(outcomes)
    assert store.puts == [] and second.puts == 0
    assert {r.status for r in second.results} == {"unchanged"}


def test_rollback_on_a_local_target_restores_the_earlier_bytes_and_status_shows_it(tmp_path):
    root = copy_acme(tmp_path)
    out = root / "public"
    assert run("publish", str(root), "--env", "local")[0] == 0
    first = {k: (out / k).read_bytes() for k in (STOREFRONT_SETTINGS, STOREFRONT_BUNDLE)}
    edit(root / "sources" / "storefront.yaml", 'token: "mp_tok_storefront_91ac"', 'token: "mp_tok_sf_rolled"')
    assert run("publish", str(root), "--env", "local")[0] == 0
    assert b"mp_tok_sf_rolled" in (out / STOREFRONT_SETTINGS).read_bytes()
    old_build, new_build = _state(out, "storefront")["builds"]
    code, output = run("rollback", str(root), "storefront", "--env", "local")
    assert code == 0, output
    assert {k: (out / k).read_bytes() for k in first} == first
    code, output = run("status", str(root), "--env", "local")
    assert f"storefront: build {old_build}" in output
    assert f"rolled back from {new_build} to {old_build}" in output
    assert run("rollback", str(root), "storefront", "--env", "local", "--to", new_build)[0] == 0
    assert b"mp_tok_sf_rolled" in (out / STOREFRONT_SETTINGS).read_bytes()


def test_status_shows_published_at_and_visible_everywhere_by_for_a_local_target(tmp_path):
    root = copy_acme(tmp_path)
    config, outcomes = build(root)
    publisher = directory_publisher(root / "public", config.cache, config.retention, clock=Clock(1000.0))
    publisher.publish(outcomes)
    status = publisher.status()
    settings = status["marketing"]["objects"][MARKETING_SETTINGS]
    assert (settings["published_at"], settings["visible_everywhere_by"]) == (1000.0, 1000.0 + 1500 + 300)
    assert status["marketing"]["visible_everywhere_by"] == 2800.0
    code, output = run("status", str(root), "--env", "local")
    assert code == 0 and re.search(r"^marketing: build \w+, published 1970-01-01T00:16:40Z, visible everywhere; "
                                   r"1 builds kept$", output, re.M), output


def test_a_failing_source_keeps_its_previous_files_and_the_others_publish(tmp_path):
    root = copy_acme(tmp_path)
    config, outcomes = build(root)
    out = tmp_path / "out"
    _publisher(config, DirectoryStore(out)).publish(outcomes)
    before = {k: (out / k).read_bytes() for k in (STOREFRONT_SETTINGS, STOREFRONT_BUNDLE)}
    edit(root / "sources" / "storefront.yaml", 'token: "mp_tok_storefront_91ac"', 'token: "mp_tok_storefront_new1"')
    edit(root / "sources" / "marketing.yaml", 'containerId: "GTM-ACME01"', 'containerId: "GTM-ACME03"')
    config, outcomes = build(root)
    report = _publisher(config, CountingStore(out, failing={STOREFRONT_BUNDLE})).publish(outcomes)
    [failed] = report.failed
    assert failed.source_id == "storefront" and "No space left on device" in failed.error
    assert {k: (out / k).read_bytes() for k in before} == before
    assert b"GTM-ACME03" in (out / MARKETING_SETTINGS).read_bytes()


def test_nothing_under_the_state_directory_is_listed_in_headers(tmp_path):
    root = copy_acme(tmp_path)
    assert run("publish", str(root), "--env", "local")[0] == 0
    out = root / "public"
    assert list((out / ".bundlesmith/builds").rglob("settings"))  # the build copies exist...
    headers = (out / "_headers").read_text()
    paths = [line for line in headers.splitlines() if line.startswith("/")]
    assert paths and not [p for p in paths if ".bundlesmith" in p]  # ...and are never served
    assert f"/{STOREFRONT_SETTINGS}\n  Content-Type: application/json\n" in headers
    assert "Access-Control-Allow-Origin: *" in headers.split(f"/{STOREFRONT_SETTINGS}\n", 1)[1].split("\n/")[0]


def test_build_and_publish_share_the_directory_in_either_order(tmp_path):
    root = copy_acme(tmp_path)
    assert run("build", str(root))[0] == 0
    code, output = run("publish", str(root), "--env", "local")
    assert code == 0 and not re.search(r"\b0 objects uploaded", output)  # the build copies for rollback, nothing served
    assert "4 sources published" in output and "0 uploaded" in output
    code, output = run("build", str(root))
    assert code == 0 and "0 files written" in output
    assert "total: add 0, update 0, delete 0" in run("plan", str(root), "--env", "local")[1]


def test_a_file_edited_by_hand_is_caught_as_drift_and_repaired(tmp_path):
    config, outcomes = build(copy_acme(tmp_path))
    out = tmp_path / "out"
    _publisher(config, DirectoryStore(out)).publish(outcomes)
    (out / MARKETING_SETTINGS).write_bytes(b"edited by hand")
    plan = _publisher(config, DirectoryStore(out)).plan(outcomes, verify=True)
    assert [k for s in plan.sources for k in s.update] == [MARKETING_SETTINGS]
    _publisher(config, DirectoryStore(out)).publish(outcomes, verify=True)
    built = {o.key: o.body for b in outcomes if isinstance(b, SourceBuild) for o in b.objects}
    assert (out / MARKETING_SETTINGS).read_bytes() == built[MARKETING_SETTINGS]


def test_an_unreferenced_plugin_file_is_deleted_only_after_the_grace_period(tmp_path):
    root = copy_acme(tmp_path)
    edit(root / "workspace.yaml", "limits:", "retention: {builds_per_source: 1, grace_period: 3600}\nlimits:")
    config, outcomes = build(root)
    clock, out = Clock(0.0), tmp_path / "out"
    _publisher(config, DirectoryStore(out), clock).publish(outcomes)
    hotjar = next(o.key for b in outcomes if isinstance(b, SourceBuild) for o in b.objects if "/hotjar/" in o.key)
    drop_destination(root / "sources" / "storefront.yaml", "Hotjar")
    config, outcomes = build(root)
    for now in (10.0, 20.0, 20.0 + 3599):
        clock.now = now
        _publisher(config, DirectoryStore(out), clock).publish(outcomes)
        assert (out / hotjar).is_file()
    clock.now = 20.0 + 3600
    assert hotjar in _publisher(config, DirectoryStore(out), clock).publish(outcomes).collected
    assert not (out / hotjar).exists() and f"/{hotjar}" not in (out / "_headers").read_text()


def test_retained_builds_live_beside_their_copies_and_the_state_does_not_grow_with_them(tmp_path):
    root = copy_acme(tmp_path)
    edit(root / "workspace.yaml", "limits:", "retention: {builds_per_source: 3, grace_period: 3600}\nlimits:")
    out, sizes, served = tmp_path / "out", [], {}
    token = "mp_tok_storefront_91ac"
    for i in range(7):
        if i:
            edit(root / "sources/storefront.yaml", token, token := f"mp_tok_edit_{i}")
        config, outcomes = build(root)
        publisher = _publisher(config, DirectoryStore(out))
        assert publisher.publish(outcomes).ok
        built = next(o for o in outcomes if isinstance(o, SourceBuild) and o.source_id == "storefront")
        served[built.build_id] = (out / STOREFRONT_SETTINGS).read_bytes()
        sizes.append(len((out / ".bundlesmith/sources/storefront.json").read_bytes()))
    kept = _state(out, "storefront")["builds"]
    assert kept == list(served)[-3:]
    on_disk = sorted(p.name for p in (out / ".bundlesmith/builds/storefront").iterdir())
    assert on_disk == sorted(kept)  # the dropped builds' records and copies are gone
    for build_id in kept:
        record = json.loads((out / f".bundlesmith/builds/storefront/{build_id}/build.json").read_text())
        assert record["build_id"] == build_id
    growth = [b - a for a, b in zip(sizes[3:], sizes[4:])]  # once retention is full: an event per publish, no record
    assert max(growth) < 200, sizes
    report = publisher.rollback("storefront", to=kept[0])
    assert report.ok and (out / STOREFRONT_SETTINGS).read_bytes() == served[kept[0]]


def test_a_manifest_that_kept_build_records_inline_is_read_as_ids_and_refs():
    from publish.manifest import decode_manifest, encode_manifest
    older = {"version": 1, "objects": {}, "sources": {}, "orphans": {},
             "builds": {"shop": [{"build_id": "b1", "objects": {"p/1.js": {"immutable": True}, "v1/s": {}}},
                                 {"build_id": "b2", "objects": {"p/2.js": {"immutable": True}, "v1/s": {}}}]}}
    manifest = decode_manifest(encode_manifest(older))
    assert manifest["builds"] == {"shop": ["b1", "b2"]}
    assert manifest["refs"] == {"shop": {"p/1.js": "b1", "p/2.js": "b2", "v1/s": "b2"}}


def test_a_tampered_key_in_the_state_is_refused_reported_and_nothing_outside_is_touched(tmp_path):
    root = copy_acme(tmp_path)
    out = root / "public"
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours\n")
    assert run("build", str(root))[0] == 0
    state_path = out / ".bundlesmith" / "sources" / "backend.json"
    state = json.loads(state_path.read_text())
    backend_settings = out / sorted(state["objects"])[0]
    state["objects"]["../../victim.txt"] = dict(_state(out, "marketing")["objects"][MARKETING_SETTINGS])  # tampered
    state_path.write_text(json.dumps(state))
    (root / "sources" / "backend.yaml").unlink()                                   # the source leaves: delete its keys

    code, output = run("build", str(root))
    assert code == 0, output
    assert (f"warning: a state under {out}/.bundlesmith/ names '../../victim.txt', which was refused and not touched: "
            f"a key must be a relative path inside the target") in output
    assert "0 sources built, 3 up to date, 0 failed; 0 files written, 0 unchanged, 1 removed, 1 refused" in output, output
    assert victim.read_text() == "not yours\n"                                      # nothing outside was touched
    assert not backend_settings.exists()                                            # the rest of the delete was done
    assert "victim" not in (out / "_headers").read_text()
    assert not state_path.exists()                                                  # reported once, then forgotten
    assert "refused" not in run("build", str(root))[1]
