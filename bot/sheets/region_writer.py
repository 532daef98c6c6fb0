"""Region YAML that reads back exactly as written, remembering which source each line came from.

The writer takes plain values (text, numbers, dates, lists, mappings); wrapping any of them in
`Traced` names where it came from (a spreadsheet cell, a command-line option), and every line
written for it carries that name, so a validator problem at `file:line` can be blamed on it.
Text is written plain only when YAML cannot misread it; everything else is double-quoted with
escapes, so yes/no/on/off, numbers, times like 12:30, leading zeros, `: ` and `#` stay text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Union

import yaml

INDENT = 2
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
# Letters, digits, spaces and harmless punctuation; no `:`, `#`, quotes or brackets anywhere.
_PLAIN = re.compile(r"[^\W\d][\w .,/()'+&-]*\Z")
# Characters YAML reads as line breaks or refuses outright, besides the C0 and C1 controls.
_ESCAPE_ALSO = frozenset("\u2028\u2029\ufeff\ufffe\uffff")

YamlValue = Union[
    str,
    int,
    float,
    bool,
    dt.date,
    "Traced",
    Mapping[str, "YamlValue"],
    Sequence["YamlValue"],
]


@dataclass(frozen=True)
class Traced:
    """A value together with where it came from (for example `Listings!B7`)."""

    value: YamlValue
    origin: str


@dataclass(frozen=True)
class WrittenYaml:
    """The YAML text and, for each of its lines, where that line's value came from."""

    text: str
    origins: tuple[str | None, ...]

    def origin(self, line: int) -> str | None:
        """Where the value on 1-based `line` came from, or None (a comment, or untraced)."""
        return self.origins[line - 1] if 1 <= line <= len(self.origins) else None


def write_yaml(document: Mapping[str, YamlValue], comments: Sequence[str] = ()) -> WrittenYaml:
    """Block-style YAML for `document`, preceded by `# ` comment lines."""
    lines: list[tuple[str, str | None]] = [
        (f"# {' '.join(text.splitlines())}".rstrip(), None) for text in comments
    ]
    lines.extend(_mapping_lines(document, 0, None))
    return WrittenYaml(
        "".join(f"{text}\n" for text, _ in lines), tuple(origin for _, origin in lines)
    )


def scalar(value: str | int | float | bool | dt.date) -> str:
    """One value as YAML reads it back unchanged (text stays text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else quoted(repr(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if _PLAIN.match(value) and not value.endswith(" ") and _reads_as_text(value):
        return value
    return quoted(value)


def quoted(text: str) -> str:
    """`text` in double quotes, escaping quotes, backslashes and every non-printable character."""
    return '"' + "".join(_escaped(char) for char in text) + '"'


def _escaped(char: str) -> str:
    code = ord(char)
    if char in '"\\':
        return "\\" + char
    if 0x20 <= code < 0x7F or (code >= 0xA0 and char not in _ESCAPE_ALSO and not _surrogate(code)):
        return char
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _surrogate(code: int) -> bool:
    return 0xD800 <= code <= 0xDFFF


def _reads_as_text(text: str) -> bool:
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


def _mapping_lines(
    mapping: Mapping[str, YamlValue], indent: int, origin: str | None
) -> list[tuple[str, str | None]]:
    lines: list[tuple[str, str | None]] = []
    pad = " " * indent
    for key, item in mapping.items():
        value, where = _unwrap(item, origin)
        head = f"{pad}{scalar(key)}:"
        if isinstance(value, Mapping) and value:
            lines.append((head, where))
            lines.extend(_mapping_lines(value, indent + INDENT, where))
        elif isinstance(value, Sequence) and not isinstance(value, str) and value:
            lines.append((head, where))
            lines.extend(_sequence_lines(value, indent + INDENT, where))
        else:
            lines.append((f"{head} {_inline(value)}", where))
    return lines


def _sequence_lines(
    items: Sequence[YamlValue], indent: int, origin: str | None
) -> list[tuple[str, str | None]]:
    lines: list[tuple[str, str | None]] = []
    pad = " " * indent
    for item in items:
        value, where = _unwrap(item, origin)
        if isinstance(value, Mapping) and value:
            nested = _mapping_lines(value, indent + INDENT, where)
        elif isinstance(value, Sequence) and not isinstance(value, str) and value:
            nested = _sequence_lines(value, indent + INDENT, where)
        else:
            lines.append((f"{pad}- {_inline(value)}", where))
            continue
        first, first_origin = nested[0]
        nested[0] = (f"{pad}- {first[indent + INDENT :]}", first_origin)
        lines.extend(nested)
    return lines


def _inline(value: YamlValue) -> str:
    """A scalar, or an empty list or mapping."""
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, Traced):  # unwrapped by the caller
        return _inline(value.value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[]"
    return scalar(value)


def _unwrap(item: YamlValue, origin: str | None) -> tuple[YamlValue, str | None]:
    while isinstance(item, Traced):
        origin = item.origin
        item = item.value
    return item, origin
