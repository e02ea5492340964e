"""YAML loading keeps line numbers, and bad YAML becomes a located problem instead of an exception."""
from __future__ import annotations

from builder.yaml_loader import load_yaml_text

TEXT = """\
id: shop
destinations:
  - destination: Mixpanel
    name: Mixpanel
    mode: device
  - {destination: Hotjar, name: Hotjar, mode: cloud}
"""


def test_line_of_points_at_the_key():
    doc = load_yaml_text(TEXT, "shop.yaml")
    assert doc.ok
    assert doc.line_of(("id",)) == 1
    assert doc.line_of(("destinations", 0, "mode")) == 5
    assert doc.line_of(("destinations", 1, "mode")) == 6


def test_line_of_a_missing_key_falls_back_to_its_parent():
    doc = load_yaml_text(TEXT, "shop.yaml")
    assert doc.line_of(("destinations", 0, "settings", "token")) == 3


def test_syntax_error_is_a_problem_with_its_line():
    doc = load_yaml_text("id: shop\nname: [unclosed\ntype: web\n", "bad.yaml")
    assert not doc.ok
    (problem,) = doc.problems
    assert problem.code == "C-yaml-syntax"
    assert problem.file == "bad.yaml"
    assert problem.line == 3


def test_duplicate_keys_are_reported():
    doc = load_yaml_text("id: a\nname: A\nid: b\n", "dup.yaml")
    (problem,) = doc.problems
    assert (problem.code, problem.line, problem.path) == ("C-duplicate-key", 3, "id")


def test_merge_keys_and_aliases_build_shared_data_with_lines():
    text = ("base: &b {mode: device, settings: {token: t}}\n"
            "destinations:\n"
            "  - {<<: *b, name: A}\n"
            "  - <<: *b\n"
            "    mode: cloud\n")
    doc = load_yaml_text(text, "m.yaml")
    assert doc.ok
    assert doc.data["destinations"] == [{"mode": "device", "settings": {"token": "t"}, "name": "A"},
                                        {"mode": "cloud", "settings": {"token": "t"}}]
    assert doc.data["destinations"][0]["settings"] is doc.data["base"]["settings"]  # built once, shared
    assert doc.line_of(("destinations", 1, "mode")) == 5        # its own key
    assert doc.line_of(("destinations", 1, "settings", "token")) == 1  # merged: where the anchor wrote it


def test_a_merge_key_needs_mappings():
    doc = load_yaml_text("a: {<<: 3}\n", "m.yaml")
    assert [str(p) for p in doc.problems] == [
        "m.yaml:1: a: [C-yaml-syntax] a merge key (<<) takes a mapping or a list of mappings"]


def test_problems_past_the_per_file_cap_are_counted_in_one_line():
    doc = load_yaml_text("a: [" + ", ".join([".nan"] * 1500) + "]\n", "n.yaml")
    assert len(doc.problems) == 1001
    assert str(doc.problems[-1]) == ("n.yaml:1: [C-too-many-problems] 500 more problems found from here on are not "
                                     "shown (at most 1,000 per file); fix the ones above first")


def test_text_no_yaml_parser_accepts_is_a_problem_not_an_exception():
    for text in ("a: \ud800\n", "a: \x00\n", "a: 1\n---\nb: 2\n", "*x\n", "a: !!int abc\n"):
        doc = load_yaml_text(text, "x.yaml")
        assert [p.code for p in doc.problems] in (["C-yaml-syntax"], ["C-json-value"]), text
