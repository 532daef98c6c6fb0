"""`python -m bot cards`: printable sheets whose every QR code, rendered from the PDF and read
with a real decoder, opens the bot in its card's language and area; nothing printed where a
printer cannot reach; every link and line on its card in full, in every shipped script."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from bot.cards.layout import OUTER_BAND, Box, Paper, card_boxes
from bot.cards.linebreak import ZERO_WIDTH_SPACE
from bot.cli import main
from bot.i18n import translator
from bot.ui.deeplink import DeepLink
from bot.ui.links import start_link

from .conftest import CONTENT

ALL = ("en", "es", "fil", "ko", "th", "vi", "zh_Hans", "zh_Hant")
LINE = "Health, safety and rights information, privately, in your language"
DPI = 200
POINTS_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Sheet:
    """A PDF the command wrote, what it was asked for, and its paper."""

    path: Path
    paper: Paper
    bot: str
    langs: tuple[str, ...]
    campaign: str | None
    image: Image.Image  # the one page, rendered once for every test

    def url(self, lang: str) -> str:
        return start_link(
            self.bot, DeepLink(locale=lang, region_id="oakland", campaign=self.campaign)
        )


def write_cards(out: Path, bot: str, *options: str) -> int:
    return main(
        [
            "cards",
            "--area",
            "oakland",
            "--bot",
            bot,
            "--content",
            str(CONTENT),
            "-o",
            str(out),
            *options,
        ]
    )


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> list[Sheet]:
    folder = tmp_path_factory.mktemp("cards")
    assert write_cards(folder / "cards.pdf", "WaypointTestBot", "--campaign", "clinic-2026") == 0
    # The longest bot name Telegram allows and a long campaign code: the link needs two lines.
    long_bot = "W" + "a" * 28 + "bot"
    options = ("--langs", "th,zh_Hant,ko", "--paper", "letter", "--campaign", "a" * 16)
    assert write_cards(folder / "few.pdf", long_bot, *options) == 0
    wanted = [
        ("cards-a4.pdf", Paper.A4, "WaypointTestBot", ALL, "clinic-2026"),
        ("cards-letter.pdf", Paper.LETTER, "WaypointTestBot", ALL, "clinic-2026"),
        ("few.pdf", Paper.LETTER, long_bot, ("th", "zh_Hant", "ko"), "a" * 16),
    ]
    return [
        Sheet(folder / name, paper, bot, langs, campaign, render(folder / name))
        for name, paper, bot, langs, campaign in wanted
    ]


def pages(sheet: Sheet) -> list[pdfium.PdfPage]:
    return list(pdfium.PdfDocument(sheet.path))


def render(path: Path) -> Image.Image:
    (page,) = pdfium.PdfDocument(path)
    return page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")


def pixels(mm: float) -> int:
    return round(mm * DPI / 25.4)


def card_text(page: pdfium.PdfPage, box: Box) -> str:
    height = page.get_size()[1]
    left, right = box.x * POINTS_PER_MM, (box.x + box.width) * POINTS_PER_MM
    top, bottom = height - box.y * POINTS_PER_MM, height - (box.y + box.height) * POINTS_PER_MM
    return page.get_textpage().get_text_bounded(left, bottom, right, top)


def letters(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and c != ZERO_WIDTH_SPACE)


def test_pages_have_the_paper_size_and_every_place_is_filled(sheets: list[Sheet]) -> None:
    for sheet in sheets:
        width, height = sheet.paper.size
        (page,) = pages(sheet)
        assert page.get_size() == pytest.approx(
            (width * POINTS_PER_MM, height * POINTS_PER_MM), abs=0.1
        )
        codes = zxingcpp.read_barcodes(sheet.image)
        assert len(codes) == len(card_boxes(sheet.paper)) == 8
        assert {code.text for code in codes} == {sheet.url(lang) for lang in sheet.langs}


def test_each_card_qr_opens_the_bot_in_that_cards_language(sheets: list[Sheet]) -> None:
    for sheet in sheets:
        image = sheet.image
        for index, box in enumerate(card_boxes(sheet.paper)):
            lang = sheet.langs[index % len(sheet.langs)]
            crop = image.crop(
                (
                    pixels(box.x),
                    pixels(box.y),
                    pixels(box.x + box.width),
                    pixels(box.y + box.height),
                )
            )
            assert [code.text for code in zxingcpp.read_barcodes(crop)] == [sheet.url(lang)], lang


def test_nothing_is_printed_in_the_outer_band(sheets: list[Sheet]) -> None:
    for sheet in sheets:
        image = sheet.image
        band = pixels(OUTER_BAND)
        w, h = image.size
        for strip in ((0, 0, w, band), (0, h - band, w, h), (0, 0, band, h), (w - band, 0, w, h)):
            assert image.crop(strip).getextrema()[0] >= 250, (sheet.path.name, strip)
        inner = image.crop((band, band, w - band, h - band))
        assert inner.getextrema()[0] < 50


def test_every_card_holds_its_whole_link_and_line(sheets: list[Sheet]) -> None:
    for sheet in sheets:
        (page,) = pages(sheet)
        for index, box in enumerate(card_boxes(sheet.paper)):
            lang = sheet.langs[index % len(sheet.langs)]
            text = card_text(page, box)
            assert sheet.url(lang) in letters(text), (lang, text)
            line = translator(lang).gettext(LINE)
            assert line != LINE or lang == "en"
            # Shaped Thai comes out of the PDF with its marks in drawing order: compare letters.
            assert Counter(letters(line)) <= Counter(letters(text)), (lang, text)
            if lang != "th":
                assert letters(line) in letters(text), (lang, text)


def test_the_long_link_goes_on_two_lines_split_after_start(sheets: list[Sheet]) -> None:
    sheet = sheets[2]
    (page,) = pages(sheet)
    text = card_text(page, card_boxes(sheet.paper)[0])
    url = sheet.url("th")
    head, payload = url.split("?start=")
    assert f"{head}?start=\r\n{payload}" in text


def test_cards_are_discreet() -> None:
    """What a card says must not out the person holding it (in any language)."""
    outing = ("sex", "traffick", "prostitut", "escort", "drug", "police", "trabajo sexual", "trata")
    for lang in ALL:
        line = translator(lang).gettext(LINE).lower()
        assert not any(word in line for word in outing), lang
