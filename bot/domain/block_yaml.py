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
# A one-line flow list (True) or mapping (False) taken apart: the texts and types of its items,
# or of its keys and values in turn.
_Flow = tuple[bool, tuple[tuple[str, str], ...]]
# A line taken apart: indentation, width of its dash and spaces (0 without), its key (text and
# type), and its value: a text and its type, or a flow list or mapping.
_Shape = tuple[int, int, tuple[str, str] | None, tuple[str, str] | None, _Flow | None]


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
        # The hot loop of a cold load, one line at a time: each distinct line is taken apart
        # once (most lines of a content file repeat: keys, access facts, ids of needs), and
        # the usual line (a key or a list item in the block already open) takes no call.
        shapes: dict[str, _Shape | None] = {}
        root: MappingNode | SequenceNode | None = None
        for number, line in enumerate(lines, start=1):
            if line in shapes:
                shape = shapes[line]
            else:
                shape = shapes[line] = self._shape(line)
            if shape is None:
                continue  # a blank line or a comment
            indent, dash, key, text, flow = shape
            if text is not None:
                value: Node | None = ScalarNode(text[0], text[1], number)
            elif flow is not None:
                value = _flow_node(flow, number)
            else:
                value = None
            if dash == 0:
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
                mapping = self._open(MappingNode(number), indent + dash)
                items.value.append(mapping)
            assert key is not None  # _shape gives a key to every line without a dash
            key_node = ScalarNode(key[0], key[1], number)
            if value is None:
                self.waiting = key_node
            else:
                mapping.value.append((key_node, value))
        self._settle()
        return root

    def _shape(self, line: str) -> _Shape | None:
        """What a line holds, None for a blank line or a comment."""
        match = _LINE.match(line)
        if match is None:
            raise _Unsupported
        spaces, dash, key, double, single, rest = match.groups()
        if dash is None and key is None:
            if double is None and single is None and (rest is None or rest[0] == "#"):
                return None
            raise _Unsupported
        text: tuple[str, str] | None = None
        flow = None
        if double is not None or single is not None:
            text = (double if double is not None else single, STR)
        elif rest is not None and rest[0] in "[{":
            flow = self._flow(rest)
        elif rest is not None and rest[0] != "#":
            text = self._known(_plain_text(rest))
        known_key = None if key is None else self._known(key)
        return len(spaces), 0 if dash is None else len(dash), known_key, text, flow

    def _block(self, indent: int, kind: type[_B], number: int) -> _B:
        """The block a line at `indent` belongs to: a new one under a waiting key, or the
        open block at that indentation."""
        top, waiting = self.top, self.waiting
        if top is None:
            return self._open(kind(number), indent)
        if waiting is not None:
            if indent > self.indent and isinstance(top, MappingNode):
                node = kind(number)
                top.value.append((waiting, node))
                self.waiting = None
                self.outer.append((self.indent, top))
                self.top, self.indent = node, indent
                return node
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

    def _flow(self, text: str) -> _Flow:
        """A one-line flow list or mapping, taken apart once per distinct line (its nodes are
        made for each line it is on, by `_flow_node`)."""
        if text[0] == "[":
            match = _FLOW_LIST.match(text)
            if match is None:
                raise _Unsupported
            return True, tuple(self._item(m, 1) for m in _ITEM.finditer(match[1] or ""))
        match = _FLOW_MAP.match(text)
        if match is None:
            raise _Unsupported
        pairs = _PAIR.finditer(match[1] or "")
        return False, tuple(part for m in pairs for part in (self._known(m[1]), self._item(m, 2)))

    def _item(self, match: re.Match[str], first: int) -> tuple[str, str]:
        """A flow item's text and type from `match`'s groups `first` (double-quoted) to
        `first + 2` (plain)."""
        if match[first + 2] is not None:
            return self._known(match[first + 2])
        quoted = match[first] if match[first] is not None else match[first + 1]
        return quoted, STR

    def _plain(self, text: str, number: int) -> ScalarNode:
        known = self._known(text)
        return ScalarNode(known[0], known[1], number)

    def _known(self, text: str) -> tuple[str, str]:
        """Plain text once per distinct text, with the type YAML 1.1 gives it."""
        known = self.plain.get(text)
        if known is None:
            tag = RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
            known = self.plain[text] = (text, tag)
        return known


def _flow_node(flow: _Flow, number: int) -> Node:
    """The nodes of a flow list or mapping taken apart by `_Reader._flow`, on line `number`."""
    is_list, parts = flow
    nodes: list[Node] = [ScalarNode(text, tag, number) for text, tag in parts]
    if is_list:
        items = SequenceNode(number)
        items.value = nodes
        return items
    pairs = MappingNode(number)
    pairs.value = list(zip(nodes[::2], nodes[1::2], strict=True))
    return pairs


def _plain_text(text: str) -> str:
    """Plain text after a key or a dash, without a comment or spaces after it."""
    cut = text.find(" #")
    if cut >= 0:
        text = text[:cut]
    text = text.rstrip(" ")
    first = text[0]
    if ": " in text or text[-1] == ":" or (first in _INDICATORS and not _negative(text)):
        raise _Unsupported
    return text


def _negative(text: str) -> bool:
    """Whether plain text starting with an indicator is a negative number like -122.27."""
    return len(text) > 1 and text[0] == "-" and text[1] in "0123456789."
