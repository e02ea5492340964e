"""Read one YAML file into plain JSON-ready data while remembering where every key came from.

    doc = load_yaml_text(text, "sources/storefront.yaml")
    doc.data                                   # plain dicts, lists, str, bool, int, float and None
    doc.line_of(("destinations", 1, "mode"))   # 1-based line of that key, or of its closest ancestor

Bad input becomes Problems, never exceptions: `C-yaml-syntax` when libyaml cannot parse it, and what
`builder.yaml_builder` decides while turning nodes into data (`C-json-value`, `C-duplicate-key`, and the bounds
`C-yaml-too-large`, `C-yaml-aliases`, `C-yaml-depth`, after which that one problem is the result and the data is
dropped). Text of YAML_MAX_NODES / 2 characters or more is first counted event by event, so a dense file is
refused before libyaml builds its node graph (about 400 bytes a node). Line numbers come from an index built while
loading (O(1) per problem); the node graph is not kept. Source files are first read by `builder.yaml_fast`, which
skips the node graph and the line index for plain files and hands everything else (and every file with a problem)
to this loader.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from builder.input_limits import YAML_MAX_NODES
from builder.problems import Problem
from builder.yaml_builder import Lines, YamlBoundError, build_data, depth_problem, too_large

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
_RESOLVE = yaml.resolver.BaseResolver.resolve
_RESOLVED_MAX = 4096  # plain scalars whose tag is remembered (keys and common values repeat from file to file)


class Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, resolving each distinct plain scalar's tag once (libyaml asks Python for every scalar)."""

    _resolved: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """Return the tag of a node: the safe loader's answer, remembered for short plain scalars."""
        if kind is not yaml.ScalarNode or not implicit[0]:
            return _RESOLVE(self, kind, value, implicit)
        tag = self._resolved.get(value)
        if tag is None:
            tag = _RESOLVE(self, kind, value, implicit)
            if len(value) <= 64:
                if len(self._resolved) >= _RESOLVED_MAX:
                    self._resolved.clear()
                self._resolved[value] = tag
        return tag


assert not _BaseLoader.yaml_path_resolvers  # a scalar's tag then depends on its text alone


@dataclass
class YamlDoc:
    """A parsed YAML document: its data, where its keys were written, and the problems found parsing it."""

    file: str
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    root_line: int | None = None
    lines: Lines = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when the file parsed cleanly."""
        return not self.problems

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Return the 1-based line of the key at `path`, or of its deepest existing ancestor, in O(len(path))."""
        line, lines = self.root_line, self.lines
        for part in path:
            if isinstance(lines, dict) and isinstance(part, str):
                entry = lines.get(part)
            elif isinstance(lines, list) and isinstance(part, int) and 0 <= part < len(lines):
                entry = lines[part]
            else:
                break
            if entry is None:
                break
            line, lines = entry
        return line


def load_yaml_text(text: str, file: str) -> YamlDoc:
    """Parse `text` (the content of `file`) into a YamlDoc; never raises on bad input."""
    doc = YamlDoc(file=file)
    loader = None
    try:
        if len(text) >= YAML_MAX_NODES // 2:  # shorter text cannot hold more nodes than the cap
            _count_events(text, file)
        loader = Loader(text)
        node = loader.get_single_node()  # libyaml: iterative, stops at 1000 levels; aliases share one node
        if node is not None:
            doc.data, doc.lines, doc.problems = build_data(loader, node, file)
            doc.root_line = node.start_mark.line + 1
    except (YamlBoundError, yaml.YAMLError, RecursionError, UnicodeError, ValueError, TypeError) as exc:
        doc.problems, doc.data, doc.lines = [_problem_of(exc, file)], None, None
    finally:
        if loader is not None:
            loader.dispose()
    return doc


def _problem_of(exc: BaseException, file: str) -> Problem:
    """Return the one problem of a file that could not be loaded."""
    if isinstance(exc, YamlBoundError):
        return exc.problem
    if isinstance(exc, RecursionError):  # only the pure-Python composer recurses per level; libyaml stops at 1000
        return depth_problem(file, None)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return Problem(code="C-yaml-syntax", file=file, line=(mark.line + 1) if mark else None,
                       message=f"the file is not valid YAML: {exc.problem or exc.context}")
    detail = " ".join(str(exc).split()) if isinstance(exc, yaml.YAMLError) else type(exc).__name__
    return Problem(code="C-yaml-syntax", file=file, message=f"the file is not valid YAML: {detail}")  # e.g. surrogates


def _count_events(text: str, file: str) -> None:
    """Refuse text holding more than YAML_MAX_NODES nodes, counted from parser events before any node exists."""
    loader = Loader(text)
    try:
        count = 0
        while loader.check_event():
            event = loader.get_event()
            if event.__class__ in _NODE_EVENTS:
                count += 1
                if count > YAML_MAX_NODES:
                    raise YamlBoundError(too_large(file, event.start_mark.line + 1, ()))
    finally:
        loader.dispose()


