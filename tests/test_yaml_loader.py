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
