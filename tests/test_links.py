"""Start links and their QR codes: strict bot usernames, and every code decodes (with a real
decoder) back to the exact link, from the PNG and from the SVG's own drawing."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from bot.domain.models import Section
from bot.ui.deeplink import DeepLink, decode_link
from bot.ui.links import QUIET_ZONE, bot_username, qr_modules, qr_png, qr_svg, start_link

SVG = "{http://www.w3.org/2000/svg}"


def decode_all(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def svg_image(svg: str, scale: int = 8) -> Image.Image:
    """Draw segno's SVG (one path of horizontal strokes: M/m moves, h runs) onto an image,
    so the test reads the code from what the SVG itself says, not from segno again."""
    root = ET.fromstring(svg)
    width, height = (int(root.attrib[side].removesuffix("mm")) for side in ("width", "height"))
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    path = root.find(f"{SVG}path")
    assert path is not None
    for command, number_text in re.findall(r"([MmHh])([-\d.\s]+)", path.attrib["d"]):
        numbers = [float(n) for n in number_text.split()]
        if command in "Mm":
            dx, dy = numbers
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
        else:
            end = numbers[0] if command == "H" else x + numbers[0]
            top = (y - 0.5) * scale
            draw.rectangle([x * scale, top, end * scale - 1, top + scale - 1], fill=0)
            x = end
    return image


@pytest.mark.parametrize(
    "text", ["WaypointBot", "@waypoint_oakland_bot", "abcdBOT", "A" * 29 + "bot", " @MyBot "]
)
def test_bot_usernames_accepted(text: str) -> None:
    name = bot_username(text)
    assert name == text.strip().removeprefix("@")


@pytest.mark.parametrize(
    "text",
    ["", "@", "bot", "abot", "Waypoint", "1waypointbot", "_waypointbot", "A" * 30 + "bot",
     "way point bot", "waypoint-bot", "@@waypointbot", "waypointbot/x", "wаypointbot",
     "https://t.me/waypointbot", "waypointbot?start=x", "waypointbøt"],
)  # fmt: skip
def test_bot_usernames_refused_with_what_a_good_one_looks_like(text: str) -> None:
    with pytest.raises(ValueError, match="5 to 32 letters"):
        bot_username(text)


@given(st.text(max_size=40))
def test_any_text_is_a_username_or_a_value_error(text: str) -> None:
    try:
        name = bot_username(text)
    except ValueError:
        return
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{1,28}bot", name, re.IGNORECASE)


def test_start_link_carries_the_payload() -> None:
    link = DeepLink(locale="es", region_id="oakland", need_id="drugs", campaign="flyer1")
    url = start_link("@WaypointBot", link)
    assert url == "https://t.me/WaypointBot?start=l-es__a-oakland__n-drugs__c-flyer1"
    assert decode_link(url.partition("?start=")[2]) == link


def test_start_link_refuses_an_empty_link() -> None:
    with pytest.raises(ValueError):
        start_link("WaypointBot", DeepLink())


# The payload separates its parts with "__", so an id cannot end in "_" or hold "__".
_IDS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True).filter(
    lambda id_: not id_.endswith("_") and "__" not in id_
)
_LINKS = st.builds(
    DeepLink,
    locale=st.none() | st.sampled_from(["en", "es", "zh_Hans", "zh_Hant", "th", "ko"]),
    region_id=st.none() | _IDS,
    section=st.none() | st.sampled_from(list(Section)),
    campaign=st.none() | st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True),
).filter(lambda link: link != DeepLink())
_USERNAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{1,28}(bot|Bot|BOT)", fullmatch=True)


@settings(max_examples=25, deadline=None)
@given(username=_USERNAMES, link=_LINKS)
def test_every_png_code_decodes_to_the_exact_link(username: str, link: DeepLink) -> None:
    url = start_link(username, link)
    assert decode_all(Image.open(io.BytesIO(qr_png(url)))) == [url]


@settings(max_examples=10, deadline=None)
@given(username=_USERNAMES, link=_LINKS)
def test_every_svg_code_decodes_to_the_exact_link(username: str, link: DeepLink) -> None:
    url = start_link(username, link)
    assert decode_all(svg_image(qr_svg(url))) == [url]


def test_images_keep_the_quiet_zone() -> None:
    url = "https://t.me/WaypointBot?start=l-th__a-oakland"
    side = len(qr_modules(url)) + 2 * QUIET_ZONE
    root = ET.fromstring(qr_svg(url))
    assert (root.attrib["width"], root.attrib["height"]) == (f"{side}mm", f"{side}mm")
    assert root.attrib["viewBox"] == f"0 0 {side} {side}"
    png = Image.open(io.BytesIO(qr_png(url))).convert("L")
    assert png.size == (side * 10, side * 10)
    band = QUIET_ZONE * 10
    inner = png.crop((band, band, png.width - band, png.height - band))
    assert png.getextrema() == (0, 255) and inner.getextrema() == (0, 255)
    side_px = png.width
    strips = [(0, 0, side_px, band), (0, side_px - band, side_px, side_px)]
    strips += [(0, 0, band, side_px), (side_px - band, 0, side_px, side_px)]
    assert all(png.crop(strip).getextrema() == (255, 255) for strip in strips)
