"""Values reach JavaScript only as JSON that cannot close a script element or end a line."""
from __future__ import annotations

import json

from builder.jsonsafe import canonical_json_bytes, script_json

HOSTILE = "</script><script>alert(1)</script> <!-- & \u2028\u2029 \"'\\ ${x}"


def test_script_json_escapes_what_html_and_js_would_interpret():
    text = script_json({"v": HOSTILE})
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == {"v": HOSTILE}


def test_canonical_json_is_deterministic():
    a = canonical_json_bytes({"b": 1, "a": [2, {"d": 1, "c": 0}]})
    b = canonical_json_bytes({"a": [2, {"c": 0, "d": 1}], "b": 1})
    assert a == b == b'{"a":[2,{"c":0,"d":1}],"b":1}\n'
