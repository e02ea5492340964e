"""`bundlesmith build`: the CDN layout, byte-identical rebuilds, and failures that lose nothing."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith.cli import main
from publish.directory import DirectoryStore
from builder.errors import PublishError
from tests.conftest import SAMPLES
from tests.support.workspaces import web_source, write_workspace


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _files(root: Path) -> dict[str, bytes]:
    """Return the files a build writes, without the state that records when (source states, the store's stat cache)."""
    return {k: v for k, v in _tree(root).items()
            if not k.startswith((".bundlesmith/sources/", ".bundlesmith/store/"))}


def _states(out: Path) -> dict[str, dict]:
    """Return every source's stored state."""
    return {p.stem: json.loads(p.read_text()) for p in (out / ".bundlesmith/sources").glob("*.json")}


def _build(workspace: Path, out: Path):
    return CliRunner().invoke(main, ["build", str(workspace), "--out", str(out)])


def test_build_writes_the_cdn_layout(tmp_path):
    result = _build(SAMPLES / "acme", tmp_path / "out")
    assert result.exit_code == 0, result.output
    files = _tree(tmp_path / "out")
    for key in ("wk_storefront_2f9c", "wk_marketing_8e41", "wk_mobile_app_51b0", "wk_backend_c7d3"):
        assert f"v1/projects/{key}/settings" in files
    assert sorted(k for k in files if k.startswith("analytics.js/")) == [
        "analytics.js/v1/wk_marketing_8e41/analytics.min.js", "analytics.js/v1/wk_storefront_2f9c/analytics.min.js"]
    plugins = [k for k in files if k.startswith("next-integrations/actions/")]
    assert len(plugins) == 7  # 5 storefront + 3 marketing device destinations, Google Analytics shared
    assert "_headers" in files and ".bundlesmith/sources/storefront.json" in files
    headers = files["_headers"].decode()
    assert ("/v1/projects/wk_storefront_2f9c/settings\n  Content-Type: application/json\n"
            "  Cache-Control: public, max-age=300, s-maxage=1500\n  Access-Control-Allow-Origin: *") in headers
    assert (f"/{plugins[0]}\n  Content-Type: text/javascript; charset=utf-8\n"
            "  Cache-Control: public, max-age=31536000, immutable") in headers
    assert "4 sources built, 0 failed" in result.output


def test_building_twice_gives_byte_identical_files_and_rewrites_nothing(tmp_path):
    assert _build(SAMPLES / "acme", tmp_path / "a").exit_code == 0
    second = _build(SAMPLES / "acme", tmp_path / "a")
    assert "0 files written" in second.output
    assert _build(SAMPLES / "acme", tmp_path / "b").exit_code == 0
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    first, again = (_states(tmp_path / d) for d in "ab")
    assert first.keys() == again.keys()
    assert ({sid: {k: m["sha256"] for k, m in s["objects"].items()} for sid, s in first.items()}
            == {sid: {k: m["sha256"] for k, m in s["objects"].items()} for sid, s in again.items()})


def test_a_failing_source_keeps_its_previous_files_and_the_others_build(tmp_path):
    workspace = tmp_path / "ws"
    shutil.copytree(SAMPLES / "acme", workspace, ignore=shutil.ignore_patterns("public"))
    out = tmp_path / "out"
    assert _build(workspace, out).exit_code == 0
    before = _tree(out)

    storefront = workspace / "sources" / "storefront.yaml"
    storefront.write_text(storefront.read_text().replace("measurementID: \"G-ACME12345\"", "measurementID: 12"))
    marketing = workspace / "sources" / "marketing.yaml"
    marketing.write_text(marketing.read_text().replace("GTM-ACME01", "GTM-ACME02"))

    result = _build(workspace, out)
    assert result.exit_code == 1
    assert "FAILED storefront" in result.output
    assert "storefront.yaml:24: destinations[3].settings.measurementID: [C-setting-type]" in result.output
    after = _tree(out)
    for key in ("v1/projects/wk_storefront_2f9c/settings", "analytics.js/v1/wk_storefront_2f9c/analytics.min.js"):
        assert after[key] == before[key]
    assert after["analytics.js/v1/wk_marketing_8e41/analytics.min.js"] != before[
        "analytics.js/v1/wk_marketing_8e41/analytics.min.js"]
    assert b"GTM-ACME02" in after["v1/projects/wk_marketing_8e41/settings"]


def test_a_disabled_source_stops_being_served(tmp_path):
    root = write_workspace(tmp_path / "ws", sources={"a": web_source("a"), "b": web_source("b")})
    out = tmp_path / "out"
    assert _build(root, out).exit_code == 0
    assert (out / "v1/projects/wk_b/settings").exists()
    (root / "sources" / "b.yaml").write_text((root / "sources" / "b.yaml").read_text() + "enabled: false\n")
    assert _build(root, out).exit_code == 0
    assert not (out / "v1/projects/wk_b/settings").exists()
    assert not (out / "analytics.js/v1/wk_b/analytics.min.js").exists()
    assert (out / "v1/projects/wk_a/settings").exists()
    assert "b" in _states(out)


def test_path_like_write_keys_never_write_outside_out(tmp_path):
    root = write_workspace(tmp_path / "ws", sources={"evil": web_source("evil", write_key="../../escape")})
    result = _build(root, tmp_path / "out")
    assert result.exit_code == 1
    assert "[C-unsafe-id]" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "ws"]
    assert not any(p.suffix == ".js" or p.name == "settings" for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("key", ["../outside", "/etc/passwd", "a/../../b", "a//b", "a\\b", "", "_headers"])
def test_the_directory_store_refuses_keys_that_leave_its_directory(tmp_path, key):
    store = DirectoryStore(tmp_path / "out")
    with pytest.raises(PublishError, match="refusing to write"):
        store.put(key, b"x", "text/plain", "no-store")
    assert not (tmp_path / "outside").exists() and not (tmp_path / "b").exists()


def test_parallel_build_gives_the_same_bytes_as_a_sequential_one(tmp_path, catalog):
    from builder.assets import Assets
    from builder.build import Builder
    from builder.parallel import build_parallel, load_workspace_parallel
    from builder.workspace import load_workspace

    sources = {f"s{i:03d}": web_source(f"s{i:03d}", destinations=[
        {"destination": "Mixpanel", "name": "MP", "mode": "device", "settings": {"token": f"t{i}"}}])
        for i in range(150)}
    sources["clash"] = web_source("clash", write_key="wk_s007")
    root = write_workspace(tmp_path / "ws", sources=sources)
    builder = Builder(catalog, Assets.load())
    sequential = load_workspace(root, catalog)
    parallel = load_workspace_parallel(root, catalog, jobs=2)
    assert [(s.file, s.source, s.problems) for s in parallel.sources] == [
        (s.file, s.source, s.problems) for s in sequential.sources]
    assert list(build_parallel(builder, parallel, jobs=2)) == list(builder.build_all(sequential))


def test_the_build_refuses_a_rule_breaking_source_that_did_not_come_through_the_loader(catalog):
    from builder.assets import Assets
    from builder.build import Builder, SourceFailure
    from builder.models import SourceFile, WorkspaceFile
    from builder.workspace import SourceConfig

    config = WorkspaceFile.model_validate({"id": "w", "name": "W", "cdn": {"base_url": "https://cdn.example"},
                                           "collector": {"api_host": "api.example"}})
    two_devices = SourceFile.model_validate(web_source("site", destinations=[
        {"destination": "Mixpanel", "name": name, "mode": "device", "settings": {"token": "t"}}
        for name in ("A", "B")]))
    outcome = Builder(catalog, Assets.load()).build_source(config, SourceConfig(file="api", source=two_devices))
    assert isinstance(outcome, SourceFailure)
    assert [p.code for p in outcome.problems] == ["R3-device-duplicate"]


def test_changing_only_a_source_id_keeps_its_files_served(tmp_path):
    workspace = tmp_path / "ws"
    shutil.copytree(SAMPLES / "acme", workspace, ignore=shutil.ignore_patterns("public", ".bundlesmith-cache"))
    out = tmp_path / "out"
    assert _build(workspace, out).exit_code == 0
    marketing = workspace / "sources" / "marketing.yaml"
    marketing.write_text(marketing.read_text().replace("id: marketing", "id: marketing2"))  # the same write key
    result = _build(workspace, out)
    assert result.exit_code == 0, result.output
    assert b'"marketing2"' in (out / "v1/projects/wk_marketing_8e41/settings").read_bytes()
    assert (out / "analytics.js/v1/wk_marketing_8e41/analytics.min.js").is_file()
    assert sorted(_states(out)) == ["backend", "marketing2", "mobile-app", "storefront"]
