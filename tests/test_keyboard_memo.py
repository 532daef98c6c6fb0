"""Serialised keyboards are kept for reuse, except those whose buttons carry typed words
(bot/handlers/output.py; docs/privacy.md says screens holding typed words are never kept)."""

from __future__ import annotations

import json

import pytest

from bot.handlers import output
from bot.ui.actions import ShowMenu, ShowResource, ShowSearch, decode
from bot.ui.render import Button, Screen

CANARY = "canary zebra quilt"


def test_a_keyboard_with_a_search_is_serialised_but_never_kept() -> None:
    output._markup.cache_clear()
    output._kept_button.cache_clear()
    search = ShowSearch(CANARY)
    screen = Screen(
        ("x",),
        ((Button("1. A place", ShowResource("a-place", search)),), (Button("Menu", ShowMenu()),)),
    )
    board = output.keyboard(screen)
    assert board is not None
    data = [b["callback_data"] for row in json.loads(board)["inline_keyboard"] for b in row]
    assert decode(data[0]) == ShowResource("a-place", search)
    assert output._markup.cache_info().currsize == 0
    # The menu button is kept for reuse; the button carrying the words is not.
    assert output._kept_button.cache_info().currsize == 1
    assert output.keyboard(screen) == board
    assert output._kept_button.cache_info().hits == 1
    assert output._kept_by_identity.get(screen.buttons) is None
    assert CANARY not in repr(vars(output._kept_by_identity))


def test_a_keyboard_without_typed_words_is_kept_once() -> None:
    output._markup.cache_clear()
    screen = Screen(("x",), ((Button("Menu", ShowMenu()),),))
    first = output.keyboard(screen)
    assert output.keyboard(screen) is first
    assert output._markup.cache_info().currsize == 1


def test_a_screen_sent_again_finds_its_keyboard_without_hashing_its_buttons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A screen kept for the minute comes back with the same buttons: its keyboard is found
    by their identity, not by hashing every action again."""
    screen = Screen(("x",), ((Button("Menu", ShowMenu()),),))
    first = output.keyboard(screen)

    def refuse(_action: object) -> int:
        raise AssertionError("the buttons were hashed again")

    monkeypatch.setattr(ShowMenu, "__hash__", refuse)
    assert output.keyboard(Screen(("y",), screen.buttons)) is first
