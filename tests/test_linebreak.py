"""Card line breaking: only where each script allows, never inside a grapheme cluster."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cards.linebreak import ZERO_WIDTH_SPACE, break_lines
from bot.i18n import translator

LINE = "Health, safety and rights information, privately, in your language"
# Chinese and Japanese punctuation that may not start a line, and openers that may not end one.
NO_LINE_START = set("、。，．：；！？）」』】〉》")
NO_LINE_END = set("（「『【〈《")


def width_in_characters(text: str) -> float:
    """A stand-in for a font: every visible character is one unit wide."""
    return float(sum(1 for c in text if not is_mark(c)))


def is_mark(character: str) -> bool:
    return unicodedata.category(character) in {"Mn", "Mc", "Me"}


def no_space(text: str) -> str:
    return text.replace(" ", "").replace(ZERO_WIDTH_SPACE, "")


@pytest.mark.parametrize("width", [4, 7, 10, 16, 30])
@pytest.mark.parametrize(
    "text",
    [
        "健康、安全和权利信息，私密提供，用你的语言。",
        "（注意）「私密」的信息：健康！",
        "健康、安全和權利資訊，私密提供，用你的語言",
        "プライベートに、あなたの言葉で。",
    ],
)
def test_chinese_breaks_between_characters_but_not_before_closing_punctuation(
    text: str, width: int
) -> None:
    lines = break_lines(text, "zh_Hans", width_in_characters, width)
    assert "".join(lines) == text
    assert all(width_in_characters(line) <= width for line in lines)
    assert not any(line[0] in NO_LINE_START for line in lines[1:])
    assert not any(line[-1] in NO_LINE_END for line in lines[:-1])


THAI = "ข้อมูล\u200bสุขภาพ ความปลอดภัย และ\u200bสิทธิ แบบ\u200bส่วนตัว ใน\u200bภาษา\u200bของ\u200bคุณ"
THAI_WORDS = [w for chunk in THAI.split(" ") for w in chunk.split(ZERO_WIDTH_SPACE)]


@pytest.mark.parametrize("width", [10, 12, 15, 20, 40])
def test_thai_breaks_only_between_the_words_the_translation_marks(width: int) -> None:
    lines = break_lines(THAI, "th", width_in_characters, width)
    assert no_space("".join(lines)) == no_space(THAI)
    assert all(ZERO_WIDTH_SPACE not in line for line in lines)
    ends = {no_space("".join(lines[: i + 1])) for i in range(len(lines))}
    word_ends = {"".join(THAI_WORDS[: i + 1]) for i in range(len(THAI_WORDS))}
    assert ends <= word_ends, "a line ended inside a word"


def test_the_shipped_thai_line_marks_its_word_breaks() -> None:
    line = translator("th").gettext(LINE)
    assert line != LINE and ZERO_WIDTH_SPACE in line
    assert len(break_lines(line, "th", width_in_characters, 14)) > 1


@pytest.mark.parametrize("width", [8, 9, 14])
def test_korean_breaks_between_words(width: int) -> None:
    text = "건강·안전·권리 정보를 원하는 언어로, 비공개로"
    lines = break_lines(text, "ko", width_in_characters, width)
    assert " ".join(lines) == text


@pytest.mark.parametrize("width", [10, 20, 33])
def test_latin_breaks_at_spaces(width: int) -> None:
    text = "Thông tin sức khỏe, an toàn và quyền lợi, riêng tư, bằng ngôn ngữ của bạn"
    lines = break_lines(text, "vi", width_in_characters, width)
    assert " ".join(lines) == text
    assert all(width_in_characters(line) <= width for line in lines)


def test_a_word_wider_than_the_card_is_cut_between_clusters() -> None:
    lines = break_lines("ความปลอดภัย", "th", width_in_characters, 4)
    assert "".join(lines) == "ความปลอดภัย" and len(lines) == 3
    assert all(width_in_characters(line) <= 4 and not is_mark(line[0]) for line in lines)


_THAI_LETTERS = st.sampled_from(list("กขคงจมยรลวสอ"))
_THAI_MARKS = st.sampled_from(["\u0e31", "\u0e34", "\u0e35", "\u0e48", "\u0e49", "\u0e38"])
_CLUSTERS = st.builds(lambda c, m: c + "".join(m), _THAI_LETTERS, st.lists(_THAI_MARKS, max_size=2))


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.lists(_CLUSTERS, min_size=1, max_size=12).map("".join), min_size=1),
    width=st.integers(min_value=1, max_value=12),
    locale=st.sampled_from(["th", "en", "ko", "zh_Hant"]),
)
def test_nothing_is_lost_and_no_line_starts_with_a_combining_mark(
    words: list[str], width: int, locale: str
) -> None:
    text = " ".join(words)
    lines = break_lines(text, locale, width_in_characters, width)
    assert no_space("".join(lines)) == no_space(text)
    assert all(line and not is_mark(line[0]) for line in lines)
    assert all(width_in_characters(line) <= width for line in lines)
