"""Build plain JSON-ready data from a composed YAML node graph, within the bounds of `builder.input_limits`.

    data, lines, problems = build_data(loader, node, "sources/storefront.yaml")

`builder.yaml_loader` parses; this module turns the nodes into data and decides what is refused:

- `C-json-value`: a value JSON cannot hold (NaN, infinity, a date, `!!set`, `!!binary`, a custom tag, a non-string
  key, an integer beyond 2^53 - 1), with a sentence that says how to write it instead; `C-duplicate-key`;
- `C-yaml-too-large`, `C-yaml-aliases`, `C-yaml-depth`: past a bound (nodes written, nodes added by aliases,
  nesting); raised as `YamlBoundError`, since the file is then refused whole.

Each aliased mapping or list is built once and shared (an alias bomb costs its size in the file, not its expansion),
yet counted at its expanded size against the alias bound, since everything after loading walks the expanded data.
Merge keys (`<<`) follow YAML 1.1: the mapping's own keys win, then earlier merge sources over later ones.
Scalars are counted each time they are used (they are cheap to build again).
"""
from __future__ import annotations

import math
from typing import Any

import yaml

from builder.input_limits import (INT_MAX_TEXT, JSON_MAX_INT, PROBLEMS_PER_FILE, YAML_MAX_ALIAS_NODES,
                                  YAML_MAX_DEPTH, YAML_MAX_NODES)
from builder.problems import Problem, escape_controls, format_path, is_private_path, too_many_problems

_Path = tuple[str | int, ...]
_Scalar = yaml.ScalarNode

_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE = _TAG + "str", _TAG + "map", _TAG + "seq", _TAG + "merge"
_INT, _FLOAT = _TAG + "int", _TAG + "float"
_PLAIN = {_TAG + "null": "construct_yaml_null", _TAG + "bool": "construct_yaml_bool"}
_KEY_KINDS = {_INT: "a number", _FLOAT: "a number", _TAG + "bool": "a boolean", _TAG + "null": "null",
              _TAG + "timestamp": "a date"}
_HINTS = {
    _TAG + "timestamp": "a date or time, which JSON cannot hold; quote it to make it a string",
    _TAG + "binary": "binary data (!!binary), which JSON cannot hold; drop the tag and keep the base64 text",
    _TAG + "set": "a set (!!set), which JSON cannot hold; write a list instead: [a, b]",
    _TAG + "omap": "an ordered mapping (!!omap), which JSON cannot hold; write a plain mapping",
    _TAG + "pairs": "a list of pairs (!!pairs), which JSON cannot hold; write a plain mapping or list",
}


# Where the keys of one mapping (key -> (line, lines of its value)) or the items of one list were written.
Lines = dict[str, tuple[int, Any]] | list[tuple[int, Any]] | None


def too_large(file: str, line: int | None, path: _Path) -> Problem:
    """Return the problem of a file with more than YAML_MAX_NODES nodes."""
    return Problem(code="C-yaml-too-large", file=file, line=line, path=format_path(path),
                   message=f"the file holds more than {YAML_MAX_NODES:,} values; split it",
                   expected=f"at most {YAML_MAX_NODES:,} values")


