"""A quick reader for the plain block-style YAML content files are written in.

Most of a cold load was libyaml's events becoming Python objects one at a time. Content files
use a small part of YAML: block mappings and lists, one-line flow lists and mappings, plain and
simply quoted texts, comments. `read_block_yaml` reads exactly that, line by line, into the same
nodes `strict_yaml` builds from libyaml's events (same values, types and lines), and returns
None at the first thing outside it (escapes, block texts, anchors, tags, odd indentation,
anything libyaml would report), so the caller reads that file with libyaml instead: every
problem is still reported by libyaml, in its words.
"""

from __future__ import annotations

import re
from typing import TypeVar

import yaml

from bot.domain.yaml_nodes import RESOLVER, STR, MappingNode, Node, ScalarNode, SequenceNode

_KEY = r"[A-Za-z0-9_][A-Za-z0-9_-]*"
# The characters a line may hold: printable, and read by libyaml as they are here (no tab,
# other line break, byte order mark or control character); anything else declines the file.
_WIDE = r"\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_TEXT = rf"[\x20-\x7e{_WIDE}]"
_IN_DOUBLE = rf"[\x20\x21\x23-\x5b\x5d-\x7e{_WIDE}]"  # no " or backslash
_IN_SINGLE = rf"[\x20-\x26\x28-\x7e{_WIDE}]"  # no '
_REST_START = rf"[\x21\x23-\x26\x28-\x7e{_WIDE}]"  # no space or quote
_END = f"(?: *| +#{_TEXT}*)"  # spaces or a comment after a quoted text
# One line: its indentation, a list item's dash, a key, then a double- or single-quoted text,
# or the rest (nothing, a comment, plain text or flow).
_LINE = re.compile(
    rf"""( *)(- +)?(?:({_KEY}):(?= |\Z) *)?"""
    rf"""(?:"({_IN_DOUBLE}*)"{_END}|'({_IN_SINGLE}*)'{_END}|({_REST_START}{_TEXT}*)?)\Z"""
)
# Plain text inside a flow list or mapping: no flow indicators, quotes, comments or colons.
_FLOW_PLAIN = (
    r"""(?:[^\s\-?:,\[\]{}#&*!|>'"%@`]|-(?=[0-9.]))[^\s,\[\]{}#:'"]*(?: +[^\s,\[\]{}#:'"]+)*"""
)
_FLOW_ITEM = rf""""([^"\\]*)"|'([^']*)'|({_FLOW_PLAIN})"""
_FLOW_LIST = re.compile(rf"\[ *((?:(?:{_FLOW_ITEM}) *, *)*(?:{_FLOW_ITEM}) *)?\](?: *| +#.*)\Z")
_FLOW_PAIR = rf"{_KEY}: +(?:{_FLOW_ITEM})"
_FLOW_MAP = re.compile(rf"\{{ *((?:{_FLOW_PAIR} *, *)*{_FLOW_PAIR} *)?\}}(?: *| +#.*)\Z")
_ITEM = re.compile(_FLOW_ITEM)
_PAIR = re.compile(rf"({_KEY}): +(?:{_FLOW_ITEM})")
# Characters that start something other than plain text: decline them all.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_B = TypeVar("_B", MappingNode, SequenceNode)


class _Unsupported(Exception):
    """Something outside the subset: libyaml reads the file instead."""


def read_block_yaml(text: str) -> Node | None:
    """The node tree `strict_yaml` would build for `text`, or None when it is not plain
    block-style YAML (then nothing about it is known: read it with libyaml)."""
    try:
        return _Reader().read(text.split("\n"))
    except _Unsupported:
        return None


