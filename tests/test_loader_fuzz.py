"""Property-based fuzzing of the loader and the source schema: whatever the input (YAML-ish text, values JSON cannot
hold, deep nesting, aliases), the result is valid data or problems with a code, never an exception."""
from __future__ import annotations

import datetime
import json
import math

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.models import LimitsConfig
from builder.workspace import parse_source_text
from builder.yaml_loader import load_yaml_text

FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
LOADER_CODES = {"C-yaml-syntax", "C-duplicate-key", "C-json-value", "C-yaml-too-large", "C-yaml-aliases",
                "C-yaml-depth", "C-too-many-problems"}
HEAD = "id: site\nname: Site\ntype: web\nwrite_key: wk_site\n"

# Pieces of YAML that reach the loader's corners: anchors, aliases, merges, tags, flow and block collections.
TOKENS = ["a", "b", ":", ": ", "- ", "\n", "  ", "[", "]", "{", "}", ", ", "&a ", "*a", "&b ", "*b", "<<: ", "? ",
          "!!set ", "!!binary ", "!!str ", "!!int ", "!!float ", "!!omap ", "!Ref ", ".nan", ".inf", "-.inf", "~",
          "yes", "1", "0x1F", "1_000", "9" * 30, "2024-01-01", "2024-01-01 10:00:00", "'q'", '"\\e"', "#c", "|",
          ">", "---\n", "...", "%YAML 1.1\n", "\t", "\x00", "\u2028", "é"]
yamlish = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)

json_scalar = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=12) | st.floats(
    allow_nan=False, allow_infinity=False)
hostile_scalar = (st.floats() | st.integers() | st.dates() | st.datetimes() | st.binary(max_size=8)
                  | st.frozensets(st.integers(0, 5), max_size=3).map(set))
keys = st.text(max_size=8) | st.integers(0, 3) | st.booleans()


def _values(scalars):
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        keys, inner, max_size=4) | inner.map(lambda v: [v, v, v]), max_leaves=25)  # [v, v, v]: dumped as aliases


def _json_holdable(value, depth=0):
    """Tell whether JSON can hold `value` within the loader's bounds (64 levels deep)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return abs(value) <= 2**53 - 1
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return depth < 64 and all(_json_holdable(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return depth < 64 and all(isinstance(k, str) and _json_holdable(v, depth + 1) for k, v in value.items())
    return False  # dates, bytes, sets


def _nest(value, depth):
    for _ in range(depth):
        value = {"a": value}
    return value


def _check(doc):
    for problem in doc.problems:
        assert problem.code in LOADER_CODES, str(problem)
        assert problem.file == "f.yaml"
        assert "\n" not in str(problem)
    if doc.ok and doc.data is not None:
        json.dumps(doc.data, allow_nan=False)  # what is accepted, JSON can hold


@FUZZ
@given(yamlish)
def test_any_yamlish_text_loads_or_gives_problems(text):
    _check(load_yaml_text(text, "f.yaml"))


@FUZZ
@given(_values(json_scalar | hostile_scalar), st.integers(0, 80))
def test_any_value_loads_exactly_when_json_can_hold_it(value, depth):
    value = _nest(value, depth)
    text = yaml.safe_dump(value, allow_unicode=True)
    doc = load_yaml_text(text, "f.yaml")
    _check(doc)
    if _json_holdable(value):
        assert doc.ok, [str(p) for p in doc.problems]
        assert doc.data == value
    else:
        assert not doc.ok


@FUZZ
@given(text=yamlish, settings_value=_values(json_scalar | hostile_scalar),
       integrations_value=_values(json_scalar | hostile_scalar))
def test_any_source_file_validates_or_gives_coded_problems(catalog, text, settings_value, integrations_value):
    document = {"destinations": [{"destination": "Mixpanel", "name": "MP", "mode": "device",
                                  "settings": {"token": "t", "x": settings_value}}],
                "integrations": {"Mixpanel": integrations_value}}
    for source_text in (HEAD + yaml.safe_dump(document, allow_unicode=True), HEAD + text):
        entry = parse_source_text(source_text, "sources/s.yaml", catalog, LimitsConfig())
        assert all(p.code.startswith(("C-", "R")) and p.file == "sources/s.yaml" for p in entry.problems)
        if entry.source is not None:
            json.dumps(entry.source.model_dump(mode="json"), allow_nan=False)


def test_the_value_strategy_reaches_the_hostile_kinds():
    doc = load_yaml_text(yaml.safe_dump({"d": datetime.date(2024, 1, 1), "s": {1, 2}, "b": b"x",
                                         "n": float("nan")}), "f.yaml")
    assert [p.code for p in doc.problems] == ["C-json-value"] * 4
