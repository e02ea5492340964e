"""Parse a settings JSON or export strictly: what JSON can hold but a workspace file cannot is refused.

    document = parse_json(data, "settings.json")   # a dict, or ImportInputError naming the input and the rule

Refused: text that is not UTF-8, NaN and infinities, integers beyond 2^53 - 1 (browsers would round them), duplicate
keys (parsers disagree on which wins), nesting deeper than the YAML loader accepts, lone UTF-16 surrogates (no UTF-8
file holds them), anything but an object at the top.
"""
from __future__ import annotations

import json
import math
from typing import Any

from builder.input_limits import JSON_MAX_INT, YAML_MAX_DEPTH
from bundlesmith.segment.fetch import ImportInputError


def parse_json(data: bytes, where: str) -> dict[str, Any]:
    """Parse `data` as one JSON object, refusing what a workspace file cannot hold; name `where` in errors."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportInputError(f"{where}: not UTF-8 text (byte {exc.start})") from exc
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant,
                              parse_int=_bounded_int, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise ImportInputError(f"{where}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise ImportInputError(f"{where}: nested deeper than {YAML_MAX_DEPTH} levels (the limit)") from exc
    except _Refused as exc:
        raise ImportInputError(f"{where}: {exc}") from exc
    if not isinstance(document, dict):
        raise ImportInputError(f"{where}: expected a JSON object at the top level, got an array or a value")
    problem = _unwritable(document)
    if problem:
        raise ImportInputError(f"{where}: {problem}")
    return document


class _Refused(ValueError):
    """A JSON value that parses but that a workspace file cannot hold."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"the key {key!r} appears twice in one object (JSON parsers disagree on which wins)")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number (only finite numbers are accepted)")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 16 or abs(int(text)) > JSON_MAX_INT:
        raise _Refused(f"the integer {text[:20]}{'...' if len(text) > 20 else ''} is beyond 2^53 - 1, "
                       "which browsers cannot hold exactly")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:20]} is out of range (not finite)")
    return value


def _unwritable(value: Any) -> str:
    """Return why a parsed document cannot go into a workspace file (too deep, a lone surrogate), or ''.

    Iterative: no recursion on hostile input."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= c <= "\udfff" for c in item):
                return "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff escape), which no UTF-8 file can hold"
            continue
        children = list(item.items()) if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > YAML_MAX_DEPTH:
            return f"nested deeper than {YAML_MAX_DEPTH} levels (the limit)"
        for child in children:
            if isinstance(child, tuple):  # a key and its value
                stack.append((child[0], depth + 1))
                stack.append((child[1], depth + 1))
            else:
                stack.append((child, depth + 1))
    return ""
