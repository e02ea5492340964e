"""Every connection rule of SPEC §4: a config that breaks it, and the exact problem a user reads."""
from __future__ import annotations

import pytest

from builder.workspace import load_workspace
from tests.support.workspaces import write_workspace

HEAD = "id: shop\nname: Shop\ntype: {type}\nwrite_key: wk_shop\ndestinations:\n"  # destinations start at line 6


def _instance(destination: str, name: str, mode: str, settings: str = "") -> str:
    return f"  - {{destination: {destination}, name: {name}, mode: {mode}, settings: {{{settings}}}}}\n"


MP = "token: t0k3n"
CASES = {
    "R1-duplicate-name": (
        "web", [("Mixpanel", "Main", "cloud", MP), ("Amplitude", "Main", "cloud", "apiKey: k")],
        7, "destinations[1].name",
        "the instance name 'Main' is already used by destinations[0]; each instance on a source needs its own name"),
    "R2-cloud-limit": (
        "web", [("Mixpanel", f"MP{i}", "cloud", MP) for i in range(11)],
        16, "destinations[10].destination",
        "a source connects at most 10 cloud-mode instances of Mixpanel "
        "(limits.cloud_instances_per_destination in workspace.yaml) (expected at most 10, got 11)"),
    "R3-device-duplicate": (
        "web", [("Mixpanel", "A", "device", MP), ("Mixpanel", "B", "device", MP)],
        7, "destinations[1].mode",
        "a web source connects at most one device-mode instance of Mixpanel (a browser cannot load two copies of "
        "its SDK); make this instance cloud-mode or remove it (expected 1 device-mode instance, got 2)"),
    "R4-device-only-duplicate": (
        "mobile", [("Hotjar", "A", "device", "hjid: 1"), ("Hotjar", "B", "device", "hjid: 2")],
        7, "destinations[1].destination",
        "Hotjar works in device-mode only and can be connected to a source once; remove this instance or merge its "
        "settings into the first one (expected 1 instance, got 2 instances)"),
    "R5-single-instance-source": (
        "project", [("Mixpanel", "A", "cloud", MP), ("Mixpanel", "B", "cloud", MP)],
        7, "destinations[1].destination",
        "project sources cannot connect more than one instance of a destination, and Mixpanel is already connected "
        "(expected 1 instance, got 2 instances)"),
    "R6-not-multi-instance": (
        "web", [("Intercom", "A", "cloud", "appId: a"), ("Intercom", "B", "device", "appId: b")],
        7, "destinations[1].destination",
        "Intercom does not support multiple instances: it can be connected to a source only once "
        "(expected 1 instance, got 2 instances)"),
    "R7-data-lake-duplicate": (
        "server", [("Segment Data Lakes", f"Lake{i}", "cloud",
                    "s3Bucket: b, region: r, awsAccountId: '1', iamRoleArn: arn") for i in range(2)],
        7, "destinations[1].destination",
        "Segment Data Lakes is a data lake: a source connects one instance of it (expected 1 instance, got 2 "
        "instances)"),
    "R8-server-device-mode": (
        "server", [("Mixpanel", "MP", "device", MP)],
        6, "destinations[0].mode",
        "server sources are cloud-mode only: nothing runs in a browser or app (expected 'cloud', got 'device')"),
    "R9-mode-unsupported": (
        "web", [("Hotjar", "HJ", "cloud", "hjid: 1")],
        6, "destinations[0].mode", "Hotjar works in device-mode only (expected 'device', got 'cloud')"),
    "R10-setting-required": (
        "web", [("Mixpanel", "MP", "device", "")],
        6, "destinations[0].settings.token",
        "Mixpanel needs the setting 'token': Project token, used by the browser SDK. (expected a string, got "
        "nothing)"),
}


def _source_text(source_type: str, instances) -> str:
    return HEAD.format(type=source_type) + "".join(_instance(*i) for i in instances)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_rule_reports_code_file_line_and_message(tmp_path, catalog, code):
    source_type, instances, line, path, message = CASES[code]
    root = write_workspace(tmp_path, raw_sources={"shop": _source_text(source_type, instances)})
    problems = load_workspace(root, catalog).all_problems()
    assert [p.code for p in problems] == [code]
    (problem,) = problems
    assert problem.file == f"{root}/sources/shop.yaml"
    assert (problem.line, problem.path) == (line, path)
    assert str(problem) == f"{problem.file}:{line}: {path}: [{code}] {message}"


