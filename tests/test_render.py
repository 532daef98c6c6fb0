"""HTML escaping and splitting long text into Telegram-sized messages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.ui.render import esc, split_messages, telegram_length


def test_escape() -> None:
    assert esc("<b>Tom & Jerry</b>") == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"


def test_paragraphs_stay_whole_and_under_the_limit() -> None:
    blocks = [f"Paragraph {i} " + "word " * 300 for i in range(10)]
    messages = split_messages(blocks)
    assert len(messages) > 1
    assert all(telegram_length(m) <= 4096 for m in messages)
    joined = "\n\n".join(messages)
    assert all(block in joined for block in blocks)


def test_emoji_count_double() -> None:
    assert telegram_length("🆘") == 2
    messages = split_messages(["🆘" * 3000])
    assert all(telegram_length(m) <= 4096 for m in messages)


@given(st.lists(st.text(min_size=1, max_size=6000), min_size=1, max_size=5))
def test_any_blocks_fit(blocks: list[str]) -> None:
    assert all(telegram_length(m) <= 4096 for m in split_messages(blocks))
