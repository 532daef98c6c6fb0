"""`LoadWords`, which finds the words of the content's texts piece by piece during a load,
gives exactly what `words` gives for the whole text, on any text: pieces starting with marks,
every kind of space, texts starting or ending with spaces, and the same piece in several
texts (a remembered piece must be right in every context)."""

from __future__ import annotations

import gc
import weakref

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.text import LoadWords, words
from tests.test_fold_fast import ANY_TEXT, PIECES

SPACES = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\x1c", "\u1680"])
SPACED = st.lists(PIECES | SPACES | st.text(max_size=3), max_size=16).map("".join)


@given(st.lists(ANY_TEXT | SPACED, min_size=1, max_size=8))
@settings(max_examples=400)
@example(["\u0301a b", "a \u0301b", "\u0301b"])  # a mark after a space is dropped, first kept
@example(["ก \u0e48ก", "\u0e48ก"])  # a tone mark on a space goes with it
@example([" \u0301a", "\u0301a"])  # a text starting with a space
@example(["isn't it", "it's"])
@example(["安全 套", "安全套"])
def test_same_words_as_whole_texts(texts: list[str]) -> None:
    memo = LoadWords()
    for text in texts:
        assert memo.words(text) == tuple(words(text))
    for text in reversed(texts):  # now from remembered texts
        assert memo.words(text) == tuple(words(text))
    assert list(memo.all_words(texts)) == [word for text in texts for word in words(text)]
    fresh = LoadWords()
    for text in reversed(texts):  # in the other order: pieces of other texts remembered first
        assert fresh.words(text) == tuple(words(text))


def test_forget_drops_everything_found_and_words_still_come_right() -> None:
    """The index drops the memo entry by entry before a reload's worker returns (freeing it in
    one go held the GIL for 10-20 ms at 10,000 listings)."""
    memo = LoadWords()
    texts = ("Free clinic open late", "clinic  late", "Café ", " ̀x y")
    found = list(map(memo.words, texts))
    memo.forget()
    assert not any(vars(memo).values())
    assert list(map(memo.words, texts)) == found


def test_the_memo_is_freed_as_soon_as_it_is_dropped() -> None:
    """No reference cycle keeps it: a load runs with the cyclic collector off, and the
    catalogue's objects are frozen out of its sight afterwards."""
    memo = LoadWords()
    memo.words("Free clinic open late")
    found = weakref.ref(memo)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del memo
        assert found() is None
    finally:
        if was_enabled:
            gc.enable()
