"""The nodes a YAML file is read into: small slotted objects that keep each value's line."""

from __future__ import annotations

import yaml

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
RESOLVER = yaml.resolver.Resolver()


class ScalarNode:
    """A single value: its raw text, the YAML 1.1 type it would get, and its line."""

    __slots__ = ("line", "tag", "value")

    def __init__(self, value: str, tag: str, line: int) -> None:
        self.value = value
        self.tag = tag
        self.line = line


class SequenceNode:
    """A list; `value` holds the items; `cut` when a syntax error ended it early."""

    __slots__ = ("cut", "line", "value")

    def __init__(self, line: int) -> None:
        self.value: list[Node] = []
        self.line = line
        self.cut = False


class MappingNode:
    """A mapping; `value` holds (key, value) pairs in file order, duplicates included;
    `cut` when a syntax error ended it early."""

    __slots__ = ("cut", "line", "value")

    def __init__(self, line: int) -> None:
        self.value: list[tuple[Node, Node]] = []
        self.line = line
        self.cut = False


Node = ScalarNode | SequenceNode | MappingNode


def node_line(node: Node) -> int:
    """The 1-based line where a node starts."""
    return node.line