class _Reader:
    """One file's lines into nodes; raises `_Unsupported` at anything outside the subset.

    The block being filled is `top` (its indentation `indent`), the blocks around it are on
    `outer`, and `waiting` is a key of `top` whose value starts on a later line."""

    __slots__ = ("indent", "outer", "plain", "top", "waiting")

    def __init__(self) -> None:
        self.outer: list[tuple[int, MappingNode | SequenceNode]] = []
        self.top: MappingNode | SequenceNode | None = None
        self.indent = -1
        self.waiting: ScalarNode | None = None
        # Each distinct plain text once, with its type (as strict_yaml does).
        self.plain: dict[str, tuple[str, str]] = {}

    def read(self, lines: list[str]) -> Node | None:
        """The document's root node, None when it has none."""
        # The hot loop of a cold load, one line at a time: the usual line (a key or a list
        # item in the block already open) takes no call beyond its match and its nodes.
        plain = self.plain
        resolve = RESOLVER.resolve
        root: MappingNode | SequenceNode | None = None
        for number, line in enumerate(lines, start=1):
            match = _LINE.match(line)
            if match is None:
                raise _Unsupported
            spaces, dash, key, double, single, rest = match.groups()
            if dash is None and key is None:
                if double is None and single is None and (rest is None or rest[0] == "#"):
                    continue  # a blank line or a comment
                raise _Unsupported
            if double is not None:
                value: Node | None = ScalarNode(double, STR, number)
            elif single is not None:
                value = ScalarNode(single, STR, number)
            elif rest is None or rest[0] == "#":
                value = None
            else:
                value = self._value(rest, number)
            indent = len(spaces)
            if dash is None:
                mapping = self.top
                if not (
                    self.indent == indent and self.waiting is None and type(mapping) is MappingNode
                ):
                    mapping = self._block(indent, MappingNode, number)
                    root = mapping if root is None else root
            else:
                items = self.top
                if not (
                    self.indent == indent and self.waiting is None and type(items) is SequenceNode
                ):
                    items = self._block(indent, SequenceNode, number)
                    root = items if root is None else root
                if key is None:
                    if value is None:
                        raise _Unsupported
                    items.value.append(value)
                    continue
                mapping = self._open(MappingNode(number), indent + len(dash))
                items.value.append(mapping)
            known = plain.get(key)
            if known is None:
                known = plain[key] = (key, resolve(yaml.ScalarNode, key, (True, False)))
            key_node = ScalarNode(known[0], known[1], number)
            if value is None:
                self.waiting = key_node
            else:
                mapping.value.append((key_node, value))
        self._settle()
        return root

    def _block(self, indent: int, kind: type[_B], number: int) -> _B:
        """The block a line at `indent` belongs to: a new one under a waiting key, or the
        open block at that indentation."""
        top, waiting = self.top, self.waiting
        if top is None:
            return self._open(kind(number), indent)
        if waiting is not None and indent > self.indent and isinstance(top, MappingNode):
            node = kind(number)
            top.value.append((waiting, node))
            self.waiting = None
            return self._open(node, indent)
        self._settle()
        while self.indent > indent and self.outer:
            self.indent, self.top = self.outer.pop()
        if self.indent != indent or not isinstance(self.top, kind):
            raise _Unsupported
        return self.top

    def _open(self, node: _B, indent: int) -> _B:
        if self.top is not None:
            self.outer.append((self.indent, self.top))
        self.top, self.indent = node, indent
        return node

    def _settle(self) -> None:
        """A waiting key with nothing under it has an empty (null) value, on its line."""
        if self.waiting is not None and isinstance(self.top, MappingNode):
            self.top.value.append((self.waiting, self._plain("", self.waiting.line)))
        self.waiting = None

    def _value(self, text: str, number: int) -> Node:
        """Plain text or a one-line flow list or mapping, after a key or a dash."""
        first = text[0]
        if first == "[":
            return self._flow(_FLOW_LIST, text, number, SequenceNode)
        if first == "{":
            return self._flow(_FLOW_MAP, text, number, MappingNode)
        cut = text.find(" #")
        if cut >= 0:
            text = text[:cut]
        text = text.rstrip(" ")
        if ": " in text or text[-1] == ":" or (first in _INDICATORS and not _negative(text)):
            raise _Unsupported
        return self._plain(text, number)

    def _flow(
        self,
        pattern: re.Pattern[str],
        text: str,
        number: int,
        kind: type[MappingNode] | type[SequenceNode],
    ) -> Node:
        match = pattern.match(text)
        if match is None:
            raise _Unsupported
        inner = match[1] or ""
        if kind is SequenceNode:
            node = SequenceNode(number)
            node.value = [self._item(m, 1, number) for m in _ITEM.finditer(inner)]
            return node
        pairs = MappingNode(number)
        pairs.value = [
            (self._plain(m[1], number), self._item(m, 2, number)) for m in _PAIR.finditer(inner)
        ]
        return pairs

    def _item(self, match: re.Match[str], first: int, number: int) -> ScalarNode:
        """A flow item from `match`'s groups `first` (double-quoted) to `first + 2` (plain)."""
        if match[first + 2] is not None:
            return self._plain(match[first + 2], number)
        quoted = match[first] if match[first] is not None else match[first + 1]
        return ScalarNode(quoted, STR, number)

    def _plain(self, text: str, number: int) -> ScalarNode:
        known = self.plain.get(text)
        if known is None:
            known = self.plain[text] = (
                text,
                RESOLVER.resolve(yaml.ScalarNode, text, (True, False)),
            )
        return ScalarNode(known[0], known[1], number)


def _negative(text: str) -> bool:
    """Whether plain text starting with an indicator is a negative number like -122.27."""
    return len(text) > 1 and text[0] == "-" and text[1] in "0123456789."
