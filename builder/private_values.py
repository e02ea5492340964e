"""The private setting values of a whole workspace, and the check that no source publishes any of them.

    index = PrivateIndex.of_sources(workspace.sources, catalog)  # every private value of every source file
    index.replace(entry.file, private_values(entry.file, entry.source, catalog))   # one file reloaded: cheap
    index.leaked(source, catalog)   # the private values that the source's settings would publish (usually none)

All sources of a workspace publish to one target, so a private value of source A published by source B leaks
just the same: every source is checked against the private values of every source. Which settings are private
is the catalog's word (`Destination.private_keys()`). Values are held in memory only: nothing here logs them,
and what it returns names where a value is (file, instance, key), never the value.

What is compared: the strings of the source's configuration that its settings JSON publishes (keys and values
of its device-mode instances' public settings, the consent categories of its instances, its default
`integrations`, its id; numbers as their JSON text). Configuration reaches published bytes only there: the rest
of the settings JSON is made by the builder (catalog names and defaults, plugin URLs, config ids, constants), the
bundle embeds that same settings JSON, and the JavaScript (runtime, adapters, remote plugin files) holds no
configuration. A private value that merely coincides with such a builder-made string, or occurs inside the
minified code, is therefore no leak and is not reported, whatever its length.

Two comparisons, chosen to keep false positives away:

- Equality: every private string, whatever its length, is compared with every published configuration string:
  a 3-character secret matches only a published value equal to it, never an occurrence inside a longer one.
- Substring: a private value of SUBSTRING_MIN_LENGTH characters or more is also searched inside every published
  configuration string, so a secret pasted into a public URL is caught.

A source's own write key is public by nature (every page that loads the snippet carries it): a private setting
equal to it (a Repeater forwarding to that source) is not reported.

Speed: equality is one set intersection per source; substrings use a table keyed by each value's first
SUBSTRING_MIN_LENGTH characters, then by length. A source costs in proportion to its public configuration (a few
microseconds), not to the number of private values in the workspace or the size of its files.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from builder.catalog import Catalog
from builder.models import SourceFile
from builder.problems import format_path
from builder.settings import SOURCES_WITH_DEVICE_MODE
from builder.workspace import paused_gc

SUBSTRING_MIN_LENGTH = 6  # shorter private values are compared for equality only


@dataclass(frozen=True)
class PrivateOrigin:
    """Where a private value is set: the source, its file, the instance and the setting's key path."""

    source_id: str
    file: str
    instance: str
    key: str
    path: str


# One private value and where it is set: (value, source id, file, instance name, setting key, instance position).
# Plain tuples: a workspace of 10,000 sources holds tens of thousands of them, indexed before every full build.
PrivateValues = tuple[tuple[str, str, str, str, str, int], ...]


def private_values(file: str, source: SourceFile | None, catalog: Catalog,
                   private_keys: dict[str, frozenset[str]] | None = None) -> PrivateValues:
    """Return every non-empty private string value set in one source file, with where it is set
    (`private_keys`: a memo of each destination's private keys, filled as it goes)."""
    if source is None:
        return ()
    memo = {} if private_keys is None else private_keys
    found = []
    for position, instance in enumerate(source.destinations):
        keys = memo.get(instance.destination)
        if keys is None:
            destination = catalog.get(instance.destination)
            keys = memo[instance.destination] = destination.private_keys() if destination else frozenset()
        if keys:
            for key, value in instance.settings.items():
                if key in keys and value and isinstance(value, str):
                    found.append((value, source.id, file, instance.name, key, position))
    return tuple(found)


