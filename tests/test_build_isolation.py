"""A source that fails to build fails alone: whatever its build raises becomes that source's `C-build-failed`
problem (type and key path, never the value), every other source builds and is published, the publisher writes
its state and `_headers`, and the service shows the error and sends `build.failed`.

Values JSON cannot hold are refused by the loader (`C-json-value`) before a build, so the builds here raise
through routes the loader cannot see: a `SourceFile` made in memory (as the admin API and workers make them),
and an adapter file that is not UTF-8 in the assets a build reads (the wheel layout, `builder/_data/...`).
"""
from __future__ import annotations

import datetime
import json
import logging
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import resources
from builder.assets import Assets
from builder.build import Builder, SourceBuild, SourceFailure
from builder.catalog import load_catalog
from builder.models import SourceFile, WorkspaceFile
from builder.parallel import build_parallel
from builder.workspace import SourceConfig, Workspace, load_workspace
from bundlesmith.cli import main
from bundlesmith.preview.preview import PreviewSite
from bundlesmith.serve.affected import Affected
from bundlesmith.serve.incremental import LiveWorkspace
from tests.support.service import live_service
from tests.support.workspaces import BASE_WORKSPACE, web_source, write_workspace
from tests.test_webhooks import Listener

CONFIG = WorkspaceFile.model_validate(BASE_WORKSPACE)
MIXPANEL = {"destination": "Mixpanel", "name": "Mixpanel", "mode": "device", "settings": {"token": "tok-good"}}
HOTJAR = {"destination": "Hotjar", "name": "Hotjar", "mode": "device", "settings": {"hjid": 1234}}


def _entry(name: str, destinations: list[dict] | None = None, **fields) -> SourceConfig:
    """Return a source made in memory (as the admin API and workers make them), bypassing the YAML loader."""
    source = SourceFile.model_validate(web_source(name, destinations=destinations or [MIXPANEL], **fields))
    return SourceConfig(file=f"sources/{name}.yaml", source=source)


def _pixel(events: object) -> list[dict]:
    return [{"destination": "Facebook Pixel", "name": "Pixel", "mode": "device",
             "settings": {"pixelId": "1234", "standardEvents": {"Order Completed": events}}}]


@pytest.mark.parametrize("destinations, integrations, path, hint, value_text", [
    (_pixel(float("nan")), {}, "destinations[0].settings.standardEvents.Order Completed", "not finite", None),
    (None, {"Mixpanel": {"weight": float("-inf")}}, "integrations.Mixpanel.weight", "not finite", None),
    (None, {"Mixpanel": {"since": datetime.date(2024, 1, 1)}}, "integrations.Mixpanel.since",
     "a value of type date", "2024"),
    (_pixel({"set-member"}), {}, "destinations[0].settings.standardEvents.Order Completed", "a value of type set",
     "set-member"),
    (None, {"Mixpanel": {"key": b"bytes-value"}}, "integrations.Mixpanel.key", "a value of type bytes",
     "bytes-value"),
    (_pixel("Purchase\ud800x"), {}, "destinations[0].settings.standardEvents.Order Completed",
     "unpaired surrogate", "Purchase"),
])
def test_a_source_whose_build_raises_fails_alone_with_where_and_never_the_value(catalog, assets, caplog, destinations,
                                                                                  integrations, path, hint,
                                                                                  value_text):
    broken, good = _entry("broken", destinations, integrations=integrations), _entry("good")
    workspace = Workspace(root=Path("."), config=CONFIG, problems=[], sources=[broken, good])
    with caplog.at_level(logging.DEBUG, logger="builder.build"):
        failed, built = Builder(catalog, assets).build_all(workspace)
    assert isinstance(built, SourceBuild) and built.source_id == "good"
    assert isinstance(failed, SourceFailure) and failed.source_id == "broken"
    (problem,) = failed.problems
    assert (problem.code, problem.file, problem.path) == ("C-build-failed", "sources/broken.yaml", path)
    assert problem.message.startswith("the source could not be built (") and hint in problem.message
    assert "nothing of it was published" in problem.message
    assert value_text is None or value_text not in str(problem)
    records = [r for r in caplog.records if r.name == "builder.build"]
    assert records and all(r.levelno == logging.DEBUG for r in records) and records[0].exc_info  # traceback: debug


