"""The served markers a long-lived publisher trusts: a read-only snapshot that one write replaces in O(1).

    view = MarkerView(found)                          # {source: [Marker]} as listed (the dict is never mutated)
    after = view.with_markers("shop", [marker])       # a new snapshot; `view` is unchanged
    after.get("shop"); set(after); len(after)         # a read-only Mapping

`publish.state_store.TargetState` hands the same snapshot to every publish instead of copying every source's
markers, and records each marker it writes as a new snapshot: the sources written since the listing are kept beside
it and folded into a new dict once there are `FOLD` of them, so a change costs the same at 100,000 sources as at 10.
The marker lists are shared, never copied: read them, never mutate them.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import chain

from publish.state import Marker

FOLD = 512  # sources written since the listing kept apart before a new dict is made (amortised O(1) per write)


class MarkerView(Mapping[str, list[Marker]]):
    """Every served source's markers: the listed dict plus the sources written since (None: removed)."""

    __slots__ = ("_base", "_changed", "_removed")

    def __init__(self, base: dict[str, list[Marker]], changed: dict[str, list[Marker] | None] | None = None):
        self._base, self._changed = base, changed or {}
        self._removed = sum(1 for m in self._changed.values() if m is None)

    def with_markers(self, source_id: str, markers: list[Marker]) -> "MarkerView":
        """Return a snapshot where `source_id` has `markers` (no markers: it is not served)."""
        changed = {**self._changed, source_id: markers or None}
        if len(changed) < FOLD:
            return MarkerView(self._base, changed)
        base = dict(self._base)
        for sid, found in changed.items():
            if found is None:
                base.pop(sid, None)
            else:
                base[sid] = found
        return MarkerView(base)

    def __getitem__(self, source_id: str) -> list[Marker]:
        if source_id in self._changed:
            found = self._changed[source_id]
            if found is None:
                raise KeyError(source_id)
            return found
        return self._base[source_id]

    def __contains__(self, source_id: object) -> bool:
        if source_id in self._changed:
            return self._changed[source_id] is not None  # type: ignore[index]
        return source_id in self._base

    def __iter__(self) -> Iterator[str]:
        added = (sid for sid, found in self._changed.items() if found is not None and sid not in self._base)
        if not self._removed:
            return chain(self._base, added)
        return chain((sid for sid in self._base if self._changed.get(sid, True) is not None), added)

    def __len__(self) -> int:
        added = sum(1 for sid, found in self._changed.items() if found is not None and sid not in self._base)
        gone = sum(1 for sid, found in self._changed.items() if found is None and sid in self._base)
        return len(self._base) + added - gone
