"""Nothing private is ever published: a marker planted in every private setting of every catalog destination,
in device and cloud instances on every kind of source, appears in no output file; and no source publishes a
private value of any source of the workspace (short ones compared whole, long ones found inside strings too)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.assets import Assets
from builder.build import Builder, SourceBuild, SourceFailure
from builder.models import SourceFile, WorkspaceFile
from builder.parallel import build_parallel
from builder.workspace import SourceConfig, Workspace, load_workspace
from bundlesmith.cli import main
from bundlesmith.serve.affected import Affected
from bundlesmith.serve.incremental import LiveWorkspace
from tests.support.workspaces import BASE_WORKSPACE, MARKER, marked_instances, write_workspace

def _source(source_id: str, source_type: str, destinations: list[dict]) -> dict:
    return {"id": source_id, "name": source_id, "type": source_type, "write_key": f"wk_{source_id}",
            "destinations": destinations}


def test_no_private_setting_reaches_any_output_file(tmp_path, catalog):
    device, cloud = marked_instances(catalog, "device"), marked_instances(catalog, "cloud")
    root = write_workspace(tmp_path / "ws", sources={
        "web-device": _source("web-device", "web", device),
        "web-cloud": _source("web-cloud", "web", cloud),
        "mobile": _source("mobile", "mobile", device),
        "project": _source("project", "project", cloud),
        "server": _source("server", "server", cloud),
    })
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    planted = sum(1 for d in catalog.destinations for s in d.settings.values() if s.private)
    assert planted > 100
    files = [p for p in Path(out).rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        assert MARKER.encode() not in path.read_bytes(), path
    # the public values did make it: the scan above looked at real output
    assert b"public-value" in (out / "v1/projects/wk_web-device/settings").read_bytes()


def test_a_private_value_copied_into_a_public_setting_stops_the_build(tmp_path, catalog):
    secret = "s3cr3t-copied-value"
    root = write_workspace(tmp_path / "ws", sources={"site": _source("site", "web", [
        {"destination": "Mixpanel", "name": "Mixpanel", "mode": "device",
         "settings": {"token": secret, "apiSecret": secret}}])})
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "[R10-private-leak] the private setting 'apiSecret' of Mixpanel would appear in" in result.output
    assert not (tmp_path / "out" / "v1").exists()


# --- across the target: every source is checked against the private values of every source ----------------------

def _mixpanel(mode: str, **settings: str) -> dict:
    return {"destination": "Mixpanel", "name": "Mixpanel", "mode": mode, "settings": settings}


def _build(root: Path, out: Path):
    return CliRunner().invoke(main, ["build", str(root), "--out", str(out)])


def test_a_private_value_of_one_source_published_as_a_public_value_of_another_fails_the_publisher(tmp_path):
    secret = "a-secret-of-source-a-7f3"
    root = write_workspace(tmp_path / "ws", sources={
        "a": _source("a", "web", [_mixpanel("cloud", token="tok-a", apiSecret=secret)]),
        "b": _source("b", "web", [_mixpanel("device", token=secret)]),
    })
    out = tmp_path / "out"
    result = _build(root, out)
    assert result.exit_code == 1
    assert "FAILED b" in result.output and "FAILED a" not in result.output
    assert (f"{root}/sources/b.yaml: destinations[0].settings.token: [R10-private-leak] the private setting "
            f"'apiSecret' of Mixpanel on source 'a' ({root}/sources/a.yaml destinations[0].settings.apiSecret) "
            "would appear in v1/projects/wk_b/settings at integrations.Mixpanel.token, "
            "remotePlugins[0].settings.token; private settings never leave the server") in result.output
    assert secret not in result.output.replace(str(root), "")
    assert (out / "v1/projects/wk_a/settings").is_file() and not (out / "v1/projects/wk_b").exists()
    assert not any(secret.encode() in p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_a_short_private_value_published_whole_is_caught_but_not_inside_a_longer_string(tmp_path):
    root = write_workspace(tmp_path / "ws", sources={
        "a": _source("a", "server", [_mixpanel("cloud", token="tok-a", apiSecret="k9Zq")]),
        "b": _source("b", "web", [_mixpanel("device", token="k9Zq")]),
        "c": _source("c", "web", [_mixpanel("device", token="xk9Zqx")]),   # contains it: no false positive
    })
    result = _build(root, tmp_path / "out")
    assert result.exit_code == 1
    assert "FAILED b" in result.output and "FAILED c" not in result.output and "FAILED a" not in result.output
    assert "[R10-private-leak] the private setting 'apiSecret' of Mixpanel on source 'a'" in result.output
    assert (tmp_path / "out/v1/projects/wk_c/settings").is_file()


def test_a_short_private_value_that_occurs_in_the_runtime_javascript_is_no_false_positive(tmp_path):
    root = write_workspace(tmp_path / "ws", sources={
        "a": _source("a", "web", [_mixpanel("device", token="tok-a", apiSecret="func")]),
        "b": _source("b", "web", [_mixpanel("device", token="tok-b")]),
    })
    out = tmp_path / "out"
    result = _build(root, out)
    assert result.exit_code == 0, result.output
    assert b"func" in (out / "analytics.js/v1/wk_a/analytics.min.js").read_bytes()   # it does occur there
    assert b"func" not in (out / "v1/projects/wk_a/settings").read_bytes()


def test_a_long_private_value_inside_a_public_url_of_another_source_is_caught(tmp_path):
    hook = "https://hooks.example/services/T0KEN-9f2c-secret"
    root = write_workspace(tmp_path / "ws", sources={
        "a": _source("a", "server", [{"destination": "Webhooks", "name": "Hook", "mode": "cloud",
                                      "settings": {"webhookUrl": hook}}]),
        "b": _source("b", "web", [_mixpanel("device", token="tok-b", apiHost=f"{hook}/track")]),
    })
    result = _build(root, tmp_path / "out")
    assert result.exit_code == 1
    assert ("b.yaml: destinations[0].settings.apiHost: [R10-private-leak] the private setting 'webhookUrl' of Hook "
            "on source 'a'") in result.output


def test_a_repeater_forwarding_to_a_source_of_the_workspace_does_not_fail_that_source(tmp_path):
    root = write_workspace(tmp_path / "ws", sources={
        "a": _source("a", "server", [{"destination": "Repeater", "name": "Repeater", "mode": "cloud",
                                      "settings": {"writeKey": "wk_b"}}]),
        "b": _source("b", "web", [_mixpanel("device", token="tok-b")]),
    })
    result = _build(root, tmp_path / "out")
    assert result.exit_code == 0, result.output


def test_the_service_workspace_keeps_the_private_values_up_to_date_file_by_file(tmp_path):
    secret = "rotating-secret-0001"
    root = write_workspace(tmp_path / "ws", sources={
        "a": _source("a", "server", [_mixpanel("cloud", token="tok-a", apiSecret="old-secret-0000")]),
        "b": _source("b", "web", [_mixpanel("device", token=secret)]),
    })
    live = LiveWorkspace(root)
    assert _codes(live.build(live.refresh(Affected(rescan=True)))) == {"a": [], "b": []}

    (root / "sources/a.yaml").write_text((root / "sources/a.yaml").read_text().replace("old-secret-0000", secret))
    live.refresh(Affected(files=frozenset({"sources/a.yaml"})))
    assert _codes(live.build(["sources/a.yaml", "sources/b.yaml"])) == {"a": [], "b": ["R10-private-leak"]}

    (root / "sources/a.yaml").unlink()
    live.refresh(Affected(files=frozenset({"sources/a.yaml"})))
    assert _codes(live.build(["sources/b.yaml"])) == {"b": []}


def test_a_parallel_build_checks_every_source_against_the_whole_workspace(tmp_path, catalog):
    sources = {f"s{i}": _source(f"s{i}", "web", [_mixpanel("device", token=f"tok-{i}", apiSecret=f"secret-{i}-x")])
               for i in range(6)}
    sources["thief"] = _source("thief", "web", [_mixpanel("device", token="secret-3-x")])
    root = write_workspace(tmp_path / "ws", sources=sources)
    builder = Builder(catalog, Assets.load())
    workspace = load_workspace(root, catalog)
    outcomes = list(build_parallel(builder, workspace, jobs=2))
    assert outcomes == list(builder.build_all(workspace))
    assert [o.source_id for o in outcomes if isinstance(o, SourceFailure)] == ["thief"]


def _codes(outcomes) -> dict[str, list[str]]:
    return {o.source_id: [p.code for p in getattr(o, "problems", ())] for o in outcomes}


@pytest.mark.parametrize("secret", ['q"t', "<b&", "tab\there", 'a long "quoted" secret', "line\u2028sep-secret"])
@pytest.mark.parametrize("other_public", ["plain", 'holds a "quote"'])
def test_private_values_the_json_escapes_are_compared_as_published(catalog, assets, secret, other_public):
    def entry(name: str, *instances: dict) -> SourceConfig:
        return SourceConfig(file=f"sources/{name}.yaml", source=SourceFile.model_validate(_source(name, "web",
                                                                                                 list(instances))))

    workspace = Workspace(root=Path("."), config=WorkspaceFile.model_validate(BASE_WORKSPACE), problems=[], sources=[
        entry("a", _mixpanel("cloud", token="tok-a", apiSecret=secret)),
        entry("b", _mixpanel("device", token=secret, persistence=other_public)),
        entry("c", _mixpanel("device", token=f"not {secret} alone", persistence=other_public))])
    a, b, c = Builder(catalog, assets).build_all(workspace)
    assert isinstance(a, SourceBuild) and isinstance(b, SourceFailure)
    assert [p.code for p in b.problems] == ["R10-private-leak"]
    assert isinstance(c, SourceBuild) == (len(secret) < 6)   # a long one is found inside the longer string too
