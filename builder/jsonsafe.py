"""Encode values as JSON that is safe to embed in JavaScript and inside an HTML `<script>` element.

    script_json({"name": "</script><b>"})   # '{"name":"\\u003c/script\\u003e\\u003cb\\u003e"}'

Every value that reaches generated JavaScript goes through `script_json`: `<`, `>`, `&`, U+2028 and U+2029 are
escaped, so no string can close a script element, open an HTML comment or end a JavaScript line. Keys are sorted
and separators compact, so the same value always gives the same bytes.
"""
from __future__ import annotations

import json
from typing import Any

_ESCAPES = str.maketrans({
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
})

# No cycle check: values come from loaded files (where an alias cannot refer to what contains it) and from the
# builder; a cycle would still fail (RecursionError) rather than loop.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
                            check_circular=False)


def script_json(value: Any) -> str:
    """Return `value` as a compact, deterministic JSON literal safe inside JavaScript and `<script>`."""
    text = _ENCODER.encode(value)
    if "<" in text or ">" in text or "&" in text or "\u2028" in text or "\u2029" in text:  # rare: escape them
        return text.translate(_ESCAPES)
    return text


def canonical_json_bytes(value: Any) -> bytes:
    """Return the deterministic bytes of a JSON document (sorted keys, compact, trailing newline)."""
    return (script_json(value) + "\n").encode("utf-8")
