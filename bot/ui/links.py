"""Start links (`https://t.me/<bot>?start=<payload>`) and their QR codes, for outreach.

Pure: no Telegram, no store. `/share` and the outreach commands both build links here.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from bot.ui.deeplink import DeepLink, encode_link

if TYPE_CHECKING:
    import segno

# Telegram usernames: 5 to 32 letters, digits and underscores, starting with a letter; a bot's
# ends in "bot" in any case. One leading @ is accepted because that is how people write them.
_BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{1,28}bot\Z", re.IGNORECASE)
# Q keeps a code readable with about a quarter of it creased, scratched or smudged: cards live
# in pockets. The quiet zone (4 modules, the standard's minimum) is part of every image.
QR_ERROR = "q"
QUIET_ZONE = 4
_PNG_SCALE = 10


def bot_username(text: str) -> str:
    """The bot's username without its @; ValueError, saying what a valid one looks like,
    for anything else."""
    name = text.strip()
    name = name.removeprefix("@")
    if not _BOT_USERNAME.match(name):
        raise ValueError(
            f"{text!r} is not a bot username: 5 to 32 letters, digits or underscores,"
            " starting with a letter and ending in 'bot' (for example: @WaypointOaklandBot)"
        )
    return name


def start_link(username: str, link: DeepLink) -> str:
    """The link that opens the bot with `link`'s presets. ValueError for a bad username or a
    link the payload grammar cannot carry (empty, over 64 characters)."""
    return f"https://t.me/{bot_username(username)}?start={encode_link(link)}"


def _qr(url: str) -> segno.QRCode:
    # Imported here: most bots rarely draw a code, and segno is 0.6 MiB of a running bot.
    import segno

    return segno.make_qr(url, error=QR_ERROR)


def qr_png(url: str) -> bytes:
    """A black-on-white PNG QR code of `url`, 10 pixels a module, quiet zone included."""
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=_PNG_SCALE, border=QUIET_ZONE)
    return out.getvalue()


def qr_svg(url: str) -> str:
    """An SVG QR code of `url`, quiet zone included: 1 mm a module as placed by default (a
    code of 35 to 50 mm, good on paper), scaled freely through its viewBox."""
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", border=QUIET_ZONE, xmldecl=False, svgns=True, unit="mm")
    return out.getvalue().decode("utf-8")


def qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of `url` as rows of dark (True) and light modules, without quiet zone."""
    return tuple(tuple(bool(cell & 1) for cell in row) for row in _qr(url).matrix)
