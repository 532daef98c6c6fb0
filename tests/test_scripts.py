"""Every script people write in: folding, tokens (Chinese and Thai by character pairs, Korean
without particles), negotiation of Telegram's language codes, splitting unspaced text."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.app import telegram_language
from bot.domain.text import fold, tokens
from bot.i18n import negotiate
from bot.ui.render import split_messages, telegram_length

EIGHT = ("en", "es", "fil", "ko", "th", "vi", "zh_Hans", "zh_Hant")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ที่พักฟรีใกล้ฉัน", "ที่พักฟรีใกล้ฉัน"),  # Thai vowel and tone marks stay
        ("Chỗ ngủ ĐÂU", "cho ngu dau"),  # Latin accents (Vietnamese too) fold away
        ("숙소를", "숙소를"),  # Hangul is not decomposed
        ("安全套?", "安全套"),
    ],
)
def test_fold_touches_latin_accents_only(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text())
@example("0\u2028\u0300")  # a mark after a line separator: once "0 \u0300", then "0"
@example("x\u200b\u0301y")
@example("ʹ\u3099\u0e48")  # a kept mark turned separator leaves the Thai tone mark on a space
@example("a\u2028\u0e48\u2028b")
def test_folding_folded_text_changes_nothing(text: str) -> None:
    # Buttons carry a folded search and refuse one that folds to something else.
    assert fold(fold(text)) == fold(text)


def test_tokens_per_script() -> None:
    assert tokens("安全套在哪里") == ["安全", "全套", "套在", "在哪", "哪里"]
    assert tokens("ถุงยาง")[:2] == ["ถุง", "งย"]
    assert "ที่พั" in tokens("ที่พักฟรี")  # a consonant keeps its marks
    assert tokens("숙소를 찾아요") == ["숙소", "찾아요"]
    assert tokens("아이") == ["아이"]  # too short to lose a particle
    assert tokens("HIV检测 free") == ["hiv", "检测", "free"]


@given(st.text(max_size=200))
def test_any_text_tokenises(text: str) -> None:
    assert all(t and " " not in t for t in tokens(text))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh", "zh_Hans"),
        ("zh-hans", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh-SG", "zh_Hans"),
        ("zh-hant", "zh_Hant"),
        ("zh-TW", "zh_Hant"),
        ("zh-HK", "zh_Hant"),
        ("zh-MO", "zh_Hant"),
        ("tl", "fil"),
        ("fil", "fil"),
        ("tl-PH", "fil"),
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("vi", "vi"),
        ("th", "th"),
        ("es-MX", "es"),
        ("en-GB", "en"),
        ("yue", None),
        ("ja", None),
    ],
)
def test_negotiation_of_every_code(code: str, expected: str | None) -> None:
    assert negotiate(code, EIGHT) == expected


def test_command_lists_use_codes_telegram_takes() -> None:
    assert [telegram_language(code) for code in EIGHT] == [
        "en", "es", "tl", "ko", "th", "vi", "zh", "zh",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "你好世界" * 1500,
        "我们提供免费服务。" * 700,
        "ที่พักฟรีใกล้ฉัน" * 500,
        "<b>" + ("ก" * 20 + "&amp;") * 400 + "</b>",
    ],
)
def test_long_unspaced_text_splits_safely(text: str) -> None:
    messages = split_messages([text])
    assert len(messages) > 1 and "".join(messages) == text
    for message in messages:
        assert telegram_length(message) <= 4096
        assert not message.rstrip(";").endswith(("<", "<b", "</", "</b", "&", "&a", "&am", "&amp"))
    if "。" in text:
        assert all(message.endswith("。") for message in messages)
