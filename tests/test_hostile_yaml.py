"""Hostile workspace files (issue 13): alias bombs, deep nesting, absurd integers, values JSON cannot hold and huge
files are refused as located problems, quickly, by every path that reads a source: `load_workspace`,
`parse_source_text` (the admin API) and `bundlesmith validate` (exit 1, no traceback)."""
from __future__ import annotations

import subprocess

import pytest

from builder.models import LimitsConfig
from builder.workspace import load_workspace, parse_source_text
from tests.conftest import BUNDLESMITH, REPO
from tests.support.hostile_yaml import HEAD, alias_bomb, deep_nesting, huge_integer, unknown_keys
from tests.support.workspaces import write_workspace

PROBLEMS_PER_FILE = 1000  # builder.input_limits.PROBLEMS_PER_FILE


def _lines(tmp_path, catalog, text, **workspace):
    root = write_workspace(tmp_path, raw_sources={"hostile": text}, **workspace)
    file = f"{root}/sources/hostile.yaml"
    return file, [str(p) for p in load_workspace(root, catalog).all_problems()]


# --- finding 1: an alias bomb is refused at its size, not walked at its expansion -------------------------------

@pytest.mark.timeout(60)  # a hang guard: today's loader walks 9^10 nodes (minutes, gigabytes); this takes ~1 ms
def test_an_alias_bomb_is_one_problem_at_the_alias_that_passes_the_bound(tmp_path, catalog):
    file, lines = _lines(tmp_path, catalog, alias_bomb(levels=10, fanout=9))
    assert lines == [
        f"{file}:10: l6[0]: [C-yaml-aliases] aliases expand to more than 100,000 values (each use of an alias "
        "counts everything it stands for); write the values out or use fewer aliases "
        "(expected at most 100,000 values from aliases)"]


def test_aliases_and_merge_keys_within_the_bound_still_work(tmp_path, catalog):
    text = HEAD + (
        "destinations:\n"
        "  - &mp {destination: Mixpanel, name: MP, mode: device, settings: {token: t0k3n}}\n"
        "  - {<<: *mp, name: MP cloud, mode: cloud, settings: {token: t0k3n, apiSecret: 42}}\n")
    entry = parse_source_text(text, "s.yaml", catalog, LimitsConfig())
    assert [str(p) for p in entry.problems] == [
        "s.yaml:7: destinations[1].settings.apiSecret: [C-setting-type] the setting 'apiSecret' of Mixpanel has the "
        "wrong type (expected a string, got int of 2 digits)"]
    fixed = parse_source_text(text.replace("42", "s3cr3t"), "s.yaml", catalog, LimitsConfig())
    assert fixed.ok
    assert [(d.name, d.mode, d.destination) for d in fixed.source.destinations] == [
        ("MP", "device", "Mixpanel"), ("MP cloud", "cloud", "Mixpanel")]


def test_a_self_referencing_alias_is_a_problem_not_a_hang(tmp_path, catalog):
    file, lines = _lines(tmp_path, catalog, HEAD + "integrations: &loop {Mixpanel: *loop}\n")
    assert lines == [f"{file}:5: integrations.Mixpanel: [C-yaml-aliases] an alias refers to a mapping or list "
                     "that contains it, which JSON cannot hold; copy the value instead"]


# --- finding 4: nesting depth ----------------------------------------------------------------------------------

def test_nesting_600_deep_is_a_depth_problem_not_a_recursion_error(tmp_path, catalog):
    file, lines = _lines(tmp_path, catalog, deep_nesting(600))
    path = "integrations.Mixpanel" + ".a" * 62
    assert lines == [f"{file}:5: {path}: [C-yaml-depth] mappings and lists are nested more than 64 levels deep "
                     "(aliases expanded); flatten the structure (expected at most 64 levels)"]


def test_aliases_cannot_stack_depth_past_the_limit(tmp_path, catalog):
    text = HEAD + "a0: &a0 " + "[" * 40 + "]" * 40 + "\n" + "a1: &a1 " + "[" * 30 + "*a0" + "]" * 30 + "\n"
    file, lines = _lines(tmp_path, catalog, text)
    assert [line.split(" [")[1].split("]")[0] for line in lines] == ["C-yaml-depth"]


# --- finding 3: only what JSON can hold passes validation --------------------------------------------------------