class YamlBoundError(Exception):
    """A bound was passed: the file is refused with this one problem."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def depth_problem(file: str, line: int | None, path: _Path = ()) -> Problem:
    """Return the problem of data nested deeper than YAML_MAX_DEPTH."""
    return Problem(code="C-yaml-depth", file=file, line=line, path=format_path(path),
                   message=f"mappings and lists are nested more than {YAML_MAX_DEPTH} levels deep (aliases "
                           "expanded); flatten the structure", expected=f"at most {YAML_MAX_DEPTH} levels")


# A node built into data: (the value, how many nodes it expands to, how many collection levels it holds, where its
# keys or items were written).
_Built = tuple[Any, int, int, Lines]
_BUILDING: _Built = (None, 0, 0, None)


def build_data(loader: Any, node: yaml.Node, file: str) -> tuple[Any, Lines, list[Problem]]:
    """Return the data of `node`, where its keys were written, and its problems; YamlBoundError past a bound."""
    builder = _Builder(loader, file)
    data, _, _, lines = builder.node(node, (), 1)
    builder.finish()
    return data, lines, builder.problems


class _Builder:
    """Build plain data from a composed node graph, each node once, within the bounds of `input_limits`."""

    def __init__(self, loader: Any, file: str):
        self.loader, self.file = loader, file
        self.problems: list[Problem] = []
        # Collections by node identity: aliases share one node, and so its data. _BUILDING marks the ones being
        # built: meeting one again is a cycle.
        self.done: dict[int, _Built] = {}
        self.nodes = 0
        self.alias_nodes = 0
        self.hidden: tuple[int, int | None] = (0, None)  # problems past PROBLEMS_PER_FILE, line of the first

    def node(self, node: yaml.Node, path: _Path, depth: int) -> _Built:
        """Build `node` found at `path`; a collection there is the `depth`-th level of nesting."""
        if node.__class__ is _Scalar:  # scalars are cheap: built again at each use, counted as written
            self._count(1, node, path)
            return (node.value if node.tag == _STR else self._scalar(node, path)), 1, 0, None
        identity = id(node)
        built = self.done.get(identity)
        if built is not None:
            return self._alias(node, built, path, depth)
        if depth > YAML_MAX_DEPTH:
            raise YamlBoundError(depth_problem(self.file, node.start_mark.line + 1, path))
        self._count(1, node, path)
        self.done[identity] = _BUILDING
        if node.__class__ is yaml.MappingNode and node.tag == _MAP:
            built = self._mapping(node, path, depth)
        elif node.__class__ is yaml.SequenceNode and node.tag == _SEQ:
            built = self._sequence(node, path, depth)
        else:
            self._refuse(node, path, _HINTS.get(node.tag) or _unknown_tag(node))
            built = None, 1, 1, None
        self.done[identity] = built
        return built

    def _count(self, nodes: int, node: yaml.Node, path: _Path) -> None:
        """Count nodes written in the file, refusing it past YAML_MAX_NODES."""
        self.nodes += nodes
        if self.nodes > YAML_MAX_NODES:
            raise YamlBoundError(too_large(self.file, node.start_mark.line + 1, path))

    def _alias(self, node: yaml.Node, built: _Built, path: _Path, depth: int) -> _Built:
        """Count a second use of a collection at its expanded size and depth."""
        if built is _BUILDING:
            raise YamlBoundError(self._problem(
                "C-yaml-aliases", node, path,
                "an alias refers to a mapping or list that contains it, which JSON cannot hold; copy the value "
                "instead"))
        self.alias_nodes += built[1]
        if self.alias_nodes > YAML_MAX_ALIAS_NODES:
            raise YamlBoundError(self._problem(
                "C-yaml-aliases", node, path,
                f"aliases expand to more than {YAML_MAX_ALIAS_NODES:,} values (each use of an alias counts "
                "everything it stands for); write the values out or use fewer aliases",
                expected=f"at most {YAML_MAX_ALIAS_NODES:,} values from aliases"))
        if depth - 1 + built[2] > YAML_MAX_DEPTH:
            raise YamlBoundError(depth_problem(self.file, node.start_mark.line + 1, path))
        return built

    def _sequence(self, node: yaml.SequenceNode, path: _Path, depth: int) -> _Built:
        values: list[Any] = []
        lines: list[tuple[int, Lines]] = []
        size, height, plain = 1, 1, 0
        for index, item in enumerate(node.value):
            if item.__class__ is _Scalar and item.tag == _STR:  # the common case, inline; counted below
                plain += 1
                value, item_size, item_lines = item.value, 1, None
            else:
                value, item_size, item_height, item_lines = self.node(item, (*path, index), depth + 1)
                if item_height >= height:
                    height = 1 + item_height
            values.append(value)
            lines.append((item.start_mark.line + 1, item_lines))
            size += item_size
        self._count(plain, node, path)
        return values, size, height, lines

    def _mapping(self, node: yaml.MappingNode, path: _Path, depth: int) -> _Built:
        result: dict[str, Any] = {}
        lines: dict[str, tuple[int, Lines]] = {}
        merged: list[_Built] = []
        size, height, plain = 1, 1, 0
        for key_node, value_node in node.value:
            if key_node.tag == _STR and key_node.__class__ is _Scalar:  # the common case, inline; counted below
                plain += 1
                key = key_node.value
            elif key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node, path, depth))
                continue
            else:
                key = self._key(key_node, path)
            if value_node.__class__ is _Scalar and value_node.tag == _STR:
                plain += 1
                value, value_size, value_lines = value_node.value, 1, None
            else:
                value, value_size, value_height, value_lines = self.node(
                    value_node, (*path, "?" if key is None else key), depth + 1)
                if value_height >= height:
                    height = 1 + value_height
            size += 1 + value_size
            if key is None:
                continue
            if key in result:
                self._report("C-duplicate-key", key_node, (*path, key),
                             f"the key '{key}' appears twice in the same mapping; keep only one")
            else:
                lines[key] = (key_node.start_mark.line + 1, value_lines)
            result[key] = value
        self._count(plain, node, path)
        if merged:
            result, lines = _merge(result, lines, merged)
            size += sum(m[1] for m in merged)
            height = max(height, *(m[2] for m in merged))
        return result, size, height, lines

    def _merge_sources(self, value_node: yaml.Node, path: _Path, depth: int) -> list[_Built]:
        """Build the mapping(s) a merge key (`<<`) names, refusing anything else."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        built = []
        for source in sources:
            if not isinstance(source, yaml.MappingNode) or source.tag != _MAP:
                raise YamlBoundError(self._problem("C-yaml-syntax", source, path,
                                                   "a merge key (<<) takes a mapping or a list of mappings"))
            built.append(self.node(source, path, depth))
        return built

    def _key(self, key_node: yaml.Node, path: _Path) -> str | None:
        """Return a mapping key, or None (reported) when JSON could not hold it as a key."""
        self._count(1, key_node, path)
        if not isinstance(key_node, yaml.ScalarNode):
            self._report("C-json-value", key_node, path,
                         "a mapping or list is used as a key, which JSON cannot hold; use a plain string key")
            return None
        if key_node.tag == _STR:
            return key_node.value
        text = escape_controls(key_node.value)
        kind = _KEY_KINDS.get(key_node.tag) or f"tagged {key_node.tag.replace(_TAG, '!!')}"
        self._report("C-json-value", key_node, (*path, text),
                     f"the key {text} is read as {kind}, and JSON keys are strings; quote it: '{text}'")
        return None

    def _scalar(self, node: yaml.ScalarNode, path: _Path) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _INT:
            return self._int(node, path)
        if tag == _FLOAT:
            value = self._construct(node, path, "construct_yaml_float")
            if isinstance(value, float) and not math.isfinite(value):
                self._refuse(node, path, "not a finite number (NaN or infinity), which JSON cannot hold; write a "
                                         f"number, or quote it to make a string{self._hint(node, path)}")
                return None
            return value
        if tag in _PLAIN:
            return self._construct(node, path, _PLAIN[tag])
        hint = self._hint(node, path) if tag == _TAG + "timestamp" else ""
        self._refuse(node, path, (_HINTS.get(tag) or _unknown_tag(node)) + hint)
        return None

    def _int(self, node: yaml.ScalarNode, path: _Path) -> int | None:
        digits = len(node.value.lstrip("+-").replace("_", ""))
        value = self._construct(node, path, "construct_yaml_int") if len(node.value) <= INT_MAX_TEXT else None
        if len(node.value) > INT_MAX_TEXT or (isinstance(value, int) and abs(value) > JSON_MAX_INT):
            self._refuse(node, path, f"an integer of {digits} digits: JSON consumers (browsers) hold integers "
                                     f"exactly only up to 2^53 - 1 ({JSON_MAX_INT}); quote it to make it a string")
            return None
        return value

    def _construct(self, node: yaml.ScalarNode, path: _Path, method: str) -> Any:
        try:
            return getattr(self.loader, method)(node)
        except (ValueError, TypeError, IndexError, ArithmeticError, yaml.YAMLError):
            tag = node.tag.replace(_TAG, "!!")
            self._report("C-json-value", node, path,
                         f"the value cannot be read as {tag}; fix it or quote it to make a string")
            return None

    def _hint(self, node: yaml.ScalarNode, path: _Path) -> str:
        """Show the quoted form of a scalar, unless it may be a private setting."""
        if is_private_path(path) or len(node.value) > 40:
            return ""
        return f": '{escape_controls(node.value)}'"

    def _refuse(self, node: yaml.Node, path: _Path, what: str) -> None:
        self._report("C-json-value", node, path, f"the value is {what}")

    def _report(self, code: str, node: yaml.Node, path: _Path, message: str) -> None:
        if len(self.problems) < PROBLEMS_PER_FILE:
            self.problems.append(self._problem(code, node, path, message))
        else:
            count, line = self.hidden
            self.hidden = count + 1, line or node.start_mark.line + 1

    def finish(self) -> None:
        """Add the line that stands for the problems left out."""
        if self.hidden[0]:
            self.problems.append(too_many_problems(self.file, *self.hidden))

    def _problem(self, code: str, node: yaml.Node, path: _Path, message: str, expected: str | None = None) -> Problem:
        return Problem(code=code, file=self.file, line=node.start_mark.line + 1, path=format_path(path),
                       message=message, expected=expected)


def _merge(result: dict[str, Any], lines: dict[str, Any],
           merged: list[_Built]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Combine a mapping with its merge sources: its own keys win, then earlier sources over later ones."""
    values: dict[str, Any] = {}
    where: dict[str, Any] = {}
    for source in reversed(merged):
        values.update(source[0])
        where.update(source[3] or {})
    values.update(result)
    where.update(lines)
    return values, where


def _unknown_tag(node: yaml.Node) -> str:
    return f"tagged {escape_controls(node.tag.replace(_TAG, '!!'))}, which JSON cannot hold; remove the tag"
