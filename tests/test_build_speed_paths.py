"""The full build's fast paths give exactly what the slow ones gave: same data, same problems and lines, same bytes."""
from __future__ import annotations

import copy
import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.assets import Assets
from builder.build import Builder
from builder.bundle import render_bundle
from builder.jsonsafe import script_json
from builder.models import LimitsConfig
from builder.workspace import load_workspace, parse_source_text
from builder.yaml_fast import load_plain_yaml
from builder.yaml_loader import load_yaml_text
from tests.support.workspaces import web_source, write_workspace
from tests.test_loader_fuzz import _values, hostile_scalar, json_scalar, yamlish

FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
HEAD = "id: site\nname: Site\ntype: web\nwrite_key: wk_site\n"


def _agrees(text: str) -> None:
    """The fast reader returns nothing, or the same data and top-level lines as the line-locating loader."""
    fast = load_plain_yaml(text)
    if fast is None:
        return
    slow = load_yaml_text(text, "f.yaml")
    data, top, root_line = fast
    assert slow.ok, (text, slow.problems)
    assert json.dumps(data) == json.dumps(slow.data) and data == slow.data
    assert root_line == slow.root_line
    assert {key: line for key, (line, _) in top.items()} == {key: slow.line_of((key,)) for key in slow.data}


@FUZZ
@given(yamlish)
def test_the_fast_reader_never_disagrees_on_yamlish_text(text):
    _agrees(HEAD + text)
    _agrees(text)


plain_values = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=8), inner, max_size=4), max_leaves=25)


@FUZZ
@given(plain_values | _values(json_scalar | hostile_scalar), st.sampled_from([None, False, True]))
def test_the_fast_reader_never_disagrees_on_dumped_values(value, flow):
    try:
        text = yaml.dump({"settings": value, "k": copy.deepcopy(value)}, default_flow_style=flow, allow_unicode=True)
    except yaml.YAMLError:
        return
    _agrees(text)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",                      # duplicate key
    "a: &x {b: 1}\nc: *x\n",             # anchors and aliases
    "<<: {b: 1}\n",                      # merge key
    "1: one\n",                          # a number as a key
    "a: 2024-01-01\n",                   # a date
    "a: .nan\n",                         # not finite
    "a: 9007199254740992\n",             # beyond 2^53 - 1
    "a: !!str 1\n",                      # a tag
    "a: 1\n---\nb: 2\n",                 # two documents
    "- a\n",                             # not a mapping
    "",                                  # empty
    "a: [\n",                            # a syntax error
    "on: 1\n",                           # a key read as a boolean
    "a: " + "[" * 70 + "]" * 70 + "\n",  # past YAML_MAX_DEPTH
])
def test_the_fast_reader_hands_every_unusual_file_to_the_line_locating_loader(text):
    assert load_plain_yaml(text) is None


def test_a_plain_file_reads_to_the_same_data_as_before():
    text = HEAD + ("destinations:\n  - {destination: Mixpanel, name: MP, mode: device, settings: {token: 'x', n: 0x1F,"
                   " f: 1.5e+3, flag: yes, none: ~, list: [1, '2', -3]}}\nintegrations: {All: true}\n")
    data, top, root_line = load_plain_yaml(text)
    assert data == load_yaml_text(text, "f").data
    assert data["destinations"][0]["settings"] == {"token": "x", "n": 31, "f": 1500.0, "flag": True, "none": None,
                                                   "list": [1, "2", -3]}
    assert top["write_key"] == (4, None) and root_line == 1


def test_a_problem_in_a_plain_file_still_names_its_line_and_field(catalog):
    text = HEAD + "destinations:\n  - destination: Mixpanel\n    name: MP\n    mode: device\n    settings:\n" \
                  "      token: t\n      colour: blue\n"
    config = parse_source_text(text, "sources/site.yaml", catalog, LimitsConfig())
    problem = next(p for p in config.problems if p.code == "C-setting-unknown")
    assert (problem.file, problem.line, problem.path) == ("sources/site.yaml", 11, "destinations[0].settings.colour")
    missing = parse_source_text("id: site\ntype: web\nwrite_key: wk\n", "sources/s.yaml", catalog, LimitsConfig())
    assert [(p.code, p.line, p.path) for p in missing.problems] == [("C-missing", 1, "name")]


def test_clashing_write_keys_name_the_line_of_each_file(tmp_path, catalog):
    root = write_workspace(tmp_path, raw_sources={
        "a": "# first\nid: a\nname: A\ntype: web\nwrite_key: same\n",
        "b": "id: b\nname: B\ntype: web\n\n\nwrite_key: same\n"})
    problems = load_workspace(root, catalog).all_problems()
    assert [(p.code, p.file.rsplit("/", 1)[1], p.line) for p in problems] == [
        ("C-duplicate-write-key", "a.yaml", 5), ("C-duplicate-write-key", "b.yaml", 6)]


def test_loading_reports_progress_file_by_file(tmp_path, catalog):
    root = write_workspace(tmp_path, sources={f"s{i}": web_source(f"s{i}") for i in range(3)})
    seen = []
    load_workspace(root, catalog, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


# --- building: each distinct adapter list rendered once, each plugin file hashed once -----------------------------

def test_a_bundle_is_byte_for_byte_the_template_rendered_whole(assets, catalog):
    from builder import __version__

    adapters = [assets.adapter(catalog.get(name)) for name in ("Mixpanel", "Hotjar")]
    for settings in ({"a": 1}, {"x": "</script>\u2028é"}, {}):
        settings_json = script_json(settings)
        whole = assets.render("bundle.js.j2", version=__version__, settings_json=settings_json, adapters=adapters,
                              runtime=assets.runtime()).encode("utf-8")
        assert render_bundle(settings_json, adapters, assets) == whole


def test_a_template_holding_the_settings_twice_is_rendered_whole(tmp_path, assets, catalog):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "runtime.js").write_text("var r=1;\n")
    (templates / "bundle.js.j2").write_text("a={{ settings_json }};b={{ settings_json }};{{ runtime }}")
    custom = Assets.load(templates=templates, snippets=assets.snippets)
    assert render_bundle('{"k":1}', [], custom) == b'a={"k":1};b={"k":1};var r=1'


def test_script_json_still_escapes_what_could_close_a_script(assets):
    assert script_json({"v": "<>&\u2028\u2029"}) == '{"v":"\\u003c\\u003e\\u0026\\u2028\\u2029"}'
    assert script_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_sources_share_one_hashed_object_per_plugin_file(tmp_path, catalog, assets):
    mixpanel = [{"destination": "Mixpanel", "name": "MP", "mode": "device", "settings": {"token": "t"}}]
    root = write_workspace(tmp_path, sources={"a": web_source("a", mixpanel), "b": web_source("b", mixpanel)})
    builds = list(Builder(catalog, assets).build_all(load_workspace(root, catalog)))
    plugin_a = [o for o in builds[0].objects if o.immutable]
    plugin_b = [o for o in builds[1].objects if o.immutable]
    assert len(plugin_a) == 1 and plugin_a[0] is plugin_b[0]  # one object: its SHA-256 computed once
