"""Which sources a build must load: those whose inputs changed, and the unchanged ones that may meet them.

    unchanged, changed = partition(digests, known, inputs, served)
    also = involved(loaded, unchanged, known, salt, catalog)   # unchanged files to load as well

A source is unchanged when its file's digest is the one its facts (`builder.facts`) were recorded with, its inputs
(`builder.inputs`, its adapters' digests included) are the same, and the target's only marker for it records those
inputs: the build served there is what building it again would give. Every other source is loaded and built.

An unchanged source is loaded too when a loaded one may clash with it or leak into it, decided from its facts:
the same id or write key; one of its private values (by digest) equal to, or its first characters found in, a
string a loaded source publishes; a private value a loaded source has gained found among its published strings.
These are filters: what they let through is then checked exactly, on the loaded values, by the usual rules
(`builder.workspace.mark_clashes`, `builder.private_values`). Unchanged sources cannot meet each other in a new
way: they were checked against each other when the later of the two was built. Pure functions, no I/O.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from builder.catalog import Catalog
from builder.facts import SEPARATOR, SourceFacts, private_digest
from builder.inputs import BuildInputs
from builder.private_values import SUBSTRING_MIN_LENGTH, PrivateValues, private_values, published_strings
from builder.workspace import SourceConfig


def partition(digests: Mapping[str, str | None], known: Mapping[str, SourceFacts], inputs: BuildInputs,
              served: Mapping[str, Collection[str | None]]) -> tuple[dict[str, SourceFacts], list[str]]:
    """Split the source files (file -> digest of its bytes, None when it could not be read) into the unchanged
    ones, with their facts, and the others, in order (`served`: each source id's markers' inputs)."""
    unchanged: dict[str, SourceFacts] = {}
    changed: list[str] = []
    for file, sha in digests.items():
        fact = known.get(file)
        if (sha is not None and fact is not None and fact.sha == sha
                and list(served.get(fact.source_id, ())) == [fact.inputs]
                and inputs.of_source(sha, fact.adapters) == fact.inputs):
            unchanged[file] = fact
        else:
            changed.append(file)
    return unchanged, changed


def involved(loaded: Iterable[tuple[str, SourceConfig]], unchanged: Mapping[str, SourceFacts],
             known: Mapping[str, SourceFacts], salt: str, catalog: Catalog) -> set[str]:
    """Return the unchanged files that a loaded source (file, entry) may clash with or leak into, or leak from."""
    loaded = [(file, entry) for file, entry in loaded if entry.source is not None]
    if not loaded or not unchanged:
        return set()
    found = _clashing(loaded, unchanged)
    keys = private_keys_of(catalog)
    for file, entry in loaded:
        source = entry.source
        assert source is not None
        found.update(_owning_a_published_value(published_strings(source, keys), unchanged, salt))
        gained = _gained(values_of(entry, catalog), known.get(file), salt)
        if gained:
            found.update(f for f, fact in unchanged.items() if any(_published_by(value, fact) for value in gained))
    return found


def private_keys_of(catalog: Catalog) -> Callable[[str], frozenset[str]]:
    """Return a lookup of a destination's private keys, memoized."""
    memo: dict[str, frozenset[str]] = {}

    def keys(name: str) -> frozenset[str]:
        found = memo.get(name)
        if found is None:
            destination = catalog.get(name)
            found = memo[name] = destination.private_keys() if destination else frozenset()
        return found
    return keys


def values_of(entry: SourceConfig, catalog: Catalog) -> PrivateValues:
    """Return a loaded source's private values (found by the worker that loaded it, or now)."""
    if entry.private is not None and entry.private[0] == catalog.token:
        return entry.private[1]
    return private_values(entry.file, entry.source, catalog)


def _clashing(loaded: list[tuple[str, SourceConfig]], unchanged: Mapping[str, SourceFacts]) -> set[str]:
    """Return the unchanged files sharing an id or a write key with a loaded source."""
    ids = {entry.source.id for _, entry in loaded if entry.source is not None}
    write_keys = {entry.source.write_key for _, entry in loaded if entry.source is not None}
    return {file for file, fact in unchanged.items() if fact.source_id in ids or fact.write_key in write_keys}


def _owning_a_published_value(strings: list[str], unchanged: Mapping[str, SourceFacts], salt: str) -> set[str]:
    """Return the unchanged files whose private values (by digest) equal a published string or occur inside one."""
    whole = {"=" + private_digest(salt, text) for text in strings}
    starts: dict[str, list[tuple[str, int]]] = {}  # "^" + digest of a window -> (string, where the window starts)
    for text in strings:
        if len(text) > SUBSTRING_MIN_LENGTH:
            for start in range(len(text) - SUBSTRING_MIN_LENGTH + 1):
                window = "^" + private_digest(salt, text[start:start + SUBSTRING_MIN_LENGTH])
                starts.setdefault(window, []).append((text, start))
    candidates = whole | starts.keys()
    found = set()
    for file, fact in unchanged.items():  # one set operation per unchanged source; most share nothing
        if candidates.isdisjoint(fact.private):
            continue
        private = set(fact.private)
        if not whole.isdisjoint(private) or _starts_inside(private, starts, salt):
            found.add(file)
    return found


def _starts_inside(private: set[str], starts: Mapping[str, list[tuple[str, int]]], salt: str) -> bool:
    """True when a long private value (by digest) whose first characters begin a window fits there whole."""
    for prefix in private & starts.keys():
        lengths = [int(d.rpartition("/")[2]) for d in private if d.startswith(f"~{prefix[1:]}/")]
        for text, start in starts[prefix]:
            for length in lengths:
                if start + length <= len(text) and "=" + private_digest(salt, text[start:start + length]) in private:
                    return True
    return False


def _gained(values: PrivateValues, before: SourceFacts | None, salt: str) -> set[str]:
    """Return the private values a source did not have when its facts were recorded."""
    had = set(before.private) if before is not None else set()
    return {setting[0] for setting in values if "=" + private_digest(salt, setting[0]) not in had}


def _published_by(value: str, fact: SourceFacts) -> bool:
    """True when an unchanged source publishes `value`, or (a long one) publishes a string holding it."""
    if len(value) >= SUBSTRING_MIN_LENGTH:
        return value in fact.published
    return f"{SEPARATOR}{value}{SEPARATOR}" in fact.published
