"""Workspace files: every field problem is reported at once, with code, file, line, key path, expected and got."""
from __future__ import annotations

import pytest

from builder.workspace import load_workspace, source_paths
from tests.support.workspaces import web_source, write_workspace


def _problems(root, catalog):
    return load_workspace(root, catalog).all_problems()


def test_sample_workspace_is_valid(catalog):
    from tests.conftest import SAMPLES

    workspace = load_workspace(SAMPLES / "acme", catalog)
    assert workspace.all_problems() == []
    assert sorted(s.source.id for s in workspace.sources) == ["backend", "marketing", "mobile-app", "storefront"]


def test_all_field_problems_are_reported_at_once(tmp_path, catalog):
    text = (
        "id: shop\n"
        "name: Shop\n"
        "type: website\n"          # line 3: not a source type
        "write_key: wk_shop\n"
        "enable: false\n"          # line 5: typo of `enabled`
        "destinations:\n"
        "  - destination: Mixpanel\n"
        "    name: Mixpanel\n"     # mode missing: reported at the instance (line 7)
    )
    root = write_workspace(tmp_path, raw_sources={"shop": text})
    lines = [str(p) for p in _problems(root, catalog)]
    file = f"{root}/sources/shop.yaml"
    assert lines == [
        f"{file}:3: type: [C-invalid-value] 'type' has a value that is not allowed "
        "(expected 'web', 'mobile', 'server' or 'project', got 'website')",
        f"{file}:5: enable: [C-unknown-field] 'enable' is not a known key here; check its spelling "
        "(got 'enable')",
        f"{file}:7: destinations[0].mode: [C-missing] the key 'mode' is required (expected a value, got nothing)",
    ]


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "x" * 200, "wk key", "é"])
@pytest.mark.parametrize("field", ["id", "write_key"])
def test_path_like_ids_and_write_keys_are_rejected(tmp_path, catalog, field, bad):
    root = write_workspace(tmp_path, sources={"s": web_source("site", **{field: bad})})
    (problem,) = _problems(root, catalog)
    assert problem.code == "C-unsafe-id"
    assert problem.path == field
    assert problem.line == (1 if field == "id" else 4)
    assert "URL- and path-safe" in problem.message
    assert problem.expected.startswith("1 to 100 characters of A-Z a-z 0-9 _ -")


def test_cache_policy_over_budget_is_rejected(tmp_path, catalog):
    root = write_workspace(tmp_path, cache={"browser_max_age": 600, "edge_max_age": 1500})
    (problem,) = _problems(root, catalog)
    assert problem.code == "C-cache-budget"
    assert problem.file.endswith("workspace.yaml")
    assert "2100 s exceeds the propagation_budget of 1800 s" in problem.message


def test_two_sources_with_one_write_key_both_fail(tmp_path, catalog):
    root = write_workspace(tmp_path, sources={
        "a": web_source("a", write_key="wk_same"), "b": web_source("b", write_key="wk_same")})
    problems = _problems(root, catalog)
    assert [(p.code, p.file.rsplit("/", 1)[1], p.line) for p in problems] == [
        ("C-duplicate-write-key", "a.yaml", 4), ("C-duplicate-write-key", "b.yaml", 4)]
    assert "also used by" in problems[0].message


def test_broken_yaml_in_one_source_leaves_the_others_valid(tmp_path, catalog):
    root = write_workspace(tmp_path, sources={"good": web_source("good")}, raw_sources={"bad": "id: [\n"})
    workspace = load_workspace(root, catalog)
    assert [s.ok for s in workspace.sources] == [False, True]
    assert workspace.sources[0].problems[0].code == "C-yaml-syntax"


