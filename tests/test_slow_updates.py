"""One slow call must not hold an update (and so polling for everyone behind it) longer than
it needs: a button's answer runs alongside the reply and is given up after a bound."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import pytest
from telegram import CallbackQuery

from bot.domain.catalog import Catalog
from bot.handlers.output import Answering
from bot.ui.actions import SetLanguage, encode
from tests.app_harness import Harness, running_bot
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, make_user


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as harness:
        yield harness


async def test_a_slow_answer_to_a_press_does_not_hold_the_reply(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.handlers.output.ANSWER_BUDGET_SECONDS", 0.3)
    bot.request.delays["answerCallbackQuery"] = 5.0  # Telegram slow to take the answer
    person = make_user(4601, "Ana")
    started = time.monotonic()
    calls = await bot.send(callback_update(person, encode(SetLanguage("en")), 1))
    took = time.monotonic() - started
    assert took < 2.0, f"the press took {took:.1f} s: it waited for its answer"
    methods = [c.method for c in calls]
    assert "answerCallbackQuery" in methods  # it was answered (and then given up)
    assert {"editMessageText", "sendMessage"} & set(methods)  # the reply went out all the same


async def test_a_press_is_still_answered_when_the_reply_is_quick(bot: Harness) -> None:
    person = make_user(4602, "Ben")
    calls = await bot.send(callback_update(person, encode(SetLanguage("en")), 1))
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1


def _answers_that_never_come(monkeypatch: pytest.MonkeyPatch) -> list[asyncio.Task[None]]:
    """Make every press's answer wait forever; the list fills with the tasks sending them."""
    started: list[asyncio.Task[None]] = []

    async def slow_answer(_query: object) -> None:
        task = asyncio.current_task()
        assert task is not None
        started.append(task)
        await asyncio.Event().wait()

    monkeypatch.setattr("bot.handlers.output._answer_quietly", slow_answer)
    return started


async def test_a_reply_that_fails_gives_up_its_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The body's error goes on up (the handler apologises), and the answer still on its way
    is cancelled, not left running."""
    started = _answers_that_never_come(monkeypatch)
    with pytest.raises(ValueError, match="no screen"):
        async with Answering(cast(CallbackQuery, object())):
            raise ValueError("no screen")
    assert len(started) == 1
    with contextlib.suppress(asyncio.CancelledError):
        await started[0]
    assert started[0].cancelled()


async def test_an_answer_late_after_the_reply_is_given_up_at_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("bot.handlers.output.ANSWER_BUDGET_SECONDS", 0.05)
    started = _answers_that_never_come(monkeypatch)
    async with Answering(cast(CallbackQuery, object())):
        pass
    with contextlib.suppress(asyncio.CancelledError):
        await started[0]
    assert started[0].cancelled()
