"""Card sheet geometry: cards and cut marks inside the printable area, never overlapping, and
every place on a sheet filled."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st

from bot.cards.fonts import FontError, face_for, font_path, script_of
from bot.cards.layout import (
    CARD_HEIGHT,
    CARD_WIDTH,
    OUTER_BAND,
    Box,
    Paper,
    card_boxes,
    cut_marks,
    fill_pages,
)


def inside(x: float, y: float, box: Box) -> bool:
    return box.x <= x <= box.x + box.width and box.y <= y <= box.y + box.height


@pytest.mark.parametrize("paper", list(Paper))
def test_eight_cards_inside_the_printable_area(paper: Paper) -> None:
    width, height = paper.size
    boxes = card_boxes(paper)
    assert len(boxes) == 8
    assert all((b.width, b.height) == (CARD_WIDTH, CARD_HEIGHT) for b in boxes)
    printable = Box(OUTER_BAND, OUTER_BAND, width - 2 * OUTER_BAND, height - 2 * OUTER_BAND)
    for box in boxes:
        for mark in cut_marks(box):
            assert inside(mark.x1, mark.y1, printable) and inside(mark.x2, mark.y2, printable)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart_x = a.x + a.width < b.x or b.x + b.width < a.x
            apart_y = a.y + a.height < b.y or b.y + b.height < a.y
            assert apart_x or apart_y


@pytest.mark.parametrize("paper", list(Paper))
def test_cut_marks_touch_no_card(paper: Paper) -> None:
    boxes = card_boxes(paper)
    for box in boxes:
        marks = cut_marks(box)
        assert len(marks) == 8
        for mark in marks:
            middle = ((mark.x1 + mark.x2) / 2, (mark.y1 + mark.y2) / 2)
            assert not any(inside(*middle, other) for other in boxes)
            assert not any(inside(mark.x1, mark.y1, other) for other in boxes)


@given(count=st.integers(min_value=1, max_value=30))
def test_every_place_is_filled_in_order(count: int) -> None:
    items = list(range(count))
    pages = fill_pages(items, 8)
    assert len(pages) == -(-count // 8) and all(len(page) == 8 for page in pages)
    flat = [item for page in pages for item in page]
    assert flat[:count] == items and flat == [i % count for i in range(len(flat))]


def test_three_languages_give_three_three_and_two() -> None:
    assert fill_pages(["th", "ko", "es"], 8) == [["th", "ko", "es", "th", "ko", "es", "th", "ko"]]
    assert fill_pages([], 8) == []


@pytest.mark.parametrize(
    ("locale", "script", "filename"),
    [
        ("en", "Latn", "NotoSans-Regular.ttf"),
        ("vi", "Latn", "NotoSans-Regular.ttf"),
        ("th", "Thai", "NotoSansThai-Regular.ttf"),
        ("ko", "Kore", "NotoSansCJK-Regular.ttc"),
        ("zh_Hans", "Hans", "NotoSansCJK-Regular.ttc"),
        ("zh_Hant", "Hant", "NotoSansCJK-Regular.ttc"),
        ("ja", "Jpan", "NotoSansCJK-Regular.ttc"),
    ],
)
def test_fonts_are_chosen_by_script(locale: str, script: str, filename: str) -> None:
    assert script_of(locale) == script
    assert face_for(locale).filename == filename


def test_each_cjk_language_gets_its_own_face() -> None:
    faces = {face_for(locale) for locale in ("ja", "ko", "zh_Hans", "zh_Hant")}
    assert len({face.collection_index for face in faces}) == 4


def test_a_script_without_a_font_is_a_clear_error() -> None:
    with pytest.raises(FontError, match=r"am: no font is set up for its script \(Ethi\)"):
        face_for("am")


@pytest.mark.parametrize(
    ("locale", "region"), [("ja", "JP"), ("ko", "KR"), ("zh_Hans", "SC"), ("zh_Hant", "TC")]
)
def test_the_collection_face_is_the_one_for_that_language(locale: str, region: str) -> None:
    face = face_for(locale)
    font = TTFont(font_path(face, None), fontNumber=face.collection_index, lazy=True)
    assert font["name"].getDebugName(4) == f"Noto Sans CJK {region}"
