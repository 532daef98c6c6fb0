"""Admin commands and buttons: for ADMIN_IDS only, re-checked on the server, audited."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.catalog import Catalog
from bot.handlers.admin import AdminCommand, AdminTurn
from bot.ui.actions import AdminPress, decode, encode
from bot.ui.render import Screen
from tests.app_harness import Harness, last_screen, running_bot, sent_texts
from tests.canaries import ALL, canary_user
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, message_update

ADMIN = canary_user("en", number=3)
SOMEONE = canary_user("en", number=4)


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(
        sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING, frozenset({ADMIN["id"]})
    ) as harness:
        pressed: list[str] = []

        async def secret(turn: AdminTurn) -> None:
            pressed.append(turn.argument)
            await turn.show(Screen(("admin only: " + turn.argument,)))

        harness.handlers.admin.add_button("secret", secret)
        harness.handlers.admin.add_command(
            AdminCommand("secret", lambda view: "a secret command", secret)
        )
        yield harness


@given(
    name=st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True),
    argument=st.from_regex(r"[A-Za-z0-9_.-]{0,40}", fullmatch=True),
)
def test_admin_buttons_round_trip(name: str, argument: str) -> None:
    assert decode(encode(AdminPress(name, argument))) == AdminPress(name, argument)


async def test_an_admin_sees_the_admin_commands(bot: Harness) -> None:
    calls = await bot.send(message_update(ADMIN, "/admin"))
    text = last_screen(calls).text
    assert "/secret: a secret command" in text
    assert "/admin" in text


async def test_an_admin_runs_an_admin_command_and_it_is_audited(bot: Harness) -> None:
    calls = await bot.send(message_update(ADMIN, "/secret now"))
    assert "admin only: now" in last_screen(calls).text
    log = await bot.store.audit_log()
    assert [entry.action for entry in log] == ["/secret"]
    assert log[0].admin_key == bot.handlers.keys.key_for(ADMIN["id"])


async def test_anyone_else_gets_the_ordinary_unknown_command(bot: Harness) -> None:
    for command in ("/admin", "/secret now"):
        calls = await bot.send(message_update(SOMEONE, command))
        assert "I don't know that command" in last_screen(calls).text
    assert await bot.store.audit_log() == []


async def test_admin_commands_in_a_group_are_refused_even_for_an_admin(bot: Harness) -> None:
    calls = await bot.send(message_update(ADMIN, "/secret now", chat_type="group"))
    assert not any("admin only" in text for text in sent_texts(calls))
    assert await bot.store.audit_log() == []


async def test_a_forged_admin_button_is_out_of_date_for_anyone_else(bot: Harness) -> None:
    data = encode(AdminPress("secret", "x"))
    calls = await bot.send(callback_update(SOMEONE, data, 1000))
    texts = sent_texts(calls)
    assert texts and "out of date" in texts[-1]
    assert not any("admin only" in text for text in texts)
    assert await bot.store.audit_log() == []


async def test_an_unknown_admin_button_is_out_of_date_even_for_an_admin(bot: Harness) -> None:
    calls = await bot.send(callback_update(ADMIN, encode(AdminPress("nosuch", "x")), 1000))
    assert "out of date" in sent_texts(calls)[-1]


async def test_an_admin_button_acts_for_an_admin(bot: Harness) -> None:
    calls = await bot.send(callback_update(ADMIN, encode(AdminPress("secret", "go")), 1000))
    assert "admin only: go" in sent_texts(calls)[-1]
    assert [entry.action for entry in await bot.store.audit_log()] == ["button secret"]


async def test_the_audit_table_holds_no_clear_id(bot: Harness) -> None:
    await bot.send(message_update(ADMIN, "/secret canary"))
    await bot.store.close()
    database = sqlite3.connect(bot.data_dir / "waypoint.sqlite3")
    dump = "\n".join(database.iterdump())
    database.close()
    assert not [canary for canary in ALL if canary in dump]
    assert "canary" not in dump  # the command's argument is not kept


def test_every_action_has_its_own_code() -> None:
    from bot.ui import actions

    kinds = (*actions._SIMPLE_TYPES, *actions._WITH_ARGS)
    assert len({kind.CODE for kind in kinds}) == len(kinds)
