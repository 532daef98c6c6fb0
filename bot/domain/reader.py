"""Typed reads of YAML nodes; each bad value becomes a `file:line: what, how to fix` problem."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Collection
from enum import StrEnum
from typing import TypeVar

from bot.domain.problems import Problems
from bot.domain.strict_yaml import STR, MappingNode, Node, ScalarNode, SequenceNode, node_line

_STR = STR
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
LOCALE_PATTERN = re.compile(r"[a-z]{2,3}(_[A-Za-z]{2,4})?\Z")

_TRUE_FALSE = ("true", "false")
E = TypeVar("E", bound=StrEnum)


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """A ' (did you mean "x"?)' hint when a close match exists, else an empty string."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{match[0]}"?)' if match else ""


class NodeReader:
    """Reads values of one file, recording every problem instead of stopping at the first."""

    def __init__(self, file: str, problems: Problems) -> None:
        self.file = file
        self.problems = problems

    def error(self, node: Node, message: str) -> None:
        """Record an error at a node's line."""
        self.problems.error(self.file, node_line(node), message)

    def warning(self, node: Node, message: str) -> None:
        """Record a warning at a node's line."""
        self.problems.warning(self.file, node_line(node), message)

    def mapping(
        self,
        node: Node,
        where: str,
        fields: Collection[str],
        required: Collection[str] = (),
    ) -> dict[str, Node] | None:
        """The fields of a mapping, reporting duplicates, unknown and missing fields."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{where}: expected a set of `field: value` lines here")
            return None
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key is not None and key in fields and key not in found:
                found[key] = value_node  # the usual case, which the checks below all pass
                continue
            if not isinstance(key, str) or not key:
                self.error(key_node, f"{where}: a field name must be a plain word")
                continue
            if key in found:
                self.error(
                    key_node,
                    f"{where}.{key}: duplicate field (first at line {node_line(found[key])});"
                    " keep only one",
                )
                continue
            if key not in fields:
                allowed = ", ".join(sorted(fields))
                self.error(
                    key_node,
                    f"{where}: unknown field {key!r}{did_you_mean(key, fields)};"
                    f" allowed: {allowed}",
                )
                continue
            found[key] = value_node
        # Fields after a syntax error were lost, not forgotten: asking for them would mislead.
        for name in () if node.cut else required:
            if name not in found:
                self.error(node, f"{where}: missing required field {name!r}")
        return found

    def sequence(self, node: Node, where: str) -> list[Node] | None:
        """The items of a list."""
        if isinstance(node, SequenceNode):
            return list(node.value)
        self.error(node, f"{where}: expected a list here (lines starting with `- `, or [a, b])")
        return None

    def text(self, node: Node, where: str, *, allow_empty: bool = False) -> str | None:
        """A string; numbers, booleans and empty values that YAML made of it are reported."""
        if not isinstance(node, ScalarNode):
            self.error(node, f"{where}: expected a single value here, not a list or a mapping")
            return None
        raw = node.value
        if node.tag == _STR:
            if not raw.strip() and not allow_empty:
                self.error(node, f"{where}: is empty; write the text or remove the field")
                return None
            return raw
        if node.tag == _BOOL:
            self.error(node, f'{where}: "{raw}" was read as a boolean; write "{raw}" in quotes')
        elif node.tag in (_INT, _FLOAT):
            self.error(
                node,
                f'{where}: {raw} was read as a number{_number_hint(raw)}; write "{raw}" in quotes',
            )
        elif node.tag == _NULL:
            self.error(node, f"{where}: has no value; write the text or remove the field")
        elif node.tag == _TIMESTAMP:
            self.error(node, f'{where}: {raw} was read as a date; write "{raw}" in quotes')
        else:
            self.error(node, f'{where}: write the value "{raw}" in quotes')
        return None

    def identifier(self, node: Node, where: str, max_length: int) -> str | None:
        """An id: lower-case letters, digits, `-` and `_`, at most `max_length` characters."""
        value = self.text(node, where)
        if value is None:
            return None
        if not ID_PATTERN.match(value) or len(value) > max_length:
            self.error(
                node,
                f"{where}: {value!r} is not a valid id; use at most {max_length} lower-case"
                " letters, digits, - and _, starting with a letter or digit",
            )
            return None
        return value

    def choice(self, node: Node, where: str, enum: type[E]) -> E | None:
        """One word from a closed list. Quoting is suggested only for a word that is allowed
        (`requires_id: no`), never for one that is not (`shares_info_with_police: no`)."""
        member = known_choice(node, enum)
        if member is not None:
            return member
        members = _members(enum)
        allowed = ", ".join(members)
        if not isinstance(node, ScalarNode):
            self.error(node, f"{where}: expected one word here; use one of: {allowed}")
            return None
        raw = node.value
        if raw in members:
            self.error(
                node,
                f'{where}: "{raw}" was read as {_type_name(node.tag)}; write "{raw}" in quotes',
            )
            return None
        if node.tag == _NULL:
            self.error(node, f"{where}: has no value; use one of: {allowed}")
            return None
        hint = did_you_mean(raw, list(members))
        self.error(node, f"{where}: {raw!r} is not allowed here{hint}; use one of: {allowed}")
        return None

    def flag(self, node: Node, where: str) -> bool | None:
        """true or false (and nothing else YAML 1.1 would read as a boolean)."""
        if isinstance(node, ScalarNode) and node.tag == _BOOL and node.value in _TRUE_FALSE:
            return node.value == "true"
        self.error(node, f"{where}: {_raw(node)!r} is not allowed; write true or false")
        return None

    def number(self, node: Node, where: str, low: float, high: float) -> float | None:
        """A number between `low` and `high` inclusive."""
        if isinstance(node, ScalarNode) and node.tag in (_INT, _FLOAT):
            try:
                value = float(node.value.replace("_", ""))
            except ValueError:
                value = None
            if value is not None and low <= value <= high:
                return value
            if value is not None:
                self.error(node, f"{where}: {node.value} is out of range; use {low} to {high}")
                return None
        self.error(node, f"{where}: {_raw(node)!r} is not a number; write a number like 37.8044")
        return None

    def integer(self, node: Node, where: str) -> int | None:
        """A whole number."""
        if isinstance(node, ScalarNode) and node.tag == _INT and node.value.isdigit():
            return int(node.value)
        self.error(node, f"{where}: {_raw(node)!r} is not a whole number; write one like 1")
        return None

    def date(self, node: Node, where: str) -> dt.date | None:
        """A date written as YYYY-MM-DD (quoted or not)."""
        raw = _raw(node)
        if isinstance(node, ScalarNode) and node.tag in (_TIMESTAMP, _STR):
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                pass
        self.error(node, f"{where}: {raw!r} is not a date; write it as YYYY-MM-DD, like 2026-11-15")
        return None

    def text_list(self, node: Node, where: str) -> tuple[str, ...] | None:
        """A list of strings."""
        items = self.sequence(node, where)
        if items is None:
            return None
        values = [
            _good_text(item) or self.text(item, f"{where}[{i}]") for i, item in enumerate(items)
        ]
        return tuple(v for v in values if v is not None)

    def localized(
        self, node: Node, where: str, locales: Collection[str], default_locale: str
    ) -> dict[str, str] | None:
        """Text as a plain string (in `default_locale`) or a map of locale to string."""
        if isinstance(node, ScalarNode):
            value = self.text(node, where)
            return None if value is None else {default_locale: value}
        quick = _good_texts(node, locales)
        if quick is not None:
            return quick
        fields = self.mapping(node, where, locales)
        if fields is None:
            return None
        values = {
            loc: _good_text(child) or self.text(child, f"{where}.{loc}")
            for loc, child in fields.items()
        }
        return {loc: value for loc, value in values.items() if value is not None}


def known_choice(node: Node, enum: type[E]) -> E | None:
    """The member a quoted or plain word of `enum` names, else None (then
    `NodeReader.choice` says what is wrong): a shortcut that skips naming the place."""
    if isinstance(node, ScalarNode) and node.tag == _STR:
        return _members(enum).get(node.value)
    return None


def _good_text(node: Node) -> str | None:
    """What `NodeReader.text` gives for text it has nothing to say about, else None: a
    shortcut that skips naming the place, which only a problem needs."""
    if isinstance(node, ScalarNode) and node.tag == _STR and node.value.strip():
        return node.value
    return None


def _good_texts(node: Node, locales: Collection[str]) -> dict[str, str] | None:
    """What `NodeReader.localized` gives for a mapping it has nothing to say about (each key
    a locale once, each value good text), else None: a shortcut for the usual translations."""
    if not isinstance(node, MappingNode):
        return None
    found: dict[str, str] = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode) or key.value not in locales or key.value in found:
            return None
        # `_good_text`, inline: this runs for every translation of every listing.
        if not (isinstance(value, ScalarNode) and value.tag == _STR and value.value.strip()):
            return None
        found[key.value] = value.value
    return found


@functools.cache
def _members(enum: type[E]) -> dict[str, E]:
    return {member.value: member for member in enum}


def _type_name(tag: str) -> str:
    names = {_BOOL: "a boolean", _INT: "a number", _FLOAT: "a number", _TIMESTAMP: "a date"}
    return names.get(tag, "something other than text")


def _raw(node: Node) -> str:
    return node.value if isinstance(node, ScalarNode) else "(a list or mapping)"


def _number_hint(raw: str) -> str:
    if ":" in raw:
        return " (YAML reads 12:30 as a count of minutes)"
    if raw.startswith("0") and len(raw) > 1:
        return " and would lose its leading zero"
    return ""
