"""Screens as data (text + buttons), HTML escaping, and splitting text into Telegram messages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.ui.actions import Action

MAX_MESSAGE_LENGTH = 4096
# Room kept free in every message for its neutral first line (see `with_first_line`).
FIRST_LINE_ROOM = 64
# The blank line between two paragraphs of one message, in UTF-16 code units.
PARAGRAPH_BREAK = 2
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class Button(NamedTuple):
    """One button: its label and what pressing it does.

    A NamedTuple, not a dataclass: every screen makes its buttons anew, and a kept keyboard is
    found by hashing and comparing them, both done in C for a tuple. Its action is a dataclass,
    so two buttons are equal only when their actions are of one type."""

    label: str
    action: Action


@dataclass(frozen=True)
class Screen:
    """What the user sees: one or more HTML messages, the buttons under the last one."""

    messages: tuple[str, ...]
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)


def esc(text: str) -> str:
    """Escape content or user text for Telegram's HTML parse mode.

    The result is always valid UTF-8: a str can hold lone UTF-16 surrogates (text decoded with
    surrogateescape or surrogatepass, a JSON "\\ud800" escape), which cannot be sent; each
    becomes U+FFFD, and a high surrogate followed by a low one becomes the character they encode.
    """
    # An ASCII text (most of what screens escape; asked in constant time) has no surrogates.
    if not text.isascii() and _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return html.escape(text, quote=False)


def bold(text: str) -> str:
    """Escaped text in bold."""
    return f"<b>{esc(text)}</b>"


def italic(text: str) -> str:
    """Escaped text in italics."""
    return f"<i>{esc(text)}</i>"


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); counting tags too keeps us safe.

    Defined for any str: a lone surrogate counts as the one code unit it is.
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def with_first_line(screen: Screen, line: str) -> Screen:
    """The screen with a neutral line first in every message, so a lock-screen preview shows
    that line rather than what the message is about."""
    first = esc(line[: FIRST_LINE_ROOM - 1])
    return Screen(tuple(f"{first}\n{message}" for message in screen.messages), screen.buttons)


def split_messages(
    blocks: list[str], limit: int = MAX_MESSAGE_LENGTH - FIRST_LINE_ROOM
) -> tuple[str, ...]:
    """Join HTML blocks (paragraphs) into as few messages as fit under `limit`.

    Blocks are never cut unless a single block is longer than the limit; then it is cut at
    line breaks, then at spaces, so no tag or word is split. `limit` is at least 2 (the length
    of one character outside the Basic Multilingual Plane).
    """
    if limit < 2:
        raise ValueError("split_messages needs a limit of at least 2 UTF-16 code units")
    messages: list[str] = []
    # The message being filled, as its blocks and its length: lengths in UTF-16 code units add
    # up, so each block is measured once, not the whole message again for every block.
    current: list[str] = []
    length = 0
    for block, size in (piece for b in blocks for piece in _fit(b, limit)):
        if not current:
            if block:
                current, length = [block], size
        elif length + PARAGRAPH_BREAK + size <= limit:
            current.append(block)
            length += PARAGRAPH_BREAK + size
        else:
            messages.append("\n\n".join(current))
            current, length = ([block], size) if block else ([], 0)
    if current:
        messages.append("\n\n".join(current))
    return tuple(messages)


def _fit(block: str, limit: int) -> list[tuple[str, int]]:
    """The block, or its pieces when it is over `limit`, each with its length (measured once)."""
    size = telegram_length(block)
    if size <= limit:
        return [(block, size)]
    for separator, parts in (
        ("\n", block.split("\n")),
        ("", _SENTENCE_END.split(block)),  # scripts without spaces: after a full stop
        (" ", block.split(" ")),
    ):
        parts = [part for part in parts if part]
        if len(parts) > 1:
            pieces: list[str] = []
            current = ""
            for part in parts:
                candidate = f"{current}{separator}{part}" if current else part
                if telegram_length(candidate) <= limit:
                    current = candidate
                else:
                    if current:
                        pieces.append(current)
                    current = part
            if current:
                pieces.append(current)
            return [p for piece in pieces for p in _fit(piece, limit)]
    return [(chunk, telegram_length(chunk)) for chunk in _safe_chunks(block, limit)]


# Where a sentence ends in Chinese, Japanese, Hindi and most other scripts.
_SENTENCE_END = re.compile(r"(?<=[。！？．｡!?।])")


def _safe_chunks(block: str, limit: int) -> list[str]:
    """Cut a block with no separators into pieces of at most `limit`, never inside an HTML tag
    or entity (a piece never ends with `<b` or `&am`)."""
    pieces = []
    start = 0
    while start < len(block):
        end, size, safe, inside = start, 0, start, ""
        while end < len(block):
            ch = block[end]
            width = 2 if ord(ch) > 0xFFFF else 1
            if size + width > limit:
                break
            if not inside and end > start:
                safe = end
            if ch in "<&" and not inside:
                inside = ">" if ch == "<" else ";"
            elif inside and ch == inside:
                inside = ""
            size += width
            end += 1
        if end == len(block) and not inside:
            safe = end
        if safe == start:  # a single tag longer than the limit: nothing safe, cut anyway
            safe = end
        pieces.append(block[start:safe])
        start = safe
    return pieces