class PrivateIndex:
    """Every private value of a workspace, by file, indexed for the equality and substring comparisons."""

    def __init__(self) -> None:
        self._by_file: dict[str, PrivateValues] = {}
        self._where: dict[str, list[tuple[str, str, str, str, str, int]]] = {}  # value -> where it is set
        self._long: dict[str, dict[int, set[str]]] = {}   # first SUBSTRING_MIN_LENGTH chars -> length -> values
        self._private_keys: dict[tuple[str, str], frozenset[str]] = {}  # (catalog token, destination) -> keys

    @classmethod
    def of_sources(cls, entries: Iterable[Any], catalog: Catalog) -> "PrivateIndex":
        """Index the private values of every entry (`SourceConfig`: `file`, `source`, and `private` when a worker
        process already found them)."""
        index, private_keys = cls(), {}
        with paused_gc():  # tens of thousands of small acyclic tuples: collections here would walk the workspace
            for entry in entries:
                if entry.private is not None and entry.private[0] == catalog.token:
                    values = entry.private[1]
                else:
                    values = private_values(entry.file, entry.source, catalog, private_keys)
                if values:
                    index._by_file[entry.file] = values
                    for setting in values:
                        index._add(setting)
        return index

    def __len__(self) -> int:
        return len(self._where)

    def replace(self, file: str, values: PrivateValues) -> None:
        """Make `values` the private values of `file` (empty: the file is gone)."""
        old = self._by_file.pop(file, ())
        if values:
            self._by_file[file] = values
        if old != values:
            for setting in old:
                self._forget(setting)
            for setting in values:
                self._add(setting)

    def origins(self, value: str) -> list[PrivateOrigin]:
        """Return where `value` is set as a private setting."""
        return [PrivateOrigin(source_id, file, instance, key, format_path(("destinations", position, "settings", key)))
                for _, source_id, file, instance, key, position in self._where.get(value, ())]

    def leaked(self, source: SourceFile, catalog: Catalog) -> set[str]:
        """Return the private values that the source's settings would publish (usually none)."""
        config = published_strings(source, lambda name: self._private(catalog, name))
        hits = self._where.keys() & config
        if self._long:
            for text in config:
                if len(text) > SUBSTRING_MIN_LENGTH:
                    hits.update(self._inside(text))
        hits.discard(source.write_key)
        return hits

    def _private(self, catalog: Catalog, name: str) -> frozenset[str]:
        """Return the private keys of a destination (memoized per loaded catalog)."""
        keys = self._private_keys.get((catalog.token, name))
        if keys is None:
            destination = catalog.get(name)
            keys = self._private_keys[(catalog.token, name)] = (destination.private_keys() if destination
                                                                 else frozenset())
        return keys

    def _inside(self, text: str) -> Iterator[str]:
        """Yield the long private values that occur inside `text`."""
        width = SUBSTRING_MIN_LENGTH
        for start in range(len(text) - width + 1):
            by_length = self._long.get(text[start:start + width])
            if by_length is not None:
                for length, values in by_length.items():
                    if text[start:start + length] in values:
                        yield text[start:start + length]

    def _add(self, setting: tuple[str, str, str, str, str, int]) -> None:
        value = setting[0]
        self._where.setdefault(value, []).append(setting)
        if len(value) >= SUBSTRING_MIN_LENGTH:
            self._long.setdefault(value[:SUBSTRING_MIN_LENGTH], {}).setdefault(len(value), set()).add(value)

    def _forget(self, setting: tuple[str, str, str, str, str, int]) -> None:
        value = setting[0]
        where = self._where.get(value, [])
        if setting in where:
            where.remove(setting)
        if where:
            return
        self._where.pop(value, None)
        if len(value) >= SUBSTRING_MIN_LENGTH:
            by_length = self._long.get(value[:SUBSTRING_MIN_LENGTH], {})
            by_length.get(len(value), set()).discard(value)
            if not by_length.get(len(value), True):
                by_length.pop(len(value))
            if not by_length:
                self._long.pop(value[:SUBSTRING_MIN_LENGTH], None)


def published_strings(source: SourceFile, private_keys: Callable[[str], frozenset[str]]) -> list[str]:
    """Return the strings (numbers as JSON text) of the source's configuration that its settings publish
    (`builder.settings.render_settings`): the public settings of its device-mode instances, the consent
    categories of its instances, its default `integrations` and its id (`private_keys`: a destination's)."""
    found = [source.id]
    device = source.enabled and source.type in SOURCES_WITH_DEVICE_MODE
    for instance in source.destinations:
        if not instance.enabled:
            continue
        found.extend(instance.consent_categories)
        if device and instance.mode == "device":
            private = private_keys(instance.destination)
            for key, value in instance.settings.items():
                if key not in private:
                    found.append(key)
                    kind = type(value)
                    if kind is str:
                        found.append(value)
                    elif kind is dict or kind is list or kind is int or kind is float:
                        found.extend(_strings([value]))
    if source.integrations:
        found.extend(_strings(source.integrations))
    return found


def _strings(data: Any) -> list[str]:
    """Return every string a JSON document carries, keys and values, numbers as their JSON text."""
    found: list[str] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            found.extend(node)
            node = node.values()
        for value in node:
            kind = type(value)
            if kind is str:
                found.append(value)
            elif kind is dict or kind is list:
                stack.append(value)
            elif kind is int or kind is float:
                found.append(repr(value))
    return found


def locations(data: Any, value: str, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Yield the key paths in a JSON document of the strings (keys or values) that equal or contain `value`."""
    def matches(text: str) -> bool:
        return text == value or (len(value) >= SUBSTRING_MIN_LENGTH and value in text)

    if isinstance(data, dict):
        for key, item in data.items():
            if matches(key):
                yield (*path, key)
            yield from locations(item, value, (*path, key))
    elif isinstance(data, list):
        for position, item in enumerate(data):
            yield from locations(item, value, (*path, position))
    elif isinstance(data, str) and matches(data) or type(data) in (int, float) and repr(data) == value:
        yield path


