"""Immutable objects nobody references any more, without a global manifest (pure decisions over states).

    candidates = dropped(before, after)            # keys a publish stopped referencing (a build left retention)
    index.orphans |= dict.fromkeys(candidates)     # since None: dated by the next publish (`date_pending`)
    adopt(index, state.referenced())               # referenced again: no longer a candidate
    due(index, now, grace)                         # past the grace period: confirm against every state
    unreferenced(keys, states)                     # what no state references: deleted

A candidate's grace period starts at the first publish after the one that dropped it (as the layout-1 manifest's
orphan bookkeeping did), so a page that fetched an entry object just before either publish still finds what it
references. Confirming reads every source's state, which happens only for a candidate past its grace period: once
per plugin version retired. Workers never collect orphans: they see a few sources.
"""
from __future__ import annotations

from collections.abc import Iterable

from publish.state import Index, SourceState, is_private_key


def dropped(before: SourceState | None, after: SourceState | None) -> set[str]:
    """Return the keys `before` referenced and `after` does not, except entry objects (deleted with the source)."""
    if before is None:
        return set()
    entries = {k for k, r in before.objects.items() if not r.immutable}
    return before.referenced() - (after.referenced() if after is not None else set()) - entries


def note(index: Index, keys: Iterable[str]) -> bool:
    """Record candidates, undated (a candidate dropped again starts over); True if the index changed."""
    changed = False
    for key in keys:
        if index.orphans.get(key, 0.0) is not None:
            index.orphans[key] = None
            changed = True
    return changed


def adopt(index: Index, keys: Iterable[str]) -> bool:
    """Drop candidates that are referenced again; True if the index changed."""
    found = {k for k in keys if k in index.orphans}
    for key in found:
        del index.orphans[key]
    return bool(found)


def date_pending(index: Index, now: float) -> bool:
    """Start the grace period of undated candidates now; True if the index changed."""
    pending = [k for k, since in index.orphans.items() if since is None]
    index.orphans.update(dict.fromkeys(pending, now))
    return bool(pending)


def due(index: Index, now: float, grace_period: float) -> list[str]:
    """Return the candidates whose grace period is over."""
    return sorted(k for k, since in index.orphans.items() if since is not None and now - since >= grace_period)


def unreferenced(keys: Iterable[str], states: Iterable[SourceState]) -> set[str]:
    """Return the keys no state serves or keeps in a retained build."""
    left = set(keys)
    for state in states:
        if not left:
            break
        left -= state.referenced()
    return left


def untracked(listing: Iterable[str], states: Iterable[SourceState]) -> set[str]:
    """Return the served keys of a full listing that no state references (left by a crash before its state)."""
    referenced: set[str] = set()
    for state in states:
        referenced |= state.referenced()
    return {k for k in listing if not is_private_key(k) and k not in referenced and k != "_headers"}
