"""When a change is visible everywhere, and which paths an invalidation names."""
from __future__ import annotations

import pytest

from builder.models import CacheConfig
from publish.propagation import invalidation_batches, invalidation_paths, visible_everywhere_by

DEFAULT = CacheConfig()


@pytest.mark.parametrize("kwargs, expected", [
    ({}, 1000 + 1800),
    ({"immutable": True}, 1000),
    ({"invalidated_at": 1060}, 1060 + 300),
    ({"invalidated_at": 5000}, 1000 + 1800),  # an invalidation that completes late never makes it later
])
def test_visible_everywhere_by(kwargs, expected):
    assert visible_everywhere_by(1000, DEFAULT, **kwargs) == expected


def test_stale_while_revalidate_counts():
    cache = CacheConfig(browser_max_age=60, edge_max_age=600, stale_while_revalidate=120)
    assert visible_everywhere_by(0, cache) == 780
    assert visible_everywhere_by(0, cache, invalidated_at=30) == 30 + 60 + 120


def test_a_policy_over_budget_is_rejected_at_validation():
    with pytest.raises(ValueError, match="= 1900 s exceeds the propagation_budget of 1800 s"):
        CacheConfig(browser_max_age=400, edge_max_age=1500)


def test_invalidation_paths_carry_the_prefix():
    assert invalidation_paths(["v1/projects/wk/settings"], "site") == ["/site/v1/projects/wk/settings"]
    assert invalidation_paths(["v1/projects/wk/settings"], "") == ["/v1/projects/wk/settings"]


def test_few_paths_are_invalidated_exactly_many_as_one_wildcard_per_prefix():
    paths = [f"/site/v1/projects/wk_{i}/settings" for i in range(3)] + ["/site/analytics.js/v1/wk_0/analytics.min.js"]
    assert invalidation_batches(paths) == [sorted(paths)]
    assert invalidation_batches(paths, max_paths=3) == [["/site/analytics.js/v1/*", "/site/v1/projects/*"]]
    assert invalidation_batches([]) == []
