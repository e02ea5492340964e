"""The difference between two builds of a source: settings JSON line by line, the bundle statement by statement.

    diff_object("settings", old_bytes, new_bytes)   # {"name", "old_size", "new_size", "same", "lines": [...]}

Settings JSON is compared pretty-printed with sorted keys; the minified bundle is cut after every `;`, `{` and `}`
so that a change shows as the few statements it touched. Each line of the result is (kind, text), kind being
`+`, `-`, ` ` (context) or `@` (a hunk header). Long results are cut at MAX_LINES.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import re
from typing import Any

MAX_LINES = 1500
_STATEMENT_END = re.compile(r"(?<=[;{}])")


def comparable_lines(body: bytes, kind: str) -> list[str]:
    """Return an object's bytes as lines worth comparing (JSON pretty-printed, JavaScript cut into statements)."""
    text = body.decode("utf-8", "replace")
    if kind == "settings":
        try:
            return json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False).splitlines()
        except ValueError:
            return text.splitlines()
    return [part for part in (p.strip() for line in text.splitlines() for p in _STATEMENT_END.split(line)) if part]


def diff_object(name: str, kind: str, old: bytes | None, new: bytes | None) -> dict[str, Any]:
    """Return what changed in one object between two builds (None: the build has no such object, or it is gone)."""
    result: dict[str, Any] = {"name": name, "old_size": _size(old), "new_size": _size(new),
                              "old_sha": _sha(old), "new_sha": _sha(new), "same": old == new, "lines": [],
                              "cut": False, "missing": old is None or new is None}
    if result["same"] or result["missing"]:
        return result
    lines = list(difflib.unified_diff(comparable_lines(old or b"", kind), comparable_lines(new or b"", kind),
                                      lineterm="", n=2))[2:]  # the ---/+++ header says nothing here
    result["cut"] = len(lines) > MAX_LINES
    result["lines"] = [(line[:1] if line[:1] in "+-@" else " ", line[1:] if line[:1] in "+- " else line)
                       for line in lines[:MAX_LINES]]
    return result


def _size(body: bytes | None) -> int | None:
    return None if body is None else len(body)


def _sha(body: bytes | None) -> str | None:
    return None if body is None else hashlib.sha256(body).hexdigest()[:12]
