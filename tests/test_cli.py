"""The CLI: messages instead of tracebacks, and each command's output."""
from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner

from bundlesmith.cli import LOG_FORMAT, main
from bundlesmith.terminal import EscapingFormatter, escape_controls
from tests.conftest import SAMPLES
from tests.support.workspaces import write_workspace


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_validate_reports_a_clean_workspace():
    result = _run("validate", str(SAMPLES / "acme"))
    assert result.exit_code == 0
    assert "4 source files are valid" in result.output


def test_validate_prints_every_problem_and_exits_1(tmp_path):
    root = write_workspace(tmp_path, raw_sources={"a": "id: a\ntype: web\n", "b": "id: [\n"})
    result = _run("validate", str(root))
    assert result.exit_code == 1
    assert f"{root}/sources/a.yaml:1: name: [C-missing]" in result.output
    assert f"{root}/sources/a.yaml:1: write_key: [C-missing]" in result.output
    assert f"{root}/sources/b.yaml:2: [C-yaml-syntax]" in result.output
    assert "3 problems found" in result.output
    assert "Traceback" not in result.output


def test_validate_json_lists_problems_as_data(tmp_path):
    root = write_workspace(tmp_path, raw_sources={"a": "id: a\n"})
    problems = json.loads(_run("validate", str(root), "--json").output)
    assert {p["code"] for p in problems} == {"C-missing"}
    assert all(p["file"].endswith("a.yaml") and p["line"] == 1 for p in problems)


def test_a_missing_workspace_file_is_a_message_not_a_traceback(tmp_path):
    (tmp_path / "sources").mkdir()
    result = _run("build", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "workspace.yaml: [C-missing-file] the file does not exist" in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_catalog_lists_destinations_and_modes():
    result = _run("catalog")
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("Mixpanel "))
    assert "cloud+device" in line and "multi-instance" in line
    data = json.loads(_run("catalog", "--json").output)
    assert any(d["name"] == "Hotjar" and d["modes"] == ["device"] for d in data["destinations"])


def test_snippet_points_the_standard_snippet_at_our_cdn():
    result = _run("snippet", str(SAMPLES / "acme"), "storefront")
    assert result.exit_code == 0
    assert '"https://cdn.acme.example"+"/analytics.js/v1/"+key+"/analytics.min.js"' in result.output
    assert 'analytics.load("wk_storefront_2f9c");' in result.output
    assert "analytics.page();" in result.output


def test_snippet_refuses_unknown_and_non_web_sources():
    assert _run("snippet", str(SAMPLES / "acme"), "nope").exit_code == 2
    result = _run("snippet", str(SAMPLES / "acme"), "backend")
    assert result.exit_code == 2 and "server source" in result.output


def test_schema_describes_both_file_kinds():
    document = json.loads(_run("schema").output)
    assert set(document) == {"workspace", "source"}
    assert "write_key" in document["source"]["required"]
    instance = document["source"]["$defs"]["InstanceFile"]
    assert "Mixpanel" in instance["properties"]["destination"]["enum"]
    assert document["workspace"]["properties"]["cache"]
    source_only = json.loads(_run("schema", "source").output)
    assert source_only["title"] == "bundlesmith source file"


def test_control_characters_from_user_text_are_printed_as_visible_escapes(tmp_path):
    root = write_workspace(tmp_path, raw_sources={"a": 'id: a\nname: A\ntype: web\nwrite_key: wk_a\n'
                                                       '"\\e]0;pwned\\a\\e[2J\\u202e\\x9b": 1\n'})
    result = _run("validate", str(root))
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "\x9b" not in result.output
    assert f"{root}/sources/a.yaml:5: \\x1b]0;pwned\\x07\\x1b[2J\\u202e\\x9b: [C-unknown-field]" in result.output


@pytest.mark.parametrize("raw, shown", [
    ("plain text\twith a tab\nand a newline", "plain text\twith a tab\nand a newline"),
    ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
    ("\r\x00\x7f\x85", "\\x0d\\x00\\x7f\\x85"),
    ("abc\u202eexe.txt \u2066x\u2069 \u202a", "abc\\u202eexe.txt \\u2066x\\u2069 \\u202a"),
    ("café ✓ 日本", "café ✓ 日本"),
])
def test_escape_controls_shows_what_a_terminal_would_obey(raw, shown):
    assert escape_controls(raw) == shown


def test_log_lines_are_escaped_too():
    record = logging.LogRecord("builder.x", logging.WARNING, __file__, 1, "bad key %s", ("\x1b[2J",), None)
    assert EscapingFormatter(LOG_FORMAT).format(record) == "WARNING builder.x: bad key \\x1b[2J"