@pytest.fixture
def broken_hotjar_adapter(tmp_path, monkeypatch) -> Path:
    """Install the assets as a wheel does (`builder/_data/...`), with the Hotjar adapter not in UTF-8."""
    package = tmp_path / "package" / "builder"
    for name in ("templates", "destination_snippets"):
        shutil.copytree(resources._data_dir(name), package / "_data" / name)
    (package / "_data/destination_snippets/hotjar.js").write_bytes(b"/* caf\xe9 */ window.hj = function () {};\n")
    monkeypatch.setattr(resources, "_PACKAGE_DIR", package)
    return package


def _workspace_with_a_hotjar_source(root: Path, **workspace) -> Path:
    return write_workspace(root, sources={
        "good": web_source("good", destinations=[MIXPANEL]),
        "heat": web_source("heat", destinations=[MIXPANEL, HOTJAR]),
        "backend": {"id": "backend", "name": "Backend", "type": "server", "write_key": "wk_backend"},
    }, **workspace)


def test_cli_build_writes_every_other_source_their_state_and_headers_and_exits_1(tmp_path, broken_hotjar_adapter):
    root, out = _workspace_with_a_hotjar_source(tmp_path / "ws"), tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "FAILED heat" in result.output
    assert (f"{root}/sources/heat.yaml: [C-build-failed] the source could not be built (UnicodeDecodeError); "
            "nothing of it was published") in result.output
    assert "2 sources built, 1 failed" in result.output
    for key in ("v1/projects/wk_good/settings", "analytics.js/v1/wk_good/analytics.min.js",
                "v1/projects/wk_backend/settings"):
        assert (out / key).is_file(), key
    assert not (out / "v1/projects/wk_heat").exists()
    states = {p.stem for p in (out / ".bundlesmith/sources").glob("*.json")}
    assert {"good", "backend"} <= states and "heat" not in states
    assert "/v1/projects/wk_good/settings\n" in (out / "_headers").read_text()


def test_parallel_and_incremental_builds_fail_the_source_alone(tmp_path, broken_hotjar_adapter):
    root = _workspace_with_a_hotjar_source(tmp_path / "ws")
    catalog = load_catalog()
    outcomes = list(build_parallel(Builder(catalog, Assets.load()), load_workspace(root, catalog), jobs=2))
    live = LiveWorkspace(root)
    outcomes += live.build(live.refresh(Affected(rescan=True)))
    summary = sorted((o.source_id, [p.code for p in getattr(o, "problems", ())]) for o in outcomes)
    assert summary == [("backend", []), ("backend", []), ("good", []), ("good", []),
                       ("heat", ["C-build-failed"]), ("heat", ["C-build-failed"])]


def test_the_service_shows_the_error_and_sends_build_failed_while_the_others_publish(tmp_path,
                                                                                  broken_hotjar_adapter):
    with Listener() as listener:
        root = _workspace_with_a_hotjar_source(tmp_path / "ws", webhooks=[{"url": listener.hook_url}])
        with live_service(root) as live:
            live.wait(lambda board: all(board.get(s) is not None and board.get(s).state == "published"
                                        for s in ("good", "backend")))
            heat = live.api("GET", "/api/v1/sources/heat").json()
            assert heat["state"] == "build-failed" and heat["published_build_id"] is None
            assert heat["last_error"]["problems"][0]["code"] == "C-build-failed"
            assert "UnicodeDecodeError" in heat["last_error"]["message"]
            notices = [json.loads(body) for _, body in listener.wait(3)]
            failed = [n for n in notices if n["event"] == "build.failed"]
            assert [n["source"] for n in failed] == ["heat"]
            assert failed[0]["problems"][0]["code"] == "C-build-failed"
            assert sorted(n["source"] for n in notices if n["event"] == "publish.succeeded") == ["backend", "good"]
        assert (root / "public/v1/projects/wk_good/settings").is_file()
        assert (root / "public/_headers").is_file() and (root / "public/.bundlesmith/index.json").is_file()


def test_the_preview_serves_every_other_source_and_shows_the_failure(tmp_path, broken_hotjar_adapter):
    root, out = _workspace_with_a_hotjar_source(tmp_path / "ws"), tmp_path / "preview"
    status = PreviewSite(root, out, "http://127.0.0.1:8000", load_catalog(), Assets.load()).rebuild()
    assert status.source("good").build_id and status.source("heat").build_id is None
    assert [p for p in status.problems if "[C-build-failed]" in p] == [
        f"{root}/sources/heat.yaml: [C-build-failed] the source could not be built (UnicodeDecodeError); nothing of "
        "it was published and what was served before keeps being served (the traceback is logged at debug level)"]
    assert (out / "v1/projects/wk_good/settings").is_file() and not (out / "v1/projects/wk_heat").exists()
