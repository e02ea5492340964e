"""Nothing private is ever published: a marker planted in every private setting of every catalog destination,
in device and cloud instances on every kind of source, appears in no output file."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from builder.catalog import Catalog, Destination
from builder.cli import main
from tests.support.workspaces import write_workspace

MARKER = "PRIVATE-MARKER"
PUBLIC_VALUES = {"string": "public-value", "integer": 7, "number": 1.5, "boolean": True, "array": [], "object": {}}


def _settings(destination: Destination) -> dict:
    settings = {}
    for key, spec in destination.settings.items():
        if spec.private:
            settings[key] = f"{MARKER}-{destination.slug}-{key}-x9"
        elif spec.required:
            settings[key] = PUBLIC_VALUES[spec.type]
    return settings


def _instances(catalog: Catalog, mode: str) -> list[dict]:
    return [{"destination": d.name, "name": d.name, "mode": mode, "settings": _settings(d)}
            for d in catalog.destinations if mode in d.modes]


def _source(source_id: str, source_type: str, destinations: list[dict]) -> dict:
    return {"id": source_id, "name": source_id, "type": source_type, "write_key": f"wk_{source_id}",
            "destinations": destinations}


def test_no_private_setting_reaches_any_output_file(tmp_path, catalog):
    device, cloud = _instances(catalog, "device"), _instances(catalog, "cloud")
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
