"""A model of origin → one shared CDN edge → browsers that follows HTTP caching (RFC 9111), on an injected clock.

    now = [0.0]
    chain = CacheChain(origin=lambda key: store.get(key), clock=lambda: now[0])
    body, headers = chain.browser_get("v1/projects/wk/settings")          # headers carry Age
    now[0] += 1200
    chain.browser_get("v1/projects/wk/settings", browser="other-visitor")  # may be served by the edge
    chain.invalidate(["v1/projects/wk/settings"])                          # the edge drops it

`origin(key)` returns `(body, headers)` or None (a 404, never cached here). Responses are stored only when their
`Cache-Control` lets that cache store them (`no-store` stores nowhere; `private` not at the edge). Freshness:

- the edge (a shared cache) uses `s-maxage`, else `max-age`; the browsers use `max-age` (`immutable` is treated
  as `max-age`, as browsers do on reload);
- a response is fresh while its current age is below that lifetime, the age being the `Age` it arrived with plus
  the time it has been stored (RFC 9111 §4.2.3, with no request or response delay, so no `Date` is needed);
- without an explicit lifetime nothing is reused (no heuristic freshness), `no-cache` means always revalidate,
  which here is a fresh fetch from the next hop;
- a served response carries `Age` (whole seconds, rounded down).

The edge sends `Age` by default, as CloudFront does; then a browser can reuse an edge copy only for what remains
of `max-age` after its age, and a change is everywhere after about `max(s-maxage, max-age)`. With
`edge_sends_age=False` (a hop that drops `Age`, e.g. an old proxy) a browser may keep a copy the edge fetched just
before a publish for a further full `max-age`: the worst case `s-maxage + max-age` that `publish.propagation`
reports, since bundlesmith cannot know every hop between the edge and a visitor.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Response = tuple[bytes, dict[str, str]]
Origin = Callable[[str], Response | None]


def parse_cache_control(value: str) -> dict[str, str | None]:
    """Parse a Cache-Control value into lower-case directives and their (unquoted) arguments."""
    directives: dict[str, str | None] = {}
    for part in value.split(","):
        name, sep, argument = part.strip().partition("=")
        if name:
            directives[name.strip().lower()] = argument.strip().strip('"') if sep else None
    return directives


def freshness_lifetime(headers: dict[str, str], shared: bool) -> float | None:
    """Return how long a cache may reuse a response, or None if it may not store it at all."""
    directives = parse_cache_control(_header(headers, "Cache-Control") or "")
    if "no-store" in directives or (shared and "private" in directives):
        return None
    if "no-cache" in directives:
        return 0.0
    for name in ("s-maxage", "max-age") if shared else ("max-age",):
        argument = directives.get(name)
        if argument is not None and argument.isdigit():
            return float(argument)
    return 0.0


def _header(headers: dict[str, str], name: str) -> str | None:
    """Return a header value by case-insensitive name."""
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def _without_age(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() != "age"}


@dataclass
class _Stored:
    """One stored response: when it was stored, the age it arrived with, and how long it stays fresh."""

    body: bytes
    headers: dict[str, str]
    stored_at: float
    initial_age: float
    lifetime: float

    def age(self, now: float) -> float:
        """Return the current age of the stored response."""
        return self.initial_age + max(0.0, now - self.stored_at)

    def fresh(self, now: float) -> bool:
        """True while the response may be served without asking the next hop."""
        return self.lifetime > self.age(now)

    def served(self, now: float) -> Response:
        """Return the response as served now, with its Age."""
        return self.body, {**self.headers, "Age": str(math.floor(self.age(now)))}


class _Cache:
    """One HTTP cache (shared or private) in front of a next hop."""

    def __init__(self, next_hop: Callable[[str], Response | None], clock: Callable[[], float], shared: bool):
        self._next_hop, self._clock, self._shared = next_hop, clock, shared
        self._stored: dict[str, _Stored] = {}

    def get(self, key: str) -> Response | None:
        """Serve `key` from this cache when fresh, else from the next hop (storing what may be stored)."""
        now = self._clock()
        stored = self._stored.get(key)
        if stored is not None and stored.fresh(now):
            return stored.served(now)
        self._stored.pop(key, None)
        response = self._next_hop(key)
        if response is None:
            return None
        body, headers = response
        age_value = _header(headers, "Age")
        initial_age = float(age_value) if age_value and age_value.isdigit() else 0.0
        lifetime = freshness_lifetime(headers, self._shared)
        entry = _Stored(body, _without_age(headers), now, initial_age, lifetime or 0.0)
        if lifetime is not None and entry.fresh(now):
            self._stored[key] = entry
        return entry.served(now)

    def drop(self, keys: Iterable[str]) -> None:
        """Forget the stored responses of `keys`."""
        for key in keys:
            self._stored.pop(key, None)

    def holds(self, key: str) -> bool:
        """True when a fresh response for `key` is stored."""
        stored = self._stored.get(key)
        return stored is not None and stored.fresh(self._clock())


class CacheChain:
    """An origin, one shared CDN edge and any number of browsers, on an injected clock."""

    def __init__(self, origin: Callable[[str], tuple[bytes, dict[str, str]] | None], clock: Callable[[], float],
                 *, edge_sends_age: bool = True):
        self._clock = clock
        self._edge_sends_age = edge_sends_age
        self._edge = _Cache(origin, clock, shared=True)
        self._browsers: dict[str, _Cache] = {}

    def edge_get(self, key: str) -> tuple[bytes, dict[str, str]] | None:
        """Fetch `key` through the edge, as a browser without a cache would."""
        response = self._edge.get(key)
        if response is None or self._edge_sends_age:
            return response
        body, headers = response
        return body, _without_age(headers)

    def browser_get(self, key: str, browser: str = "visitor") -> tuple[bytes, dict[str, str]] | None:
        """Fetch `key` in the named browser: its own cache first, then the edge; the headers include Age."""
        cache = self._browsers.get(browser)
        if cache is None:
            cache = self._browsers[browser] = _Cache(self.edge_get, self._clock, shared=False)
        return cache.get(key)

    def invalidate(self, keys: Iterable[str]) -> None:
        """Make the edge drop `keys` (what a completed CloudFront invalidation does); browsers keep theirs."""
        self._edge.drop(keys)

    def edge_holds(self, key: str) -> bool:
        """True when the edge holds a fresh copy of `key`."""
        return self._edge.holds(key)