def test_source_files_are_yaml_files_under_sources_in_path_order_hidden_ones_skipped(tmp_path):
    for name in ("b.yaml", "a.yml", "eu/c.yaml", "eu/a.yaml", "notes.txt", ".draft.yaml", ".git/x.yaml",
                 "b.yaml.swp", "old/.hidden/d.yaml"):
        (tmp_path / "sources" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "sources" / name).write_text("id: x\n")
    (tmp_path / "sources" / "folder.yaml").mkdir()

    found = [p.relative_to(tmp_path / "sources").as_posix() for p in source_paths(tmp_path)]

    assert found == ["a.yml", "b.yaml", "eu/a.yaml", "eu/c.yaml"]
    assert source_paths(tmp_path / "missing") == []


def test_a_field_error_under_settings_says_type_and_length_not_the_value(tmp_path, catalog):
    text = ("id: shop\nname: Shop\ntype: web\nwrite_key: wk_shop\ndestinations:\n"
            "  - {destination: Mixpanel, name: MP, mode: cloud, settings: sk_live_4242424242424242}\n"
            "  - {destination: Mixpanel, name: MP2, mode: cloud, settings: 98765432101}\n")
    root = write_workspace(tmp_path, raw_sources={"shop": text})
    lines = [str(p) for p in _problems(root, catalog)]
    file = f"{root}/sources/shop.yaml"
    assert lines == [
        f"{file}:6: destinations[0].settings: [C-type] 'settings' is invalid: input should be a valid dictionary "
        "(got str of 24 characters)",
        f"{file}:7: destinations[1].settings: [C-type] 'settings' is invalid: input should be a valid dictionary "
        "(got int of 11 digits)",
    ]


def test_harmless_values_are_still_echoed(tmp_path, catalog):
    root = write_workspace(tmp_path, raw_sources={"shop": "id: shop\nname: Shop\ntype: web\nwrite_key: wk_shop\n"
                                                          "destinations:\n  - {destination: Mixpanel, name: MP, "
                                                          "mode: browser}\n"})
    (problem,) = _problems(root, catalog)
    assert str(problem).endswith("destinations[0].mode: [C-invalid-value] 'mode' has a value that is not allowed "
                                 "(expected 'cloud' or 'device', got 'browser')")


def test_control_characters_in_echoed_input_are_escaped(tmp_path, catalog):
    text = 'id: shop\nname: Shop\ntype: "\\e[2J\\e]0;pwned\\a"\nwrite_key: wk_shop\n"\\e[31mred": 1\n'
    root = write_workspace(tmp_path, raw_sources={"shop": text})
    lines = [str(p) for p in _problems(root, catalog)]
    file = f"{root}/sources/shop.yaml"
    assert lines == [
        f"{file}:3: type: [C-invalid-value] 'type' has a value that is not allowed (expected 'web', 'mobile', "
        "'server' or 'project', got '\\x1b[2J\\x1b]0;pwned\\x07')",
        f"{file}:5: \\x1b[31mred: [C-unknown-field] '\\x1b[31mred' is not a known key here; check its spelling "
        "(got '\\x1b[31mred')",
    ]
    assert not any(ch in "".join(lines) for ch in "\x1b\x07")


def test_an_invalid_workspace_yaml_is_a_config_error_carrying_every_problem(tmp_path, catalog):
    from builder.errors import ConfigError

    root = write_workspace(tmp_path / "ws", sources={"site": web_source()}, cdn={"base_url": 7})
    workspace = load_workspace(root, catalog)
    with pytest.raises(ConfigError) as caught:
        workspace.valid_config()
    assert caught.value.problems == workspace.problems and caught.value.problems
    assert str(caught.value) == (f"{root}/workspace.yaml:4: cdn.base_url: [C-type] 'base_url' is invalid: input "
                                 "should be a valid string (got 7)\n1 problem found")


def test_the_sources_present_are_those_whose_file_could_be_read(tmp_path, catalog):
    root = write_workspace(tmp_path / "ws", sources={"a": web_source("a"), "b": web_source("b")},
                           raw_sources={"broken": "id: [unclosed\n"})
    workspace = load_workspace(root, catalog)
    assert workspace.valid_config().cdn.base_url == "https://cdn.test.example"
    assert workspace.source_ids() == {"a", "b"} and not workspace.ok