def test_rule_11_integrations_keys_name_destinations_not_instances(tmp_path, catalog):
    text = _source_text("web", [("Mixpanel", "Mixpanel EU", "cloud", MP)]) + (
        "integrations:\n  All: false\n  Mixpanel EU: true\n  Nope: false\n  Mixpanel: true\n")
    root = write_workspace(tmp_path, raw_sources={"shop": text})
    problems = load_workspace(root, catalog).all_problems()
    assert [(p.code, p.line, p.path) for p in problems] == [
        ("R11-integrations-key", 9, "integrations.Mixpanel EU"),
        ("R11-integrations-key", 10, "integrations.Nope"),
    ]
    assert problems[0].message == ("'Mixpanel EU' is an instance name; the integrations object names destinations "
                                   "and applies to every instance of one, so write 'Mixpanel'")


def test_the_cloud_limit_is_configurable(tmp_path, catalog):
    text = _source_text("web", [("Mixpanel", f"MP{i}", "cloud", MP) for i in range(3)])
    root = write_workspace(tmp_path, raw_sources={"shop": text}, limits={"cloud_instances_per_destination": 2})
    (problem,) = load_workspace(root, catalog).all_problems()
    assert problem.code == "R2-cloud-limit" and problem.line == 8


def test_one_device_instance_beside_cloud_instances_is_fine(tmp_path, catalog):
    text = _source_text("web", [("Mixpanel", "A", "device", MP), ("Mixpanel", "B", "cloud", MP),
                                ("Mixpanel", "C", "cloud", MP)])
    root = write_workspace(tmp_path, raw_sources={"shop": text})
    assert load_workspace(root, catalog).all_problems() == []


def test_a_config_breaking_several_rules_reports_all_of_them(tmp_path, catalog):
    text = _source_text("web", [
        ("Mixpanel", "A", "device", MP), ("Mixpanel", "B", "device", MP),      # R3
        ("Hotjar", "A", "cloud", "hjid: 1"),                                    # R1 + R9
        ("Google Analytics", "GA", "device", "measurementID: 42"),              # setting type
        ("Mixpanl", "Typo", "cloud", ""),                                       # unknown destination
        ("Intercom", "I1", "cloud", "appId: a, nonsense: 1"),                    # unknown setting
        ("Intercom", "I2", "cloud", ""),                                        # R6 + R10
    ]) + "integrations: {Typo: false}\n"                                         # R11
    root = write_workspace(tmp_path, raw_sources={"shop": text})
    problems = load_workspace(root, catalog).all_problems()
    assert sorted((p.line, p.code) for p in problems) == [
        (7, "R3-device-duplicate"),
        (8, "R1-duplicate-name"), (8, "R9-mode-unsupported"),
        (9, "C-setting-type"),
        (10, "C-unknown-destination"),
        (11, "C-setting-unknown"),
        (12, "R10-setting-required"), (12, "R6-not-multi-instance"),
        (13, "R11-integrations-key"),
    ]
    typo = next(p for p in problems if p.code == "C-unknown-destination")
    assert "did you mean 'Mixpanel'?" in typo.message


def test_a_setting_of_the_wrong_type_is_described_never_echoed(tmp_path, catalog):
    text = _source_text("web", [("Mixpanel", "MP", "cloud", "token: t0k3n, apiSecret: 98765432101"),
                                ("Amplitude", "AMP", "cloud",
                                 "apiKey: k, secretKey: k, trackAllPages: sk_live_0123456789")])
    root = write_workspace(tmp_path, raw_sources={"shop": text})
    lines = [str(p) for p in load_workspace(root, catalog).all_problems()]
    file = f"{root}/sources/shop.yaml"
    assert lines == [
        f"{file}:6: destinations[0].settings.apiSecret: [C-setting-type] the setting 'apiSecret' of Mixpanel has the "
        "wrong type (expected a string, got int of 11 digits)",
        f"{file}:7: destinations[1].settings.trackAllPages: [C-setting-type] the setting 'trackAllPages' of "
        "Amplitude has the wrong type (expected a boolean, got str of 18 characters)",
    ]
    assert not any("98765432101" in line or "sk_live" in line for line in lines)


def test_a_disabled_instance_may_lack_required_settings_and_validate_names_them(tmp_path, catalog):
    """As in Segment, a destination can be saved disabled and incomplete; enabling it needs the setting."""
    from click.testing import CliRunner

    from bundlesmith.cli import main
    disabled = "  - {destination: Mixpanel, name: Later, mode: cloud, enabled: false, settings: {}}\n"
    root = write_workspace(tmp_path / "ws", raw_sources={"shop": HEAD.format(type="web") + disabled})
    assert load_workspace(root, catalog).ok
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 0
    assert "destinations[0].settings.token: Mixpanel needs it before this disabled instance can be enabled" \
        in result.output
    (root / "sources/shop.yaml").write_text(HEAD.format(type="web") + disabled.replace("false", "true"))
    problems = load_workspace(root, catalog).all_problems()
    assert [(p.code, p.path) for p in problems] == [("R10-setting-required", "destinations[0].settings.token")]
