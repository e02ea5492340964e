"""Hostile source files for tests and `bench/hostile_yaml.py`: each is small on disk and expensive if mishandled."""
from __future__ import annotations

HEAD = "id: site\nname: Site\ntype: web\nwrite_key: wk_site\n"


def alias_bomb(levels: int = 10, fanout: int = 9) -> str:
    """Return a "billion laughs" source file: `levels` anchors, each a list of `fanout` aliases of the previous."""
    lines = [HEAD.rstrip("\n"), 'l0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * fanout)}]")
    lines.append(f"integrations: {{Mixpanel: {{bomb: *l{levels}}}}}")
    return "\n".join(lines) + "\n"


def deep_nesting(depth: int = 600) -> str:
    """Return a source file whose integrations value nests `depth` flow mappings."""
    return HEAD + "integrations: {Mixpanel: " + "{a: " * depth + "1" + "}" * depth + "}\n"


def huge_integer(digits: int = 5000) -> str:
    """Return a source file with an integer of `digits` digits in a destination's settings."""
    return HEAD + ("destinations:\n  - {destination: Mixpanel, name: MP, mode: device, settings: {token: "
                   + "9" * digits + "}}\n")


def unknown_keys(count: int = 40_000) -> str:
    """Return a source file with `count` keys the schema does not know."""
    return HEAD + "".join(f"unknown_{i}: {i}\n" for i in range(count))