JSON_CASES = {
    "nan": ("integrations: {Mixpanel: {rate: .nan}}", "integrations.Mixpanel.rate",
            "the value is not a finite number (NaN or infinity), which JSON cannot hold; write a number, or quote "
            "it to make a string: '.nan'"),
    "inf": ("integrations: {Mixpanel: {rate: -.inf}}", "integrations.Mixpanel.rate",
            "the value is not a finite number (NaN or infinity), which JSON cannot hold; write a number, or quote "
            "it to make a string: '-.inf'"),
    "overflowing float": ("integrations: {Mixpanel: {rate: 1.0e+999}}", "integrations.Mixpanel.rate",
                          "the value is not a finite number (NaN or infinity), which JSON cannot hold; write a "
                          "number, or quote it to make a string: '1.0e+999'"),
    "date": ("integrations: {Mixpanel: {since: 2024-01-01}}", "integrations.Mixpanel.since",
             "the value is a date or time, which JSON cannot hold; quote it to make it a string: '2024-01-01'"),
    "timestamp": ("integrations: {Mixpanel: {at: 2024-01-01 10:00:00}}", "integrations.Mixpanel.at",
                  "the value is a date or time, which JSON cannot hold; quote it to make it a string: "
                  "'2024-01-01 10:00:00'"),
    "set": ("integrations: {Mixpanel: !!set {a, b}}", "integrations.Mixpanel",
            "the value is a set (!!set), which JSON cannot hold; write a list instead: [a, b]"),
    "binary": ("integrations: {Mixpanel: {blob: !!binary aGVsbG8=}}", "integrations.Mixpanel.blob",
               "the value is binary data (!!binary), which JSON cannot hold; drop the tag and keep the base64 text"),
    "integer past 2^53": ("integrations: {Mixpanel: {n: 9007199254740993}}", "integrations.Mixpanel.n",
                          "the value is an integer of 16 digits: JSON consumers (browsers) hold integers exactly "
                          "only up to 2^53 - 1 (9007199254740991); quote it to make it a string"),
    "non-string key": ("integrations: {Mixpanel: {1: a}}", "integrations.Mixpanel.1",
                       "the key 1 is read as a number, and JSON keys are strings; quote it: '1'"),
    "boolean key": ("integrations: {Mixpanel: {yes: a}}", "integrations.Mixpanel.yes",
                    "the key yes is read as a boolean, and JSON keys are strings; quote it: 'yes'"),
    "custom tag": ("integrations: {Mixpanel: !Ref x}", "integrations.Mixpanel",
                   "the value is tagged !Ref, which JSON cannot hold; remove the tag"),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_values_json_cannot_hold_are_problems_with_a_fix(tmp_path, catalog, case):
    line, path, message = JSON_CASES[case]
    file, lines = _lines(tmp_path, catalog, HEAD + line + "\n")
    assert lines == [f"{file}:5: {path}: [C-json-value] {message}"]


def test_a_date_in_settings_is_refused_without_echoing_it(tmp_path, catalog):
    text = HEAD + "destinations:\n  - {destination: Mixpanel, name: MP, mode: device, settings: {token: 2030-12-31}}\n"
    file, lines = _lines(tmp_path, catalog, text)
    assert lines == [f"{file}:6: destinations[0].settings.token: [C-json-value] the value is a date or time, which "
                     "JSON cannot hold; quote it to make it a string"]


def test_a_5000_digit_integer_is_a_problem_not_a_crash(tmp_path, catalog):
    file, lines = _lines(tmp_path, catalog, huge_integer(5000))
    assert lines == [f"{file}:6: destinations[0].settings.token: [C-json-value] the value is an integer of 5000 "
                     "digits: JSON consumers (browsers) hold integers exactly only up to 2^53 - 1 (9007199254740991); "
                     "quote it to make it a string"]


def test_workspace_yaml_is_held_to_the_same_rule(tmp_path, catalog):
    root = write_workspace(tmp_path / "ws")
    (root / "workspace.yaml").write_text((root / "workspace.yaml").read_text() + "cache: {browser_max_age: .inf}\n")
    (problem,) = load_workspace(root, catalog).all_problems()
    assert str(problem) == (f"{root}/workspace.yaml:7: cache.browser_max_age: [C-json-value] the value is not a "
                            "finite number (NaN or infinity), which JSON cannot hold; write a number, or quote it "
                            "to make a string: '.inf'")


def test_the_admin_api_check_refuses_them_too(catalog):
    entry = parse_source_text(HEAD + "integrations: {Mixpanel: {rate: .nan}}\n", "sources/s.yaml", catalog,
                              LimitsConfig())
    assert entry.source is None
    assert [(p.code, p.line, p.path) for p in entry.problems] == [("C-json-value", 5, "integrations.Mixpanel.rate")]


# --- finding 5: many problems in one file are located in O(1) each ----------------------------------------------

@pytest.mark.timeout(60)  # a hang guard: today's line lookup is quadratic (40,000 keys: about a minute)
def test_40000_unknown_keys_are_located_each_and_capped_in_the_report(tmp_path, catalog):
    file, lines = _lines(tmp_path, catalog, unknown_keys(40_000))
    assert len(lines) == PROBLEMS_PER_FILE + 1
    assert lines[0] == (f"{file}:5: unknown_0: [C-unknown-field] 'unknown_0' is not a known key here; check its "
                        "spelling (got 'unknown_0')")
    assert lines[PROBLEMS_PER_FILE - 1].startswith(f"{file}:1004: unknown_999: [C-unknown-field]")
    assert lines[-1] == (f"{file}:1005: [C-too-many-problems] 39,000 more problems found from here on are not "
                         "shown (at most 1,000 per file); fix the ones above first")


# --- size limits -------------------------------------------------------------------------------------------------

def test_a_file_past_the_node_cap_is_refused_before_it_is_built(tmp_path, catalog):
    file, lines = _lines(tmp_path, catalog, HEAD + "integrations: {Mixpanel: {v: [" + "1," * 100_001 + "]}}\n")
    assert lines == [f"{file}:5: [C-yaml-too-large] the file holds more than 100,000 values; split it "
                     "(expected at most 100,000 values)"]


def test_a_source_file_past_the_size_limit_is_refused_unparsed(tmp_path, catalog):
    text = HEAD + "name: x\n" * 300  # would be a duplicate-key storm if it were parsed
    file, lines = _lines(tmp_path, catalog, text, limits={"source_file_bytes": 2048})
    assert lines == [f"{file}: [C-file-too-large] the file is {len(text):,} bytes, more than the limit of 2,048 "
                     "bytes (limits.source_file_bytes in workspace.yaml); split it or shorten it"]


def test_the_default_source_size_limit_is_1_mib(tmp_path, catalog):
    text = HEAD + "# " + "x" * (1024 * 1024) + "\n"
    file, lines = _lines(tmp_path, catalog, text)
    assert lines == [f"{file}: [C-file-too-large] the file is {len(text):,} bytes, more than the limit of "
                     "1,048,576 bytes (limits.source_file_bytes in workspace.yaml); split it or shorten it"]
    entry = parse_source_text(text, "sources/s.yaml", catalog, LimitsConfig())
    assert [p.code for p in entry.problems] == ["C-file-too-large"]


def test_workspace_yaml_past_1_mib_is_refused(tmp_path, catalog):
    root = write_workspace(tmp_path / "ws")
    with open(root / "workspace.yaml", "a") as handle:
        handle.write("# " + "x" * (1024 * 1024) + "\n")
    size = (root / "workspace.yaml").stat().st_size
    (problem,) = load_workspace(root, catalog).all_problems()
    assert str(problem) == (f"{root}/workspace.yaml: [C-file-too-large] the file is {size:,} bytes, more than the "
                            "limit of 1,048,576 bytes; split it or shorten it")


# --- the CLI: a clear line and exit 1, never a traceback ---------------------------------------------------------

CLI_CASES = {
    "alias bomb": (alias_bomb(), "hostile.yaml:10: l6[0]: [C-yaml-aliases]"),
    "deep nesting": (deep_nesting(600), "hostile.yaml:5: integrations.Mixpanel.a.a.a"),
    "5000-digit integer": (huge_integer(5000), "hostile.yaml:6: destinations[0].settings.token: [C-json-value]"),
    "40k unknown keys": (unknown_keys(40_000), "hostile.yaml:5: unknown_0: [C-unknown-field]"),
    "nan": (HEAD + "integrations: {Mixpanel: {rate: .nan}}\n", "hostile.yaml:5: integrations.Mixpanel.rate: "
                                                                "[C-json-value]"),
}


@pytest.mark.timeout(120)  # a hang guard for the subprocess, not a performance assertion
@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_validate_prints_a_problem_line_and_exits_1(tmp_path, case):
    text, expected = CLI_CASES[case]
    root = write_workspace(tmp_path / "ws", raw_sources={"hostile": text})
    result = subprocess.run([*BUNDLESMITH, "validate", str(root)], cwd=REPO, capture_output=True, text=True,
                            timeout=110)
    assert result.returncode == 1
    assert f"{root}/sources/{expected}" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
