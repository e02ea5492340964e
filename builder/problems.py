"""Problems: one validation finding each, with a stable code, its file, line and key path.

Every check in bundlesmith reports Problems instead of raising at the first one, so a user sees all of
them at once. `str(problem)` is the line a user reads:

    sources/storefront.yaml:14: destinations[2].mode: [R9-mode-unsupported] Hotjar works in device-mode only (expected 'device', got 'cloud')
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from builder.input_limits import ECHO_MAX_CHARS, PROBLEMS_PER_FILE

# Characters that must not reach a terminal raw: C0/C1 controls, DEL, line/paragraph separators, bidi overrides.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration, located as precisely as the input allows."""

    code: str
    message: str
    file: str = ""
    line: int | None = None
    path: str = ""
    expected: str | None = None
    got: str | None = None

    def __post_init__(self) -> None:
        for name in ("message", "path", "expected", "got"):
            value = getattr(self, name)
            if value and not value.isprintable():
                object.__setattr__(self, name, escape_controls(value))

    def __str__(self) -> str:
        file = escape_controls(self.file)
        location = f"{file}:{self.line}" if self.line else (file or "<workspace>")
        where = f" {self.path}:" if self.path else ""
        text = f"{location}:{where} [{self.code}] {self.message}"
        details = [f"{label} {value}" for label, value in (("expected", self.expected), ("got", self.got))
                   if value is not None]
        if details:
            text += f" ({', '.join(details)})"
        return text

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order problems by file, then line, then path."""
        return (self.file, self.line or 0, self.path, self.code)

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict (for the admin API and `validate --json`)."""
        return asdict(self)


def format_path(path: Iterable[str | int]) -> str:
    """Render a key path like ('destinations', 2, 'mode') as `destinations[2].mode`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def format_problems(problems: Iterable[Problem]) -> str:
    """Render problems one per line, sorted, with a count at the end."""
    ordered = sorted(problems, key=Problem.sort_key)
    lines = [str(p) for p in ordered]
    lines.append(f"{len(ordered)} problem{'s' if len(ordered) != 1 else ''} found")
    return "\n".join(lines)


def escape_controls(text: str, *, keep_lines: bool = False) -> str:
    """Escape control characters repr-style (`\\x1b`), so echoed input cannot drive a terminal.

    With `keep_lines`, newlines and tabs stay as they are (text of several lines, such as a report or a log record).
    """
    if text.isprintable():
        return text
    return (_UNSAFE_IN_LINES if keep_lines else _UNSAFE).sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def is_private_path(path: Sequence[str | int]) -> bool:
    """Return True for a key path under `settings`, where a value may be a private setting."""
    return "settings" in path


def describe_value(value: Any) -> str:
    """Describe a value by type and length only (`int of 11 digits`, `str of 40 characters`), never by content."""
    if isinstance(value, bool) or value is None:
        return "bool" if isinstance(value, bool) else "null"
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10**100 else None
        return f"int of {digits} digits" if digits else "int of more than 100 digits"
    if isinstance(value, str | bytes):
        return f"{type(value).__name__} of {len(value)} characters"
    if isinstance(value, dict):
        return f"mapping of {len(value)} keys"
    if isinstance(value, list | tuple | set | frozenset):
        return f"{type(value).__name__} of {len(value)} items"
    return type(value).__name__


def echo_value(value: Any, path: Sequence[str | int] = ()) -> str:
    """Show a value in a problem line: its repr (cut, controls escaped), or only its type and length if it may
    be private."""
    if is_private_path(path):
        return describe_value(value)
    if isinstance(value, dict | list):
        return type(value).__name__
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**ECHO_MAX_CHARS:
        return describe_value(value)
    text = escape_controls(repr(value))
    return text if len(text) <= ECHO_MAX_CHARS else text[:ECHO_MAX_CHARS - 3] + "..."


def too_many_problems(file: str, hidden: int, line: int | None) -> Problem:
    """Return the line that stands for `hidden` problems of `file` left out past PROBLEMS_PER_FILE."""
    return Problem(code="C-too-many-problems", file=file, line=line,
                   message=f"{hidden:,} more problem{'s' if hidden != 1 else ''} found from here on are not shown "
                           f"(at most {PROBLEMS_PER_FILE:,} per file); fix the ones above first")
