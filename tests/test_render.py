"""HTML escaping and splitting long text into Telegram-sized messages."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ui.render import MAX_MESSAGE_LENGTH, _fit, esc, split_messages, telegram_length


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


# Any str, lone UTF-16 surrogates included: "\ud800" arrives in callback data or message text
# decoded with surrogatepass/surrogateescape (or from a JSON "\ud800" escape).

ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=())
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, blacklist_categories=())


def any_text(max_size: int | None = None) -> st.SearchStrategy[str]:
    """Any str, lone surrogates included.

    st.text draws evenly over its alphabet's code points, so surrogates (2,048 of 1.1 million)
    almost never show up in it; lists of characters drawn from a union keep the union's
    branches, which gives surrogates, and the spaces, line breaks and markup that splitting
    and escaping care about, a fair share.
    """
    mixed = st.one_of(ANY_CHARACTER, SURROGATE, st.sampled_from(" \n<&>🆘"))
    return st.one_of(
        st.text(alphabet=ANY_CHARACTER, max_size=max_size),
        st.lists(mixed, max_size=max_size).map("".join),
    )


LONE_SURROGATES = ["\ud800", "\udfff", "\udc80", "a\ud83cb", "\udd98\ud83c", "\ud800" * 5000]


def without_breaks(text: str) -> str:
    """The text without the spaces and line breaks that splitting may drop or add."""
    return text.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize("text", LONE_SURROGATES)
def test_lone_surrogates_count_one_unit_each(text: str) -> None:
    assert telegram_length(text) == len(text)


def test_surrogate_pair_counts_like_the_character() -> None:
    assert telegram_length("\ud83c\udd98") == telegram_length("🆘") == 2


@pytest.mark.parametrize("text", LONE_SURROGATES)
@pytest.mark.parametrize("limit", [100, MAX_MESSAGE_LENGTH])
def test_lone_surrogates_are_split_and_escaped(text: str, limit: int) -> None:
    messages = split_messages([text, text], limit=limit)
    assert messages
    assert all(telegram_length(m) <= limit for m in messages)
    escaped = esc(text)
    escaped.encode("utf-8")
    assert "\ufffd" in escaped
    assert telegram_length(escaped) == telegram_length(text)


def test_escape_keeps_good_text_and_joins_surrogate_pairs() -> None:
    assert esc("a\ud800<b>") == "a\ufffd&lt;b&gt;"
    assert esc("\ud83c\udd98 & 🆘") == "🆘 &amp; 🆘"
    assert esc("Ünïcødé 🆘 ok") == "Ünïcødé 🆘 ok"


@settings(max_examples=300)
@given(
    st.lists(any_text(max_size=300), min_size=1, max_size=6),
    st.integers(min_value=2, max_value=120),
)
def test_any_text_is_split_under_any_limit(blocks: list[str], limit: int) -> None:
    messages = split_messages(blocks, limit=limit)
    assert all(telegram_length(m) <= limit for m in messages)
    assert without_breaks("".join(messages)) == without_breaks("".join(blocks))


def joined_a_block_at_a_time(blocks: list[str], limit: int) -> tuple[str, ...]:
    """How split_messages joined blocks before it added up their lengths: the whole message
    measured again for each block."""
    messages: list[str] = []
    current = ""
    for block, _size in (piece for b in blocks for piece in _fit(b, limit)):
        candidate = f"{current}\n\n{block}" if current else block
        if telegram_length(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = block
    if current:
        messages.append(current)
    return tuple(messages)


@settings(max_examples=300)
@given(
    st.lists(st.one_of(st.just(""), any_text(max_size=60)), max_size=12),
    st.integers(min_value=2, max_value=150),
)
def test_adding_up_lengths_splits_as_measuring_each_message(blocks: list[str], limit: int) -> None:
    assert split_messages(blocks, limit=limit) == joined_a_block_at_a_time(blocks, limit)


@given(st.lists(any_text(), min_size=1, max_size=5))
def test_any_text_fits_the_telegram_limit(blocks: list[str]) -> None:
    assert all(telegram_length(m) <= MAX_MESSAGE_LENGTH for m in split_messages(blocks))


@given(any_text())
def test_escaped_any_text_is_valid_utf8_of_the_same_length(text: str) -> None:
    escaped = esc(text)
    escaped.encode("utf-8")
    assert not any(mark in escaped for mark in "<>")
    assert telegram_length(html.unescape(escaped)) == telegram_length(text)


@given(st.text())
def test_escape_changes_nothing_but_markup_in_valid_text(text: str) -> None:
    assert esc(text) == html.escape(text, quote=False)


@pytest.mark.parametrize("limit", [-1, 0, 1])
def test_a_limit_under_one_character_is_refused(limit: int) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        split_messages(["a"], limit=limit)


@settings(max_examples=300)
@given(any_text(max_size=300), st.integers(min_value=2, max_value=120))
def test_each_piece_is_measured_as_telegram_counts_it(block: str, limit: int) -> None:
    for piece, size in _fit(block, limit):
        assert size == telegram_length(piece) <= limit
