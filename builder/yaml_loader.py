"""Read one YAML file into plain data while remembering where every key came from.

    doc = load_yaml_text(text, "sources/storefront.yaml")
    doc.data                                   # plain dicts, lists and scalars
    doc.line_of(("destinations", 1, "mode"))   # 1-based line of that key, or of its closest ancestor

Syntax errors and duplicate keys become Problems (codes `C-yaml-syntax`, `C-duplicate-key`), never exceptions.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from builder.problems import Problem, format_path

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDoc:
    """A parsed YAML document: its data, its node tree for line lookups, and the problems found parsing it."""

    file: str
    data: Any = None
    node: yaml.Node | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file parsed cleanly."""
        return not self.problems

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Return the 1-based line of the key at `path`, or of its deepest existing ancestor."""
        node = self.node
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            key_node, node = child
            line = (key_node or node).start_mark.line + 1
        return line


def load_yaml_text(text: str, file: str) -> YamlDoc:
    """Parse `text` (the content of `file`) into a YamlDoc; never raises on bad input."""
    doc = YamlDoc(file=file)
    loader = _Loader(text)
    try:
        doc.node = loader.get_single_node()
        if doc.node is not None:
            doc.data = _construct(doc.node, loader, (), doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        doc.problems.append(Problem(
            code="C-yaml-syntax", file=file, line=(mark.line + 1) if mark else None,
            message=f"the file is not valid YAML: {exc.problem or exc.context}",
        ))
        doc.node = None
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(code="C-yaml-syntax", file=file, message=f"the file is not valid YAML: {exc}"))
        doc.node = None
    finally:
        loader.dispose()
    return doc


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def _construct(node: yaml.Node, loader: Any, path: tuple[str | int, ...], doc: YamlDoc) -> Any:
    """Build plain data from the node tree (fast path for strings, mappings and lists; PyYAML for the rest),
    reporting keys that appear twice in one mapping: YAML would silently keep the last one."""
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                return loader.construct_object(node, deep=True)
            key = _construct(key_node, loader, path, doc)
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(None, None, "found an unhashable key", key_node.start_mark)
            if key in result:
                doc.problems.append(Problem(
                    code="C-duplicate-key", file=doc.file, line=key_node.start_mark.line + 1,
                    path=format_path((*path, str(key))),
                    message=f"the key '{key}' appears twice in the same mapping; keep only one",
                ))
            result[key] = _construct(value_node, loader, (*path, str(key)), doc)
        return result
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_construct(item, loader, (*path, i), doc) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    """Return (key node, value node) for `part` inside a mapping or sequence node."""
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                return key_node, value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None
