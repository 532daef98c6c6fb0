"""Draw sheets of cut-out cards into a PDF (fpdf2 with HarfBuzz text shaping): on each card a
QR code, the language's own name, the card's discreet line and the plain link under them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTLibError
from fpdf import FPDF

from bot.cards.fonts import Face, FontError, face_for, font_path, latin_face
from bot.cards.layout import Box, Paper, card_boxes, cut_marks, fill_pages
from bot.cards.linebreak import break_lines
from bot.ui.links import QUIET_ZONE, qr_modules

PADDING = 3.0
QR_SIZE = 38.0
LINK_BAND = 6.0
_POINT = 25.4 / 72  # millimetres in a typographic point
_NAME_SIZE = 10.0
_LINE_SIZES = (9.0, 8.0, 7.0, 6.0)
# Below 5.5 pt a link is hard to copy by eye; a longer one takes two lines instead.
_LINK_SIZES = (6.5, 6.0, 5.5)
_LEADING = 1.35


@dataclass(frozen=True)
class Card:
    """What one card says: in `locale`, its language's own name, the discreet line, the link."""

    locale: str
    language_name: str
    line: str
    url: str


def render_sheets(cards: Sequence[Card], paper: Paper, font_dir: Path | None) -> bytes:
    """A PDF of `paper` sheets holding `cards`, repeated to fill every place. FontError
    (naming the file and its package) when a font is missing."""
    pdf = FPDF(unit="mm", format=paper.size)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    _add_fonts(pdf, {card.locale for card in cards}, font_dir)
    pdf.set_text_shaping(True)
    boxes = card_boxes(paper)
    for page in fill_pages(cards, len(boxes)):
        pdf.add_page()
        for box, card in zip(boxes, page, strict=False):
            _draw_card(pdf, box, card)
    return bytes(pdf.output())


def _add_fonts(pdf: FPDF, locales: set[str], font_dir: Path | None) -> None:
    faces = {latin_face()} | {face_for(locale) for locale in sorted(locales)}
    for face in sorted(faces, key=lambda f: f.family):
        path = font_path(face, font_dir)
        try:
            pdf.add_font(face.family, "", path, collection_font_number=face.collection_index)
        except (TTLibError, OSError, ValueError, IndexError) as error:
            raise FontError(
                f"cannot read the font {path} ({error}): replace it; it comes with the Debian"
                f" package {face.package}"
            ) from error
    # Latin letters inside Thai or Chinese text (a brand, a number) come from the Latin face.
    pdf.set_fallback_fonts([latin_face().family], exact_match=False)


def _draw_card(pdf: FPDF, box: Box, card: Card) -> None:
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    for mark in cut_marks(box):
        pdf.line(mark.x1, mark.y1, mark.x2, mark.y2)
    _draw_qr(pdf, card.url, Box(box.x + PADDING, box.y + PADDING, QR_SIZE, QR_SIZE))
    text_x = box.x + PADDING + QR_SIZE + PADDING
    column = Box(text_x, box.y + PADDING, box.x + box.width - PADDING - text_x, QR_SIZE)
    _draw_words(pdf, column, card, face_for(card.locale))
    link_top = box.y + box.height - PADDING - LINK_BAND
    link = Box(box.x + PADDING, link_top, box.width - 2 * PADDING, LINK_BAND)
    _draw_link(pdf, link, card.url)


def _draw_qr(pdf: FPDF, url: str, box: Box) -> None:
    """The code as filled rectangles (vector: sharp at any printer resolution), one per run of
    dark modules in a row, inside a quiet zone left blank."""
    modules = qr_modules(url)
    size = box.width / (len(modules) + 2 * QUIET_ZONE)
    pdf.set_fill_color(0)
    for row_index, row in enumerate(modules):
        y = box.y + (row_index + QUIET_ZONE) * size
        start: int | None = None
        for column, dark in enumerate((*row, False)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                x = box.x + (start + QUIET_ZONE) * size
                pdf.rect(x, y, (column - start) * size, size, style="F")
                start = None


def _draw_words(pdf: FPDF, column: Box, card: Card, face: Face) -> None:
    """The language's name, then the discreet line at the largest size that fits the column."""
    pdf.set_font(face.family, size=_NAME_SIZE)
    pdf.set_xy(column.x, column.y)
    pdf.cell(column.width, _NAME_SIZE * _POINT * _LEADING, card.language_name)
    top = column.y + _NAME_SIZE * _POINT * _LEADING + 1.5
    room = column.y + column.height - top
    for size in _LINE_SIZES:
        pdf.set_font(face.family, size=size)
        lines = break_lines(card.line, card.locale, pdf.get_string_width, column.width)
        if len(lines) * size * _POINT * _LEADING <= room:
            break
    for index, line in enumerate(lines):
        pdf.set_xy(column.x, top + index * size * _POINT * _LEADING)
        pdf.cell(column.width, size * _POINT * _LEADING, line)


def _draw_link(pdf: FPDF, band: Box, url: str) -> None:
    """The plain link on one line at the largest size that fits; a link too long even at the
    smallest size goes on two lines, split after `?start=`."""
    pdf.set_font(latin_face().family)
    for size in _LINK_SIZES:
        pdf.set_font_size(size)
        if pdf.get_string_width(url) <= band.width:
            break
    lines = [url] if pdf.get_string_width(url) <= band.width else _split_link(url)
    height = pdf.font_size * _LEADING
    top = band.y + band.height - len(lines) * height
    for index, line in enumerate(lines):
        pdf.set_xy(band.x, top + index * height)
        pdf.cell(band.width, height, line)


def _split_link(url: str) -> list[str]:
    head, mark, payload = url.partition("?start=")
    return [head + mark, payload]
