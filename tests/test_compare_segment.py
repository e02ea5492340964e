"""`bundlesmith compare segment`: what bundlesmith would serve for a source (built in memory, nothing published) vs
Segment's settings JSON: equivalent after an import (exit 0); after a change, exactly that change (exit 1)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith.cli import main
from tests.support.servers import CdnServer
from tests.support.workspaces import write_workspace

STOREFRONT = Path(__file__).parent / "fixtures" / "segment" / "storefront.settings.json"
HEADER = "storefront: {} differences (destination | setting | Segment | bundlesmith):"


def _run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A workspace with the storefront fixture imported, its two private cloud settings filled in and enabled."""
    root = write_workspace(tmp_path / "ws")
    code, output = _run("import", "segment", root, "--settings", STOREFRONT, "--source-id", "storefront")
    assert code == 0, output
    _edit(root, "  settings: {}", "  settings: {webhookUrl: 'https://hooks.example/private-1'}")
    _edit(root, "enabled: false", "enabled: true")
    assert _run("validate", root)[0] == 0
    return root


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "sources" / "storefront.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _compare(root: Path, settings: Path | str = STOREFRONT) -> tuple[int, list[str]]:
    code, output = _run("compare", "segment", root, "storefront", "--settings", settings)
    return code, output.splitlines()


def _segment_copy(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    document = json.loads(STOREFRONT.read_text())
    change(document)
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document))
    return path


def test_an_imported_source_is_equivalent(root):
    code, lines = _compare(root)
    assert code == 0, lines
    assert lines == ["storefront: equivalent: bundlesmith serves the device-mode destinations, public settings, "
                     "modes and consent categories Segment serves"]


def test_a_changed_setting_in_the_workspace_is_exactly_the_difference(root):
    _edit(root, "    people: true\n", "    people: false\n")
    assert _compare(root) == (1, [HEADER.format(1), "Mixpanel | people | Segment: true | bundlesmith: false"])


def test_a_changed_setting_at_segment_is_exactly_the_difference(root, tmp_path):
    def change(document):  # type: ignore[no-untyped-def]
        document["remotePlugins"][0]["settings"]["endpoint"] = "sdk.iad-05.braze.com"
    assert _compare(root, _segment_copy(tmp_path, change)) == (1, [
        HEADER.format(1), 'Braze | endpoint | Segment: "sdk.iad-05.braze.com" | bundlesmith: "sdk.fra-01.braze.eu"'])


def test_a_removed_destination_and_its_consent_category_are_the_differences(root):
    _edit(root, "- destination: Hotjar\n  name: Hotjar\n  mode: device\n", "- destination: Hotjar\n  name: Hotjar\n"
          "  mode: device\n  enabled: false\n")
    _edit(root, "  enabled: false\n  enabled: true\n", "  enabled: false\n")
    assert _compare(root) == (1, [
        HEADER.format(2),
        "Hotjar | mode | Segment: device-mode | bundlesmith: (absent)",
        '(source) | consent categories | Segment: ["Advertising", "Analytics", "Functional"] | '
        'bundlesmith: ["Advertising", "Analytics"]'])


def test_a_destination_moved_to_cloud_mode_and_a_changed_consent_category(root):
    _edit(root, "- destination: Amplitude\n  name: Amplitude\n  mode: device\n",
          "- destination: Amplitude\n  name: Amplitude\n  mode: cloud\n")
    _edit(root, "  - Advertising\n  - Analytics\n- destination: Google Analytics",
          "  - Advertising\n- destination: Google Analytics")
    assert _compare(root) == (1, [
        HEADER.format(2),
        "Amplitude | mode | Segment: device-mode | bundlesmith: cloud-mode",
        'Braze | consent categories | Segment: ["Advertising", "Analytics"] | bundlesmith: ["Advertising"]'])


def test_a_setting_segment_leaves_out_is_no_difference_at_the_catalog_default_and_one_otherwise(root):
    _edit(root, "    people: true\n", "    people: true\n    nameTag: true\n")   # nameTag's default is true
    assert _compare(root)[0] == 0
    _edit(root, "    nameTag: true\n", "    nameTag: false\n")
    assert _compare(root) == (1, [HEADER.format(1), "Mixpanel | nameTag | Segment: (absent) | bundlesmith: false"])


def test_unknown_destinations_and_settings_of_segment_are_differences(root, tmp_path):
    def change(document):  # type: ignore[no-untyped-def]
        document["integrations"]["Snowplow"] = {"appId": "a", "type": "browser"}
        document["integrations"]["Hotjar"]["retiredOption"] = True
    assert _compare(root, _segment_copy(tmp_path, change)) == (1, [
        HEADER.format(2),
        "Hotjar | retiredOption | Segment: true | bundlesmith: (absent)",
        "Snowplow | mode | Segment: device-mode | bundlesmith: (absent)"])


def test_a_setting_the_catalog_marks_private_is_shown_by_type_and_length_only(root, tmp_path):
    secret = "mp-secret-value-never-shown"

    def change(document):  # type: ignore[no-untyped-def]
        document["integrations"]["Mixpanel"]["apiSecret"] = secret
    code, lines = _compare(root, _segment_copy(tmp_path, change))
    assert (code, lines) == (1, [HEADER.format(1), "Mixpanel | apiSecret | Segment: a string of 27 characters | "
                                                   "bundlesmith: (absent)"])
    assert "private-1" not in "\n".join(lines)


def test_compare_fetches_segments_settings_from_a_url(root, tmp_path):
    with CdnServer(STOREFRONT.parent) as server:
        code, lines = _compare(root, f"{server.url}/{STOREFRONT.name}")
    assert code == 0, lines


def test_an_unknown_source_is_a_usage_error(root):
    code, output = _run("compare", "segment", root, "nope", "--settings", STOREFRONT)
    assert code == 2
    assert f"no source with id 'nope' in {root}" in output


def test_a_source_that_does_not_validate_is_an_error_naming_its_problems(tmp_path):
    root = write_workspace(tmp_path / "ws")
    assert _run("import", "segment", root, "--settings", STOREFRONT, "--source-id", "storefront")[0] == 0
    _edit(root, "enabled: false", "enabled: true")  # enabled before its private setting is filled in
    code, output = _run("compare", "segment", root, "storefront", "--settings", STOREFRONT)
    assert code == 1
    assert "[R10-setting-required] Webhooks needs the setting 'webhookUrl'" in output
    assert "differences" not in output
