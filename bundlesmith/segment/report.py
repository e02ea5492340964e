"""What an import could not represent (or changed), one item each: nothing of the input is dropped silently.

    item = Item("unknown-destination", "integrations.Snowplow", "not in bundlesmith's catalog")
    format_report([item])   # "  - [unknown-destination] integrations.Snowplow: not in bundlesmith's catalog"

`where` is the place in the input (a JSON path such as `remotePlugins[2].settings.subscriptions[1]`); messages
describe values by type and length when they may be private (`describe`), never by value.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Item kinds, in the order a report lists them.
KINDS = (
    "unknown-destination", "unsupported-mode", "duplicate-device", "unknown-setting", "missing-setting",
    "subscription", "consent", "tracking-plan", "middleware", "edge-function", "collector", "unknown-field", "note",
)


@dataclass(frozen=True)
class Item:
    """One thing of the input that the written source does not hold as it was."""

    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.message}"


def sorted_items(items: Iterable[Item]) -> list[Item]:
    """Return the items in report order: by kind, then by where they are in the input."""
    rank = {kind: index for index, kind in enumerate(KINDS)}
    return sorted(set(items), key=lambda i: (rank.get(i.kind, len(KINDS)), i.where, i.message))


def format_report(items: Iterable[Item], indent: str = "  - ") -> str:
    """Return the report as lines, or a sentence saying everything was represented."""
    ordered = sorted_items(items)
    if not ordered:
        return f"{indent}nothing: every destination, setting and option of the input is in the source file"
    return "\n".join(f"{indent}{item}" for item in ordered)


def describe(value: Any) -> str:
    """Describe a value by type and size only (it may be private)."""
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"an object of {len(value)} keys"
    return "null" if value is None else type(value).__name__
