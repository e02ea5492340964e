"""The origin → edge → browser model: HTTP freshness rules, and the 30-minute propagation claims it backs."""
from __future__ import annotations

import itertools

import pytest

from builder.models import CacheConfig
from publish.cache_chain import CacheChain, freshness_lifetime, parse_cache_control
from publish.cache_policy import IMMUTABLE_CACHE_CONTROL, entry_cache_control

KEY = "v1/projects/wk_site/settings"
POLICY = entry_cache_control(CacheConfig())  # public, max-age=300, s-maxage=1500


class World:
    """An origin that holds one version of KEY at a time, and a clock the test moves."""

    def __init__(self, cache_control: str = POLICY, edge_sends_age: bool = True):
        self.now = 0.0
        self.body = b"old"
        self.cache_control = cache_control
        self.origin_hits = 0
        self.chain = CacheChain(self.origin, lambda: self.now, edge_sends_age=edge_sends_age)

    def origin(self, key: str) -> tuple[bytes, dict[str, str]] | None:
        self.origin_hits += 1
        if key != KEY:
            return None
        return self.body, {"Cache-Control": self.cache_control, "Content-Type": "application/json"}

    def get(self, at: float, browser: str = "visitor") -> bytes:
        self.now = at
        response = self.chain.browser_get(KEY, browser)
        assert response is not None
        return response[0]


@pytest.mark.parametrize("value, expected", [
    ("public, max-age=300, s-maxage=1500", {"public": None, "max-age": "300", "s-maxage": "1500"}),
    ('Max-Age="60" , no-cache', {"max-age": "60", "no-cache": None}),
    ("", {}),
])
def test_parse_cache_control(value, expected):
    assert parse_cache_control(value) == expected


@pytest.mark.parametrize("value, shared, expected", [
    (POLICY, True, 1500.0), (POLICY, False, 300.0), ("public, max-age=60", True, 60.0),
    ("private, max-age=60", True, None), ("private, max-age=60", False, 60.0), ("no-store", False, None),
    ("no-cache, max-age=60", False, 0.0), ("public", True, 0.0), (IMMUTABLE_CACHE_CONTROL, False, 31536000.0),
])
def test_freshness_lifetime(value, shared, expected):
    assert freshness_lifetime({"cache-control": value}, shared) == expected


def test_the_edge_serves_its_copy_with_an_age_and_the_browser_counts_it():
    world = World()
    world.get(0, browser="first")
    world.now = 1000
    _, headers = world.chain.browser_get(KEY, "second")
    assert headers["Age"] == "1000" and world.origin_hits == 1
    world.now = 1001  # the second browser got a copy 1000 s old: stale for max-age=300, so it asks the edge again
    _, headers = world.chain.browser_get(KEY, "second")
    assert headers["Age"] == "1001"
    world.now = 1500
    world.chain.browser_get(KEY, "second")
    assert world.origin_hits == 2  # the edge copy expired at s-maxage


def test_nothing_private_or_uncacheable_is_kept_at_the_edge():
    world = World(cache_control="private, max-age=600")
    world.get(0, "a")
    world.get(1, "b")
    assert world.origin_hits == 2 and not world.chain.edge_holds(KEY)
    assert world.get(2, "a") == b"old" and world.origin_hits == 2  # the browser keeps its private copy


def test_a_missing_object_is_none_and_never_cached():
    world = World()
    assert world.chain.browser_get("nope") is None
    assert world.chain.browser_get("nope") is None
    assert world.origin_hits == 2


def _sweep(world_factory, publish_at: float, until: float, invalidate_at: float | None = None):
    """Yield (edge fetch time, browser fetch time, world) for a grid of fetches of the old version."""
    edge_times = [publish_at - d for d in (0.25, 1, 299.5, 700, 1499.75)]
    browser_times = [publish_at + d for d in (0, 0.5, 299.5, 600, 1200, 1499, 1499.5, 1499.74, 1700)]
    if invalidate_at is not None:
        browser_times += [invalidate_at - 0.5, invalidate_at - 0.01]
    for edge_at, browser_at in itertools.product(edge_times, browser_times):
        if browser_at >= until:
            continue
        world = world_factory()
        world.now = edge_at
        world.chain.edge_get(KEY)            # the edge holds the old settings from just before the publish
        world.now = publish_at
        world.body = b"new"                  # the publish
        if invalidate_at is not None and browser_at >= invalidate_at:
            world.now = invalidate_at
            world.chain.invalidate([KEY])
        world.get(browser_at)                # a visitor fetches (through the edge)
        if invalidate_at is not None and browser_at < invalidate_at:
            world.now = invalidate_at
            world.chain.invalidate([KEY])
        yield edge_at, browser_at, world


@pytest.mark.parametrize("edge_sends_age", [False, True])
def test_with_the_default_policy_no_visitor_sees_the_old_settings_after_30_minutes(edge_sends_age):
    last_old = 0.0
    for _, browser_at, world in _sweep(lambda: World(edge_sends_age=edge_sends_age), publish_at=0, until=1800):
        for at in (browser_at, 1799, 1799.99, 1800, 1800.5, 2400):
            if at >= browser_at and world.get(at) == b"old":
                last_old = max(last_old, at)
        assert world.get(1800) == b"new"
    assert last_old < 1800
    # Worst case: an edge copy from just before the publish, then a hop that drops Age, keeps it to 29m59s
    # (browser + edge); an edge that sends Age (CloudFront does) bounds it by the edge lifetime alone.
    assert last_old >= (1799 if not edge_sends_age else 1499)


def test_the_worst_case_is_the_old_settings_at_29m59s():
    world = World(edge_sends_age=False)
    world.now = -0.25
    world.chain.edge_get(KEY)
    world.body = b"new"
    assert world.get(1499.5) == b"old"
    assert world.get(29 * 60 + 59) == b"old"
    assert world.get(30 * 60) == b"new"


@pytest.mark.parametrize("edge_sends_age", [False, True])
def test_after_an_invalidation_nobody_sees_the_old_settings_after_completion_plus_browser_max_age(edge_sends_age):
    completed = 90.0
    last_old = 0.0
    for _, browser_at, world in _sweep(lambda: World(edge_sends_age=edge_sends_age), publish_at=0,
                                       until=completed + 300, invalidate_at=completed):
        for at in (browser_at, completed + 299, completed + 299.9, completed + 300, 1800):
            if at >= browser_at and world.get(at) == b"old":
                last_old = max(last_old, at)
        assert world.get(completed + 300) == b"new"
    assert last_old < completed + 300
    if not edge_sends_age:  # the worst case: a copy taken just before the invalidation lives a full max-age
        assert last_old >= completed + 299.9
