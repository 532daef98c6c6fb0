"""DESIGN section 6, "never keep: message text, user or chat ids in clear", in memory too: once
an update is answered, no object of the running bot holds what was typed, in any form (folded,
cut into words, a word with one letter dropped; caches of folded text included), nor the id of
the person or the chat."""

from __future__ import annotations

import gc
from pathlib import Path

from bot.domain.catalog import Catalog
from bot.ui.actions import ShowResource, ShowSearch, encode, search_key
from tests.app_harness import Harness, running_bot
from tests.canaries import canary_user
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, message_update


def _typed_word() -> str:
    """A word no content has, long enough for typo matching: made here, so that no constant of
    the tests holds it, only the messages."""
    return "".join(reversed("xelitnavroq")).capitalize()


def _forms(word: str) -> set[str]:
    """Every form of `word` the bot could make from it: folded, with one letter dropped."""
    folded = word.casefold()
    return {folded, *(folded[:i] + folded[i + 1 :] for i in range(len(folded)))}


def _holders(forms: set[str]) -> list[str]:
    """The kinds of objects (other than `forms`) still referring to a string that holds one
    of `forms`."""
    gc.collect()
    shortest = min(map(len, forms))
    found = []
    for holder in gc.get_objects():
        if holder is forms:
            continue
        for part in gc.get_referents(holder):
            if isinstance(part, str) and len(part) >= shortest:
                text = part.casefold()
                if any(form in text for form in forms):
                    found.append(type(holder).__name__)
                    break
    return found


def _updates(catalog: Catalog, word: str) -> list[dict[str, object]]:
    """Messages with `word` (in several scripts and situations), presses of the buttons that
    carry them (the search's own, and a card's way back to it), and an inline query."""
    user = canary_user("en")
    typed = (
        f"food {word}",
        word.upper(),
        f"I need a shower near {word}",
        f"quiero morir {word}",
        f"安全套 {word}",
    )
    search = ShowSearch(search_key(typed[0]))
    resource_id = next(iter(catalog.content.resources))
    pressed = (search, ShowResource(resource_id, search))
    inline = {"inline_query": {"id": "77", "from": user, "query": typed[0], "offset": ""}}
    return [
        *(message_update(user, text) for text in typed),
        *(callback_update(user, encode(a), n) for n, a in enumerate(pressed, start=1)),
        inline,
    ]


async def _send_all(bot: Harness, updates: list[dict[str, object]]) -> None:
    for update in updates:
        await bot.send(update)


async def test_once_answered_nothing_holds_what_was_typed(
    sample_catalog: Catalog, tmp_path: Path
) -> None:
    word = _typed_word()
    updates = _updates(sample_catalog, word)
    async with running_bot(sample_catalog, tmp_path, lambda: SUNDAY_MORNING) as bot:
        await _send_all(bot, updates)
        sent = "\n".join(str(call.params) for call in bot.request.calls)
        assert word.casefold() in sent.casefold(), "nothing was searched: the test shows nothing"
        forms = _forms(word)
        del word, updates, sent
        bot.request.calls.clear()  # Telegram's copy of what was sent, not the bot's
        assert _holders(forms) == []


def _id_holders(ids: set[int]) -> list[str]:
    """The kinds of objects (other than this look's own) still referring to one of `ids`, as
    a number or within a text."""
    gc.collect()
    texts = [str(number) for number in ids]
    found = []
    for holder in gc.get_objects():
        if holder is ids or holder is texts:
            continue
        for part in gc.get_referents(holder):
            if (type(part) is int and part in ids) or (
                isinstance(part, str) and any(text in part for text in texts)
            ):
                found.append(type(holder).__name__)
                break
    return found


async def test_once_answered_nothing_holds_whose_it_was(
    sample_catalog: Catalog, tmp_path: Path
) -> None:
    """python-telegram-bot notes every update's chat and user id for a persistence, even with
    none, and never forgets them: the bot's Application does not (bot/app.py)."""
    ids = {canary_user("en", number)["id"] for number in (4, 5)}
    updates = [
        message_update(canary_user("en", number), text)
        for number in (4, 5)
        for text in ("/start", "food", "/menu")
    ]
    async with running_bot(sample_catalog, tmp_path, lambda: SUNDAY_MORNING) as bot:
        await _send_all(bot, updates)
        assert {call.params.get("chat_id") for call in bot.request.calls} >= ids
        del updates
        bot.request.calls.clear()  # Telegram's copy of what was sent, not the bot's
        assert _id_holders(ids) == []
