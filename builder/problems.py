"""Problems: one validation finding each, with a stable code, its file, line and key path.

Every check in bundlesmith reports Problems instead of raising at the first one, so a user sees all of
them at once. `str(problem)` is the line a user reads:

    sources/storefront.yaml:14: destinations[2].mode: [R9-mode-unsupported] Hotjar works in device-mode only (expected 'device', got 'cloud')
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass


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

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else (self.file or "<workspace>")
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
