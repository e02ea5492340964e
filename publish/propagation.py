"""When a published change is visible to every visitor, and which CloudFront paths to invalidate.

    visible_everywhere_by(published_at, cache)                       # published_at + edge + browser (+ swr)
    visible_everywhere_by(published_at, cache, invalidated_at=t)     # min(that, t + browser (+ swr))
    invalidation_batches(["/v1/projects/wk/settings", ...])          # [[paths]] or one wildcard per prefix

The bound is the worst case of `publish.cache_chain`: an edge copy fetched just before the publish lives
`edge_max_age`, and a browser that got it at the last moment keeps it `browser_max_age` more (a hop that drops
`Age` allows that). After an invalidation completes the edge holds nothing old, so only browsers' copies remain.
A content-addressed object has a new key, so it is visible the moment it is uploaded.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from builder.models import CacheConfig

MAX_INVALIDATION_PATHS = 1000  # per publish; above this, one wildcard per prefix (CloudFront limits: 3000 / 15)


def visible_everywhere_by(published_at: float, cache: CacheConfig, *, immutable: bool = False,
                          invalidated_at: float | None = None) -> float:
    """Return the time after which no visitor can get the previous version of an object."""
    if immutable:
        return published_at
    swr = cache.stale_while_revalidate
    bound = published_at + cache.edge_max_age + cache.browser_max_age + swr
    if invalidated_at is not None:
        bound = min(bound, max(invalidated_at, published_at) + cache.browser_max_age + swr)
    return bound


def invalidation_paths(keys: Iterable[str], prefix: str) -> list[str]:
    """Return the CloudFront paths of object keys published under `prefix`."""
    base = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    return sorted({base + key for key in keys})


def invalidation_batches(paths: Sequence[str], max_paths: int = MAX_INVALIDATION_PATHS) -> list[list[str]]:
    """Return the invalidations to create: the exact paths, or one wildcard per parent prefix if too many."""
    if not paths:
        return []
    if len(paths) <= max_paths:
        return [sorted(paths)]
    wildcards = sorted({_wildcard(p) for p in paths})
    return [wildcards[i:i + max_paths] for i in range(0, len(wildcards), max_paths)]


def _wildcard(path: str) -> str:
    """Return the wildcard that covers every key of the same kind: /v1/projects/*, /analytics.js/v1/*."""
    parts = path.strip("/").split("/")
    if len(parts) >= 3:  # prefix.../v1/projects/<wk>/settings -> .../v1/projects/*
        return "/" + "/".join(parts[:-2]) + "/*"
    return "/" + "/".join(parts[:-1]) + "/*" if len(parts) > 1 else "/*"
