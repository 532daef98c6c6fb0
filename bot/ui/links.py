"""Links that open the bot (`https://t.me/<bot>?start=<payload>`) and their QR codes."""

from __future__ import annotations

import io
import re

import segno

from bot.ui.deeplink import DeepLink, encode_link

# Telegram usernames: 5-32 characters, letters, digits and underscores, starting with a letter.
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}\Z")
QR_SCALE = 8
QR_BORDER = 4


def start_link(username: str, link: DeepLink) -> str:
    """The t.me link that opens the bot `username` with what `link` presets. Raises
    ValueError for a username Telegram would not accept or a link the payload cannot carry."""
    name = username.removeprefix("@")
    if not _USERNAME.match(name):
        raise ValueError(f"not a Telegram bot username: {username!r}")
    if link == DeepLink():
        return f"https://t.me/{name}"
    return f"https://t.me/{name}?start={encode_link(link)}"


def qr_png(url: str) -> bytes:
    """`url` as a black-on-white QR code PNG (error correction M, large enough to print)."""
    code = segno.make_qr(url, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()
