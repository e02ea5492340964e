"""Read the common YAML file fast: plain data straight from libyaml's events, or None for anything unusual.

    data, key_lines, root_line = load_plain_yaml(text)   # or None: load it with `builder.yaml_loader` instead

`builder.yaml_loader` builds libyaml's node graph, then data from it, recording where every key was written, and
refuses what JSON cannot hold with a problem naming file, line and field. Most files need none of that: they are a
mapping of strings, numbers, booleans and lists, and have no problem. This module reads exactly those, from the
parser's events, without a node graph (about half the time), and records only the lines of the top-level keys
(`id` and `write_key`, which cross-source clashes name).

Whatever it does not read itself, it hands back as None, and the caller loads the file with the line-locating
loader, which reports it: a syntax error, a tag, an anchor or alias, a merge key, a key that is not a plain string,
a duplicate key, a value JSON cannot hold, more than one document, a file past YAML_MAX_NODES values or
YAML_MAX_DEPTH levels. A file the caller then finds a problem in (a missing field, a broken rule) is loaded again
the same way, so problems always name their line. This reader never accepts what the other refuses, and never
builds more than YAML_MAX_NODES values or nests deeper than YAML_MAX_DEPTH.
"""
from __future__ import annotations

import math
from sys import intern as _intern
from typing import Any

import yaml

from builder.input_limits import INT_MAX_TEXT, JSON_MAX_INT, YAML_MAX_DEPTH, YAML_MAX_NODES
from builder.yaml_loader import Loader

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + kind for kind in ("str", "int", "float", "bool", "null"))
_Scalar, _MapStart, _SeqStart = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MapEnd, _SeqEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent
_DocEnd, _StreamEnd = yaml.DocumentEndEvent, yaml.StreamEndEvent
_CONSTRUCT = {_BOOL: "construct_yaml_bool", _NULL: "construct_yaml_null"}
# Keys and short strings repeat from file to file (`destination`, `device`, `Mixpanel`): one copy of each, interned,
# is about 15% of a loaded workspace's memory and of what worker processes send back.
_INTERNED = 24


# The first characters of a plain scalar that some type other than string may claim (the safe loader's implicit
# resolvers are keyed by them): any other plain scalar is a string, with no regular expression run.
_CLAIMED = frozenset(Loader.yaml_implicit_resolvers)
assert None not in _CLAIMED  # no resolver that looks at every scalar


class _Unusual(Exception):
    """The file needs the line-locating loader."""


PlainYaml = tuple[dict[str, Any], dict[str, tuple[int, None]], int]


def load_plain_yaml(text: str) -> PlainYaml | None:
    """Return (data, {top-level key: (line, None)}, line of the root) of a plain YAML mapping, or None."""
    if len(text) >= YAML_MAX_NODES // 2:  # shorter text cannot hold more than YAML_MAX_NODES values
        return None
    loader = Loader(text)
    try:
        return _read_document(loader)
    except (_Unusual, yaml.YAMLError, UnicodeError, ValueError, TypeError, ArithmeticError, IndexError):
        return None
    finally:
        loader.dispose()


def _read_document(loader: Any) -> PlainYaml:
    """Read the stream's one document, which must be a mapping."""
    get = loader.get_event
    get()  # StreamStart
    if loader.check_event(_StreamEnd):
        raise _Unusual  # an empty file: the loader says what to do with it
    get()  # DocumentStart
    start = get()
    if start.__class__ is not _MapStart or start.anchor is not None or start.tag not in (None, _TAG + "map"):
        raise _Unusual
    top: dict[str, tuple[int, None]] = {}
    data = _mapping(loader, 1, top)
    if get().__class__ is not _DocEnd or get().__class__ is not _StreamEnd:
        raise _Unusual  # more than one document
    return data, top, start.start_mark.line + 1


def _mapping(loader: Any, depth: int, top: dict[str, tuple[int, None]] | None = None) -> dict[str, Any]:
    """Read a mapping's keys and values up to its end (`top`: where to note each key's line)."""
    get, result = loader.get_event, {}
    while True:
        event = get()
        if event.__class__ is not _Scalar:
            if event.__class__ is _MapEnd:
                return result
            raise _Unusual  # a mapping or list as a key, or an alias
        key = _intern(event.value)
        if (event.anchor is not None or event.tag is not None or key in result
                or (event.implicit[0] and key[:1] in _CLAIMED and _tag(loader, key) != _STR)):
            raise _Unusual  # a duplicate key, a merge key (<<), or a key read as another type than string
        if top is not None:
            top[key] = (event.start_mark.line + 1, None)
        result[key] = _value(loader, get(), depth)


def _sequence(loader: Any, depth: int) -> list[Any]:
    """Read a list's items up to its end."""
    get, result = loader.get_event, []
    while True:
        event = get()
        if event.__class__ is _SeqEnd:
            return result
        result.append(_value(loader, event, depth))


def _value(loader: Any, event: Any, depth: int) -> Any:
    """Return the value that starts with `event`, in a collection at `depth`."""
    kind = event.__class__
    if event.anchor is not None or event.tag is not None:
        raise _Unusual
    if kind is _Scalar:
        text = event.value
        if not event.implicit[0] or text[:1] not in _CLAIMED:
            return _intern(text) if len(text) <= _INTERNED else text  # quoted, or a plain string no type claims
        return _typed(loader, text)
    if depth >= YAML_MAX_DEPTH:
        raise _Unusual
    if kind is _MapStart:
        return _mapping(loader, depth + 1)
    if kind is _SeqStart:
        return _sequence(loader, depth + 1)
    raise _Unusual  # an alias


def _tag(loader: Any, text: str) -> str:
    """Return the tag the safe loader gives a plain scalar."""
    return loader.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-any-return]


def _typed(loader: Any, text: str) -> Any:
    """Return a plain scalar's value as the line-locating loader builds it; raise _Unusual for what it refuses."""
    tag = _tag(loader, text)
    if tag == _STR:
        return text
    node = yaml.ScalarNode(tag, text)
    if tag == _INT:
        value = loader.construct_yaml_int(node) if len(text) <= INT_MAX_TEXT else None
        if not isinstance(value, int) or abs(value) > JSON_MAX_INT:
            raise _Unusual
        return value
    if tag == _FLOAT:
        value = loader.construct_yaml_float(node)
        if not isinstance(value, float) or not math.isfinite(value):
            raise _Unusual
        return value
    if tag in _CONSTRUCT:
        return getattr(loader, _CONSTRUCT[tag])(node)
    raise _Unusual  # a date, or another type JSON cannot hold
