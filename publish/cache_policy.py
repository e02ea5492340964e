"""Cache-Control headers: entry objects follow the workspace's cache policy, content-addressed ones are immutable.

    entry_cache_control(CacheConfig())   # 'public, max-age=300, s-maxage=1500'
    IMMUTABLE_CACHE_CONTROL              # 'public, max-age=31536000, immutable'

The policy itself is validated in `builder.models.CacheConfig` (browser + edge + stale-while-revalidate must fit
the propagation budget), so every header built here keeps a change's propagation within the budget.
"""
from __future__ import annotations

from builder.build import BuiltObject
from builder.models import CacheConfig

IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"


def entry_cache_control(cache: CacheConfig) -> str:
    """Return the Cache-Control of entry objects (settings, analytics.min.js)."""
    value = f"public, max-age={cache.browser_max_age}, s-maxage={cache.edge_max_age}"
    if cache.stale_while_revalidate:
        value += f", stale-while-revalidate={cache.stale_while_revalidate}"
    return value


def cache_control(obj: BuiltObject, cache: CacheConfig) -> str:
    """Return the Cache-Control header `obj` is served with."""
    return IMMUTABLE_CACHE_CONTROL if obj.immutable else entry_cache_control(cache)
