"""A Segment source's device-mode settings carry over unchanged: Segment's keys and values, none renamed.

`tests/fixtures/segment_device_settings.json` holds, for every device-capable destination, every setting Segment's
browser implementation declares (classic `.option(...)` keys, or an Actions destination's browser settings) with
Segment's defaults. A source that connects all of them in device mode with exactly those settings validates with no
problem, and its published settings JSON carries each of them under the same key with the same value.
"""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bundlesmith.cli import main
from tests.support.workspaces import web_source, write_workspace

FIXTURE = Path(__file__).parent / "fixtures" / "segment_device_settings.json"


def _segment_integrations() -> dict[str, dict]:
    return json.loads(FIXTURE.read_text())["integrations"]


def test_every_device_capable_destination_has_its_segment_settings_in_the_fixture(catalog):
    assert set(_segment_integrations()) == {d.name for d in catalog.destinations if d.device_capable}


def test_segments_device_settings_validate_and_publish_under_the_same_keys(tmp_path, catalog):
    segment = _segment_integrations()
    instances = [{"destination": name, "name": name, "mode": "device", "settings": settings}
                 for name, settings in sorted(segment.items())]
    root = write_workspace(tmp_path / "ws", sources={"site": web_source("site", instances)})

    validated = CliRunner().invoke(main, ["validate", str(root)])
    assert validated.exit_code == 0, validated.output
    built = CliRunner().invoke(main, ["build", str(root), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output

    published = json.loads((tmp_path / "out" / "v1/projects/wk_site/settings").read_text())["integrations"]
    differs = {(name, key): (value, published[name].get(key, "<missing>"))
               for name, settings in segment.items() for key, value in settings.items()
               if published[name].get(key, "<missing>") != value}
    assert differs == {}
    assert sum(len(settings) for settings in segment.values()) > 150
