"""Where cards and cut marks go on a sheet of A4 or US Letter paper (millimetres, origin at the
top left): pure geometry, no drawing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")

CARD_WIDTH = 85.0
CARD_HEIGHT = 55.0
GUTTER = 6.0
# Nothing is printed this close to the paper's edge: most printers cannot reach it, and what
# they cannot reach is silently cut off.
OUTER_BAND = 10.0
MARK_GAP = 0.8
MARK_LENGTH = 2.0
_MIN_MARGIN = OUTER_BAND + MARK_GAP + MARK_LENGTH + 1.0


class Paper(StrEnum):
    """The paper sizes cards are laid out for."""

    A4 = "a4"
    LETTER = "letter"

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in millimetres."""
        return (210.0, 297.0) if self is Paper.A4 else (215.9, 279.4)

    @property
    def label(self) -> str:
        """The name printers use for it."""
        return "A4" if self is Paper.A4 else "US Letter"


@dataclass(frozen=True)
class Box:
    """A rectangle: top-left corner, width and height."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Segment:
    """A straight line from (x1, y1) to (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float


def _count(length: float, card: float) -> int:
    return int((length - 2 * _MIN_MARGIN + GUTTER) // (card + GUTTER))


def card_boxes(paper: Paper) -> tuple[Box, ...]:
    """Every card's place on one sheet, row by row, the grid centred on the paper."""
    width, height = paper.size
    columns, rows = _count(width, CARD_WIDTH), _count(height, CARD_HEIGHT)
    left = (width - columns * CARD_WIDTH - (columns - 1) * GUTTER) / 2
    top = (height - rows * CARD_HEIGHT - (rows - 1) * GUTTER) / 2
    step_x, step_y = CARD_WIDTH + GUTTER, CARD_HEIGHT + GUTTER
    return tuple(
        Box(left + c * step_x, top + r * step_y, CARD_WIDTH, CARD_HEIGHT)
        for r in range(rows)
        for c in range(columns)
    )


def cut_marks(box: Box) -> tuple[Segment, ...]:
    """Short lines continuing each edge of a card beyond its corners, outside the card, so
    that nothing is printed on the card's own edge and a slightly crooked cut leaves no line."""
    near, far = MARK_GAP, MARK_GAP + MARK_LENGTH
    left, right, top, bottom = box.x, box.x + box.width, box.y, box.y + box.height
    marks: list[Segment] = []
    for x, outward in ((left, -1.0), (right, 1.0)):
        for y in (top, bottom):
            marks.append(Segment(x + outward * near, y, x + outward * far, y))
    for y, outward in ((top, -1.0), (bottom, 1.0)):
        for x in (left, right):
            marks.append(Segment(x, y + outward * near, x, y + outward * far))
    return tuple(marks)


def fill_pages(items: Sequence[T], per_page: int) -> list[list[T]]:
    """`items` over as few pages as hold them all, every place on every page filled by
    repeating them in order (a sheet is cut into as many cards as it holds)."""
    if not items:
        return []
    pages = math.ceil(len(items) / per_page)
    slots = pages * per_page
    repeated = [items[i % len(items)] for i in range(slots)]
    return [repeated[p * per_page : (p + 1) * per_page] for p in range(pages)]
